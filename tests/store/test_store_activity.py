"""Volume buckets, channel cursors and digest runs."""

from __future__ import annotations

import pytest

from bot.buckets import volume_bucket
from bot.store import ChannelMessages, Store
from tests.store.store_factory import digest_run

H = 3600
T0 = 1_699_999_200  # a UTC hour boundary (2023-11-14 22:00)


async def test_volume_buckets_add_up(store: Store) -> None:
    await store.add_volume(1, 10, T0)
    await store.add_volume(1, 10, T0, count=4)
    await store.add_volume(1, 11, T0)
    await store.add_volume(1, 10, T0 + H, count=2)
    assert await store.volume_hours(1, T0, T0 + 2 * H) == [(T0, 6), (T0 + H, 2)]
    assert await store.volume_hours(1, T0, T0 + 2 * H, channel_id=11) == [(T0, 1)]
    assert await store.volume_between(1, T0, T0 + 2 * H) == 8
    assert await store.volume_between(1, T0, T0 + 2 * H, channel_id=10) == 7


async def test_volume_batch_merges_items_in_one_go(store: Store) -> None:
    # Two hours, a message a minute, bucketed as the watcher does.
    items = [(1, 10, volume_bucket(T0 + i * 60.0, "UTC"), 1) for i in range(120)]
    items.append((2, 20, T0, 5))
    await store.add_volumes(items)
    await store.add_volumes([])
    assert await store.volume_hours(1, 0, T0 * 2) == [(T0, 60), (T0 + H, 60)]
    assert await store.volume_hours(2, 0, T0 * 2) == [(T0, 5)]


async def test_volume_is_cut_by_hour_start(store: Store) -> None:
    await store.add_volumes([(1, 10, T0 + h * H, h + 1) for h in range(24)])
    assert await store.volume_between(1, T0, T0 + 24 * H) == sum(range(1, 25))
    # [start, end): the hour starting at `end` is out, the hour starting at `start` is in.
    assert await store.volume_between(1, T0 + H, T0 + 3 * H) == 2 + 3
    assert await store.volume_hours(1, T0 + H, T0 + 3 * H) == [(T0 + H, 2), (T0 + 2 * H, 3)]
    assert await store.volume_between(1, T0 + 24 * H, T0 + 48 * H) == 0
    assert await store.volume_hours(1, T0 - H, T0) == []


async def test_buckets_on_the_half_and_quarter_hour_are_kept_as_given(store: Store) -> None:
    # India (+5:30) and Nepal (+5:45): buckets start where their local hours start.
    await store.add_volumes([(1, 10, T0 + 1800, 2), (1, 10, T0 + 2700, 3), (1, 10, T0, 1)])
    assert await store.volume_hours(1, T0, T0 + H) == [(T0, 1), (T0 + 1800, 2), (T0 + 2700, 3)]
    assert await store.volume_between(1, T0 + 1800, T0 + 2700) == 2


@pytest.mark.parametrize("raw", [T0 + 5, T0 + 0.5, T0 + 1799, T0 + 600.0])
async def test_an_instant_that_is_no_bucket_start_is_refused(store: Store, raw: float) -> None:
    # A caller that forgot volume_bucket would otherwise write one row per second.
    with pytest.raises(ValueError, match="bucket start"):
        await store.count_messages([ChannelMessages(1, 10, ((4, T0), (5, raw)))])  # type: ignore[arg-type]
    assert await store.volume_between(1, 0, T0 * 2) == 0
    assert await store.cursor(1, 10) is None  # nothing of the batch was written


async def test_negative_volume_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="negative"):
        await store.add_volume(1, 10, T0, count=-1)
    assert await store.volume_between(1, 0, T0 * 2) == 0


async def test_cursor_only_moves_forward(store: Store) -> None:
    assert await store.cursor(1, 10) is None
    await store.advance_cursor(1, 10, 500)
    await store.advance_cursor(1, 10, 400)
    assert await store.cursor(1, 10) == 500
    await store.advance_cursor(1, 10, 501)
    assert await store.cursor(1, 10) == 501
    assert await store.cursor(1, 11) is None


async def test_digest_runs_are_unique_per_day(store: Store) -> None:
    assert await store.last_digest_run(1) is None
    failed = digest_run(1, "2024-03-01", message_id=None, posted_at=None, error="Forbidden")
    await store.record_digest_run(failed)
    assert await store.digest_run(1, "2024-03-01") == failed
    retried = digest_run(1, "2024-03-01", message_id=9001)
    await store.record_digest_run(retried)
    assert await store.digest_run(1, "2024-03-01") == retried
    await store.record_digest_run(digest_run(1, "2024-02-29"))
    assert await store.last_digest_run(1) == retried
    assert await store.digest_run(1, "2024-03-02") is None


@pytest.mark.parametrize("day", ["2024-3-1", "2024-02-30", "yesterday", "2024-03-01T00:00"])
async def test_bad_local_day_is_refused(store: Store, day: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        await store.record_digest_run(digest_run(1, day))
    assert await store.last_digest_run(1) is None
