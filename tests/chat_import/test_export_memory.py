"""A big export is read in bounded memory: the ceiling is a few chunks, not the file size."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.chat_import import read_export

TARGET_BYTES = 50 * 1024 * 1024
# Default 1 MiB chunks: a chunk holding an emoji is 4 MiB of text in memory, and while the next one
# is joined to the unconsumed tail two of them are alive. About 8 MiB whatever the file size, so
# the ceiling is a quarter of this file and would fail long before a reader that slurps it.
PEAK_CEILING = 12 * 1024 * 1024


def _write_big_export(path: Path, make_doc: Callable[..., dict[str, Any]]) -> int:
    """Stream a ~50 MB export to disk (never built in memory); returns the message count."""
    head = make_doc([])
    template = make_doc(1)["messages"][0]
    filler = "when are they open-sourcing sora?? olvídense, jamás va a pasar 🎉 " * 48
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({k: v for k, v in head.items() if k != "messages"})[:-1])
        out.write(', "messages": [\n')
        while out.tell() < TARGET_BYTES:
            message = dict(template, id=str(10**17 + count), content=f"{count} {filler}")
            out.write((",\n" if count else "") + json.dumps(message, ensure_ascii=False, indent=2))
            count += 1
        out.write("\n]}\n")
    return count


def test_peak_memory_stays_far_below_the_file_size(
    tmp_path: Path, make_doc: Callable[..., dict[str, Any]]
) -> None:
    path = tmp_path / "big.json"
    written = _write_big_export(path, make_doc)
    size = path.stat().st_size
    assert size >= TARGET_BYTES

    tracemalloc.start()
    try:
        seen = 0
        last_id = 0
        for message in read_export(path):
            seen += 1
            last_id = message.message_id
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (seen, last_id) == (written, 10**17 + written - 1)
    assert peak < PEAK_CEILING
