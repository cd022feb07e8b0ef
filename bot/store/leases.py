"""Shard leases: which process runs each shard, so two processes never run the same one.

Discord lets two connections identify as the same shard; both then get its events and count
every message twice. A process takes the lease on its shards before connecting and renews it
while alive; another process asking for one of them is refused until the lease has not been
renewed for its whole length (the holder crashed or hangs), and may then take it over.

Times are the database's clock, not the processes': several machines share one PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from bot.store.backend import Backend
from bot.store.database import Database

EVERY_SHARD = -1  # the lease of a bot that runs all shards with the count Discord recommends

# `Backend.hold_lock` key for taking leases: "shards" in ASCII.
_LEASE_LOCK = int.from_bytes(b"shards", "big")

_NOW = {
    "sqlite": "SELECT (julianday('now') - 2440587.5) * 86400.0",
    "postgresql": "SELECT extract(epoch FROM clock_timestamp())::double precision",
}


@dataclass(frozen=True, slots=True)
class HeldShard:
    """A shard another live process holds: its id (EVERY_SHARD: all), who, for how long yet."""

    shard_id: int
    holder: str
    seconds_left: float


class LeaseQueries(Database):
    async def take_shard_leases(
        self,
        shards: Iterable[int] | None,
        *,
        holder: str,
        seconds: float,
        gone: Collection[str] = (),
    ) -> list[HeldShard]:
        """Take or renew `holder`'s lease on `shards` (None: every shard) for `seconds`, all or
        none: the shards other live processes hold, empty when taken. A lease runs on when its
        holder stops renewing it, until it expires; then anyone may take it, as may anyone at
        once the leases of the holders in `gone` (known to have exited)."""
        wanted = None if shards is None else sorted(set(shards))

        async def work(db: Backend) -> list[HeldShard]:
            await db.hold_lock(_LEASE_LOCK)
            [(now,)] = await db.fetch_all(_NOW[self.dialect])
            rows = await db.fetch_all(
                "SELECT shard_id, holder, expires_at FROM shard_leases "
                "WHERE holder <> ? AND expires_at > ? ORDER BY shard_id",
                (holder, now),
            )
            held = [
                HeldShard(int(shard), str(other), float(expires) - float(now))
                for shard, other, expires in rows
                if other not in gone and (wanted is None or shard == EVERY_SHARD or shard in wanted)
            ]
            if held:
                return held
            # Leases of shards this holder no longer asks for (the set changed) go.
            await db.execute("DELETE FROM shard_leases WHERE holder = ?", (holder,))
            await db.executemany(
                "INSERT INTO shard_leases (shard_id, holder, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (shard_id) DO UPDATE SET "
                "holder = excluded.holder, expires_at = excluded.expires_at",
                [
                    (shard, holder, float(now) + seconds)
                    for shard in (wanted if wanted is not None else [EVERY_SHARD])
                ],
            )
            return []

        return await self._run(work, transaction=True)

    async def release_shard_leases(self, holder: str) -> None:
        """Give up `holder`'s leases (a clean stop): a successor need not wait for them."""
        await self._write("DELETE FROM shard_leases WHERE holder = ?", (holder,))
