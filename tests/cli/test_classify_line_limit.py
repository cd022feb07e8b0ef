"""`clamor classify` reads at most MAX_LINE_BYTES of a line (issue 11, item 18): a longer line
gets an error object in its place, the lines around it are classified, and memory stays flat
however long the line is, even one that never ends (`cat /dev/zero | clamor classify`).

Memory is the child's peak RSS, read by a small parent process of its own (getrusage
RUSAGE_CHILDREN), so no other process this test session started counts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.classify import MAX_LINE_BYTES

# Feeds `clamor classify` a short line, a line of argv[1] bytes, a short line, then argv[2]
# bytes with no newline at all; prints the child's exit status and peak RSS in KiB.
FEEDER = """
import resource, subprocess, sys
long_line, endless = int(sys.argv[1]), int(sys.argv[2])
with open(sys.argv[3], "wb") as out:
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "classify"], stdin=subprocess.PIPE, stdout=out
    )
    block = b"open source the weights " * 4096
    def feed(size, byte=None):
        while size > 0:
            piece = block if byte is None else byte * len(block)
            child.stdin.write(piece[:size])
            size -= len(piece)
    child.stdin.write(b"release the weights please\\n")
    feed(long_line)
    child.stdin.write(b"\\nwhen will they open source sora??\\n")
    feed(endless, b"\\0")
    child.stdin.close()
    child.wait()
print(child.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _classify_in_a_child(tmp_path: Path, long_line: int, endless: int) -> tuple[int, int, list]:
    out = tmp_path / f"out-{long_line}.jsonl"
    result = subprocess.run(
        [sys.executable, "-c", FEEDER, str(long_line), str(endless), str(out)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=600,  # a hang guard only: the bounded run takes seconds
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status, peak_kib = map(int, result.stdout.split())
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return status, peak_kib, lines


def test_long_lines_get_an_error_in_their_place_and_memory_stays_flat(tmp_path: Path) -> None:
    status, baseline_kib, lines = _classify_in_a_child(tmp_path, long_line=10, endless=0)
    assert status == 0
    assert [line["text"] for line in lines] == [
        "release the weights please",
        "open sourc",
        "when will they open source sora??",
    ]

    huge = 200 * 1024 * 1024
    status, peak_kib, lines = _classify_in_a_child(tmp_path, long_line=huge, endless=huge // 4)
    assert status == 1  # finished, with lines reported and skipped
    assert len(lines) == 4  # one output line per input line
    assert lines[0]["text"] == "release the weights please"
    assert lines[1] == {"line": 2, "error": "line 2: longer than 65,536 bytes, not classified"}
    assert lines[2]["text"] == "when will they open source sora??"
    assert lines[2]["request"] is True
    assert lines[3]["line"] == 4
    assert "longer than" in lines[3]["error"]
    # 250 MB went through; a generous bound over the run with short lines only.
    assert peak_kib < baseline_kib + 64 * 1024


@pytest.mark.parametrize(
    ("size", "classified"), [(MAX_LINE_BYTES, True), (MAX_LINE_BYTES + 1, False)]
)
def test_the_limit_is_on_the_line_without_its_newline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], size: int, classified: bool
) -> None:
    source = tmp_path / "input.txt"
    source.write_bytes(b"x" * size + b"\r\nrelease the weights\n")
    assert main(["classify", str(source)]) == (0 if classified else 1)
    out, err = capsys.readouterr()
    first, second = (json.loads(line) for line in out.splitlines())
    assert ("error" not in first) is classified
    assert second["text"] == "release the weights"
    assert err == ("" if classified else f"clamor classify: {first['error']}\n")
