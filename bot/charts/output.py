"""Chart files on disk, for the command line: where each guild's chart goes, and a check that
it can be written before a long analysis starts."""

from __future__ import annotations

import os
from pathlib import Path


class ChartPathError(Exception):
    """The chart cannot be written where asked; the message is one line naming the path."""


def chart_paths(path: Path, guild_ids: list[int]) -> dict[int, Path]:
    """`path` for a single guild; `NAME-<guild id>.png` beside it for each of several."""
    if len(guild_ids) <= 1:
        return {guild_id: path for guild_id in guild_ids}
    return {
        guild_id: path.with_name(f"{path.stem}-{guild_id}{path.suffix}") for guild_id in guild_ids
    }


def check_writable(path: Path) -> None:
    """Raise ChartPathError unless a file can be created (or replaced) at `path`."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ChartPathError(f"{path}: is a folder, not a file name")
    if not folder.is_dir():
        raise ChartPathError(f"{path}: no such folder {folder}")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ChartPathError(f"{path}: not writable")


def write_chart(path: Path, png: bytes) -> None:
    try:
        path.write_bytes(png)
    except OSError as exc:
        raise ChartPathError(f"{path}: cannot write ({exc.strerror or exc})") from None
