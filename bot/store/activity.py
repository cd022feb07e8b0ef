"""What happened around the log: message volume per hour bucket, channel cursors, digest runs.

Volume is kept per (guild, bucket start, channel). Callers pass bucket starts, never raw
instants: `bot.buckets.volume_bucket(at, timezone)` in the guild's timezone, so each bucket
starts on a local whole hour and a local day or hour is a whole number of buckets (exact in
half-hour and 45-minute zones too). The Store knows no timezones and stores the start as given.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from bot.buckets import is_bucket_start
from bot.store.backend import Backend
from bot.store.database import Database
from bot.store.dialect import in_id_list
from bot.store.records import ChannelMessages, DigestRun, Row

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
        """Add many (guild, channel, bucket start, count) in one transaction, with no message ids
        to count each message once: volume known only as counts (tests, benchmarks). Messages
        seen by the bot or read from exports go through `count_messages`."""
        buckets: Counter[tuple[int, int, int]] = Counter()
        for guild_id, channel_id, bucket, count in items:
            if count < 0:
                raise ValueError("a message count cannot be negative")
            if not is_bucket_start(bucket):
                raise ValueError(
                    f"{bucket!r} is not a volume bucket start: pass volume_bucket(at, timezone)"
                )
            buckets[(guild_id, int(bucket), channel_id)] += count
        if buckets:
            await self._write_many(_ADD_VOLUME, [(*key, n) for key, n in buckets.items()])

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

    async def count_messages(self, channels: Iterable[ChannelMessages]) -> int:
        """Count every message id not counted before in its channel, in its bucket, and remember
        the ids given and the ranges read as counted, all in one transaction; how many were new.

        Which ids are counted is kept per channel as disjoint (after, last] ranges (each id given
        is a range of its own until a range read joins it to its neighbours), so volume is exact
        whatever the order, overlap, repetition or concurrency of the callers: imports, live
        counting, gap filling and backfill. Writers count one at a time (an advisory lock on
        PostgreSQL, the write lock on SQLite), so two never count the same id. A channel keeps
        at most MAX_COUNTED_RANGES: past that its two oldest ranges are joined, and messages in
        the gap between them are taken as counted.

        Bucket starts come from `bot.buckets.volume_bucket` in the guild's timezone and are
        stored as given; one that is not on a quarter hour is refused (ValueError), since it
        can only be a raw instant passed by mistake, which would make a row per second.
        """
        batches: dict[tuple[int, int], tuple[dict[int, int], list[tuple[int, int]]]] = {}
        for channel in channels:
            ids, read = batches.setdefault((channel.channel_id, channel.guild_id), ({}, []))
            for message_id, bucket in channel.messages:
                if not is_bucket_start(bucket):
                    raise ValueError(
                        f"{bucket!r} is not a volume bucket start: pass volume_bucket(at, timezone)"
                    )
                ids.setdefault(int(message_id), int(bucket))
            for after, last in channel.read:
                if not after < last:
                    raise ValueError(f"({after}, {last}] is not a range of message ids")
                read.append((int(after), int(last)))
        batches = {key: batch for key, batch in batches.items() if batch[0] or batch[1]}
        if not batches:
            return 0

        async def work(db: Backend) -> int:
            # One writer counts at a time, across processes: ranges read and then rewritten
            # must not change in between.
            await db.hold_lock(_COUNT_LOCK)
            return await _count(db, self.dialect, batches)

        return await self._run(work, transaction=True)

    async def counted_ranges(self, guild_id: int, channel_id: int) -> list[tuple[int, int]]:
        """The channel's (after, last] ranges of message ids whose volume is counted, in order."""
        rows = await self._fetch_all(
            "SELECT after_id, last_id FROM counted_ranges "
            "WHERE guild_id = ? AND channel_id = ? ORDER BY last_id",
            (guild_id, channel_id),
        )
        return [(int(row[0]), int(row[1])) for row in rows]

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


MAX_COUNTED_RANGES = 256
# `Backend.hold_lock` key for counting volume by id: "counts" in ASCII.
_COUNT_LOCK = int.from_bytes(b"counts", "big")
# The stored ranges touching each [guild, channel, low, high] of a JSON array.
_TOUCHING = {
    "sqlite": """
        SELECT r.guild_id, r.channel_id, r.after_id, r.last_id
        FROM json_each(?) AS w JOIN counted_ranges AS r
          ON r.guild_id = json_extract(w.value, '$[0]')
         AND r.channel_id = json_extract(w.value, '$[1]')
         AND r.last_id >= json_extract(w.value, '$[2]')
         AND r.after_id <= json_extract(w.value, '$[3]')
    """,
    "postgresql": """
        SELECT r.guild_id, r.channel_id, r.after_id, r.last_id
        FROM jsonb_array_elements(?::jsonb) AS w(value) JOIN counted_ranges AS r
          ON r.guild_id = (w.value->>0)::bigint
         AND r.channel_id = (w.value->>1)::bigint
         AND r.last_id >= (w.value->>2)::bigint
         AND r.after_id <= (w.value->>3)::bigint
    """,
}


