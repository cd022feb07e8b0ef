"""Counted ranges: which message ids' volume is counted, so that imports, live counting, gap
filling and backfill count each id once, in any order and at the same time."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.chat_import import ExportMessage
from bot.ingest import ingest_messages
from bot.store import ChannelMessages, Store
from bot.store.activity import MAX_COUNTED_RANGES
from tests.store.store_factory import BASE_TIME, request

G, CH = 1, 10
T0 = 1_699_999_200
KEY = bytes(range(32))


def counted(
    *ids: int, read: tuple[tuple[int, int], ...] = (), channel: int = CH
) -> ChannelMessages:
    return ChannelMessages(G, channel, tuple((i, T0) for i in ids), read)


async def test_each_id_is_counted_once(store: Store) -> None:
    assert await store.count_messages([counted(101, 102, 102), counted(7, channel=11)]) == 3
    assert await store.count_messages([counted(102, 103)]) == 1
    assert await store.count_messages([counted(101, 102, 103)]) == 0
    assert await store.volume_between(G, 0, T0 * 2) == 4
    assert await store.volume_between(G, 0, T0 * 2, channel_id=11) == 1
    assert await store.counted_ranges(G, CH) == [(100, 103)]  # ids 101-103 touch


async def test_ids_touching_join_into_one_range(store: Store) -> None:
    await store.count_messages([counted(101, 102, 103)])
    assert await store.counted_ranges(G, CH) == [(100, 103)]


async def test_a_range_read_in_full_joins_its_neighbours(store: Store) -> None:
    await store.count_messages([counted(100), counted(300)])
    assert await store.counted_ranges(G, CH) == [(99, 100), (299, 300)]
    await store.count_messages([counted(150, 200, read=((100, 299),))])
    assert await store.counted_ranges(G, CH) == [(99, 300)]
    # Anything in a range read is counted already, whoever gives it again.
    assert await store.count_messages([counted(120, 250, 301)]) == 1
    assert await store.counted_ranges(G, CH) == [(99, 301)]
    assert await store.volume_between(G, 0, T0 * 2) == 5


async def test_older_and_newer_reads_in_any_order(store: Store) -> None:
    newer = [counted(*range(50, 100), read=((49, 99),))]
    older = [counted(*range(1, 50), read=((0, 49),))]
    assert await store.count_messages(newer) == 50
    assert await store.count_messages(older) == 49
    assert await store.count_messages(newer + older) == 0
    assert await store.counted_ranges(G, CH) == [(0, 99)]
    assert await store.volume_between(G, 0, T0 * 2) == 99


async def test_the_cursor_follows_the_newest_id_and_never_moves_back(store: Store) -> None:
    await store.count_messages([counted(500)])
    await store.count_messages([counted(400, read=((300, 400),))])
    assert await store.cursor(G, CH) == 500
    await store.count_messages([ChannelMessages(G, CH, read=((500, 600),))])
    assert await store.cursor(G, CH) == 600


async def test_bad_ranges_and_buckets_are_refused_before_anything_is_written(
    store: Store,
) -> None:
    with pytest.raises(ValueError, match="range"):
        await store.count_messages([counted(5, read=((9, 9),))])
    with pytest.raises(ValueError, match="bucket start"):
        await store.count_messages([counted(5), ChannelMessages(G, CH, ((6, T0 + 5),))])
    assert await store.volume_between(G, 0, T0 * 2) == 0
    assert await store.counted_ranges(G, CH) == []


async def test_a_channel_keeps_a_bounded_number_of_ranges(store: Store) -> None:
    apart = [1000 * n for n in range(1, MAX_COUNTED_RANGES + 11)]
    assert await store.count_messages([counted(*apart)]) == len(apart)
    ranges = await store.counted_ranges(G, CH)
    assert len(ranges) == MAX_COUNTED_RANGES
    # The oldest gaps are the ones taken as counted; the newest ids keep their own ranges.
    assert ranges[0] == (999, 11_000)
    assert ranges[-1] == (apart[-1] - 1, apart[-1])
    assert await store.count_messages([counted(5_000, apart[-1] - 500)]) == 1


async def test_writers_at_once_count_each_id_once(store: Store, db_location: str) -> None:
    ids = list(range(1, 1001))
    others = [await Store.open(db_location) for _ in range(3)]
    try:

        async def write(writer: Store, order: list[int]) -> None:
            for start in range(0, len(order), 50):
                batch = sorted(order[start : start + 50])
                await writer.count_messages([counted(*batch, read=((batch[0] - 1, batch[-1]),))])

        await asyncio.gather(
            write(store, ids), *(write(other, ids) for other in others), write(others[0], ids[::-1])
        )
    finally:
        for other in others:
            await other.close()
    assert await store.volume_between(G, 0, T0 * 2) == 1000
    assert await store.counted_ranges(G, CH) == [(0, 1000)]


async def test_seeding_sets_a_cursor_once(store: Store) -> None:
    assert await store.seed_cursor(G, CH, 1000) is True
    assert await store.seed_cursor(G, CH, 2000) is False
    assert await store.cursor(G, CH) == 1000
    assert await store.counted_ranges(G, CH) == []
    await store.count_messages([counted(1005, 1010, read=((1000, 1010),))])
    assert await store.cursor(G, CH) == 1010


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
    assert await store.counted_ranges(G, CH) == [(299, 305)]
    # A second, overlapping export counts only what is new, and the range grows upwards.
    await ingest_messages(store, [exported(n) for n in (301, 305, 310, 320)], KEY, timezone="UTC")
    assert await store.counted_ranges(G, CH) == [(299, 320)]
    # An older export, newest first, fills in below.
    await ingest_messages(store, [exported(n) for n in (290, 280, 270)], KEY, timezone="UTC")
    assert await store.counted_ranges(G, CH) == [(269, 290), (299, 320)]
    assert await store.volume_between(G, 0, BASE_TIME * 2) == 8


async def test_an_export_out_of_order_counts_every_id_once(store: Store) -> None:
    shuffled = [exported(n) for n in (5, 1, 4, 2, 3, 5, 2)]
    await ingest_messages(store, shuffled, KEY, timezone="UTC")
    assert await store.counted_ranges(G, CH) == [(0, 5)]
    assert await store.volume_between(G, 0, BASE_TIME * 2) == 5


async def test_a_long_export_out_of_order_counts_every_id_once(store: Store) -> None:
    # Longer than a batch and than the ranges a channel keeps: nothing is taken as read before
    # the file ends, so no id of it can fall in a gap joined meanwhile.
    ids = [1000 + 7 * n for n in range(MAX_COUNTED_RANGES * 3)]
    random.Random(7).shuffle(ids)
    await ingest_messages(store, [exported(n) for n in ids], KEY, timezone="UTC")
    assert await store.volume_between(G, 0, BASE_TIME * 10_000) == len(ids)
    assert await store.counted_ranges(G, CH) == [(min(ids) - 1, max(ids))]
