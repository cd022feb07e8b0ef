"""Settings: read once from the environment and `.env`, validated, one frozen object.

Every problem is reported as a `SettingsError` whose message is one line naming the variable, so the
command line can print it and exit with status 2 instead of showing a traceback.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dotenv import dotenv_values

from bot.redaction import install_redaction

DEFAULT_DB = "data/clamor.db"
# The author-hash key when the database is PostgreSQL: a file, never a row of the database.
DEFAULT_KEY_FILE = "data/clamor.key"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
DEFAULT_DIGEST_TIME = "09:00"
DEFAULT_TIMEZONE = "UTC"
# Days a removed bot keeps a server's data before erasing it (README: "Privacy and data").
DEFAULT_LEAVE_GRACE_DAYS = 30
MAX_LEAVE_GRACE_DAYS = 3650
# Messages per channel gap filling reads after a restart (0 turns it off), and request writes
# held in memory while the database cannot be written.
DEFAULT_GAP_FILL_MESSAGES = 1000
MAX_GAP_FILL_MESSAGES = 100_000
DEFAULT_WRITE_QUEUE = 5000
MAX_WRITE_QUEUE = 1_000_000
# Live events of one guild taken in and not finished, beyond which new messages are shed
# (counted, not analysed; gap filling re-reads them): about 0.1-0.2 s of analysis, so a flood
# never piles up tasks, memory and delay the bot cannot work off.
INTAKE_PER_GUILD = 200
# Seconds one PostgreSQL statement may go unanswered before the connection counts as lost (a
# server that stopped answering would otherwise hang the bot and the command line for good).
# Far above any statement Clamor makes; a lock held by another process is waited for in short
# slices of its own (lock_timeout), so it never runs into this.
DEFAULT_DB_TIMEOUT = 60
MAX_DB_TIMEOUT = 3600
# Far above any bot's need (Discord asks for one shard per 1,000 or so servers); only a sanity cap.
MAX_SHARDS = 100_000
# How long a process's hold on its shards outlives its last renewal (every third of it): the
# wait before a crashed process's successor may start, and the pause a live one survives.
DEFAULT_SHARD_LEASE_SECONDS = 60
MIN_SHARD_LEASE_SECONDS = 3
MAX_SHARD_LEASE_SECONDS = 3600
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
# What a guild's own terms (`/clamor-mod terms add`) may be: every term is a search over every
# message, so the largest list must keep a 4,000-character message within the 10 ms analysis
# target (bench/worst_case.py measures it). A database written before the cap may hold more
# terms; the analysis then uses the first ones in alphabetical order.
MIN_TERM_CHARS = 2
MAX_TERM_CHARS = 100
MAX_TERMS_PER_KIND = 100
# A team is a few roles (a server may have 250); 25 keep `/clamor-mod team list` one short answer.
MAX_TEAM_ROLES = 25

_HHMM = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
# Bot tokens are three base64url segments joined by dots; anything else is a paste error.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")
_SHARD_ITEM = re.compile(r"([0-9]{1,6})(?:-([0-9]{1,6}))?")


class SettingsError(ValueError):
    """A setting is missing or invalid; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: str | None
    db_path: Path
    log_level: str
    dev_guild_id: int | None
    digest_time: str
    timezone: str
    leave_grace_days: int = DEFAULT_LEAVE_GRACE_DAYS
    gap_fill_messages: int = DEFAULT_GAP_FILL_MESSAGES
    write_queue_size: int = DEFAULT_WRITE_QUEUE
    # None = Discord's recommended count, all shards in this process (AutoShardedBot).
    shard_count: int | None = None
    # The shards this process runs, sorted; None = all `shard_count` of them.
    shard_ids: tuple[int, ...] | None = None
    shard_lease_seconds: int = DEFAULT_SHARD_LEASE_SECONDS

    # CLAMOR_DB=postgresql://... selects PostgreSQL; db_path then stays the unused default.
    db_url: str | None = None
    key_file: Path | None = None  # CLAMOR_KEY_FILE; None: beside the SQLite database
    db_timeout: int = DEFAULT_DB_TIMEOUT  # CLAMOR_DB_TIMEOUT, seconds; PostgreSQL only

    @property
    def database(self) -> Path | str:
        """What `Store.open` takes: the PostgreSQL URL if one is set, else the SQLite file."""
        return self.db_url if self.db_url is not None else self.db_path

    @property
    def author_key_path(self) -> Path:
        """The author-hash key: CLAMOR_KEY_FILE, else beside the SQLite file (clamor.db ->
        clamor.key), else data/clamor.key for PostgreSQL."""
        if self.key_file is not None:
            return self.key_file
        if self.db_url is not None:
            return Path(DEFAULT_KEY_FILE)
        return self.db_path.with_suffix(".key")

    def served_shards(self) -> tuple[int, ...] | None:
        """The shard ids this process runs, or None while Discord picks the count."""
        if self.shard_count is None:
            return None
        return self.shard_ids if self.shard_ids is not None else tuple(range(self.shard_count))

    def require_token(self) -> str:
        """The token, or a SettingsError saying how to provide one."""
        if not self.discord_token:
            raise SettingsError(
                "DISCORD_TOKEN is not set: put your bot token in .env (see .env.example)"
            )
        if not _TOKEN.fullmatch(self.discord_token):
            raise SettingsError(
                "DISCORD_TOKEN does not look like a bot token: copy it again from the "
                "Developer Portal (Bot -> Reset Token)"
            )
        return self.discord_token

    def __repr__(self) -> str:
        # The token must never reach a log line or a traceback through repr().
        token = "set" if self.discord_token else "unset"
        return (
            f"Settings(discord_token=<{token}>, db_path={str(self.db_path)!r}, "
            f"db_url={self.db_url and url_without_password(self.db_url)!r}, "
            f"key_file={self.key_file!r}, db_timeout={self.db_timeout!r}, "
            f"log_level={self.log_level!r}, dev_guild_id={self.dev_guild_id!r}, "
            f"digest_time={self.digest_time!r}, timezone={self.timezone!r}, "
            f"leave_grace_days={self.leave_grace_days!r}, "
            f"gap_fill_messages={self.gap_fill_messages!r}, "
            f"write_queue_size={self.write_queue_size!r}, "
            f"shard_count={self.shard_count!r}, shard_ids={self.shard_ids!r}, "
            f"shard_lease_seconds={self.shard_lease_seconds!r})"
        )