def _joined(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges (after, last] joined where they overlap or touch, in order."""
    out: list[tuple[int, int]] = []
    for after, last in sorted(ranges):
        if out and after <= out[-1][1]:
            if last > out[-1][1]:
                out[-1] = (out[-1][0], last)
        else:
            out.append((after, last))
    return out


async def _count(
    db: Backend,
    dialect: str,
    batches: dict[tuple[int, int], tuple[dict[int, int], list[tuple[int, int]]]],
) -> int:
    """Count the ids of `batches` ((channel, guild) -> ({id: bucket}, ranges read)) outside
    their channel's counted ranges, then join the ids and ranges read into those ranges; how
    many were counted. The caller holds the transaction and the counting lock."""
    given: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for (channel_id, guild_id), (ids, read) in batches.items():
        given[(guild_id, channel_id)] = _joined([*((i - 1, i) for i in ids), *read])
    # Every stored range that overlaps or touches the span of what is given: the ones the
    # new ranges join. One statement for all channels: a flush can cover hundreds.
    spans = [[g, c, ranges[0][0], ranges[-1][1]] for (g, c), ranges in given.items()]
    stored: dict[tuple[int, int], list[tuple[int, int]]] = {key: [] for key in given}
    for row in await db.fetch_all(_TOUCHING[dialect], (json.dumps(spans),)):
        stored[(int(row[0]), int(row[1]))].append((int(row[2]), int(row[3])))
    volume: Counter[tuple[int, int, int]] = Counter()
    removed: list[tuple[int, int, int]] = []
    added: list[tuple[int, int, int, int]] = []
    grown: list[tuple[int, int]] = []
    for (channel_id, guild_id), (ids, _) in batches.items():
        key = (guild_id, channel_id)
        ranges = sorted(stored[key])
        lasts = [last for _, last in ranges]
        for message_id, bucket in ids.items():
            at = bisect_left(lasts, message_id)
            if at == len(ranges) or ranges[at][0] >= message_id:
                volume[(guild_id, bucket, channel_id)] += 1
        joined = _joined([*ranges, *given[key]])
        if joined != ranges:
            removed.extend((guild_id, channel_id, last) for last in lasts)
            added.extend((guild_id, channel_id, after, last) for after, last in joined)
            if len(joined) > len(ranges):
                grown.append(key)
    await db.executemany(
        "DELETE FROM counted_ranges WHERE guild_id = ? AND channel_id = ? AND last_id = ?",
        removed,
    )
    await db.executemany(
        "INSERT INTO counted_ranges (guild_id, channel_id, after_id, last_id) VALUES (?, ?, ?, ?)",
        added,
    )
    for guild_id, channel_id in grown:
        await _bound_ranges(db, guild_id, channel_id)
    await db.executemany(
        _ADVANCE_ONLY[dialect], [(g, c, ranges[-1][1]) for (g, c), ranges in given.items()]
    )
    await db.executemany(_ADD_VOLUME, [(*key, n) for key, n in volume.items()])
    return sum(volume.values())


async def _bound_ranges(db: Backend, guild_id: int, channel_id: int) -> None:
    # Joining the two oldest ranges keeps the table bounded at the cost of the messages in
    # the oldest gap (never read: history a backfill or an import could still have counted).
    key = (guild_id, channel_id)
    rows = await db.fetch_all(
        "SELECT count(*) FROM counted_ranges WHERE guild_id = ? AND channel_id = ?", key
    )
    excess = int(rows[0][0]) - MAX_COUNTED_RANGES
    if excess <= 0:
        return
    oldest = await db.fetch_all(
        "SELECT after_id, last_id FROM counted_ranges WHERE guild_id = ? AND channel_id = ? "
        "ORDER BY last_id LIMIT ?",
        (*key, excess + 1),
    )
    await db.executemany(
        "DELETE FROM counted_ranges WHERE guild_id = ? AND channel_id = ? AND last_id = ?",
        [(*key, int(row[1])) for row in oldest],
    )
    await db.execute(
        "INSERT INTO counted_ranges (guild_id, channel_id, after_id, last_id) VALUES (?, ?, ?, ?)",
        (*key, int(oldest[0][0]), int(oldest[-1][1])),
    )
