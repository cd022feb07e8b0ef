"""Fitting exports under an attachment limit: plain, gzip, or gzip parts each under the limit."""

from __future__ import annotations

import csv
import gzip
import io
import os
import random
import tracemalloc
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.data_export import (
    CsvEncoder,
    ExportContext,
    ExportPacker,
    ExportTooLargeError,
    PackedExport,
    export_record,
    pack_export,
)
from bot.data_export.packing import deflate_bound
from bot.store.export_rows import ExportRow
from tests.data_export.rows import export_row

CONTEXT = ExportContext("UTC")
STEM = "clamor-export-1-2026-03-01-to-2026-03-14"


def rows(count: int, *, seed: int = 7, length: int = 120) -> list[ExportRow]:
    """Rows whose text is random (barely compressible) so parts really fill up."""
    chance = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyzñé🙂, \n\"'=-"
    return [
        export_row(
            message_id=1000 + index,
            created_at=1773500000.0 + index,
            content="".join(chance.choices(alphabet, k=length)),
        )
        for index in range(count)
    ]


def pack(folder: Path, items: Sequence[ExportRow], limit: int) -> tuple[PackedExport, bytes]:
    """Pack `items`; also return the plain bytes they make, to compare with."""
    encoder = CsvEncoder()
    packer = ExportPacker(folder, header=encoder.header(), extension="csv", limit=limit, stem=STEM)
    encoded = [encoder.encode(export_record(row, CONTEXT)) for row in items]
    for line in encoded:
        packer.add(line)
    return packer.finish(), encoder.header() + b"".join(encoded)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_an_export_under_the_limit_is_sent_plain(tmp_path: Path) -> None:
    packed, plain = pack(tmp_path, rows(5), limit=10 * 1024 * 1024)
    [only] = packed.files
    assert (only.name, only.size, packed.rows, packed.parts) == (
        f"{STEM}.csv",
        len(plain),
        5,
        1,
    )
    assert not packed.compressed
    assert only.path.read_bytes() == plain
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{STEM}.csv"]  # no parts left over


def test_an_export_over_the_limit_is_gzipped_whole_when_that_fits(tmp_path: Path) -> None:
    repetitive = [export_row(message_id=n, content="open source it " * 20) for n in range(200)]
    packed, plain = pack(tmp_path, repetitive, limit=len(CsvEncoder().header()) + 8000)
    [only] = packed.files
    assert len(plain) > 8000 * 4  # far over the limit uncompressed
    assert only.name == f"{STEM}.csv.gz"
    assert packed.compressed
    assert only.size == only.path.stat().st_size < 8000 + len(CsvEncoder().header())
    assert gzip.decompress(only.path.read_bytes()) == plain
    assert packed.plain_size == len(plain)
    assert sorted(p.name for p in tmp_path.iterdir()) == [only.path.name]


@pytest.mark.parametrize("limit", [2_000, 4_096, 20_000])
def test_a_large_export_splits_into_parts_each_under_the_limit(tmp_path: Path, limit: int) -> None:
    items = rows(400)
    packed, plain = pack(tmp_path, items, limit=limit)
    assert packed.parts > 2
    assert packed.rows == 400
    width = max(2, len(str(packed.parts)))
    assert [f.name for f in packed.files] == [
        f"{STEM}-part{n:0{width}d}-of-{packed.parts:0{width}d}.csv.gz"
        for n in range(1, packed.parts + 1)
    ]
    header, *expected = csv_rows(plain)
    seen: list[list[str]] = []
    for part in packed.files:
        data = part.path.read_bytes()
        assert part.size == len(data) < limit
        part_header, *part_rows = csv_rows(gzip.decompress(data))  # each opens on its own
        assert part_header == header
        assert part_rows
        seen.extend(part_rows)
    assert seen == expected  # every row once, in order
    # Parts are filled, not merely cut small: all but the last use most of the limit.
    assert all(part.size > limit * 0.6 for part in packed.files[:-1])


def test_the_bound_never_undercounts_incompressible_data() -> None:
    data = random.Random(3).randbytes(50_000)
    assert len(gzip.compress(data)) <= deflate_bound(len(data)) + 64


def test_a_row_that_cannot_fit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportTooLargeError, match="one row"):
        pack(tmp_path, rows(1, length=3000), limit=1_000)


def test_a_limit_too_small_for_the_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportTooLargeError, match="header"):
        ExportPacker(tmp_path, header=b"x" * 100, extension="csv", limit=120, stem=STEM)


async def test_pack_export_reads_every_page_and_writes_the_same_bytes(tmp_path: Path) -> None:
    items = rows(25)

    async def pages() -> AsyncIterator[list[ExportRow]]:
        for start in range(0, len(items), 10):
            yield items[start : start + 10]

    packed = await pack_export(
        pages(), export_format="csv", context=CONTEXT, folder=tmp_path, limit=1 << 20, stem=STEM
    )
    [only] = packed.files
    encoder = CsvEncoder()
    assert only.path.read_bytes() == encoder.header() + b"".join(
        encoder.encode(export_record(row, CONTEXT)) for row in items
    )
    assert packed.rows == 25


async def test_pack_export_closes_its_files_when_the_pages_fail(tmp_path: Path) -> None:
    async def failing() -> AsyncIterator[list[ExportRow]]:
        yield rows(3)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away") as failure:
        await pack_export(
            failing(),
            export_format="jsonl",
            context=CONTEXT,
            folder=tmp_path,
            limit=4096,
            stem=STEM,
        )
    # The traceback keeps the packer alive: only closing them explicitly frees the files.
    assert failure.traceback
    assert open_files_under(tmp_path) == []


def open_files_under(folder: Path) -> list[str]:
    """Files in `folder` this process still has open (Linux: /proc/self/fd)."""
    descriptors = Path("/proc/self/fd")
    if not descriptors.is_dir():
        pytest.skip("needs /proc to see open files")
    found = []
    for entry in descriptors.iterdir():
        try:
            target = os.readlink(entry)
        except OSError:
            continue  # closed while we looked
        if target.startswith(str(folder)):
            found.append(target)
    return found


async def test_memory_stays_flat_however_long_the_export(tmp_path: Path) -> None:
    """6,000 rows (about 4 MB of CSV) pass through with about one page in memory at a time."""

    async def pages() -> AsyncIterator[list[ExportRow]]:
        for start in range(0, 6_000, 250):
            yield [
                export_row(message_id=n, created_at=1773500000.0 + n, content=f"{n} " * 120)
                for n in range(start, start + 250)
            ]

    tracemalloc.start()
    try:
        packed = await pack_export(
            pages(), export_format="csv", context=CONTEXT, folder=tmp_path, limit=1 << 20, stem=STEM
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert packed.rows == 6_000
    assert packed.plain_size > 3_500_000
    assert peak < 1_500_000  # the whole export would be over 3.5 MB
