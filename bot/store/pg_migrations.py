"""The PostgreSQL schema: the same numbered migrations as `migrations.py`, with the same meaning,
in PostgreSQL's own DDL. `PG_MIGRATIONS[n - 1]` mirrors `MIGRATIONS[n - 1]`; a new SQLite
migration needs its twin here (a test checks both lists have the same length).

Translation rules, so the two stores return the same records:
- ids, hours and counts are BIGINT (Discord ids need 64 bits; SQLite's INTEGER has them);
- SQLite's REAL is an 8-byte float: DOUBLE PRECISION (PostgreSQL's REAL has only 4 bytes);
- text columns that are compared or sorted use the "C" collation, SQLite's byte order;
- GLOB checks become anchored regular expressions; WITHOUT ROWID has no counterpart.

PostgreSQL has no `PRAGMA user_version`: the applied versions are rows of `clamor_schema`, and
every migration inserts its row in the same transaction as its DDL.
"""

from __future__ import annotations

import asyncpg

from bot.store.database import BUSY_BUDGET_SECONDS
from bot.store.migrations import Migration, NewerSchemaError

SCHEMA_TABLE = """
    CREATE TABLE IF NOT EXISTS clamor_schema (
        version    INTEGER PRIMARY KEY,
        applied_at DOUBLE PRECISION NOT NULL
    )
"""

_SCHEMA_1: Migration = (
    """
    CREATE TABLE guild_settings (
        guild_id             BIGINT PRIMARY KEY,
        digest_channel_id    BIGINT,
        digest_time          TEXT COLLATE "C" CHECK (digest_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
        timezone             TEXT COLLATE "C" CHECK (timezone <> ''),
        watch_mode           TEXT COLLATE "C" NOT NULL DEFAULT 'all'
                             CHECK (watch_mode IN ('all', 'listed')),
        last_digest_error    TEXT,
        last_digest_error_at DOUBLE PRECISION
    )
    """,
    """
    CREATE TABLE channel_rules (
        guild_id   BIGINT NOT NULL,
        channel_id BIGINT NOT NULL,
        rule       TEXT COLLATE "C" NOT NULL CHECK (rule IN ('watch', 'exclude')),
        PRIMARY KEY (guild_id, channel_id)
    )
    """,
    """
    CREATE TABLE guild_terms (
        guild_id BIGINT NOT NULL,
        kind     TEXT COLLATE "C" NOT NULL CHECK (kind IN ('target', 'keyword', 'ignore')),
        term     TEXT COLLATE "C" NOT NULL CHECK (term <> ''),
        PRIMARY KEY (guild_id, kind, term)
    )
    """,
    """
    CREATE TABLE request_messages (
        message_id   BIGINT PRIMARY KEY,
        guild_id     BIGINT NOT NULL,
        channel_id   BIGINT NOT NULL,
        author_hash  TEXT COLLATE "C" NOT NULL,
        created_at   DOUBLE PRECISION NOT NULL,
        content      TEXT NOT NULL,
        language     TEXT COLLATE "C" NOT NULL,
        compound     DOUBLE PRECISION NOT NULL,
        pos          DOUBLE PRECISION NOT NULL,
        neu          DOUBLE PRECISION NOT NULL,
        neg          DOUBLE PRECISION NOT NULL,
        category     TEXT COLLATE "C",
        targets      TEXT NOT NULL DEFAULT '[]',
        alternatives TEXT NOT NULL DEFAULT '[]',
        cues         TEXT NOT NULL DEFAULT '[]',
        edited       BIGINT NOT NULL DEFAULT 0 CHECK (edited IN (0, 1))
    )
    """,
    "CREATE INDEX request_messages_by_guild_time ON request_messages (guild_id, created_at)",
    """
    CREATE TABLE message_volume (
        guild_id   BIGINT NOT NULL,
        hour       BIGINT NOT NULL CHECK (hour % 3600 = 0),
        channel_id BIGINT NOT NULL,
        messages   BIGINT NOT NULL CHECK (messages >= 0),
        PRIMARY KEY (guild_id, hour, channel_id)
    )
    """,
    """
    CREATE TABLE channel_cursors (
        guild_id        BIGINT NOT NULL,
        channel_id      BIGINT NOT NULL,
        last_message_id BIGINT NOT NULL,
        PRIMARY KEY (guild_id, channel_id)
    )
    """,
    """
    CREATE TABLE digest_runs (
        guild_id   BIGINT NOT NULL,
        local_day  TEXT COLLATE "C" NOT NULL
                   CHECK (local_day ~ '^[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]$'),
        channel_id BIGINT,
        message_id BIGINT,
        posted_at  DOUBLE PRECISION,
        error      TEXT,
        PRIMARY KEY (guild_id, local_day)
    )
    """,
)

