"""Retention erases text and authors but keeps aggregates; departed guilds go after a grace."""

from __future__ import annotations

import math

import pytest

from bot.store import ChannelMessages, LabelCorrection, RequestRecord, Store
from bot.store import retention as retention_module
from tests.store.store_factory import BASE_BUCKET, BASE_TIME, digest_run, request

A, B, C = 1, 2, 3
DAY = 86_400.0
NOW = BASE_TIME + 400 * DAY


def aged(message_id: int, days: float, guild_id: int = A, **changes: object) -> RequestRecord:
    return request(message_id, guild_id, created_at=NOW - days * DAY, **changes)


def correction(message_id: int, days: float, guild_id: int = A) -> LabelCorrection:
    return LabelCorrection(
        guild_id=guild_id,
        message_id=message_id,
        channel_id=10,
        label="demand",
        content="release the weights",
        language="en",
        original_category=None,
        corrected_at=NOW - days * DAY,
        author_hash="c" * 32,
    )


async def test_rows_past_the_default_retention_lose_text_and_author(store: Store) -> None:
    await store.upsert_requests(
        [aged(1, 200), aged(2, 90.01), aged(3, 89.99), aged(4, 1), aged(5, 91, content="")]
    )
    assert await store.erase_expired(NOW) == {A: 3}

    rows = {r.message_id: r for r in await store.requests_between(A, 0, math.inf)}
    assert sorted(rows) == [1, 2, 3, 4, 5]  # rows stay: the daily aggregates need them
    for erased in (1, 2, 5):
        row = rows[erased]
        assert (row.content, row.cues, row.author_hash) == ("", (), "")
        assert (row.category, row.targets, row.channel_id) == ("demand", ("the weights",), 10)
        assert row.compound == pytest.approx(0.3182)
    for kept in (3, 4):
        assert rows[kept].content == "please open source the weights"
        assert rows[kept].author_hash == "a" * 32

    assert await store.erase_expired(NOW) == {}  # nothing left to erase


async def test_each_guild_has_its_own_retention(store: Store) -> None:
    await store.set_retention_days(A, 7)
    await store.set_retention_days(B, 365)
    await store.upsert_requests(
        [aged(1, 8, A), aged(2, 6, A), aged(11, 100, B), aged(12, 366, B), aged(21, 100, C)]
    )
    assert await store.erase_expired(NOW) == {A: 1, B: 1, C: 1}
    erased = []
    for guild in (A, B, C):
        rows = await store.requests_between(guild, 0, math.inf)
        erased += [r.message_id for r in rows if r.content == ""]
    assert erased == [1, 12, 21]


async def test_label_corrections_past_retention_lose_text_and_author(store: Store) -> None:
    await store.set_label_correction(correction(1, 100))
    await store.set_label_correction(correction(2, 10))
    await store.set_label_correction(correction(3, 100, guild_id=B))  # no request rows in B
    assert await store.erase_expired(NOW) == {A: 1, B: 1}
    old, recent = await store.label_corrections(A)
    assert (old.content, old.author_hash, old.label) == ("", None, "demand")
    assert (recent.content, recent.author_hash) == ("release the weights", "c" * 32)
    assert await store.erase_expired(NOW) == {}


async def test_drop_mode_rows_still_lose_their_author(store: Store) -> None:
    await store.upsert_requests([aged(1, 100), aged(2, 5)])
    await store.set_content_mode(A, "drop")
    assert await store.erase_expired(NOW) == {A: 1}
    authors = [r.author_hash for r in await store.requests_between(A, 0, math.inf)]
    assert authors == ["", "a" * 32]


async def test_large_erasures_go_in_batches(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retention_module, "ERASE_BATCH", 3)
    await store.upsert_requests([aged(n, 100 + n) for n in range(1, 11)] + [aged(99, 1)])
    assert await store.erase_expired(NOW) == {A: 10}
    rows = await store.requests_between(A, 0, math.inf)
    assert [r.message_id for r in rows if r.content] == [99]


async def test_departures_are_remembered_and_cancelled(store: Store) -> None:
    assert await store.departed_guilds() == {}
    await store.mark_guild_left(A, BASE_TIME)
    await store.mark_guild_left(A, BASE_TIME + 500)  # noticed again later: the first time stays
    await store.mark_guild_left(B, BASE_TIME + 100)
    assert await store.departed_guilds() == {A: BASE_TIME, B: BASE_TIME + 100}
    assert await store.mark_guild_present(A) is True
    assert await store.mark_guild_present(A) is False
    assert await store.departed_guilds() == {B: BASE_TIME + 100}


async def test_departed_guilds_are_forgotten_after_the_grace(store: Store) -> None:
    for guild in (A, B, C):
        await store.upsert_request(request(guild * 100, guild))
        await store.set_digest_schedule(guild, 500, "09:00", "UTC")
    await store.mark_guild_left(A, BASE_TIME)
    await store.mark_guild_left(B, BASE_TIME + 10 * DAY)
    grace = 7 * DAY

    assert await store.erase_departed(BASE_TIME + 7 * DAY, grace) == []  # not yet: exactly on time
    assert await store.erase_departed(BASE_TIME + 8 * DAY, grace) == [A]
    assert await store.known_guilds() == [B, C]
    assert await store.departed_guilds() == {B: BASE_TIME + 10 * DAY}
    assert await store.erase_departed(BASE_TIME + 8 * DAY, grace) == []

    await store.mark_guild_present(B)  # came back before its grace ran out
    assert await store.erase_departed(BASE_TIME + 100 * DAY, grace) == []
    assert await store.known_guilds() == [B, C]


async def test_forgetting_a_guild_leaves_nothing_of_it(store: Store) -> None:
    await store.upsert_request(request(1))
    await store.set_label_correction(correction(1, 1))
    await store.set_retention_days(A, 30)
    await store.opt_out_author(A, "d" * 32, BASE_TIME)
    await store.mark_guild_left(A, BASE_TIME)
    await store.count_messages([ChannelMessages(A, 10, ((5, BASE_BUCKET),), ((1, 5),))])
    await store.record_digest_run(digest_run(A, "2024-03-01"))

    await store.forget_guild(A)

    assert await store.label_corrections(A) == []
    assert (await store.privacy_settings(A)).retention_days == 90
    assert await store.opted_out_authors(A) == frozenset()
    assert await store.departed_guilds() == {}
    assert await store.counted_ranges(A, 10) == []
    assert await store.cursor(A, 10) is None
    assert await store.count_requests(A) == 0
