"""Spike alerts: each guild's alert settings, the alerts posted, and the aggregates the detector
reads (hourly counts per window, top targets, a few candidate messages), with moderators'
label corrections applied as in the digests.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from bot.store.database import Database
from bot.store.dialect import in_id_list
from bot.store.labels import CORRECTED_LOG, NOT_A_REQUEST
from bot.store.records import RequestRecord, Row, request_record

# The same words as bot.alerts.detection (the Store does not import the pure layer above it).
AlertSensitivity = Literal["low", "normal", "high"]
AlertKind = Literal["volume", "share"]
ALERT_SENSITIVITIES: tuple[AlertSensitivity, ...] = get_args(AlertSensitivity)
ALERT_KINDS: tuple[AlertKind, ...] = get_args(AlertKind)
_SOUR = "('frustration', 'defeatism')"


@dataclass(frozen=True, slots=True)
class AlertSettings:
    """A guild's spike alerts: channel None = off (the default)."""

    guild_id: int
    channel_id: int | None = None
    sensitivity: AlertSensitivity = "normal"
    last_error: str | None = None
    last_error_at: float | None = None


@dataclass(frozen=True, slots=True)
class PostedAlert:
    guild_id: int
    kind: AlertKind
    posted_at: float
    summary: str
    level: int = 0
    channel_id: int | None = None
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class HourCount:
    """Request messages in one hour of one window (hour 0 starts at the window's start)."""

    window: int
    hour: int
    requests: int
    sour: int  # of them frustration or defeatism, after corrections


_SETTINGS_COLUMNS = "guild_id, channel_id, sensitivity, last_error, last_error_at"
_POSTED_COLUMNS = "guild_id, kind, posted_at, summary, level, channel_id, message_id"

# The label a row carries once a moderator's correction is laid over it.
_LABEL = "coalesce(c.label, r.category)"
# Windows arrive as one JSON array of [start, end] pairs; the database walks it as a small
# outer table and seeks request_messages_by_guild_time once per window. The two dialects differ
# in their JSON functions, in how a float becomes an integer (SQLite's CAST truncates, so
# PostgreSQL uses trunc()) and in "window", which PostgreSQL reserves.
_HOUR_COUNTS = {
    "sqlite": f"""
        WITH windows (idx, start, finish) AS (
            SELECT CAST(key AS INTEGER), json_extract(value, '$[0]'), json_extract(value, '$[1]')
            FROM json_each(?)
        )
        SELECT w.idx AS window, CAST((r.created_at - w.start) / 3600 AS INTEGER) AS hour,
               count(*) AS requests, total({_LABEL} IN {_SOUR}) AS sour
        FROM windows AS w
        JOIN request_messages AS r
            ON r.guild_id = ? AND r.created_at >= w.start AND r.created_at < w.finish
        LEFT JOIN label_corrections AS c
            ON c.guild_id = r.guild_id AND c.message_id = r.message_id
        WHERE c.label IS NULL OR c.label <> '{NOT_A_REQUEST}'
        GROUP BY w.idx, hour
        ORDER BY w.idx, hour
    """,
    "postgresql": f"""
        WITH windows (idx, start, finish) AS (
            SELECT span.ord - 1, (span.value ->> 0)::float8, (span.value ->> 1)::float8
            FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS span (value, ord)
        )
        SELECT w.idx AS "window", trunc((r.created_at - w.start) / 3600)::bigint AS hour,
               count(*) AS requests,
               sum(CASE WHEN {_LABEL} IN {_SOUR} THEN 1 ELSE 0 END) AS sour
        FROM windows AS w
        JOIN request_messages AS r
            ON r.guild_id = ? AND r.created_at >= w.start AND r.created_at < w.finish
        LEFT JOIN label_corrections AS c
            ON c.guild_id = r.guild_id AND c.message_id = r.message_id
        WHERE c.label IS NULL OR c.label <> '{NOT_A_REQUEST}'
        GROUP BY w.idx, 2
        ORDER BY w.idx, 2
    """,
}
# A row's targets (a JSON array) as a table of one `value` column; NOCASE folds ASCII only,
# like lower() on the "C" collation.
_EACH_TARGET = {
    "sqlite": "JOIN json_each(r.targets) AS t",
    "postgresql": "CROSS JOIN LATERAL jsonb_array_elements_text(r.targets::jsonb) AS t (value)",
}
_TARGET_ORDER = {"sqlite": "t.value COLLATE NOCASE", "postgresql": "lower(t.value), t.value"}

