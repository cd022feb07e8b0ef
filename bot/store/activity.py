"""What happened around the log: message volume per hour bucket, channel cursors, digest runs.

Volume is kept per (guild, bucket start, channel). Callers pass bucket starts, never raw
instants: `bot.buckets.volume_bucket(at, timezone)` in the guild's timezone, so each bucket
starts on a local whole hour and a local day or hour is a whole number of buckets (exact in
half-hour and 45-minute zones too). The Store knows no timezones and stores the start as given.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from bot.buckets import is_bucket_start
from bot.store.database import Connection, Database, Row
from bot.store.dialect import in_id_list
from bot.store.records import DigestRun

_ADD_VOLUME = """
    INSERT INTO message_volume (guild_id, hour, channel_id, messages) VALUES (?, ?, ?, ?)
    ON CONFLICT (guild_id, hour, channel_id) DO UPDATE SET
        messages = message_volume.messages + excluded.messages
"""

_RUN_COLUMNS = "guild_id, local_day, channel_id, message_id, posted_at, error, timezone"


def _range_filter(
    guild_id: int, start: float, end: float, channel_id: int | None
) -> tuple[str, list[Any]]:
    # A bucket counts when it starts inside [start, end): buckets start on the guild's local
    # whole hours (see the module's docstring), so local days and hours cut on bucket edges.
    # The bounds may fall inside an hour; as doubles they compare with `hour` exactly on both
    # databases (PostgreSQL would otherwise take them for BIGINT, like the column).
    where = (
        "guild_id = ? AND hour >= CAST(? AS DOUBLE PRECISION) "
        "AND hour < CAST(? AS DOUBLE PRECISION)"
    )
    params: list[Any] = [guild_id, start, end]
    if channel_id is not None:
        where += " AND channel_id = ?"
        params.append(channel_id)
    return where, params


def _check_local_day(day: str) -> None:
    try:
        valid = len(day) == 10 and date.fromisoformat(day).isoformat() == day
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(f"{day!r} is not a local day in YYYY-MM-DD form")


def _run(row: Row) -> DigestRun:
    return DigestRun(
        guild_id=row["guild_id"],
        local_day=row["local_day"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        posted_at=row["posted_at"],
        error=row["error"],
        timezone=row["timezone"],
    )


class ActivityQueries(Database):
    async def add_volume(self, guild_id: int, channel_id: int, bucket: int, count: int = 1) -> None:
        """Count `count` messages in the channel's bucket starting at `bucket` (a bucket start:
        see the module's docstring)."""
        await self.add_volumes([(guild_id, channel_id, bucket, count)])

    async def add_volumes(self, items: Iterable[tuple[int, int, int, int]]) -> None:
        """Add many (guild, channel, bucket start, count) in one transaction."""
        await self.record_activity(items, ())

    async def volume_hours(
        self,
        guild_id: int,
        start: float,
        end: float,
        channel_id: int | None = None,
        *,
        channel_ids: Collection[int] | None = None,
    ) -> list[tuple[int, int]]:
        """(bucket start, messages) for each bucket starting in [start, end) that saw any, in
        order; only `channel_id`'s, or only those of `channel_ids` (a channel and its threads)
        when given."""
        if channel_ids is None:
            where, params = _range_filter(guild_id, start, end, channel_id)
            rows = await self._fetch_all(
                f"SELECT hour, sum(messages) FROM message_volume WHERE {where} "
                "GROUP BY hour HAVING sum(messages) > 0 ORDER BY hour",
                params,
            )
            return [(int(row[0]), int(row[1])) for row in rows]
        where, params = _range_filter(guild_id, start, end, None)
        rows = await self._fetch_all(
            f"SELECT hour, sum(messages) FROM message_volume WHERE {where} "
            f"AND {in_id_list('channel_id', self.dialect)} "
            "GROUP BY hour HAVING sum(messages) > 0 ORDER BY hour",
            [*params, json.dumps(sorted(set(channel_ids)))],
        )
        return [(int(row[0]), int(row[1])) for row in rows]

    async def volume_between(
        self, guild_id: int, start: float, end: float, channel_id: int | None = None
    ) -> int:
        """Messages seen in the buckets starting inside [start, end)."""
        where, params = _range_filter(guild_id, start, end, channel_id)
        row = await self._fetch_one(
            f"SELECT coalesce(sum(messages), 0) FROM message_volume WHERE {where}", params
        )
        return int(row[0]) if row is not None else 0

    async def advance_cursor(self, guild_id: int, channel_id: int, message_id: int) -> None:
        """Remember the newest message seen in a channel; an older id never moves it back."""
        await self._write(_ADVANCE_ONLY[self.dialect], (guild_id, channel_id, message_id))

    async def cursor(self, guild_id: int, channel_id: int) -> int | None:
        row = await self._fetch_one(
            "SELECT last_message_id FROM channel_cursors WHERE guild_id = ? AND channel_id = ?",
            (guild_id, channel_id),
        )
        return None if row is None else int(row[0])

    async def record_digest_run(self, run: DigestRun) -> None:
        """Save the outcome of a guild's digest for a local day in a zone, replacing an earlier
        attempt."""
        _check_local_day(run.local_day)
        await self._write(
            f"""
            INSERT INTO digest_runs ({_RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (guild_id, local_day, timezone) DO UPDATE SET
                channel_id = excluded.channel_id,
                message_id = excluded.message_id,
                posted_at = excluded.posted_at,
                error = excluded.error
            """,
            (
                run.guild_id,
                run.local_day,
                run.channel_id,
                run.message_id,
                run.posted_at,
                run.error,
                run.timezone,
            ),
        )

    async def digest_run(self, guild_id: int, local_day: str) -> DigestRun | None:
        """The run for `local_day`; after a change of zone, the one posted last."""
        row = await self._fetch_one(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE guild_id = ? AND local_day = ? "
            "ORDER BY posted_at IS NULL, posted_at DESC LIMIT 1",
            (guild_id, local_day),
        )
        return None if row is None else _run(row)

    async def last_digest_run(self, guild_id: int) -> DigestRun | None:
        """The run for the latest local day, whatever its outcome; a claim still being posted
        (or abandoned by a crashed process: see `claim_digest_run`) is not a run yet."""
        row = await self._fetch_one(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE guild_id = ? "
            "AND (message_id IS NOT NULL OR error IS NOT NULL OR claimed_by IS NULL) "
            "ORDER BY local_day DESC, posted_at IS NULL, posted_at DESC LIMIT 1",
            (guild_id,),
        )
        return None if row is None else _run(row)

    async def latest_posted_digests(self, guild_id: int, count: int = 3) -> list[DigestRun]:
        """The guild's last `count` posted digests, latest local day first. A few, not one:
        after a change of zone the latest local day is not always the one that ends last."""
        rows = await self._fetch_all(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs "
            "WHERE guild_id = ? AND message_id IS NOT NULL "
            "ORDER BY local_day DESC, posted_at DESC LIMIT ?",
            (guild_id, count),
        )
        return [_run(row) for row in rows]

    async def record_activity(
        self,
        volumes: Iterable[tuple[int, int, int, int]],
        cursors: Iterable[tuple[int, int, int]],
        floors: Iterable[tuple[int, int, int]] = (),
    ) -> None:
        """Add (guild, channel, bucket start, count) volumes, advance (guild, channel, newest id)
        cursors and lower (guild, channel, lowest id) floors in one transaction, so a channel's
        counted range never claims more or less than the volume written with it.

        The counted range (see `counted_range`) follows these rules, so no message is counted
        twice: a cursor only raises last_message_id. A floor says "everything from first_id up
        to the cursor is counted" and lowers counted_from to first_id - 1 (never raises it). A
        row that a cursor creates takes counted_from from the floor given with it in the same
        call, or NULL (unknown) without one: the Store cannot know what the caller counted below
        the cursor, and an unknown start keeps a backfill from counting older history at all.
        An unknown start stays unknown (ids below it may have been counted before ranges were
        kept), and a floor for a channel that has neither a row nor a cursor is ignored.

        Bucket starts come from `bot.buckets.volume_bucket` in the guild's timezone and are
        stored as given; one that is not on a quarter hour is refused (ValueError), since it
        can only be a raw instant passed by mistake, which would make a row per second.
        """
        buckets: Counter[tuple[int, int, int]] = Counter()
        for guild_id, channel_id, bucket, count in volumes:
            if count < 0:
                raise ValueError("a message count cannot be negative")
            if not is_bucket_start(bucket):
                raise ValueError(
                    f"{bucket!r} is not a volume bucket start: pass volume_bucket(at, timezone)"
                )
            buckets[(guild_id, int(bucket), channel_id)] += count
        lowest: dict[tuple[int, int], int] = {}
        for guild_id, channel_id, first_id in floors:
            key = (guild_id, channel_id)
            lowest[key] = min(lowest.get(key, first_id), first_id)
        # The floor rides along as a fourth parameter; a malformed cursor row then fails in
        # SQLite, inside the transaction, rather than half-way through building the batch.
        cursor_rows = [(*row, lowest.get((row[0], row[1]))) for row in cursors]
        floor_rows = [(first - 1, guild, channel) for (guild, channel), first in lowest.items()]
        volume_rows = [(g, hour, channel, n) for (g, hour, channel), n in buckets.items()]
        if not volume_rows and not cursor_rows and not floor_rows:
            return

        async def work(db: Connection) -> None:
            await db.executemany(_ADD_VOLUME, volume_rows)
            await db.executemany(_ADVANCE_CURSOR[self.dialect], cursor_rows)
            await db.executemany(_LOWER_FLOOR[self.dialect], floor_rows)

        await self._run(work, transaction=True)

    async def counted_range(self, guild_id: int, channel_id: int) -> tuple[int | None, int] | None:
        """(counted_from, last_message_id): the volume of messages with counted_from < id <=
        last_message_id has been counted; counted_from None = unknown start. None = no cursor."""
        row = await self._fetch_one(
            "SELECT counted_from, last_message_id FROM channel_cursors "
            "WHERE guild_id = ? AND channel_id = ?",
            (guild_id, channel_id),
        )
        if row is None:
            return None
        return (None if row[0] is None else int(row[0])), int(row[1])

    async def seed_cursor(self, guild_id: int, channel_id: int, message_id: int) -> bool:
        """Start a channel's cursor at `message_id` with nothing counted yet (counted_from =
        last_message_id), only if it has none; True if created."""
        changed = await self._write(
            """
            INSERT INTO channel_cursors (guild_id, channel_id, last_message_id, counted_from)
            VALUES (?1, ?2, ?3, ?3)
            ON CONFLICT (guild_id, channel_id) DO NOTHING
            """,
            (guild_id, channel_id, message_id),
        )
        return changed > 0


