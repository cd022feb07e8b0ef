"""`clamor analyze --db` honours the Store's cap on a guild's terms (issue 11, item 20)."""

import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import MAX_TERMS_PER_KIND
from tests.cli.test_analyze import GUILD, export_doc

IN_CAP = "kw 000"  # the first keyword in alphabetical order: within the cap
PAST_CAP = "zz past the cap"  # the last one: past it


pytestmark = pytest.mark.usefixtures("clean_settings")


def test_analyze_uses_at_most_the_cap_of_a_database_from_before_it(tmp_path: Path) -> None:
    db = tmp_path / "older.db"
    first = tmp_path / "first.json"
    first.write_text(json.dumps(export_doc([("2026-03-13T10:00:00+00:00", "hello")])))
    assert main(["analyze", str(first), "--db", str(db)]) == 0
    # A Clamor from before the cap let a moderator add more keywords than it allows now.
    keywords = [f"kw {number:03d}" for number in range(MAX_TERMS_PER_KIND)] + [PAST_CAP]
    with sqlite3.connect(db) as conn:
        conn.executemany(
            "INSERT INTO guild_terms (guild_id, kind, term) VALUES (?, 'keyword', ?)",
            [(GUILD, keyword) for keyword in keywords],
        )
    doc = export_doc(
        [
            ("2026-03-14T09:00:00+00:00", "ok"),
            ("2026-03-14T10:00:00+00:00", f"honestly {IN_CAP} again today"),
            ("2026-03-14T11:00:00+00:00", f"honestly {PAST_CAP} again today"),
        ]
    )
    for message in doc["messages"]:
        message["id"] = str(int(message["id"]) + 100)  # not the ids of the first export
    second = tmp_path / "second.json"
    second.write_text(json.dumps(doc))
    assert main(["analyze", str(second), "--db", str(db)]) == 0
    with sqlite3.connect(db) as conn:
        logged = {row[0] for row in conn.execute("SELECT message_id FROM request_messages")}
        kept = conn.execute("SELECT COUNT(*) FROM guild_terms").fetchone()[0]
    assert logged == {1_000_102}  # the message with the keyword within the cap
    assert kept == MAX_TERMS_PER_KIND + 1  # nothing a moderator added is lost