_HISTORY_START = """
    SELECT min(first) FROM (
        SELECT min(created_at) AS first FROM request_messages WHERE guild_id = ?
        UNION ALL
        SELECT min(hour) FROM message_volume WHERE guild_id = ?
    ) AS firsts
"""


def _settings(row: Row) -> AlertSettings:
    return AlertSettings(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        sensitivity=row["sensitivity"],
        last_error=row["last_error"],
        last_error_at=row["last_error_at"],
    )


def _posted(row: Row) -> PostedAlert:
    return PostedAlert(
        guild_id=row["guild_id"],
        kind=row["kind"],
        posted_at=float(row["posted_at"]),
        summary=row["summary"],
        level=int(row["level"]),
        channel_id=row["channel_id"],
        message_id=row["message_id"],
    )


def _check_sensitivity(sensitivity: str) -> None:
    if sensitivity not in ALERT_SENSITIVITIES:
        raise ValueError(f"{sensitivity!r} is not a sensitivity ({', '.join(ALERT_SENSITIVITIES)})")


class AlertQueries(Database):
    async def alert_settings(self, guild_id: int) -> AlertSettings:
        row = await self._fetch_one(
            f"SELECT {_SETTINGS_COLUMNS} FROM alert_settings WHERE guild_id = ?", (guild_id,)
        )
        return AlertSettings(guild_id) if row is None else _settings(row)

    async def alert_guilds(self) -> list[AlertSettings]:
        """Settings of every guild with alerts on, by guild id."""
        rows = await self._fetch_all(
            f"SELECT {_SETTINGS_COLUMNS} FROM alert_settings "
            "WHERE channel_id IS NOT NULL ORDER BY guild_id"
        )
        return [_settings(row) for row in rows]

    async def set_alerts(
        self, guild_id: int, channel_id: int, sensitivity: AlertSensitivity
    ) -> None:
        """Turn alerts on (or move them) at `sensitivity`; a new setting clears the last error."""
        _check_sensitivity(sensitivity)
        await self._write(
            """
            INSERT INTO alert_settings (guild_id, channel_id, sensitivity) VALUES (?, ?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET
                channel_id = excluded.channel_id,
                sensitivity = excluded.sensitivity,
                last_error = NULL,
                last_error_at = NULL
            """,
            (guild_id, channel_id, sensitivity),
        )

    async def turn_alerts_off(self, guild_id: int) -> bool:
        """Stop alerts (the sensitivity is kept for next time); False if they were off."""
        changed = await self._write(
            "UPDATE alert_settings SET channel_id = NULL, last_error = NULL, "
            "last_error_at = NULL WHERE guild_id = ? AND channel_id IS NOT NULL",
            (guild_id,),
        )
        return changed > 0

    async def set_alert_error(self, guild_id: int, error: str | None, at: float) -> None:
        """Why the last alert could not be posted (None clears it)."""
        await self._write(
            "UPDATE alert_settings SET last_error = ?, last_error_at = ? WHERE guild_id = ?",
            (error, None if error is None else at, guild_id),
        )

    async def record_alert(self, alert: PostedAlert) -> None:
        if alert.kind not in ALERT_KINDS:
            raise ValueError(f"{alert.kind!r} is not an alert kind ({', '.join(ALERT_KINDS)})")
        await self._write(
            f"INSERT INTO alerts_posted ({_POSTED_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, kind, posted_at) DO UPDATE SET summary = excluded.summary, "
            "level = excluded.level, channel_id = excluded.channel_id, "
            "message_id = excluded.message_id",
            (
                alert.guild_id,
                alert.kind,
                alert.posted_at,
                alert.summary,
                alert.level,
                alert.channel_id,
                alert.message_id,
            ),
        )

    async def last_alerts(self, guild_id: int) -> dict[AlertKind, PostedAlert]:
        """The latest alert of each kind posted in the guild."""
        rows = await self._fetch_all(
            f"""
            SELECT {_POSTED_COLUMNS} FROM alerts_posted AS a
            WHERE guild_id = ? AND posted_at = (
                SELECT max(posted_at) FROM alerts_posted
                WHERE guild_id = a.guild_id AND kind = a.kind
            )
            """,
            (guild_id,),
        )
        return {row["kind"]: _posted(row) for row in rows}

    async def posted_alerts(self, guild_id: int, limit: int = 50) -> list[PostedAlert]:
        """The guild's alert history, newest first."""
        rows = await self._fetch_all(
            f"SELECT {_POSTED_COLUMNS} FROM alerts_posted WHERE guild_id = ? "
            "ORDER BY posted_at DESC, kind LIMIT ?",
            (guild_id, limit),
        )
        return [_posted(row) for row in rows]

    async def alert_history_start(self, guild_id: int) -> float | None:
        """When Clamor first saw anything in the guild (a request or a counted message)."""
        row = await self._fetch_one(_HISTORY_START, (guild_id, guild_id))
        return None if row is None or row[0] is None else float(row[0])

    async def alert_hour_counts(
        self, guild_id: int, windows: Sequence[tuple[float, float]]
    ) -> list[HourCount]:
        """Request messages per hour of each [start, end) window (corrections applied): one
        aggregate row per (window, hour) that had any, ordered by window and hour."""
        if not windows:
            return []
        spans = json.dumps([[float(start), float(end)] for start, end in windows])
        rows = await self._fetch_all(_HOUR_COUNTS[self.dialect], (spans, guild_id))
        return [
            HourCount(int(row["window"]), int(row["hour"]), int(row["requests"]), int(row["sour"]))
            for row in rows
        ]

    async def alert_top_targets(
        self, guild_id: int, start: float, end: float, *, sour_only: bool = False, limit: int = 3
    ) -> list[tuple[str, int]]:
        """The targets named most in [start, end): (name, messages naming it), most first."""
        sour = f"AND {_LABEL} IN {_SOUR}" if sour_only else ""
        sql = f"""
            SELECT t.value AS target, count(DISTINCT r.message_id) AS messages
            FROM request_messages AS r
            LEFT JOIN label_corrections AS c
                ON c.guild_id = r.guild_id AND c.message_id = r.message_id
            {_EACH_TARGET[self.dialect]}
            WHERE r.guild_id = ? AND r.created_at >= ? AND r.created_at < ?
                AND (c.label IS NULL OR c.label <> '{NOT_A_REQUEST}') {sour}
            GROUP BY t.value
            ORDER BY messages DESC, {_TARGET_ORDER[self.dialect]}
            LIMIT ?
        """
        rows = await self._fetch_all(sql, (guild_id, start, end, limit))
        return [(str(row["target"]), int(row["messages"])) for row in rows]

    async def alert_candidates(
        self,
        guild_id: int,
        start: float,
        end: float,
        *,
        channel_ids: Collection[int] | None,
        sour_only: bool = False,
        limit: int = 50,
    ) -> list[RequestRecord]:
        """Up to `limit` corrected rows of [start, end) that can be quoted: with text, in
        `channel_ids` (None = any). Strongest tone first: most negative when `sour_only`."""
        sql = CORRECTED_LOG + " AND r.content <> ''"
        params: list[Any] = [guild_id, start, end]
        if channel_ids is not None:
            sql += " AND " + in_id_list("r.channel_id", self.dialect)
            params.append(json.dumps(sorted(channel_ids)))
        if sour_only:
            sql += f" AND {_LABEL} IN {_SOUR} ORDER BY r.compound, r.created_at DESC"
        else:
            sql += " ORDER BY abs(r.compound) DESC, r.created_at DESC"
        params.append(limit)
        rows = await self._fetch_all(sql + " LIMIT ?", params)
        return [request_record(row) for row in rows]