_SCHEMA_2: Migration = (
    """
    CREATE TABLE label_corrections (
        guild_id          BIGINT NOT NULL,
        message_id        BIGINT NOT NULL,
        channel_id        BIGINT NOT NULL,
        label             TEXT COLLATE "C" NOT NULL CHECK (label IN ('demand', 'frustration',
                              'optimism', 'skepticism', 'defeatism', 'not-a-request')),
        content           TEXT NOT NULL,
        language          TEXT COLLATE "C" NOT NULL,
        original_category TEXT COLLATE "C",
        corrected_at      DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (guild_id, message_id)
    )
    """,
    "CREATE INDEX label_corrections_by_time ON label_corrections (guild_id, corrected_at)",
)

_SCHEMA_3: Migration = (
    """
    CREATE TABLE guild_privacy (
        guild_id       BIGINT PRIMARY KEY,
        retention_days BIGINT NOT NULL CHECK (retention_days BETWEEN 7 AND 3650),
        content_mode   TEXT COLLATE "C" NOT NULL CHECK (content_mode IN ('keep', 'drop'))
    )
    """,
    """
    CREATE TABLE opted_out_authors (
        guild_id     BIGINT NOT NULL,
        author_hash  TEXT COLLATE "C" NOT NULL CHECK (author_hash <> ''),
        opted_out_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (guild_id, author_hash)
    )
    """,
    """
    CREATE TABLE departed_guilds (
        guild_id BIGINT PRIMARY KEY,
        left_at  DOUBLE PRECISION NOT NULL
    )
    """,
    'ALTER TABLE label_corrections ADD COLUMN author_hash TEXT COLLATE "C"',
    "ALTER TABLE channel_cursors ADD COLUMN counted_from BIGINT",
    "CREATE INDEX request_messages_by_author ON request_messages (guild_id, author_hash)",
    """
    CREATE INDEX request_messages_by_channel
        ON request_messages (guild_id, channel_id, message_id)
    """,
    "CREATE INDEX label_corrections_by_author ON label_corrections (guild_id, author_hash)",
    # Same condition as retention's _UNERASED, so the planner can match the purge to it.
    """
    CREATE INDEX request_messages_unerased
        ON request_messages (guild_id, created_at)
        WHERE content <> '' OR author_hash <> ''
    """,
)

_SCHEMA_4: Migration = (
    """
    CREATE TABLE alert_settings (
        guild_id       BIGINT PRIMARY KEY,
        channel_id     BIGINT,
        sensitivity    TEXT COLLATE "C" NOT NULL DEFAULT 'normal'
                       CHECK (sensitivity IN ('low', 'normal', 'high')),
        last_error     TEXT,
        last_error_at  DOUBLE PRECISION
    )
    """,
    """
    CREATE TABLE alerts_posted (
        guild_id   BIGINT NOT NULL,
        kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('volume', 'share')),
        posted_at  DOUBLE PRECISION NOT NULL,
        summary    TEXT NOT NULL,
        level      BIGINT NOT NULL DEFAULT 0 CHECK (level >= 0),
        channel_id BIGINT,
        message_id BIGINT,
        PRIMARY KEY (guild_id, kind, posted_at)
    )
    """,
)

_SCHEMA_5: Migration = (
    # Claims, so several processes share one bot without posting a digest or an alert twice.
    'ALTER TABLE digest_runs ADD COLUMN claimed_by TEXT COLLATE "C"',
    "ALTER TABLE digest_runs ADD COLUMN claimed_at DOUBLE PRECISION",
    'ALTER TABLE alert_settings ADD COLUMN claimed_by TEXT COLLATE "C"',
    "ALTER TABLE alert_settings ADD COLUMN claimed_at DOUBLE PRECISION",
)

_SCHEMA_6: Migration = (
    # The guild/time index also carries what a day's aggregate reads, so trends are index-only
    # scans (with the visibility map vacuum keeps); it replaces the old index under its name.
    "DROP INDEX request_messages_by_guild_time",
    """
    CREATE INDEX request_messages_by_guild_time
        ON request_messages (guild_id, created_at, message_id, category, compound, channel_id)
    """,
)

