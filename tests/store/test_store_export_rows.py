"""ExportQueries on a real SQLite file: keyset pages, period bounds, corrections, isolation."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot.store import LabelCorrection, Store
from bot.store.export_rows import PAGE_QUERY, ExportRow
from tests.store.store_factory import BASE_TIME, request

GUILD = 1
OTHER_GUILD = 2


async def everything(store: Store, guild_id: int, page_size: int) -> list[ExportRow]:
    found: list[ExportRow] = []
    async for page in store.export_pages(guild_id, 0.0, BASE_TIME * 2, page_size=page_size):
        assert 0 < len(page) <= page_size
        found.extend(page)
    return found


def correction(message_id: int, label: str, guild_id: int = GUILD) -> LabelCorrection:
    return LabelCorrection(
        guild_id=guild_id,
        message_id=message_id,
        channel_id=10,
        label=label,  # type: ignore[arg-type]
        content="",
        language="en",
        original_category="demand",
        corrected_at=BASE_TIME,
    )


@pytest.mark.parametrize("page_size", [1, 2, 3, 500])
async def test_pages_cover_equal_timestamps_once_each_in_order(
    store: Store, page_size: int
) -> None:
    # Five messages in the same second, written out of order, then two later ones.
    same = BASE_TIME + 100
    ids = [55, 51, 54, 52, 53]
    await store.upsert_requests(request(i, created_at=same) for i in ids)
    await store.upsert_requests(
        [request(60, created_at=same + 1), request(40, created_at=same + 2)]
    )
    rows = await everything(store, GUILD, page_size)
    assert [row.message_id for row in rows] == [51, 52, 53, 54, 55, 60, 40]


async def test_a_page_starts_after_the_cursor(store: Store) -> None:
    await store.upsert_requests(request(i, created_at=BASE_TIME) for i in (1, 2, 3, 4))
    first = await store.export_page(GUILD, 0.0, BASE_TIME + 1, limit=2)
    second = await store.export_page(GUILD, 0.0, BASE_TIME + 1, after=first[-1].cursor, limit=2)
    third = await store.export_page(GUILD, 0.0, BASE_TIME + 1, after=second[-1].cursor, limit=2)
    assert [[row.message_id for row in page] for page in (first, second, third)] == [
        [1, 2],
        [3, 4],
        [],
    ]
    with pytest.raises(ValueError, match="at least one row"):
        await store.export_page(GUILD, 0.0, 1.0, limit=0)


async def test_only_the_period_start_inclusive_end_exclusive(store: Store) -> None:
    await store.upsert_requests(request(i) for i in range(10))  # at BASE_TIME + i
    start, end = BASE_TIME + 3, BASE_TIME + 7
    found = [row async for page in store.export_pages(GUILD, start, end) for row in page]
    assert [row.message_id for row in found] == [3, 4, 5, 6]


async def test_rows_written_between_pages_are_never_repeated_or_skipped_before_the_cursor(
    store: Store,
) -> None:
    await store.upsert_requests(request(i) for i in (10, 20, 30, 40))
    pages = store.export_pages(GUILD, 0.0, BASE_TIME * 2, page_size=2)
    first = await anext(pages)
    # The bot logs a message that sorts before the cursor and one after it, mid-export.
    await store.upsert_requests([request(15), request(35)])
    rest = [row async for page in pages for row in page]
    assert [row.message_id for row in first + rest] == [10, 20, 30, 35, 40]


async def test_corrections_lie_over_the_logged_category(store: Store) -> None:
    await store.upsert_requests(
        [request(1), request(2), request(3), request(4, category="frustration")]
    )
    await store.set_label_correction(correction(2, "defeatism"))
    await store.set_label_correction(correction(3, "not-a-request"))
    # Another guild's correction of the same id must never reach this guild's row.
    await store.set_label_correction(correction(4, "optimism", guild_id=OTHER_GUILD))
    rows = {row.message_id: row for row in await everything(store, GUILD, 500)}
    assert {
        message_id: (row.clamor_category, row.label, row.category, row.corrected)
        for message_id, row in rows.items()
    } == {
        1: ("demand", None, "demand", False),
        2: ("demand", "defeatism", "defeatism", True),
        3: ("demand", "not-a-request", "not-a-request", True),  # kept, marked, not hidden
        4: ("frustration", None, "frustration", False),
    }


async def test_a_message_logged_by_a_relabel_keeps_clamors_own_verdict(store: Store) -> None:
    # `/clamor-mod relabel` logs a message Clamor passed over under the moderator's label.
    await store.upsert_requests([request(1, category="optimism"), request(2, category="demand")])
    passed_over = replace(correction(1, "optimism"), original_category=None)
    await store.set_label_correction(passed_over)
    await store.set_label_correction(correction(2, "demand"))  # a moderator agreed with Clamor
    rows = await everything(store, GUILD, 10)
    assert [(row.clamor_category, row.category, row.corrected) for row in rows] == [
        (None, "optimism", True),
        ("demand", "demand", True),
    ]


async def test_a_row_carries_what_was_logged(store: Store) -> None:
    logged = request(
        7,
        content="olvídense 🙃, jamás\nva a pasar",
        language="es",
        targets=("openai", "sora"),
        alternatives=("mistral",),
        edited=True,
    )
    await store.upsert_request(logged)
    [row] = await everything(store, GUILD, 10)
    assert row == ExportRow(
        message_id=7,
        guild_id=GUILD,
        channel_id=logged.channel_id,
        created_at=logged.created_at,
        content=logged.content,
        language="es",
        compound=logged.compound,
        pos=logged.pos,
        neu=logged.neu,
        neg=logged.neg,
        clamor_category="demand",
        label=None,
        targets=("openai", "sora"),
        alternatives=("mistral",),
        edited=True,
    )
    assert not hasattr(row, "author_hash")


async def test_one_guild_never_sees_another(store: Store) -> None:
    await store.upsert_requests([request(1), request(2, guild_id=OTHER_GUILD)])
    assert [row.message_id for row in await everything(store, GUILD, 10)] == [1]
    assert [row.message_id for row in await everything(store, OTHER_GUILD, 10)] == [2]
    assert await everything(store, 3, 10) == []


async def test_known_guilds(store: Store) -> None:
    assert not await store.knows_guild(GUILD)
    await store.upsert_request(request(1))
    await store.set_retention_days(OTHER_GUILD, 30)
    assert await store.knows_guild(GUILD)
    assert await store.knows_guild(OTHER_GUILD)
    assert not await store.knows_guild(3)


@pytest.mark.sqlite_only
async def test_a_page_is_one_index_range_scan(store: Store, db_path: Path) -> None:
    await store.upsert_requests(request(i) for i in range(50))
    with sqlite3.connect(db_path) as db:
        db.execute("ANALYZE")
        plan = " / ".join(
            str(step[3])
            for step in db.execute("EXPLAIN QUERY PLAN " + PAGE_QUERY, (1, 0, 9, 0, -1, 5))
        )
    db.close()
    assert "USING INDEX request_messages_by_guild_time (guild_id=? AND created_at>" in plan
    assert "TEMP B-TREE" not in plan  # already in order: nothing is sorted in memory


async def test_the_request_a_reply_answers_is_kept_and_exported(store: Store) -> None:
    reply = replace(request(2), replies_to=1)
    await store.upsert_requests([request(1), reply])
    stored = await store.get_request(GUILD, 2)
    assert stored is not None
    assert stored.replies_to == 1
    rows = {row.message_id: row.replies_to for row in await everything(store, GUILD, 500)}
    assert rows == {1: None, 2: 1}
    # A later write of the same message without a context says it answers nothing now.
    await store.upsert_requests([request(2)])
    again = await store.get_request(GUILD, 2)
    assert again is not None
    assert again.replies_to is None