def is_postgres_url(location: object) -> bool:
    """Whether a CLAMOR_DB / --db value names a PostgreSQL database rather than a SQLite file."""
    return isinstance(location, str) and location.lower().startswith(POSTGRES_SCHEMES)


def url_without_password(url: str) -> str:
    """The URL for a repr, a log line or an error: user, host, port and database, never the
    password (the query is dropped too: it may carry `password=`)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:  # an IPv6 address goes back in brackets
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:  # a malformed port: show the scheme only rather than guess
        return url.split("://", 1)[0] + "://…"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))


def check_postgres_url(url: str) -> None:
    """ValueError, in one line without the password, when `url` cannot name a server: a port
    that is not a number from 1 to 65535, an unclosed IPv6 bracket. libpq's multi-host form
    (`host1:5432,host2:5433`) is checked host by host."""
    try:
        hosts = urlsplit(url).netloc.rpartition("@")[2]
        for host in hosts.split(","):
            port = urlsplit(f"//{host}").port
            if port == 0:
                raise ValueError("Port out of range 1-65535")
    except ValueError as exc:
        raise ValueError(
            f"{url_without_password(url)} is not a valid PostgreSQL URL ({exc}); "
            "the form is postgresql://user:password@host:port/database"
        ) from None


def check_database_path(path: Path) -> None:
    """ValueError when `path` cannot be a SQLite file: empty, or an existing folder."""
    if str(path) in ("", ".") or not path.name:
        raise ValueError(f"{str(path)!r} names no file; give a path such as data/clamor.db")
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not a database file")


def parse_hhmm(value: str) -> tuple[int, int]:
    """`"07:30"` -> `(7, 30)`; raises ValueError on anything that is not a 24-hour HH:MM."""
    match = _HHMM.fullmatch(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time in 24-hour HH:MM form, e.g. 18:00")
    return int(match.group(1)), int(match.group(2))


# Names the tz database carries that are not places: "localtime" is whatever the host says.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_ZONES


def check_timezone(name: str) -> ZoneInfo:
    """The zone for an IANA name such as Europe/Madrid; raises ValueError for unknown names."""
    cleaned = name.strip()
    if cleaned not in _zone_names():
        raise ValueError(f"{name!r} is not an IANA timezone name, e.g. Europe/Madrid or UTC")
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"{name!r} is not an IANA timezone name, e.g. Europe/Madrid or UTC"
        ) from None


def _setting(values: Mapping[str, str | None], name: str) -> str | None:
    value = values.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    """Read settings; the process environment wins over `.env`, as operators expect."""
    values: dict[str, str | None] = {}
    if env_file is not None and env_file.is_file():
        try:
            values.update(dotenv_values(env_file))
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{env_file}: cannot be read ({exc.__class__.__name__})") from None
    values.update(os.environ if environ is None else environ)

    level = (_setting(values, "LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL={level!r} is not one of {', '.join(LOG_LEVELS)}")

    dev_guild: int | None = None
    if raw_guild := _setting(values, "CLAMOR_DEV_GUILD"):
        if not raw_guild.isdigit() or len(raw_guild) > 20:
            raise SettingsError(
                f"CLAMOR_DEV_GUILD={raw_guild!r} is not a server id (digits only; "
                "right-click the server with Developer Mode on -> Copy Server ID)"
            )
        dev_guild = int(raw_guild)

    digest_time = _setting(values, "CLAMOR_DIGEST_TIME") or DEFAULT_DIGEST_TIME
    try:
        hour, minute = parse_hhmm(digest_time)
    except ValueError as exc:
        raise SettingsError(f"CLAMOR_DIGEST_TIME: {exc}") from None

    timezone = _setting(values, "CLAMOR_TIMEZONE") or DEFAULT_TIMEZONE
    try:
        check_timezone(timezone)
    except ValueError as exc:
        raise SettingsError(f"CLAMOR_TIMEZONE: {exc}") from None

    database = _setting(values, "CLAMOR_DB") or DEFAULT_DB
    # A URL must not go through Path, which would fold its "//" into "/".
    db_url = database if is_postgres_url(database) else None
    try:
        if db_url is not None:
            check_postgres_url(db_url)
        else:
            check_database_path(Path(database))
    except ValueError as exc:
        raise SettingsError(f"CLAMOR_DB: {exc}") from None
    key_file = _setting(values, "CLAMOR_KEY_FILE")

    shard_count = _optional_count(values, "CLAMOR_SHARDS", 1, MAX_SHARDS)
    return Settings(
        discord_token=_setting(values, "DISCORD_TOKEN"),
        db_path=Path(DEFAULT_DB if db_url is not None else database),
        db_url=db_url,
        key_file=Path(key_file) if key_file is not None else None,
        db_timeout=_count(values, "CLAMOR_DB_TIMEOUT", DEFAULT_DB_TIMEOUT, 1, MAX_DB_TIMEOUT),
        log_level=level,
        dev_guild_id=dev_guild,
        digest_time=f"{hour:02d}:{minute:02d}",
        timezone=timezone.strip(),
        leave_grace_days=_count(
            values, "CLAMOR_LEAVE_GRACE_DAYS", DEFAULT_LEAVE_GRACE_DAYS, 0, MAX_LEAVE_GRACE_DAYS
        ),
        gap_fill_messages=_count(
            values, "CLAMOR_GAP_FILL_MESSAGES", DEFAULT_GAP_FILL_MESSAGES, 0, MAX_GAP_FILL_MESSAGES
        ),
        write_queue_size=_count(
            values, "CLAMOR_WRITE_QUEUE", DEFAULT_WRITE_QUEUE, 1, MAX_WRITE_QUEUE
        ),
        shard_count=shard_count,
        shard_ids=_shard_ids(_setting(values, "CLAMOR_SHARD_IDS"), shard_count),
        shard_lease_seconds=_count(
            values,
            "CLAMOR_SHARD_LEASE_SECONDS",
            DEFAULT_SHARD_LEASE_SECONDS,
            MIN_SHARD_LEASE_SECONDS,
            MAX_SHARD_LEASE_SECONDS,
        ),
    )


def _count(values: Mapping[str, str | None], name: str, default: int, low: int, high: int) -> int:
    """A whole-number setting in [low, high], or a one-line SettingsError naming it."""
    raw = _setting(values, name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or not low <= int(raw) <= high:
        raise SettingsError(f"{name}={raw!r} is not a whole number from {low} to {high}")
    return int(raw)


def _optional_count(values: Mapping[str, str | None], name: str, low: int, high: int) -> int | None:
    if _setting(values, name) is None:
        return None
    return _count(values, name, low, low, high)


def parse_shard_ids(spec: str, shard_count: int) -> tuple[int, ...]:
    """`"0-3,7"` -> `(0, 1, 2, 3, 7)`: the shards one process runs out of `shard_count`.

    Raises ValueError, in words for the operator, for malformed items, ids outside
    0..shard_count-1, backward ranges and any shard listed twice (two processes sharing one is
    a configuration mistake worth catching early, a process listing it twice probably one too).
    """
    shards: set[int] = set()
    for item in spec.split(","):
        match = _SHARD_ITEM.fullmatch(item.strip())
        if match is None:
            raise ValueError(f"{item.strip()!r} is not a shard id or a range such as 0-3")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if last < first:
            raise ValueError(f"the range {first}-{last} runs backwards")
        if last >= shard_count:
            raise ValueError(
                f"shard {last} does not exist with CLAMOR_SHARDS={shard_count} "
                f"(ids run from 0 to {shard_count - 1})"
            )
        items = set(range(first, last + 1))
        if repeated := items & shards:
            raise ValueError(f"shard {min(repeated)} is listed twice")
        shards |= items
    return tuple(sorted(shards))


def _shard_ids(raw: str | None, shard_count: int | None) -> tuple[int, ...] | None:
    if raw is None:
        return None
    if shard_count is None:
        raise SettingsError(
            f"CLAMOR_SHARD_IDS={raw!r} needs CLAMOR_SHARDS, the bot's total number of shards"
        )
    try:
        return parse_shard_ids(raw, shard_count)
    except ValueError as exc:
        raise SettingsError(f"CLAMOR_SHARD_IDS={raw!r}: {exc}") from None


LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# C0 and C1 control characters (tab aside), DEL and the Unicode line and paragraph separators.
_CONTROLS = [*range(0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]
_ESCAPED_CONTROLS = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _CONTROLS
}


class OneLineFormatter(logging.Formatter):
    """Each record's line stays one line: a channel name or an error text from Discord that
    carries a line break or a terminal escape can neither forge a log line nor drive the
    operator's terminal. A traceback, appended after, keeps its own lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return super().formatMessage(record).translate(_ESCAPED_CONTROLS)


def configure_logging(level: str, *, secrets: Iterable[str | None] = ()) -> None:
    """Log to stderr at `level`, one line a record, with `secrets` (the token) and anything
    shaped like a Discord token redacted from every record, exception text included."""
    # Redaction first: nothing may be logged between the handler appearing and the filter.
    install_redaction(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter(LOG_FORMAT))
    logging.basicConfig(level=getattr(logging, level, logging.INFO), handlers=[handler])
