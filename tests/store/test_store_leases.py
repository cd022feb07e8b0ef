"""Shard leases: one live process per shard, taken over once its holder stops renewing."""

from __future__ import annotations

import asyncio

from bot.store import Store
from bot.store.leases import EVERY_SHARD


async def test_a_live_holder_keeps_its_shards(store: Store) -> None:
    assert await store.take_shard_leases([0], holder="a", seconds=60) == []
    [held] = await store.take_shard_leases([0, 1], holder="b", seconds=60)
    assert (held.shard_id, held.holder) == (0, "a")
    assert 0 < held.seconds_left <= 60
    # All or none: b got no shard 1 either, so c may take it.
    assert await store.take_shard_leases([1], holder="c", seconds=60) == []
    assert await store.take_shard_leases([0], holder="a", seconds=60) == []  # a renews


async def test_a_lease_not_renewed_can_be_taken_over(store: Store) -> None:
    assert await store.take_shard_leases([0], holder="crashed", seconds=0.2) == []
    assert [h.holder for h in await store.take_shard_leases([0], holder="b", seconds=60)] == [
        "crashed"
    ]
    async with asyncio.timeout(10):  # until the lease has run out on the database's clock
        while await store.take_shard_leases([0], holder="b", seconds=60):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    [held] = await store.take_shard_leases([0], holder="crashed", seconds=0.2)
    assert held.holder == "b"


async def test_a_released_lease_is_free_at_once(store: Store) -> None:
    assert await store.take_shard_leases([0, 1], holder="a", seconds=60) == []
    await store.release_shard_leases("a")
    assert await store.take_shard_leases([1], holder="b", seconds=60) == []


async def test_every_shard_conflicts_with_any_shard(store: Store) -> None:
    assert await store.take_shard_leases(None, holder="all", seconds=60) == []
    [held] = await store.take_shard_leases([3], holder="one", seconds=60)
    assert (held.shard_id, held.holder) == (EVERY_SHARD, "all")
    await store.release_shard_leases("all")
    assert await store.take_shard_leases([3], holder="one", seconds=60) == []
    [held] = await store.take_shard_leases(None, holder="all", seconds=60)
    assert (held.shard_id, held.holder) == (3, "one")


async def test_two_processes_asking_at_once_get_one_lease(store: Store, db_location: str) -> None:
    others = [await Store.open(db_location) for _ in range(3)]
    try:
        answers = await asyncio.gather(
            *(
                s.take_shard_leases([0], holder=f"p{n}", seconds=60)
                for n, s in enumerate([store, *others])
            )
        )
    finally:
        for other in others:
            await other.close()
    assert sorted(len(held) for held in answers) == [0, 1, 1, 1]


async def test_the_leases_of_an_exited_holder_are_taken_at_once(store: Store) -> None:
    assert await store.take_shard_leases([0, 1], holder="crashed", seconds=3600) == []
    assert len(await store.take_shard_leases([1], holder="b", seconds=60)) == 1
    assert await store.take_shard_leases([1], holder="b", seconds=60, gone={"crashed"}) == []
