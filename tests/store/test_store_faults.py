"""Busy, locked, read-only and full databases: retried or refused in one line, never half done."""

from __future__ import annotations

import asyncio
import math
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.store import (
    ChannelMessages,
    LabelCorrection,
    Store,
    StoreError,
    StoreUnavailableError,
)
from bot.store.database import busy_timeout_ms
from bot.store.migrations import LATEST_VERSION, MIGRATIONS, migrate
from bot.store.sqlite import store_error
from tests.e2e.waiting import eventually
from tests.store.faults import (
    disk_full,
    no_transaction_left,
    nobody_holds_the_write_lock,
    write_lock_held,
)
from tests.store.store_factory import BASE_BUCKET, BASE_TIME, request

PATH = "/data/clamor.db"


def sqlite_error(code: int | None, text: str) -> sqlite3.Error:
    error = sqlite3.OperationalError(text)
    if code is not None:
        error.sqlite_errorcode = code
    return error


@pytest.mark.parametrize(
    ("code", "text", "kind", "message"),
    [
        (5, "database is locked", StoreUnavailableError, f"{PATH}: database is locked"),
        (6, "database table is locked", StoreUnavailableError, "database is locked"),
        (
            8,
            "attempt to write a readonly database",
            StoreUnavailableError,
            f"{PATH}: database is read-only (attempt to write a readonly database",
        ),
        (8 | (4 << 8), "readonly database", StoreUnavailableError, "database is read-only"),
        (13, "database or disk is full", StoreUnavailableError, "disk is full"),
        (10 | (3 << 8), "disk I/O error", StoreUnavailableError, f"{PATH}: disk I/O error"),
        (14, "unable to open database file", StoreUnavailableError, "cannot open the database"),
        (19, "CHECK constraint failed", StoreError, f"{PATH}: CHECK constraint failed"),
        (None, "Incorrect number of bindings", StoreError, "Incorrect number of bindings"),
    ],
)
def test_sqlite_errors_become_one_line_store_errors(
    code: int | None, text: str, kind: type[StoreError], message: str
) -> None:
    error = store_error(PATH, sqlite_error(code, f"{text}\nsecond line"))
    assert type(error) is kind
    assert message in str(error)
    assert str(error).startswith(PATH)
    assert "\n" not in str(error)


@pytest.mark.parametrize(("budget", "timeout"), [(9.0, 1000), (0.5, 125), (0.0, 10)])
def test_sqlite_waits_a_slice_of_the_budget_per_attempt(budget: float, timeout: int) -> None:
    assert busy_timeout_ms(budget) == timeout


async def test_a_lock_released_in_time_is_waited_for(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        with write_lock_held(db_path) as other:
            write = asyncio.create_task(store.upsert_request(request(1)))

            async def retried() -> bool:
                return store.busy_retries >= 1

            await eventually(retried, "the Store to find the database locked")
            assert not write.done()
            other.execute("ROLLBACK")
            assert await write is True
        assert await store.count_requests(1) == 1


async def test_a_lock_held_too_long_is_unavailable_then_recovers(db_path: Path) -> None:
    async with await Store.open(db_path, busy_budget=0.3) as store:
        with write_lock_held(db_path):
            with pytest.raises(StoreUnavailableError, match="database is locked") as raised:
                await store.upsert_requests([request(1), request(2)])
            assert str(db_path) in str(raised.value)
            assert store.busy_retries >= 1
            # Readers are not held up by another process's writer (WAL).
            assert await store.count_requests(1) == 0
        assert await store.upsert_requests([request(1), request(2)]) == 2
        assert await store.count_requests(1) == 2


async def test_errors_that_waiting_cannot_fix_are_not_retried(store: Store) -> None:
    with pytest.raises(StoreError, match=r"(?i)check") as raised:
        await store.set_label_correction(
            LabelCorrection(1, 7, 10, "angry", "text", "en", None, BASE_TIME)  # type: ignore[arg-type]
        )
    assert not isinstance(raised.value, StoreUnavailableError)
    assert store.busy_retries == 0


async def test_read_only_refuses_writes_and_keeps_reads(store: Store, db_location: str) -> None:
    await store.upsert_request(request(1))
    await store.set_read_only(True)
    with pytest.raises(StoreUnavailableError, match="database is read-only") as raised:
        await store.upsert_requests([request(2), request(3)])
    assert db_location in str(raised.value)
    with pytest.raises(StoreUnavailableError, match="read-only"):
        await store.count_messages([ChannelMessages(1, 10, ((5, BASE_BUCKET),))])
    with pytest.raises(StoreUnavailableError, match="read-only"):
        await store.opt_out_author(1, "a" * 32, BASE_TIME)
    assert await store.count_requests(1) == 1
    assert await no_transaction_left(db_location)

    await store.set_read_only(False)
    assert await store.upsert_requests([request(2), request(3)]) == 2
    assert await store.count_requests(1) == 3
    assert await store.volume_between(1, 0, math.inf) == 0  # the refused flush left nothing


@pytest.mark.sqlite_only
async def test_a_full_disk_rolls_the_whole_batch_back(store: Store, db_path: Path) -> None:
    await store.upsert_requests([request(n) for n in range(5)])
    big = [request(100 + n, content="open source it " * 200) for n in range(300)]
    async with disk_full(store):
        with pytest.raises(StoreUnavailableError, match="disk is full") as raised:
            await store.upsert_requests(big)
        assert str(db_path) in str(raised.value)
        assert await store.count_requests(1) == 5
        assert nobody_holds_the_write_lock(db_path)
    assert await store.upsert_requests(big) == len(big)
    assert await store.count_requests(1) == 5 + len(big)


@pytest.mark.sqlite_only
async def test_the_store_stays_usable_after_every_kind_of_failure(
    store: Store, db_path: Path
) -> None:
    await store.set_read_only(True)
    with pytest.raises(StoreUnavailableError):
        await store.set_content_mode(1, "drop")
    await store.set_read_only(False)
    async with disk_full(store):
        with pytest.raises(StoreUnavailableError):
            await store.upsert_requests([request(n, content="x" * 4000) for n in range(200)])
    assert await store.set_content_mode(1, "drop") == 0
    assert (await store.privacy_settings(1)).content_mode == "drop"
    assert nobody_holds_the_write_lock(db_path)


async def test_opening_beside_a_writer_needs_no_lock_and_migrating_waits(
    db_path: Path, tmp_path: Path
) -> None:
    async with await Store.open(db_path):
        pass
    with write_lock_held(db_path):
        async with await Store.open(db_path, busy_budget=0.3) as store:
            assert await store.count_requests(1) == 0

    old = tmp_path / "old.db"
    async with aiosqlite.connect(old, isolation_level=None) as db:
        await migrate(db, MIGRATIONS[:2])
    with write_lock_held(old), pytest.raises(StoreUnavailableError, match="locked") as raised:
        await Store.open(old, busy_budget=0.3)
    assert str(old) in str(raised.value)
    async with await Store.open(old) as store:
        assert await store.schema_version() == LATEST_VERSION
