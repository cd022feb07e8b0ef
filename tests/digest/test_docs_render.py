"""tools/render_docs.py: the README's two pictures come out of the sample server, small."""

from __future__ import annotations

from pathlib import Path

from tools.render_docs import write

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_both_pictures_are_written_and_small(tmp_path: Path) -> None:
    written = write(tmp_path)
    assert [path.name for path in written] == ["digest.png", "trend.png"]
    for path in written:
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC)
        assert 10_000 < len(data) < 300_000
