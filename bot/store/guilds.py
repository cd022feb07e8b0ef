"""Per-guild configuration: digest schedule and errors, watch mode, channel rules, terms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from time import time as now
from typing import get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.analysis.results import GuildTerms
from bot.config import (
    DEFAULT_DIGEST_TIME,
    DEFAULT_TIMEZONE,
    MAX_TEAM_ROLES,
    MAX_TERM_CHARS,
    MAX_TERMS_PER_KIND,
)
from bot.store.backend import Backend, Params
from bot.store.database import Database
from bot.store.records import (
    TERM_KINDS,
    ChannelRule,
    GuildSettings,
    Row,
    TermKind,
    WatchMode,
    storable,
)

WATCH_MODES: tuple[WatchMode, ...] = get_args(WatchMode)
CHANNEL_RULES: tuple[ChannelRule, ...] = get_args(ChannelRule)
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")

# Fallbacks for callers that list every guild without knowing the operator's defaults.
# Only guilds that never chose a schedule are affected.
FALLBACK_DIGEST_TIME = DEFAULT_DIGEST_TIME
FALLBACK_TIMEZONE = DEFAULT_TIMEZONE

_SETTINGS_COLUMNS = (
    "guild_id, digest_channel_id, digest_time, timezone, watch_mode, digest_armed_at"
)


class TermLimitError(ValueError):
    """The guild already has as many terms of this kind as it may."""

    def __init__(self, kind: str) -> None:
        super().__init__(
            f"this server already has {MAX_TERMS_PER_KIND} {kind} terms, the most it may have"
        )
        self.kind = kind


class TeamLimitError(ValueError):
    """The guild's team already has as many roles as it may."""

    def __init__(self) -> None:
        super().__init__(f"the team already has {MAX_TEAM_ROLES} roles, the most it may have")


