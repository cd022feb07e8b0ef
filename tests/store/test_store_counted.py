"""Counted ranges: which ids' volume is counted, so live, gap filling and backfill never overlap."""

from __future__ import annotations

from bot.exports import ExportMessage
from bot.ingest import ingest_messages
from bot.store import Store
from tests.store.store_factory import BASE_TIME, request

G, CH = 1, 10
T0 = 1_699_999_200
KEY = bytes(range(32))


async def test_a_cursor_alone_starts_an_unknown_range(store: Store) -> None:
    assert await store.counted_range(G, CH) is None
    await store.record_activity([(G, CH, T0, 3)], [(G, CH, 500)])
    assert await store.counted_range(G, CH) == (None, 500)
    # A floor cannot make up a start nobody knows: ids below may have been counted already.
    await store.record_activity([(G, CH, T0, 1)], [(G, CH, 600)], [(G, CH, 501)])
    assert await store.counted_range(G, CH) == (None, 600)


async def test_a_cursor_with_its_floor_starts_a_known_range(store: Store) -> None:
    await store.record_activity(
        [(G, CH, T0, 3)], [(G, CH, 300)], [(G, CH, 200), (G, CH, 100), (G, CH, 250)]
    )
    assert await store.counted_range(G, CH) == (99, 300)
    assert await store.cursor(G, CH) == 300


async def test_live_batches_extend_upwards_and_backfill_downwards(store: Store) -> None:
    await store.record_activity([(G, CH, T0, 2)], [(G, CH, 120)], [(G, CH, 100)])
    # Live: ids above the cursor; the floor is above counted_from and changes nothing.
    await store.record_activity([(G, CH, T0, 2)], [(G, CH, 140)], [(G, CH, 130)])
    assert await store.counted_range(G, CH) == (99, 140)
    # Backfill: ids <= counted_from, then the floor lowers it; the cursor never moves back.
    await store.record_activity([(G, CH, T0 - 3600, 5)], [(G, CH, 99)], [(G, CH, 40)])
    assert await store.counted_range(G, CH) == (39, 140)
    # A floor on its own (no cursor in the call) lowers an existing range too.
    await store.record_activity([(G, CH, T0 - 7200, 1)], [], [(G, CH, 20)])
    assert await store.counted_range(G, CH) == (19, 140)
    assert await store.volume_between(G, 0, T0 * 2) == 10


async def test_a_floor_for_a_channel_without_a_cursor_is_ignored(store: Store) -> None:
    await store.record_activity([(G, CH, T0, 1)], [], [(G, CH, 77)])
    assert await store.counted_range(G, CH) is None
    assert await store.volume_between(G, 0, T0 * 2) == 1


async def test_a_floor_above_the_cursor_claims_nothing_below_it(store: Store) -> None:
    await store.record_activity([], [(G, CH, 50)], [(G, CH, 80)])
    assert await store.counted_range(G, CH) == (50, 50)


async def test_seeding_starts_an_empty_range_once(store: Store) -> None:
    assert await store.seed_cursor(G, CH, 1000) is True
    assert await store.counted_range(G, CH) == (1000, 1000)
    assert await store.seed_cursor(G, CH, 2000) is False
    assert await store.counted_range(G, CH) == (1000, 1000)
    # The live path then counts above it; the range below stays open for a backfill.
    await store.record_activity([(G, CH, T0, 2)], [(G, CH, 1010)], [(G, CH, 1005)])
    assert await store.counted_range(G, CH) == (1000, 1010)
    # An existing cursor is never reseeded.
    await store.record_activity([], [(G, 11, 5)])
    assert await store.seed_cursor(G, 11, 9) is False
    assert await store.counted_range(G, 11) == (None, 5)


async def test_advance_cursor_keeps_the_range_start(store: Store) -> None:
    await store.seed_cursor(G, CH, 100)
    await store.advance_cursor(G, CH, 150)
    assert await store.counted_range(G, CH) == (100, 150)


async def test_logged_message_ids_in_a_range(store: Store) -> None:
    await store.upsert_requests(
        [request(n) for n in (5, 10, 15, 20)] + [request(12, channel_id=11), request(13, 2)]
    )
    assert await store.logged_message_ids(G, CH, 5, 15) == [10, 15]
    assert await store.logged_message_ids(G, CH, 0, 100) == [5, 10, 15, 20]
    assert await store.logged_message_ids(G, CH, 20, 100) == []
    assert await store.logged_message_ids(G, 11, 0, 100) == [12]
    assert await store.logged_message_ids(2, CH, 0, 100) == [13]


def exported(message_id: int, channel_id: int = CH) -> ExportMessage:
    return ExportMessage(
        message_id=message_id,
        guild_id=G,
        guild_name="guild",
        channel_id=channel_id,
        channel_name="general",
        author_id=42,
        author_name="someone",
        author_is_bot=False,
        created_at=BASE_TIME + message_id,
        edited=False,
        kind="Default",
        content="hello there",
    )


async def test_ingest_records_the_range_it_counted(store: Store) -> None:
    await ingest_messages(store, [exported(n) for n in (300, 301, 305)], KEY, timezone="UTC")
    assert await store.counted_range(G, CH) == (299, 305)
    # A second, overlapping export counts only what is new, and the range grows upwards.
    await ingest_messages(store, [exported(n) for n in (301, 305, 310, 320)], KEY, timezone="UTC")
    assert await store.counted_range(G, CH) == (299, 320)
    assert await store.volume_between(G, 0, BASE_TIME * 2) == 5
