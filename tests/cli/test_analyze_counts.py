"""`clamor analyze --db`: what a run logs and counts, whatever else the database holds."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.cli.test_analyze import GUILD, MESSAGES, export_doc

ROOT = Path(__file__).resolve().parents[2]


def chatter(count: int) -> dict[str, Any]:
    """An export of `count` messages of one channel, a minute apart on 2026-03-14 from 00:00."""
    start = datetime(2026, 3, 14, tzinfo=UTC)
    return export_doc(
        [((start + timedelta(minutes=n)).isoformat(), f"message {n}") for n in range(count)]
    )


def write(path: Path, doc: dict[str, Any], messages: list[Any] | None = None) -> Path:
    if messages is not None:
        doc = {**doc, "messages": messages, "messageCount": len(messages)}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def seen_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        (seen,) = conn.execute("SELECT coalesce(sum(messages), 0) FROM message_volume").fetchone()
    conn.close()
    return int(seen)


pytestmark = pytest.mark.usefixtures("clean_settings")


def test_requests_already_logged_under_another_guild_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    first = tmp_path / "first.json"
    first.write_text(json.dumps(export_doc(MESSAGES)), encoding="utf-8")
    other = export_doc(MESSAGES)  # the same message ids, under another guild
    other["guild"] = {"id": str(GUILD + 1), "name": "Elsewhere", "iconUrl": ""}
    second = tmp_path / "second.json"
    second.write_text(json.dumps(other), encoding="utf-8")
    assert main(["analyze", str(first), "--db", str(db), "--format", "json"]) == 0
    logged = json.loads(capsys.readouterr().out)["totals"]["requests"]
    assert logged > 0

    assert main(["analyze", str(second), "--db", str(db), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["totals"]["requests"] == 0
    assert f"Not logged: {logged} of them" in err
    assert "already logged under another server" in err


def test_messages_seen_do_not_depend_on_the_order_of_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = chatter(40)
    older = write(tmp_path / "a.json", doc, doc["messages"][:20])
    newer = write(tmp_path / "b.json", doc, doc["messages"][20:])
    newest_first = write(tmp_path / "reversed.json", doc, doc["messages"][::-1])
    for name, files in {
        "newer-first.db": [newer, older],
        "older-first.db": [older, newer],
        "reversed.db": [newest_first],
        "again.db": [newer, newest_first, older, newer],
    }.items():
        db = tmp_path / name
        assert main(["analyze", *map(str, files), "--db", str(db), "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["totals"]["seen"] == 40, name
        assert seen_in(db) == 40, name
    # Run by run, into one database: each file again adds nothing.
    db = tmp_path / "runs.db"
    for files in ([newer], [older], [newest_first], [older, newer]):
        assert main(["analyze", *map(str, files), "--db", str(db)]) == 0
        assert seen_in(db) == (20 if files == [newer] else 40)


def test_two_imports_at_once_count_each_message_once(tmp_path: Path) -> None:
    export = write(tmp_path / "same.json", chatter(1500))
    db = tmp_path / "x.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("CLAMOR_TIMEZONE", "CLAMOR_DB", "DISCORD_TOKEN"):
        env.pop(name, None)
    assert main(["analyze", str(write(tmp_path / "first.json", chatter(1))), "--db", str(db)]) == 0
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "analyze", str(export), "--db", str(db)],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    assert seen_in(db) == 1500