def normalize_term(term: str) -> str:
    """How a term is stored and compared: NFC, lower case, runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFC", storable(term)).lower().split())


def _checked_term(kind: str, term: str) -> str:
    if kind not in TERM_KINDS:
        raise ValueError(f"{kind!r} is not a term kind ({', '.join(TERM_KINDS)})")
    normal = normalize_term(term)
    if not normal:
        raise ValueError("a term cannot be empty")
    if len(normal) > MAX_TERM_CHARS:
        raise ValueError(f"a term can be at most {MAX_TERM_CHARS} characters")
    return normal


def _check_schedule(digest_time: str, timezone: str) -> None:
    if not _HHMM.fullmatch(digest_time):
        raise ValueError(f"{digest_time!r} is not a time in 24-hour HH:MM form")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{timezone!r} is not an IANA timezone name") from None


def _settings(row: Row, default_time: str, default_timezone: str) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        digest_channel_id=row["digest_channel_id"],
        digest_time=row["digest_time"] or default_time,
        timezone=row["timezone"] or default_timezone,
        watch_mode=row["watch_mode"],
        digest_armed_at=row["digest_armed_at"],
    )


class GuildQueries(Database):
    async def guild_settings(
        self, guild_id: int, *, default_time: str, default_timezone: str
    ) -> GuildSettings:
        """The guild's settings; what it never chose comes from the defaults given."""
        row = await self._fetch_one(
            f"SELECT {_SETTINGS_COLUMNS} FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        if row is None:
            return GuildSettings(guild_id, None, default_time, default_timezone)
        return _settings(row, default_time, default_timezone)

    async def all_guild_settings(
        self,
        *,
        default_time: str = FALLBACK_DIGEST_TIME,
        default_timezone: str = FALLBACK_TIMEZONE,
    ) -> list[GuildSettings]:
        """Settings of every guild that has saved any, by guild id."""
        rows = await self._fetch_all(
            f"SELECT {_SETTINGS_COLUMNS} FROM guild_settings ORDER BY guild_id"
        )
        return [_settings(row, default_time, default_timezone) for row in rows]

    async def remember_guilds(self, guild_ids: Iterable[int]) -> None:
        """Note guilds the bot serves (a settings row of defaults where there is none), so a
        removal while the bot is offline is noticed even where no moderator saved a setting;
        rows from `clamor analyze --db` imports never get one."""
        rows = [(guild_id,) for guild_id in sorted(set(guild_ids))]
        if rows:
            await self._write_many(
                "INSERT INTO guild_settings (guild_id) VALUES (?) "
                "ON CONFLICT (guild_id) DO NOTHING",
                rows,
            )

    async def set_digest_schedule(
        self,
        guild_id: int,
        channel_id: int | None,
        time: str,
        timezone: str,
        *,
        at: float | None = None,
    ) -> None:
        """Where and when the daily digest goes; channel None turns the daily post off.

        A schedule set where there was none is armed `at` (default: now): its first digest is
        the first due from then. Changing a schedule keeps when it was armed, so a digest it
        owes (a post that failed in the old channel) is still owed in the new one. The last
        digest error is cleared: it was about the setting now replaced, and the owed digest
        is tried at once rather than an hour after the failure.
        """
        _check_schedule(time, timezone)
        armed_at = now() if at is None else at
        await self._write(
            """
            INSERT INTO guild_settings
                (guild_id, digest_channel_id, digest_time, timezone, digest_armed_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET
                digest_armed_at = CASE
                    WHEN excluded.digest_channel_id IS NULL THEN NULL
                    WHEN guild_settings.digest_channel_id IS NULL
                        OR guild_settings.digest_armed_at IS NULL
                        THEN excluded.digest_armed_at
                    ELSE guild_settings.digest_armed_at
                END,
                digest_channel_id = excluded.digest_channel_id,
                digest_time = excluded.digest_time,
                timezone = excluded.timezone,
                last_digest_error = NULL,
                last_digest_error_at = NULL
            """,
            (guild_id, channel_id, time, timezone, armed_at if channel_id is not None else None),
        )

    async def arm_digest_schedule(self, guild_id: int, *, at: float) -> float:
        """When the guild's digest schedule was armed, arming it `at` if it never was (a
        schedule saved before Clamor kept the moment). Several processes agree on the first."""
        await self._write(
            "UPDATE guild_settings SET digest_armed_at = ? "
            "WHERE guild_id = ? AND digest_armed_at IS NULL",
            (at, guild_id),
        )
        row = await self._fetch_one(
            "SELECT digest_armed_at FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        armed = None if row is None else row["digest_armed_at"]
        return at if armed is None else float(armed)

    async def set_watch_mode(self, guild_id: int, mode: WatchMode) -> None:
        if mode not in WATCH_MODES:
            raise ValueError(f"{mode!r} is not a watch mode ({', '.join(WATCH_MODES)})")
        await self._write(
            """
            INSERT INTO guild_settings (guild_id, watch_mode) VALUES (?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET watch_mode = excluded.watch_mode
            """,
            (guild_id, mode),
        )

    async def set_digest_error(
        self,
        guild_id: int,
        error: str | None,
        *,
        at: float | None = None,
        channel_id: int | None = None,
    ) -> None:
        """Remember why the last digest failed (None clears it); `at` defaults to now.

        With `channel_id`, only while the digest still goes there: a post that failed in a
        channel a moderator replaced meanwhile must not hold up the new one (the loop may have
        read the old setting just before the command saved the new).
        """
        when = None if error is None else (now() if at is None else at)
        if channel_id is not None:
            await self._write(
                "UPDATE guild_settings SET last_digest_error = ?, last_digest_error_at = ? "
                "WHERE guild_id = ? AND digest_channel_id = ?",
                (error, when, guild_id, channel_id),
            )
            return
        await self._write(
            """
            INSERT INTO guild_settings (guild_id, last_digest_error, last_digest_error_at)
            VALUES (?, ?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET
                last_digest_error = excluded.last_digest_error,
                last_digest_error_at = excluded.last_digest_error_at
            """,
            (guild_id, error, when),
        )

    async def digest_error(self, guild_id: int) -> tuple[str, float] | None:
        """(error text, unix time) of the last failed digest, unless cleared since."""
        row = await self._fetch_one(
            """
            SELECT last_digest_error, last_digest_error_at FROM guild_settings
            WHERE guild_id = ? AND last_digest_error IS NOT NULL
            """,
            (guild_id,),
        )
        if row is None:
            return None
        return row[0], float(row[1] or 0.0)

    async def set_channel_rule(self, guild_id: int, channel_id: int, rule: ChannelRule) -> None:
        if rule not in CHANNEL_RULES:
            raise ValueError(f"{rule!r} is not a channel rule ({', '.join(CHANNEL_RULES)})")
        await self._write(
            """
            INSERT INTO channel_rules (guild_id, channel_id, rule) VALUES (?, ?, ?)
            ON CONFLICT (guild_id, channel_id) DO UPDATE SET rule = excluded.rule
            """,
            (guild_id, channel_id, rule),
        )

    async def remove_channel_rule(self, guild_id: int, channel_id: int) -> bool:
        changed = await self._write(
            "DELETE FROM channel_rules WHERE guild_id = ? AND channel_id = ?",
            (guild_id, channel_id),
        )
        return changed > 0

    async def channel_rules(self, guild_id: int) -> dict[int, ChannelRule]:
        rows = await self._fetch_all(
            "SELECT channel_id, rule FROM channel_rules WHERE guild_id = ? ORDER BY channel_id",
            (guild_id,),
        )
        return {row["channel_id"]: row["rule"] for row in rows}

    async def add_team_role(self, guild_id: int, role_id: int) -> bool:
        """Whether the role was new to the guild's team; TeamLimitError when the team already
        has MAX_TEAM_ROLES roles. Adds to one guild take turns, in every process on the
        database, so two moderators (or two shards, or the CLI) adding at once cannot pass the
        limit together."""
        added = await self._add_within_limit(
            guild_id,
            "INSERT INTO team_roles (guild_id, role_id) "
            "SELECT CAST(? AS BIGINT), CAST(? AS BIGINT) "
            "WHERE (SELECT COUNT(*) FROM team_roles WHERE guild_id = ?) < ? "
            "ON CONFLICT (guild_id, role_id) DO NOTHING",
            (guild_id, role_id, guild_id, MAX_TEAM_ROLES),
            "SELECT 1 AS known FROM team_roles WHERE guild_id = ? AND role_id = ?",
            (guild_id, role_id),
        )
        if added is None:
            raise TeamLimitError
        return added

    async def remove_team_role(self, guild_id: int, role_id: int) -> bool:
        removed = await self._write(
            "DELETE FROM team_roles WHERE guild_id = ? AND role_id = ?", (guild_id, role_id)
        )
        return removed > 0

    async def team_roles(self, guild_id: int) -> frozenset[int]:
        rows = await self._fetch_all(
            "SELECT role_id FROM team_roles WHERE guild_id = ?", (guild_id,)
        )
        return frozenset(row["role_id"] for row in rows)

    async def team_guilds(self) -> frozenset[int]:
        """The guilds with a team: `clamor analyze --db` reads authors' roles only for them."""
        rows = await self._fetch_all("SELECT DISTINCT guild_id FROM team_roles")
        return frozenset(row["guild_id"] for row in rows)

    async def add_term(self, guild_id: int, kind: TermKind, term: str) -> bool:
        """Store `term` normalised; False if the guild already had it under this kind.
        TermLimitError when the guild already has MAX_TERMS_PER_KIND terms of this kind (held
        across processes as the team's limit is)."""
        normal = _checked_term(kind, term)
        added = await self._add_within_limit(
            guild_id,
            "INSERT INTO guild_terms (guild_id, kind, term) "
            "SELECT CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT) "
            "WHERE (SELECT COUNT(*) FROM guild_terms WHERE guild_id = ? AND kind = ?) < ? "
            "ON CONFLICT (guild_id, kind, term) DO NOTHING",
            (guild_id, kind, normal, guild_id, kind, MAX_TERMS_PER_KIND),
            "SELECT 1 AS known FROM guild_terms WHERE guild_id = ? AND kind = ? AND term = ?",
            (guild_id, kind, normal),
        )
        if added is None:
            raise TermLimitError(kind)
        return added

    async def _add_within_limit(
        self,
        guild_id: int,
        insert: str,
        insert_params: Params,
        known: str,
        known_params: Params,
    ) -> bool | None:
        """Run `insert`, which adds its row only while the guild is under a limit: True if it
        added, False if `known` finds the row already there, None if the limit refused it."""

        async def work(db: Backend) -> bool | None:
            # PostgreSQL's READ COMMITTED counts only committed rows: two processes adding at
            # once would both count one under the limit and both add. The guild's lock, held
            # until commit, makes them take turns, and the second INSERT, begun after the first
            # committed, counts its row. Not SERIALIZABLE: its failures would need retrying,
            # even for other guilds' rows on the same index page; not a row lock: a guild may
            # have no row to lock. Keyed by the guild id, so other guilds never wait (the
            # Store's other advisory keys are ASCII words, below any Discord id).
            await db.hold_lock(guild_id)
            if await db.execute(insert, insert_params) > 0:
                return True
            return None if await db.fetch_one(known, known_params) is None else False

        return await self._run(work, transaction=True)

    async def remove_term(self, guild_id: int, kind: TermKind, term: str) -> bool:
        changed = await self._write(
            "DELETE FROM guild_terms WHERE guild_id = ? AND kind = ? AND term = ?",
            (guild_id, kind, normalize_term(term)),
        )
        return changed > 0

    async def list_terms(self, guild_id: int) -> dict[TermKind, list[str]]:
        """Every kind, each with its terms in alphabetical order (possibly none)."""
        rows = await self._fetch_all(
            "SELECT kind, term FROM guild_terms WHERE guild_id = ? ORDER BY kind, term",
            (guild_id,),
        )
        terms: dict[TermKind, list[str]] = {kind: [] for kind in TERM_KINDS}
        for row in rows:
            terms[row["kind"]].append(row["term"])
        return terms

    async def guild_terms(self, guild_id: int) -> GuildTerms:
        """The guild's vocabulary in the form the analyser takes: at most MAX_TERMS_PER_KIND
        of each kind, the first in alphabetical order (a database from before the cap may hold
        more; they stay listed and can be removed)."""
        listed = await self.list_terms(guild_id)
        terms = {kind: found[:MAX_TERMS_PER_KIND] for kind, found in listed.items()}
        return GuildTerms(
            targets=frozenset(terms["target"]),
            keywords=frozenset(terms["keyword"]),
            ignore=frozenset(terms["ignore"]),
        )

    async def known_guilds(self) -> list[int]:
        """Guilds with saved settings or logged request messages, by id."""
        rows = await self._fetch_all(
            """
            SELECT guild_id FROM guild_settings
            UNION
            SELECT DISTINCT guild_id FROM request_messages
            ORDER BY guild_id
            """
        )
        return [row[0] for row in rows]

    async def forget_guild(self, guild_id: int) -> None:
        """Delete everything stored for a guild (e.g. the bot was removed), in one transaction."""

        async def work(db: Backend) -> None:
            await delete_guild_rows(db, guild_id)

        await self._run(work, transaction=True)
        await self._scrub_erased()  # an erasure: its copies go before it returns


# Every table with a guild_id. Names are fixed here, never taken from input, so formatting
# them into SQL is safe. A new per-guild table must be added here, or forgetting leaves it.
GUILD_TABLES = (
    "guild_settings",
    "channel_rules",
    "guild_terms",
    "request_messages",
    "message_volume",
    "channel_cursors",
    "counted_ranges",
    "digest_runs",
    "label_corrections",
    "guild_privacy",
    "opted_out_authors",
    "departed_guilds",
    "alert_settings",
    "alerts_posted",
    "thread_parents",
    "guild_learning",
    "team_roles",
)


async def delete_guild_rows(db: Backend, guild_id: int) -> None:
    """Delete the guild's rows from every table; the caller holds the transaction."""
    for table in GUILD_TABLES:
        await db.execute(f"DELETE FROM {table} WHERE guild_id = ?", (guild_id,))