_SCHEMA_7: Migration = (
    # Volume buckets on local whole hours start at :30 or :45 UTC in some zones; PostgreSQL
    # changes the CHECK in place (the name is the one it gave the column's CHECK).
    """
    ALTER TABLE message_volume
        DROP CONSTRAINT message_volume_hour_check,
        ADD CONSTRAINT message_volume_hour_check CHECK (hour % 900 = 0)
    """,
)

_SCHEMA_8: Migration = (
    # Which channel each thread belongs to (ids only), for channel filters over archived threads.
    """
    CREATE TABLE thread_parents (
        guild_id  BIGINT NOT NULL,
        thread_id BIGINT NOT NULL,
        parent_id BIGINT NOT NULL,
        private   BIGINT NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
        PRIMARY KEY (guild_id, thread_id)
    )
    """,
    "CREATE INDEX thread_parents_by_parent ON thread_parents (guild_id, parent_id, thread_id)",
)

# See migrations._SCHEMA_9.
_SCHEMA_9: Migration = (
    """
    CREATE TABLE counted_ranges (
        guild_id   BIGINT NOT NULL,
        channel_id BIGINT NOT NULL,
        last_id    BIGINT NOT NULL,
        after_id   BIGINT NOT NULL CHECK (after_id < last_id),
        PRIMARY KEY (guild_id, channel_id, last_id)
    )
    """,
    """
    INSERT INTO counted_ranges (guild_id, channel_id, after_id, last_id)
    SELECT guild_id, channel_id, coalesce(counted_from, 0), last_message_id FROM channel_cursors
    WHERE coalesce(counted_from, 0) < last_message_id
    """,
)

# See migrations._SCHEMA_10.
_SCHEMA_10: Migration = (
    """
    CREATE TABLE shard_leases (
        shard_id    BIGINT PRIMARY KEY,
        holder      TEXT NOT NULL,
        expires_at  DOUBLE PRECISION NOT NULL
    )
    """,
)

_SCHEMA_11: Migration = (
    # When a schedule was set up, and each digest run's zone, so the daily digest keeps its
    # promises across restarts and changes of zone (see migrations._SCHEMA_11).
    "ALTER TABLE guild_settings ADD COLUMN digest_armed_at DOUBLE PRECISION",
    """ALTER TABLE digest_runs ADD COLUMN timezone TEXT COLLATE "C" NOT NULL DEFAULT ''""",
    """
    ALTER TABLE digest_runs
        DROP CONSTRAINT digest_runs_pkey,
        ADD PRIMARY KEY (guild_id, local_day, timezone)
    """,
)

# See migrations._SCHEMA_12.
_SCHEMA_12: Migration = ("ALTER TABLE request_messages ADD COLUMN replies_to BIGINT",)

PG_MIGRATIONS: tuple[Migration, ...] = (
    _SCHEMA_1,
    _SCHEMA_2,
    _SCHEMA_3,
    _SCHEMA_4,
    _SCHEMA_5,
    _SCHEMA_6,
    _SCHEMA_7,
    _SCHEMA_8,
    _SCHEMA_9,
    _SCHEMA_10,
    _SCHEMA_11,
    _SCHEMA_12,
)

# pg_advisory_lock key for migrating: "clamor" in ASCII. Held for the whole migration, so two
# processes starting together apply each migration once, one after the other.
MIGRATION_LOCK = int.from_bytes(b"clamor", "big")


async def pg_schema_version(connection: asyncpg.Connection) -> int:
    return int(await connection.fetchval("SELECT coalesce(max(version), 0) FROM clamor_schema"))


async def migrate_pg(
    connection: asyncpg.Connection,
    migrations: tuple[Migration, ...] = PG_MIGRATIONS,
    *,
    busy_budget: float = BUSY_BUDGET_SECONDS,
) -> int:
    """Apply every missing migration, each in its own transaction with its version row, while
    holding the migration lock; the final version."""
    # lock_timeout bounds the wait for a process that is migrating right now.
    await connection.execute(f"SET lock_timeout = {int(busy_budget * 1000):d}")
    await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
    try:
        await connection.execute(SCHEMA_TABLE)
        version = await pg_schema_version(connection)
        if version > len(migrations):
            raise NewerSchemaError(version, len(migrations))
        for number in range(version + 1, len(migrations) + 1):
            async with connection.transaction():
                for statement in migrations[number - 1]:
                    await connection.execute(statement)
                await connection.execute(
                    "INSERT INTO clamor_schema (version, applied_at) "
                    "VALUES ($1, extract(epoch FROM now()))",
                    number,
                )
        return await pg_schema_version(connection)
    finally:
        if not connection.is_closed():
            await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
            await connection.execute("RESET lock_timeout")
