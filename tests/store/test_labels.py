"""Label corrections: migration 2 on a real version-1 file, storing, overlaying, isolation."""

from __future__ import annotations

import math
import sqlite3
from dataclasses import replace
from pathlib import Path

import aiosqlite
import pytest

from bot.store import LABELS, LabelCorrection, Store, StoreError
from bot.store.migrations import LATEST_VERSION, MIGRATIONS, migrate
from tests.store.store_factory import BASE_TIME, request

A, B = 1, 2


def correction(
    message_id: int, label: str, guild_id: int = A, **changes: object
) -> LabelCorrection:
    base = LabelCorrection(
        guild_id=guild_id,
        message_id=message_id,
        channel_id=10,
        label=label,  # type: ignore[arg-type]
        content="please open source the weights",
        language="en",
        original_category="demand",
        corrected_at=BASE_TIME + 1000 + message_id,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def test_a_version_1_database_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    # A file exactly as Clamor 1 left it: schema 1 and rows in it.
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, MIGRATIONS[:1]) == 1
        await db.execute(
            "INSERT INTO guild_settings (guild_id, digest_channel_id, digest_time, timezone) "
            "VALUES (1, 500, '08:30', 'Europe/Madrid')"
        )
        await db.execute(
            "INSERT INTO request_messages (message_id, guild_id, channel_id, author_hash, "
            "created_at, content, language, compound, pos, neu, neg, category) "
            "VALUES (7, 1, 10, 'h', ?, 'open source it', 'en', 0.1, 0.2, 0.8, 0.0, 'demand')",
            (BASE_TIME,),
        )
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.close()

    async with await Store.open(path) as store:
        assert await store.schema_version() == LATEST_VERSION
        kept = await store.get_request(A, 7)
        settings = await store.guild_settings(A, default_time="09:00", default_timezone="UTC")
        assert await store.label_corrections() == []
        await store.set_label_correction(correction(7, "frustration"))
        stored = await store.label_correction(A, 7)
    assert kept is not None
    assert (kept.content, kept.category, kept.created_at) == ("open source it", "demand", BASE_TIME)
    assert (settings.digest_time, settings.timezone, settings.digest_channel_id) == (
        "08:30",
        "Europe/Madrid",
        500,
    )
    assert stored == correction(7, "frustration")


async def test_a_second_correction_replaces_the_first(store: Store) -> None:
    await store.set_label_correction(correction(1, "demand"))
    await store.set_label_correction(correction(1, "not-a-request", corrected_at=BASE_TIME + 9e3))
    assert await store.label_correction(A, 1) == correction(
        1, "not-a-request", corrected_at=BASE_TIME + 9e3
    )
    assert len(await store.label_corrections(A)) == 1


async def test_an_unknown_label_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match=r"(?i)check"):
        await store.set_label_correction(correction(1, "angry"))
    assert await store.label_corrections() == []


@pytest.mark.parametrize("label", LABELS)
async def test_every_label_is_stored(store: Store, label: str) -> None:
    await store.set_label_correction(correction(3, label))
    stored = await store.label_correction(A, 3)
    assert stored is not None
    assert stored.label == label
    assert stored.request is (label != "not-a-request")
    assert stored.category == (None if label == "not-a-request" else label)


async def test_digest_rows_hide_not_a_request_and_take_the_corrected_category(
    store: Store,
) -> None:
    await store.upsert_requests(
        [request(1), request(2), request(3, channel_id=11), request(4, category="optimism")]
    )
    await store.set_label_correction(correction(1, "not-a-request"))
    await store.set_label_correction(correction(3, "defeatism", channel_id=11))

    rows = await store.corrected_requests_between(A, 0, math.inf)
    assert [(r.message_id, r.category) for r in rows] == [
        (2, "demand"),
        (3, "defeatism"),
        (4, "optimism"),
    ]
    # The log itself keeps Clamor's verdict; only the digest view changes.
    assert [r.category for r in await store.requests_between(A, 0, math.inf)] == [
        "demand",
        "demand",
        "demand",
        "optimism",
    ]
    in_channel = await store.corrected_requests_between(A, 0, math.inf, channel_id=11)
    assert [(r.message_id, r.category) for r in in_channel] == [(3, "defeatism")]
    window = await store.corrected_requests_between(A, BASE_TIME + 2, BASE_TIME + 4)
    assert [r.message_id for r in window] == [2, 3]
    assert rows[0] == replace(request(2), category="demand")
    # /clamor status counts what the digests count.
    assert await store.count_counted_requests(A) == 3
    assert await store.count_requests(A) == 4


