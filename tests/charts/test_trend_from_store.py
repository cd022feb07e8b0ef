"""trend_from_store on a real SQLite file: local days cut in the guild's zone (DST and
half-hour offsets), moderators' corrections, one channel and its threads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.digest.contents import Period
from bot.store import LabelCorrection, Store
from bot.trends import trend_from_store
from tests.store.store_factory import request


def utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


# (zone, instant in UTC, local day it belongs to)
LOCAL_DAY_CASES = [
    # Madrid, spring forward on 2026-03-29 (a 23-hour day starting at 23:00 UTC the day before).
    ("Europe/Madrid", "2026-03-28T22:59:59", date(2026, 3, 28)),
    ("Europe/Madrid", "2026-03-28T23:00:00", date(2026, 3, 29)),
    ("Europe/Madrid", "2026-03-29T21:59:59", date(2026, 3, 29)),
    ("Europe/Madrid", "2026-03-29T22:00:00", date(2026, 3, 30)),
    # Madrid, fall back on 2026-10-25 (a 25-hour day ending at 23:00 UTC).
    ("Europe/Madrid", "2026-10-24T21:59:59", date(2026, 10, 24)),
    ("Europe/Madrid", "2026-10-24T22:00:00", date(2026, 10, 25)),
    ("Europe/Madrid", "2026-10-25T22:59:59", date(2026, 10, 25)),
    ("Europe/Madrid", "2026-10-25T23:00:00", date(2026, 10, 26)),
    # Kolkata, UTC+5:30: local midnight falls in the middle of a UTC hour.
    ("Asia/Kolkata", "2026-03-14T18:29:59", date(2026, 3, 14)),
    ("Asia/Kolkata", "2026-03-14T18:30:00", date(2026, 3, 15)),
    ("Asia/Kolkata", "2026-03-15T18:15:00", date(2026, 3, 15)),
    # Kathmandu, UTC+5:45: a quarter-hour offset, the finest the buckets cut.
    ("Asia/Kathmandu", "2026-03-14T18:14:59", date(2026, 3, 14)),
    ("Asia/Kathmandu", "2026-03-14T18:15:00", date(2026, 3, 15)),
]


@pytest.mark.parametrize(("zone", "instant", "expected"), LOCAL_DAY_CASES)
async def test_a_message_lands_on_its_local_day(
    store: Store, zone: str, instant: str, expected: date
) -> None:
    await store.upsert_request(request(1, created_at=utc(instant), compound=-0.4))
    period = Period(date(2026, 3, 13), date(2026, 3, 31), zone)
    if expected.month == 10:
        period = Period(date(2026, 10, 23), date(2026, 10, 27), zone)
    series = await trend_from_store(store, guild_id=1, period=period)
    counted = {day: n for day, n in zip(series.days, series.requests, strict=True) if n}
    assert counted == {expected: 1}
    slot = series.days.index(expected)
    assert series.mean_tone[slot] == pytest.approx(-0.4)
    assert series.categories["demand"][slot] == 1


async def test_rows_outside_the_period_are_not_counted(store: Store) -> None:
    period = Period(date(2026, 3, 29), date(2026, 3, 29), "Europe/Madrid")
    await store.upsert_requests(
        [
            request(1, created_at=period.start - 1),
            request(2, created_at=period.start),
            request(3, created_at=period.end - 1),
            request(4, created_at=period.end),
        ]
    )
    series = await trend_from_store(store, guild_id=1, period=period)
    assert series.days == (date(2026, 3, 29),)
    assert series.requests == (2,)


async def test_corrections_apply_to_counts_categories_and_tone(store: Store) -> None:
    period = Period(date(2026, 3, 14), date(2026, 3, 15), "UTC")
    day = utc("2026-03-15T12:00:00")
    await store.upsert_requests(
        [
            request(1, created_at=day, compound=-0.8, category="frustration"),
            request(2, created_at=day + 1, compound=0.2),
            request(3, created_at=day + 2, compound=0.4),
        ]
    )
    for message_id, label in ((1, "not-a-request"), (2, "optimism")):
        await store.set_label_correction(
            LabelCorrection(1, message_id, 10, label, "", "en", "demand", day)  # type: ignore[arg-type]
        )
    series = await trend_from_store(store, guild_id=1, period=period, title="Lounge")
    assert series.title == "Lounge"
    assert series.timezone == "UTC"
    assert series.requests == (0, 2)
    assert series.mean_tone[0] is None
    assert series.mean_tone[1] == pytest.approx(0.3)
    assert series.categories["frustration"] == (0, 0)
    assert series.categories["optimism"] == (0, 1)
    assert series.categories["demand"] == (0, 1)


async def test_one_channel_with_its_threads(store: Store) -> None:
    period = Period(date(2026, 3, 15), date(2026, 3, 15), "UTC")
    at = utc("2026-03-15T08:00:00")
    channels = {1: 10, 2: 10, 3: 11, 4: 12}  # 11 is a thread of 10
    await store.upsert_requests(
        [request(n, created_at=at + n, channel_id=c) for n, c in channels.items()]
    )
    await store.add_volumes([(1, 10, at, 40), (1, 11, at, 10), (1, 12, at, 50)])

    async def one(**kwargs: object) -> tuple[int, int | None]:
        series = await trend_from_store(store, guild_id=1, period=period, **kwargs)  # type: ignore[arg-type]
        return series.requests[0], series.messages[0]

    assert await one() == (4, 100)
    assert await one(channel_id=10) == (2, 40)
    assert await one(channel_ids={10, 11}) == (3, 50)
    assert await one(channel_id=12, channel_ids={11}) == (2, 60)
    assert await one(channel_ids=set()) == (0, None)
