"""Aggregates for trend charts: request counts, tone and categories per day, and message volume
per day, summed in SQL so a 90-day chart never pulls the rows themselves.

The Store does not know the guild's timezone: the caller passes the day boundaries (local
midnights as unix seconds, DST-aware, so days may last 23 or 25 hours and start on a half
hour), and each query walks the request index once per day and returns one row per day and
category.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from bot.store.database import Database
from bot.store.dialect import in_id_list
from bot.store.labels import NOT_A_REQUEST

MAX_DAYS = 1000  # three parameters a day; SQLite allows 32,766 in all


@dataclass(frozen=True, slots=True)
class RequestDay:
    """Request messages of one category created on day `day` (an index into the boundaries)."""

    day: int
    category: str | None  # None: a row logged without a category
    requests: int
    compound_sum: float


def _bounds(day_starts: Sequence[float]) -> tuple[str, list[Any]]:
    """A `bounds(day, start, stop)` CTE for the consecutive days the boundaries delimit."""
    if len(day_starts) < 2:
        raise ValueError("day boundaries need a start and an end")
    if len(day_starts) - 1 > MAX_DAYS:
        raise ValueError(f"at most {MAX_DAYS} days at once")
    if any(later <= earlier for earlier, later in pairwise(day_starts)):
        raise ValueError("day boundaries must rise")
    params: list[Any] = []
    for day, (start, stop) in enumerate(pairwise(day_starts)):
        params += [day, start, stop]
    # Typed, because PostgreSQL takes a bare parameter in VALUES for text.
    row = "(CAST(? AS INTEGER), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION))"
    rows = ", ".join([row] * (len(day_starts) - 1))
    return f"WITH bounds (day, start, stop) AS (VALUES {rows})", params


def _channel_filter(
    column: str, channel_ids: Collection[int] | None, dialect: str
) -> tuple[str, list[Any]]:
    if channel_ids is None:
        return "", []
    return f" AND {in_id_list(column, dialect)}", [json.dumps(sorted(set(channel_ids)))]


def request_days_query(
    guild_id: int,
    day_starts: Sequence[float],
    channel_ids: Collection[int] | None = None,
    dialect: str = "sqlite",
) -> tuple[str, list[Any]]:
    """The statement and parameters of `TrendQueries.request_days` (tests read its plan).

    It reads only columns of `request_messages_by_guild_time` (message_id is the rowid), so
    each day is one range of that index and the table itself is never visited."""
    bounds, params = _bounds(day_starts)
    where, extra = _channel_filter("r.channel_id", channel_ids, dialect)
    # Both sides of the correction join carry guild_id: one guild's correction never
    # reaches another guild's row.
    sql = f"""
        {bounds}
        SELECT b.day, coalesce(c.label, r.category) AS effective_category,
               count(*), sum(r.compound)
        FROM bounds AS b
        JOIN request_messages AS r
            ON r.guild_id = ? AND r.created_at >= b.start AND r.created_at < b.stop
        LEFT JOIN label_corrections AS c
            ON c.guild_id = r.guild_id AND c.message_id = r.message_id
        WHERE (c.label IS NULL OR c.label <> '{NOT_A_REQUEST}'){where}
        GROUP BY b.day, effective_category
        ORDER BY b.day, effective_category NULLS FIRST
    """
    return sql, [*params, guild_id, *extra]


class TrendQueries(Database):
    async def request_days(
        self,
        guild_id: int,
        day_starts: Sequence[float],
        channel_ids: Collection[int] | None = None,
    ) -> list[RequestDay]:
        """Per day and category: the guild's request messages created in
        [day_starts[i], day_starts[i + 1]), moderators' corrections applied as in
        `corrected_requests_between` (not-a-request drops the row, a category label moves it),
        optionally only in `channel_ids` (a channel and its threads: a thread's rows carry the
        thread's id). Days and categories without messages are left out."""
        query = request_days_query(guild_id, day_starts, channel_ids, self.dialect)
        rows = await self._fetch_all(*query)
        return [RequestDay(int(row[0]), row[1], int(row[2]), float(row[3])) for row in rows]

    async def volume_days(
        self,
        guild_id: int,
        day_starts: Sequence[float],
        channel_ids: Collection[int] | None = None,
    ) -> list[int]:
        """Messages seen per day, one number per day: the volume buckets that start in
        [day_starts[i], day_starts[i + 1]), optionally only in `channel_ids`. Buckets start on
        the guild's local whole hours (`bot.buckets.volume_bucket`), so a local day is a whole
        number of them and its volume is exact in half-hour and 45-minute zones too."""
        bounds, params = _bounds(day_starts)
        where, extra = _channel_filter("v.channel_id", channel_ids, self.dialect)
        rows = await self._fetch_all(
            f"""
            {bounds}
            SELECT b.day, sum(v.messages)
            FROM bounds AS b
            JOIN message_volume AS v
                ON v.guild_id = ? AND v.hour >= b.start AND v.hour < b.stop
            WHERE TRUE{where}
            GROUP BY b.day
            """,
            [*params, guild_id, *extra],
        )
        counts = [0] * (len(day_starts) - 1)
        for row in rows:
            counts[int(row[0])] = int(row[1])
        return counts
