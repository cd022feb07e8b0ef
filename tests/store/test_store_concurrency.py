"""Many coroutines share the one connection without stepping into each other's transactions."""

from __future__ import annotations

import asyncio
import contextlib
import math

import pytest

from bot.store import Store, StoreError
from tests.store.store_factory import request


async def test_concurrent_batches_and_single_writes_all_land(store: Store) -> None:
    batches = [[request(b * 100 + n) for n in range(50)] for b in range(4)]
    results = await asyncio.gather(
        *(store.upsert_requests(batch) for batch in batches),
        *(store.upsert_request(request(1000 + n)) for n in range(10)),
        *(store.add_volume(1, 10, 0.0) for _ in range(10)),
    )
    assert results[:4] == [50, 50, 50, 50]
    assert await store.count_requests(1) == 4 * 50 + 10
    assert await store.volume_between(1, 0, 3600) == 10


async def test_failed_batch_does_not_take_a_neighbours_write_with_it(store: Store) -> None:
    broken = [request(1), request(2, content=None)]
    outcome = await asyncio.gather(
        store.upsert_requests(broken),
        store.upsert_request(request(3)),
        store.add_term(1, "target", "sora"),
        return_exceptions=True,
    )
    assert isinstance(outcome[0], StoreError)
    assert list(outcome[1:]) == [True, True]
    assert [r.message_id for r in await store.requests_between(1, 0, math.inf)] == [3]
    assert (await store.list_terms(1))["target"] == ["sora"]


async def test_cancelled_batch_is_all_or_nothing(store: Store) -> None:
    batch = [request(n) for n in range(2000)]
    task = asyncio.create_task(store.upsert_requests(batch))
    for _ in range(3):
        await asyncio.sleep(0)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert await store.count_requests(1) in {0, len(batch)}
    assert await store.upsert_request(request(5000)) is True  # still usable afterwards


@pytest.mark.parametrize("size", [1, 3000])
async def test_large_batches_are_written_whole(store: Store, size: int) -> None:
    assert await store.upsert_requests(request(n) for n in range(size)) == size
    assert await store.count_requests(1) == size
