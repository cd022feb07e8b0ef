"""Members' words never act on the reader's terminal (issue 11, item 6).

A message, a server name or a channel name can hold escape sequences (OSC 52 writes the
clipboard, OSC 0 the window title, CSI 2J clears the screen), C1 controls and bidi overrides.
Whatever prints them (digests, explanations, label and export lines, error lines) shows them as
visible escapes; JSON keeps their value exactly, and so does an export written to a file.
"""

from __future__ import annotations

import asyncio
import json
import os
import pty
import re
import subprocess
import sys
import tty
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import LabelCorrection, Store
from tests.cli.test_analyze import CHANNEL, GUILD, MESSAGES, export_doc

# Clipboard write, window title, clear screen, a bidi override and isolate, 8-bit CSI and OSC.
HOSTILE = "\x1b]52;c;SGVsbG8=\x07\x1b]0;pwned\x07\x1b[2J\u202eevil\u2066 \x9b31m\x9d0;t\x9c"
# What a terminal acts on: C0 controls but tab and newline, DEL, C1, bidi embeddings/overrides.
ACTIVE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_inert(output: str) -> None:
    assert ACTIVE.findall(output) == []


@pytest.fixture(autouse=True)
def _clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("CLAMOR_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAMOR_TIMEZONE", "UTC")


@pytest.fixture
def hostile_export(tmp_path: Path) -> Path:
    doc = export_doc([(when, f"{text} {HOSTILE}") for when, text in MESSAGES])
    doc["guild"]["name"] = f"Lounge{HOSTILE}"
    doc["channel"]["name"] = f"general{HOSTILE}"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("output_format", ["text", "markdown"])
def test_analyze_and_digest_text_show_escapes_visibly(
    hostile_export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    db = tmp_path / "clamor.db"
    assert main(["analyze", str(hostile_export), "--db", str(db), "--format", output_format]) == 0
    out, err = capsys.readouterr()
    assert_inert(out + err)
    assert "Lounge\\u001b]52;c;SGVsbG8=\\u0007" in out
    assert "\\u202eevil" in out
    assert "\\u009b31m" in out

    days = ["--date", "2026-03-14", "--days", "2", "--format", output_format]
    assert main(["digest", "--db", str(db), "--guild", str(GUILD), *days]) == 0
    out, err = capsys.readouterr()
    assert_inert(out + err)
    assert "\\u001b[2J" in out  # the quoted messages


def test_json_digests_escape_them_and_keep_their_value(
    hostile_export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "clamor.db"
    assert main(["analyze", str(hostile_export), "--db", str(db), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert_inert(out + err)
    digest = json.loads(out)
    assert digest["guild_name"] == f"Lounge{HOSTILE}"
    assert [name for name, _ in digest["channels"]] == [f"#general{HOSTILE}"]
    assert all(HOSTILE.split(" ")[0] in example["content"] for example in digest["examples"])

    days = ["--date", "2026-03-14", "--days", "2", "--format", "json"]
    assert main(["digest", "--db", str(db), "--guild", str(GUILD), *days]) == 0
    out, err = capsys.readouterr()
    assert_inert(out + err)
    assert all(HOSTILE.split(" ")[0] in ex["content"] for ex in json.loads(out)["examples"])


def test_classify_json_and_explanations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "input.txt"
    lines = [f"release the weights {HOSTILE}", f"\x1b[2J\x1b[H{HOSTILE} open source it"]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["classify", str(source)]) == 0
    out, err = capsys.readouterr()
    assert_inert(out + err)
    assert [json.loads(line)["text"] for line in out.splitlines()] == lines
    assert main(["classify", "--human", str(source)]) == 0
    out, err = capsys.readouterr()
    assert_inert(out + err)
    assert "release the weights \\u001b]52;c;" in out


def test_label_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "clamor.db"
    text = f"open source it {HOSTILE}"

    async def fill() -> None:
        async with await Store.open(db) as store:
            await store.set_label_correction(
                LabelCorrection(GUILD, 7, CHANNEL, "demand", text, "en", "demand", 1.0)
            )

    asyncio.run(fill())
    assert main(["labels", "export", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert_inert(out + err)
    assert json.loads(out)["text"] == text


def _export_to_a_terminal(db: Path, export_format: str) -> str:
    """`clamor export` with its standard output on a pseudo-terminal (raw: no CRLF mapping)."""
    leader, follower = pty.openpty()
    tty.setraw(follower)
    command = [sys.executable, "-m", "bot", "export", "--db", str(db), "--guild", str(GUILD)]
    command += ["--since", "2026-03-13", "--until", "2026-03-14", "--format", export_format]
    child = subprocess.Popen(command, stdout=follower, stderr=subprocess.PIPE, cwd=db.parent)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    return shown.decode("utf-8")


@pytest.mark.parametrize("export_format", ["csv", "jsonl"])
def test_exports_on_a_terminal_are_inert_and_exact_elsewhere(
    hostile_export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], export_format: str
) -> None:
    db = tmp_path / "clamor.db"
    assert main(["analyze", str(hostile_export), "--db", str(db)]) == 0
    capsys.readouterr()

    shown = _export_to_a_terminal(db, export_format)
    assert shown.count("\\u001b]52;c;SGVsbG8=") == 4  # every request message, visibly
    if export_format == "csv":
        shown = shown.replace("\r\n", "\n")  # CSV's own record ends
    assert_inert(shown)

    # Into a file or a pipe the rows stay exactly as logged.
    period = ["--since", "2026-03-13", "--until", "2026-03-14", "--format", export_format]
    assert main(["export", "--db", str(db), "--guild", str(GUILD), *period]) == 0
    piped, _ = capsys.readouterr()
    if export_format == "jsonl":
        piped = "".join(json.loads(line)["text"] for line in piped.splitlines())
    assert piped.count(HOSTILE) == 4


def test_an_error_line_shows_escapes_visibly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classify", str(tmp_path / f"missing{HOSTILE}.txt")]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1
    assert_inert(err.removesuffix("\n"))
    assert "missing\\u001b]52;c;" in err
