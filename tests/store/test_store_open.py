"""Opening, migrating, refusing and closing database files."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import aiosqlite
import pytest

from bot.store import Store, StoreError
from bot.store.migrations import LATEST_VERSION, MIGRATIONS, migrate
from tests.store.store_factory import request

OUR_TABLES = {
    "guild_settings",
    "channel_rules",
    "guild_terms",
    "request_messages",
    "message_volume",
    "channel_cursors",
    "digest_runs",
}


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    db.close()
    return {name for (name,) in rows}


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        (version,) = db.execute("PRAGMA user_version").fetchone()
    db.close()
    return int(version)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_empty_database_reaches_latest_version(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        assert await store.schema_version() == LATEST_VERSION == len(MIGRATIONS)
    assert tables(db_path) >= OUR_TABLES
    assert user_version(db_path) == LATEST_VERSION


async def test_parent_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "clamor.db"
    async with await Store.open(str(path)) as store:
        assert store.path == str(path)
    assert path.is_file()


async def test_missing_database_is_an_error_when_not_creating(db_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database") as raised:
        await Store.open(db_path, create=False)
    assert str(db_path) in str(raised.value)
    assert not db_path.parent.exists()
    async with await Store.open(db_path):
        pass
    async with await Store.open(db_path, create=False) as store:
        assert await store.schema_version() == LATEST_VERSION


async def test_memory_database_works() -> None:
    async with await Store.open(":memory:") as store:
        assert await store.schema_version() == LATEST_VERSION
        await store.upsert_request(request(1))
        assert await store.count_requests(1) == 1


async def test_version_zero_database_with_unrelated_table_migrates(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
        db.execute("INSERT INTO notes VALUES ('kept')")
    db.close()

    async with await Store.open(db_path) as store:
        assert await store.schema_version() == LATEST_VERSION

    assert tables(db_path) >= OUR_TABLES | {"notes"}
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT body FROM notes").fetchall() == [("kept",)]
    db.close()


STEP_ONE = ("CREATE TABLE a (x INTEGER)", "INSERT INTO a VALUES (1)")
STEP_TWO = ("CREATE TABLE b (y INTEGER)", "INSERT INTO a VALUES (2)")
BROKEN_STEP = ("CREATE TABLE c (z INTEGER)", "INSERT INTO no_such_table VALUES (1)")


async def test_migrate_applies_only_the_missing_steps(tmp_path: Path) -> None:
    path = tmp_path / "steps.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, [STEP_ONE]) == 1
        assert await migrate(db, [STEP_ONE, STEP_TWO]) == 2
        # Running again is a no-op: step one's INSERT must not run twice.
        assert await migrate(db, [STEP_ONE, STEP_TWO]) == 2
        rows = await db.execute_fetchall("SELECT x FROM a ORDER BY x")
    assert [row[0] for row in rows] == [1, 2]


async def test_failing_migration_rolls_back_alone(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
            await migrate(db, [STEP_ONE, BROKEN_STEP])
        assert not db.in_transaction
    assert user_version(path) == 1
    assert tables(path) == {"a"}  # step two's CREATE TABLE c was rolled back with it


async def test_newer_database_is_refused(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.upsert_request(request(1))
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    db.close()

    with pytest.raises(StoreError, match="newer Clamor") as raised:
        await Store.open(db_path)
    message = str(raised.value)
    assert str(db_path) in message
    assert "\n" not in message
    assert user_version(db_path) == LATEST_VERSION + 1  # left as it was


async def test_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    text = "this is a shopping list, not a database\n" * 50
    path.write_text(text)

    with pytest.raises(StoreError, match="not a SQLite database") as raised:
        await Store.open(path)
    assert str(path) in str(raised.value)
    assert path.read_text() == text


@pytest.mark.parametrize("kind", ["directory", "parent is a file"])
async def test_path_that_cannot_be_opened_is_refused(tmp_path: Path, kind: str) -> None:
    if kind == "directory":
        path = tmp_path / "folder.db"
        path.mkdir()
    else:
        (tmp_path / "plain").write_text("x")
        path = tmp_path / "plain" / "clamor.db"

    with pytest.raises(StoreError) as raised:
        await Store.open(path)
    assert str(path) in str(raised.value)


@pytest.mark.sqlite_only
async def test_wal_foreign_keys_and_busy_timeout_are_set(store: Store) -> None:
    settings = await store.diagnostics()
    assert settings["journal_mode"] == "wal"
    assert settings["foreign_keys"] == 1
    assert int(settings["busy_timeout"]) >= 1000
    assert int(settings["secure_delete"]) == 1
    assert settings["synchronous"] == 1  # NORMAL


async def test_database_files_are_private(db_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        async with await Store.open(db_path) as store:
            await store.upsert_request(request(1))
            # SQLite gives the write-ahead log the database file's mode.
            assert mode(Path(f"{db_path}-wal")) == 0o600
    finally:
        os.umask(old_umask)
    assert mode(db_path) == 0o600


async def test_reopening_keeps_data(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.upsert_request(request(7, content="release the weights"))
        await store.add_term(1, "target", "Sora")
    async with await Store.open(db_path) as store:
        saved = await store.get_request(1, 7)
        assert saved is not None
        assert saved.content == "release the weights"
        assert (await store.list_terms(1))["target"] == ["sora"]
        assert await store.schema_version() == LATEST_VERSION


async def test_closed_store_refuses_work_and_closes_twice(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.close()
    await store.close()
    with pytest.raises(StoreError, match="closed"):
        await store.count_requests(1)
