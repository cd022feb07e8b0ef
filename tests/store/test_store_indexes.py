"""Migration 6: the guild/time index covers a day's aggregate, so trends read only the index.

Plans are read without ANALYZE, as the bot runs: SQLite must pick the index from the query
alone. What the index buys in time is measured in bench/digest_scale.py, not asserted here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot.store import LabelCorrection, Store
from bot.store.labels import CORRECTED_LOG
from bot.store.migrations import LATEST_VERSION, MIGRATIONS, migrate
from bot.store.trends import request_days_query
from tests.store.store_factory import BASE_TIME, request

DAY = 86_400.0
COVERED = ["guild_id", "created_at", "message_id", "category", "compound", "channel_id"]


def plan_of(path: Path, sql: str, params: list[object]) -> str:
    with sqlite3.connect(path) as db:
        steps = db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    db.close()
    return " / ".join(str(step[3]) for step in steps)


def index_columns(path: Path, name: str) -> list[str]:
    with sqlite3.connect(path) as db:
        columns = [row[2] for row in db.execute(f"PRAGMA index_info({name})")]
    db.close()
    return columns


@pytest.mark.sqlite_only
async def test_a_trend_reads_each_day_from_the_covering_index(store: Store, db_path: Path) -> None:
    await store.upsert_requests(
        request(i, created_at=BASE_TIME + i * 3600, channel_id=10 + i % 3) for i in range(200)
    )
    starts = [BASE_TIME + day * DAY for day in range(8)]
    for channels in (None, {10, 11}):
        plan = plan_of(db_path, *request_days_query(1, starts, channels))
        assert (
            "SEARCH r USING COVERING INDEX request_messages_by_guild_time "
            "(guild_id=? AND created_at>? AND created_at<?)" in plan
        ), plan
        assert "SCAN r" not in plan  # never a walk over the whole log


@pytest.mark.sqlite_only
async def test_the_digest_rows_come_by_guild_and_time(store: Store, db_path: Path) -> None:
    await store.upsert_requests(request(i, created_at=BASE_TIME + i) for i in range(50))
    ordered = CORRECTED_LOG + " ORDER BY r.created_at, r.message_id"  # as the Store asks
    plan = plan_of(db_path, ordered, [1, BASE_TIME, BASE_TIME + DAY])
    assert "USING INDEX request_messages_by_guild_time (guild_id=? AND created_at>?" in plan, plan
    assert "TEMP B-TREE" not in plan  # the index gives the order: nothing sorted in memory


async def test_version_5_file_gets_the_wider_index_and_keeps_its_answers(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, MIGRATIONS[:5]) == 5
    assert index_columns(path, "request_messages_by_guild_time") == ["guild_id", "created_at"]
    async with await Store.open(path) as store:
        # Rows written at version 5 are read back through the replaced index after migrating.
        assert await store.schema_version() == LATEST_VERSION >= 6
        await store.upsert_requests(
            [request(1, created_at=BASE_TIME), request(2, created_at=BASE_TIME + DAY)]
        )
        await store.set_label_correction(
            LabelCorrection(1, 2, 10, "frustration", "", "en", "demand", BASE_TIME)
        )
        days = await store.request_days(1, [BASE_TIME, BASE_TIME + DAY, BASE_TIME + 2 * DAY])
        assert [(d.day, d.category, d.requests) for d in days] == [
            (0, "demand", 1),
            (1, "frustration", 1),
        ]
    assert index_columns(path, "request_messages_by_guild_time") == COVERED
