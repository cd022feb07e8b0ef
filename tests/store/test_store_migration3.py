"""Migration 3 on a real version-2 file: rows survive, new columns start unknown."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import aiosqlite

from bot.store import PrivacySettings, Store
from bot.store.migrations import LATEST_VERSION, MIGRATIONS, migrate
from tests.store.store_factory import BASE_TIME

DAY = 86_400.0


async def version_2_file(path: Path) -> None:
    """A file exactly as Clamor left it at schema 2, with a row in every table that matters."""
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, MIGRATIONS[:2]) == 2
        for statement in (
            "INSERT INTO guild_settings (guild_id, digest_channel_id) VALUES (1, 500)",
            "INSERT INTO request_messages (message_id, guild_id, channel_id, author_hash, "
            "created_at, content, language, compound, pos, neu, neg, category) VALUES "
            f"(7, 1, 10, 'h7', {BASE_TIME}, 'open source it', 'en', 0.1, 0.2, 0.8, 0, 'demand')",
            "INSERT INTO channel_cursors (guild_id, channel_id, last_message_id) VALUES (1, 10, 7)",
            "INSERT INTO message_volume (guild_id, hour, channel_id, messages) "
            "VALUES (1, 3600, 10, 4)",
            "INSERT INTO label_corrections (guild_id, message_id, channel_id, label, content, "
            f"language, original_category, corrected_at) VALUES (1, 7, 10, 'frustration', "
            f"'open source it', 'en', 'demand', {BASE_TIME})",
        ):
            await db.execute(statement)


async def test_a_version_2_database_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    await version_2_file(path)

    async with await Store.open(path) as store:
        assert await store.schema_version() == LATEST_VERSION >= 3
        row = await store.get_request(1, 7)
        assert row is not None
        assert (row.content, row.author_hash, row.category) == ("open source it", "h7", "demand")
        assert await store.volume_between(1, 0, math.inf) == 4
        # Where counting started is not known for a cursor from before version 3: all
        # below it counts as counted.
        assert await store.counted_ranges(1, 10) == [(0, 7)]
        (corrected,) = await store.label_corrections(1)
        assert (corrected.label, corrected.content, corrected.author_hash) == (
            "frustration",
            "open source it",
            None,
        )
        assert await store.privacy_settings(1) == PrivacySettings(1)
        assert await store.opted_out_authors(1) == frozenset()
        assert await store.departed_guilds() == {}

        # The old rows take part in everything new.
        assert await store.logged_message_ids(1, 10, 0, 10) == [7]
        assert await store.erase_expired(BASE_TIME + 91 * DAY) == {1: 2}
        erased = await store.get_request(1, 7)
        assert erased is not None
        assert (erased.content, erased.author_hash) == ("", "")


async def test_migration_3_adds_its_tables_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    await version_2_file(path)
    async with await Store.open(path):
        pass
    with sqlite3.connect(path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
        cursor_columns = {row[1] for row in db.execute("PRAGMA table_info(channel_cursors)")}
        correction_columns = {row[1] for row in db.execute("PRAGMA table_info(label_corrections)")}
        (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
    db.close()
    assert {"guild_privacy", "opted_out_authors", "departed_guilds"} <= tables
    assert {"request_messages_by_author", "request_messages_by_channel"} <= tables
    assert "counted_from" in cursor_columns
    assert "author_hash" in correction_columns
    assert integrity == "ok"
