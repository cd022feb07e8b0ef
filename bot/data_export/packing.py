"""Fitting an export under Discord's attachment limit: plain if it fits, else gzip, else parts.

The packer writes every row twice as it goes, to the plain file and to gzip parts, so one pass
over the database is enough whatever the outcome (compressing a small export costs next to
nothing; a large one needs it anyway). A part is closed before its compressed size could reach
the limit: the size a part would have if closed now is bounded by the bytes already written
plus zlib's worst case for the input it still holds; when that bound gets near the limit a sync
flush makes the written size exact again, and only if the next row still might not fit does a
new part begin. Every part starts with the header row, so each opens on its own in a
spreadsheet, and each is a complete .gz file. Blocking file I/O: run it in a thread.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# gzip's header (10 bytes without a file name) and trailer (8), the final empty deflate block,
# and a margin.
GZIP_OVERHEAD = 64


class ExportTooLargeError(Exception):
    """A single row does not fit under the limit even compressed (only with absurd limits)."""


def deflate_bound(size: int) -> int:
    """The most `size` input bytes can become in deflate (zlib's deflateBound)."""
    return size + (size >> 12) + (size >> 14) + (size >> 25) + 13


@dataclass(frozen=True, slots=True)
class ExportFile:
    path: Path
    name: str  # the name the recipient sees
    size: int


@dataclass(frozen=True, slots=True)
class PackedExport:
    files: tuple[ExportFile, ...]
    rows: int
    plain_size: int  # bytes of the uncompressed export

    @property
    def compressed(self) -> bool:
        return self.files[0].name.endswith(".gz")

    @property
    def parts(self) -> int:
        return len(self.files)


class _GzipPart:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._raw: BinaryIO = path.open("wb")
        self._gzip = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0)
        self._pending = 0  # input bytes given to zlib since the last sync flush
        self.rows = 0

    def worst_size(self, extra: int) -> int:
        """The largest this part could be if `extra` more bytes went in and it closed now."""
        return self._raw.tell() + deflate_bound(self._pending + extra) + GZIP_OVERHEAD

    def write(self, data: bytes) -> None:
        self._gzip.write(data)
        self._pending += len(data)

    def settle(self) -> None:
        """Push out everything zlib holds, so the written size is exact (costs a few bytes)."""
        self._gzip.flush(zlib.Z_SYNC_FLUSH)
        self._pending = 0

    def close(self) -> int:
        self._gzip.close()
        self._raw.close()
        return self.path.stat().st_size


class ExportPacker:
    """Receives the header and then encoded rows; `finish` picks what to send.

    Files go into `folder` (the caller's temporary directory) and are named `<stem>.<ext>`,
    `<stem>.<ext>.gz` or `<stem>-part01-of-03.<ext>.gz`; each is strictly under `limit` bytes.
    """

    def __init__(self, folder: Path, *, header: bytes, extension: str, limit: int, stem: str):
        self._folder = folder
        self._header = header
        self._extension = extension
        self._limit = limit
        self._stem = stem
        self._rows = 0
        self._plain_path = folder / f"{stem}.{extension}"
        self._plain: BinaryIO = self._plain_path.open("wb")
        self._plain.write(header)
        self._closed: list[tuple[Path, int, int]] = []  # (path, size, rows) of full parts
        try:
            self._part = self._new_part()
        except BaseException:
            self._plain.close()
            raise

    def _new_part(self) -> _GzipPart:
        part = _GzipPart(self._folder / f".part-{len(self._closed) + 1:04d}.gz")
        if part.worst_size(len(self._header)) >= self._limit:
            part.close()
            raise ExportTooLargeError(f"a limit of {self._limit} bytes cannot hold a header")
        part.write(self._header)
        return part

    def add(self, row: bytes) -> None:
        self._plain.write(row)
        self._rows += 1
        part = self._part
        if part.worst_size(len(row)) >= self._limit:
            part.settle()
            if part.worst_size(len(row)) >= self._limit and part.rows > 0:
                self._closed.append((part.path, part.close(), part.rows))
                part = self._part = self._new_part()
            if part.worst_size(len(row)) >= self._limit:
                raise ExportTooLargeError(
                    f"one row takes {len(row)} bytes, too many for a {self._limit}-byte limit"
                )
        part.write(row)
        part.rows += 1

    def finish(self) -> PackedExport:
        self._plain.close()
        plain_size = self._plain_path.stat().st_size
        last = self._part
        self._closed.append((last.path, last.close(), last.rows))
        if plain_size < self._limit:
            for path, _, _ in self._closed:
                path.unlink()
            only = ExportFile(self._plain_path, self._plain_path.name, plain_size)
            return PackedExport((only,), self._rows, plain_size)
        self._plain_path.unlink()
        count = len(self._closed)
        files = tuple(
            ExportFile(path, self._part_name(number, count), size)
            for number, (path, size, _) in enumerate(self._closed, start=1)
        )
        return PackedExport(files, self._rows, plain_size)

    def _part_name(self, number: int, count: int) -> str:
        if count == 1:
            return f"{self._stem}.{self._extension}.gz"
        width = max(2, len(str(count)))
        return f"{self._stem}-part{number:0{width}d}-of-{count:0{width}d}.{self._extension}.gz"

    def discard(self) -> None:
        """Close every file after a failure (the caller removes the folder)."""
        self._plain.close()
        self._part.close()