async def test_rows_that_are_no_requests_after_all_go_unless_a_moderator_relabelled_them(
    store: Store,
) -> None:
    await store.upsert_requests([request(1), request(2), request(3)])
    await store.set_label_correction(correction(2, "demand"))
    assert await store.delete_uncorrected_requests(A, [1, 2, 99]) == 1
    assert [r.message_id for r in await store.requests_between(A, 0, math.inf)] == [2, 3]
    assert await store.delete_uncorrected_requests(B, [3]) == 0  # another guild's id: untouched


async def test_which_messages_were_relabelled(store: Store) -> None:
    await store.set_label_correction(correction(2, "demand"))
    await store.set_label_correction(correction(5, "not-a-request", channel_id=11))
    await store.set_label_correction(correction(7, "optimism", guild_id=B))
    assert await store.corrected_ids_between(A, 10, 1, 5) == {2}  # (after, up to], one channel
    assert await store.corrected_ids_between(A, 11, 0, 5) == {5}
    assert await store.corrected_ids_between(A, 11, 5, 9) == set()
    assert await store.corrected_ids_between(B, 10, 0, 9) == {7}  # each guild its own


async def test_how_clamor_reads_a_relabelled_message_now_is_recorded(store: Store) -> None:
    await store.set_label_correction(correction(2, "demand"))
    await store.set_label_correction(correction(3, "optimism"))
    await store.set_label_correction(correction(2, "demand", guild_id=B))
    # 99 has no correction: nothing to record.
    assert await store.now_read_as(A, {2: "skepticism", 3: None, 99: "demand"}) == 2
    read = {c.message_id: c.original_category for c in await store.label_corrections(A)}
    assert read == {2: "skepticism", 3: None}
    (other,) = await store.label_corrections(B)
    assert other.original_category == correction(2, "demand").original_category


async def test_one_guilds_correction_never_touches_another_guilds_rows(store: Store) -> None:
    await store.upsert_requests([request(1, A), request(2, B)])
    # Guild B labels "message 1" (an id of guild A) and its own message 2.
    await store.set_label_correction(correction(1, "not-a-request", guild_id=B))
    await store.set_label_correction(correction(2, "skepticism", guild_id=B))

    assert [r.message_id for r in await store.corrected_requests_between(A, 0, math.inf)] == [1]
    assert await store.count_counted_requests(A) == 1  # B's label on "message 1" changes nothing
    assert await store.label_correction(A, 1) is None
    rows_b = await store.corrected_requests_between(B, 0, math.inf)
    assert [(r.message_id, r.category) for r in rows_b] == [(2, "skepticism")]
    assert [c.message_id for c in await store.label_corrections(A)] == []
    assert [c.message_id for c in await store.label_corrections(B)] == [1, 2]
    assert len(await store.label_corrections()) == 2

    assert await store.delete_label_corrections(A, [1, 2]) == 0
    assert await store.delete_label_corrections(B, [1]) == 1
    assert [c.message_id for c in await store.label_corrections()] == [2]


async def test_the_streamed_log_is_the_listed_log_a_page_at_a_time(store: Store) -> None:
    # Ties on created_at across page boundaries: the pages must neither skip nor repeat one.
    await store.upsert_requests(
        [request(i, created_at=BASE_TIME + i // 3, channel_id=10 + i % 2) for i in range(1, 12)]
        + [request(50, B)]
    )
    await store.set_label_correction(correction(4, "not-a-request"))
    await store.set_label_correction(correction(5, "optimism"))
    listed = await store.corrected_requests_between(A, BASE_TIME + 1, BASE_TIME + 4)
    assert len(listed) == 8  # ids 3..11 without 4
    for page in (1, 2, 3, 100):
        streamed = [
            row
            async for row in store.stream_corrected_requests_between(
                A, BASE_TIME + 1, BASE_TIME + 4, page=page
            )
        ]
        assert streamed == listed
    assert await store.corrected_request_channels_between(A, 0, math.inf) == {10, 11}
    # Ids 3 and 5 (4 is not a request) are the rows of that second, both in channel 11.
    assert await store.corrected_request_channels_between(A, BASE_TIME + 1, BASE_TIME + 2) == {11}
    assert await store.corrected_request_channels_between(B, 0, BASE_TIME) == set()
    picked = await store.corrected_requests_with_ids(A, 0, math.inf, [9, 4, 5, 50, 99])
    # Not-a-request and other guilds' ids are left out; the correction is laid over.
    assert [(r.message_id, r.category) for r in picked] == [(5, "optimism"), (9, "demand")]
    assert await store.corrected_requests_with_ids(A, 0, math.inf, []) == []
