"""TrendQueries: per-day request aggregates with corrections, and per-day volume, for day
boundaries the caller gives."""

from __future__ import annotations

import time

import pytest

from bot.buckets import volume_bucket
from bot.store import LabelCorrection, Store
from bot.store.trends import MAX_DAYS, RequestDay
from tests.store.store_factory import request

T0 = 1_700_000_000.0
HOUR0 = volume_bucket(T0, "UTC")  # the volume bucket holding T0
DAYS = [T0, T0 + 100, T0 + 200, T0 + 300]  # three "days" of 100 s: the lengths are the caller's


def correction(message_id: int, label: str, guild_id: int = 1) -> LabelCorrection:
    return LabelCorrection(
        guild_id=guild_id,
        message_id=message_id,
        channel_id=10,
        label=label,  # type: ignore[arg-type]
        content="",
        language="en",
        original_category="demand",
        corrected_at=time.time(),
    )


async def test_rows_are_summed_per_day_and_category(store: Store) -> None:
    await store.upsert_requests(
        [
            request(1, created_at=T0, compound=0.5),
            request(2, created_at=T0 + 99, compound=-0.25),
            request(3, created_at=T0 + 50, compound=-0.5, category="frustration"),
            request(4, created_at=T0 + 100, compound=0.1),  # a boundary starts the next day
            request(5, created_at=T0 + 250, category=None, compound=0.0),
            request(6, created_at=T0 + 300),  # the end is exclusive
            request(7, created_at=T0 - 1),
        ]
    )
    assert await store.request_days(1, DAYS) == [
        RequestDay(0, "demand", 2, 0.25),
        RequestDay(0, "frustration", 1, -0.5),
        RequestDay(1, "demand", 1, 0.1),
        RequestDay(2, None, 1, 0.0),
    ]


async def test_corrections_drop_or_move_rows(store: Store) -> None:
    await store.upsert_requests([request(n, created_at=T0 + n) for n in range(1, 5)])
    await store.set_label_correction(correction(1, "not-a-request"))
    await store.set_label_correction(correction(2, "defeatism"))
    # Another guild's correction of the same message id never applies here.
    await store.set_label_correction(correction(3, "not-a-request", guild_id=2))
    days = await store.request_days(1, DAYS)
    assert [(d.day, d.category, d.requests) for d in days] == [
        (0, "defeatism", 1),
        (0, "demand", 2),
    ]


@pytest.mark.parametrize(
    ("channel_ids", "expected"),
    [
        (None, 4),
        ({10}, 1),
        ({10, 11}, 3),  # a channel and its thread
        ([12, 12], 1),
        (set(), 0),
        ({99}, 0),
    ],
)
async def test_channel_filter(
    store: Store, channel_ids: set[int] | list[int] | None, expected: int
) -> None:
    channels = [10, 11, 11, 12]
    await store.upsert_requests(
        [request(n, created_at=T0 + n, channel_id=c) for n, c in enumerate(channels, 1)]
    )
    await store.add_volumes([(1, c, HOUR0, 10) for c in channels])
    days = await store.request_days(1, DAYS, channel_ids)
    assert sum(d.requests for d in days) == expected
    hours = [HOUR0, HOUR0 + 3600]  # one day = the hour holding T0
    assert await store.volume_days(1, hours, channel_ids) == [10 * expected]


async def test_a_forum_with_more_threads_than_the_databases_bind_parameters(store: Store) -> None:
    # Both databases stop near 32,000 bound parameters; a big forum's threads are one array.
    threads = set(range(1_000_000, 1_040_000)) | {11}
    await store.upsert_requests(
        [request(1, created_at=T0, channel_id=11), request(2, created_at=T0, channel_id=12)]
    )
    await store.add_volumes([(1, 11, HOUR0, 4), (1, 12, HOUR0, 5)])
    assert sum(d.requests for d in await store.request_days(1, DAYS, threads)) == 1
    assert await store.volume_days(1, [HOUR0, HOUR0 + 3600], threads) == [4]


async def test_other_guilds_never_count(store: Store) -> None:
    await store.upsert_requests([request(1, created_at=T0), request(2, 2, created_at=T0)])
    await store.add_volumes([(1, 10, HOUR0, 3), (2, 10, HOUR0, 9)])
    assert [d.requests for d in await store.request_days(2, DAYS)] == [1]
    assert await store.volume_days(2, [HOUR0, HOUR0 + 3600]) == [9]


async def test_volume_goes_by_the_hour_start(store: Store) -> None:
    hour = 1_700_002_800  # a whole UTC hour
    await store.add_volumes([(1, 10, hour, 3), (1, 11, hour + 3600, 2), (1, 12, hour + 7200, 4)])
    # Bounds between bucket starts (buckets cut in another zone than the days, e.g. written
    # before the guild changed its timezone): a day gets the buckets that start inside it.
    bounds = [hour - 1800, hour + 1800, hour + 5400, hour + 9000]
    assert await store.volume_days(1, bounds) == [3, 2, 4]
    assert await store.volume_days(1, [hour + 1, hour + 3600]) == [0]


@pytest.mark.parametrize(
    "bounds",
    [[], [T0], [T0, T0], [T0 + 10, T0], [T0 + n for n in range(MAX_DAYS + 2)]],
)
async def test_bad_boundaries_are_refused(store: Store, bounds: list[float]) -> None:
    with pytest.raises(ValueError, match="day"):
        await store.request_days(1, bounds)
    with pytest.raises(ValueError, match="day"):
        await store.volume_days(1, bounds)