# SQLite's scalar min()/max() return NULL when an argument is NULL; PostgreSQL's LEAST and
# GREATEST skip NULLs, so there the NULL cases are spelled out.
_ADVANCE_ONLY = {
    "sqlite": """
        INSERT INTO channel_cursors (guild_id, channel_id, last_message_id) VALUES (?, ?, ?)
        ON CONFLICT (guild_id, channel_id) DO UPDATE SET
            last_message_id = max(last_message_id, excluded.last_message_id)
    """,
    "postgresql": """
        INSERT INTO channel_cursors (guild_id, channel_id, last_message_id) VALUES (?, ?, ?)
        ON CONFLICT (guild_id, channel_id) DO UPDATE SET
            last_message_id = GREATEST(channel_cursors.last_message_id, excluded.last_message_id)
    """,
}
# ?4 is the floor given with the cursor, or NULL; min() with NULL is NULL (unknown start).
_ADVANCE_CURSOR = {
    "sqlite": """
        INSERT INTO channel_cursors (guild_id, channel_id, last_message_id, counted_from)
        VALUES (?1, ?2, ?3, min(?3, ?4 - 1))
        ON CONFLICT (guild_id, channel_id) DO UPDATE SET
            last_message_id = max(last_message_id, excluded.last_message_id)
    """,
    "postgresql": """
        INSERT INTO channel_cursors (guild_id, channel_id, last_message_id, counted_from)
        VALUES (?1, ?2, ?3, CASE WHEN ?4::bigint IS NULL THEN NULL ELSE LEAST(?3, ?4 - 1) END)
        ON CONFLICT (guild_id, channel_id) DO UPDATE SET
            last_message_id = GREATEST(channel_cursors.last_message_id, excluded.last_message_id)
    """,
}
# min() with a NULL counted_from stays NULL: an unknown start is never made up.
_LOWER_FLOOR = {
    "sqlite": """
        UPDATE channel_cursors SET counted_from = min(counted_from, ?)
        WHERE guild_id = ? AND channel_id = ?
    """,
    "postgresql": """
        UPDATE channel_cursors SET counted_from = LEAST(counted_from, ?)
        WHERE guild_id = ? AND channel_id = ? AND counted_from IS NOT NULL
    """,
}
