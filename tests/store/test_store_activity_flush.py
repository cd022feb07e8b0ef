"""Store.record_activity: the watcher's volume and cursors, written together."""

from __future__ import annotations

import pytest

from bot.store import Store, StoreError

H = 3600
T0 = 1_699_999_200  # a UTC hour boundary


async def test_volume_and_cursors_land_together(store: Store) -> None:
    await store.record_activity(
        [(1, 10, T0, 2), (1, 10, T0, 1), (1, 11, T0 + H, 4), (2, 20, T0, 1)],
        [(1, 10, 500), (1, 11, 600), (2, 20, 700)],
    )
    assert await store.volume_hours(1, T0, T0 + 2 * H) == [(T0, 3), (T0 + H, 4)]
    assert await store.volume_between(2, T0, T0 + H) == 1
    assert await store.cursor(1, 10) == 500
    assert await store.cursor(1, 11) == 600
    assert await store.cursor(2, 20) == 700


async def test_cursors_never_move_back_and_volume_adds_up(store: Store) -> None:
    await store.record_activity([(1, 10, T0, 1)], [(1, 10, 500)])
    await store.record_activity([(1, 10, T0, 2)], [(1, 10, 400)])
    await store.record_activity([], [])
    assert await store.cursor(1, 10) == 500
    assert await store.volume_between(1, T0, T0 + H) == 3


async def test_a_failed_flush_writes_nothing(store: Store) -> None:
    await store.record_activity([(1, 10, T0, 1)], [(1, 10, 500)])
    with pytest.raises(StoreError):
        # A cursor row of the wrong shape fails after the volume statement ran: all rolled back.
        await store.record_activity([(1, 10, T0, 5)], [(1, 10)])  # type: ignore[list-item]
    assert await store.volume_between(1, T0, T0 + H) == 1
    assert await store.cursor(1, 10) == 500


async def test_negative_counts_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="negative"):
        await store.record_activity([(1, 10, T0, -1)], [])
