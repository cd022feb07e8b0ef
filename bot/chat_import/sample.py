"""The sample export shipped with the package, analysed by `clamor demo`."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from bot.chat_import.records import ExportError


def sample_export_paths() -> list[Path]:
    """The shipped DiscordChatExporter files, one per channel of the sample guild, sorted."""
    folder = files("bot") / "data" / "sample"
    # Wheels and editable installs both unpack package data to real files, so a plain Path is
    # all `read_export` needs.
    paths = sorted(
        Path(str(entry))
        for entry in (folder.iterdir() if folder.is_dir() else ())
        if entry.name.endswith(".json") and entry.is_file()
    )
    if not paths:
        raise ExportError.at(
            str(folder), "no sample export found; the package data was not installed"
        )
    return paths
