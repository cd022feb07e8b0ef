"""This process's hold on its shards while the bot runs (see `bot.store.leases`): taken before
connecting, renewed every third of its length, given back on a clean stop."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Sequence

from bot.store import Store, StoreError
from bot.store.leases import EVERY_SHARD, HeldShard

log = logging.getLogger(__name__)


class ShardsTakenError(Exception):
    """Another live process runs a shard this one was started for; the message is one line."""


def describe_taken(held: Sequence[HeldShard], lease_seconds: int) -> str:
    holders = ", ".join(sorted({shard.holder for shard in held}))
    wait = max(shard.seconds_left for shard in held)
    if any(shard.shard_id == EVERY_SHARD for shard in held):
        what = "every shard is"
    else:
        ids = ", ".join(str(shard.shard_id) for shard in held)
        what = f"shard {ids} is" if len(held) == 1 else f"shards {ids} are"
    return (
        f"{what} already run by another Clamor process on this database ({holders}): give "
        "each process its own CLAMOR_SHARD_IDS (with the same CLAMOR_SHARDS); if that process "
        f"is gone, its hold ends at most {wait:.0f} s from now "
        f"(CLAMOR_SHARD_LEASE_SECONDS={lease_seconds})"
    )


def exited_here(holder: str) -> bool:
    """Whether `holder` (see `bot.client.instance_name`: host/pid/random) was a process of this
    machine that no longer exists. A pid reused since only makes it look alive: the safe side."""
    host, _, rest = holder.partition("/")
    pid = rest.partition("/")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's
        return False
    return False


class ShardLease:
    def __init__(
        self, store: Store, shards: Sequence[int] | None, *, holder: str, seconds: int
    ) -> None:
        self._store = store
        self._shards = shards
        self._holder = holder
        self._seconds = seconds

    async def take(self) -> None:
        """Take the lease, or ShardsTakenError while another live process holds a shard."""
        held = await self._store.take_shard_leases(
            self._shards, holder=self._holder, seconds=self._seconds
        )
        gone = {shard.holder for shard in held if exited_here(shard.holder)}
        if gone:  # a restart after a crash on this machine need not wait for the lease to end
            held = await self._store.take_shard_leases(
                self._shards, holder=self._holder, seconds=self._seconds, gone=gone
            )
        if held:
            raise ShardsTakenError(describe_taken(held, self._seconds))

    async def keep(self, on_lost: Callable[[str], None]) -> None:
        """Renew until cancelled; `on_lost` once another process has taken a shard over (this
        one went without renewing for the lease's whole length, e.g. stopped or cut off)."""
        failing = False
        while True:
            await asyncio.sleep(self._seconds / 3)
            try:
                await self.take()
            except ShardsTakenError as exc:
                on_lost(str(exc))
                return
            except StoreError as exc:
                if not failing:  # once per outage; the lease runs on meanwhile
                    log.warning("cannot renew the shard lease (%s): retrying", exc)
                failing = True
                continue
            if failing:
                log.warning("renewed the shard lease again")
            failing = False

    async def release(self) -> None:
        try:
            await self._store.release_shard_leases(self._holder)
        except StoreError as exc:
            log.warning("could not give back the shard lease (%s): it ends by itself", exc)
