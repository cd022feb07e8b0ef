"""The one numbered history of Clamor's schema, for SQLite and PostgreSQL alike.

`HISTORY[n - 1]` takes a database from version n - 1 to n. Each migration is a tuple of single
statements (not a script) so it runs inside one explicit transaction together with the version
bump: sqlite3's `executescript` would commit halfway. Never edit a released migration; append one.

Statements are written once, in SQLite's words; `dialect.schema_statement` turns them into
PostgreSQL's (the few type and DDL differences are its table). Where a statement truly differs,
the migration holds a `ByDialect` with each engine's own statements. `MIGRATIONS` and
`PG_MIGRATIONS` are the history as each engine runs it.

SQLite tracks the version with `PRAGMA user_version` (`migrate` below); PostgreSQL has no such
thing and keeps a row per applied version (bot/store/postgres.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.store.dialect import Dialect, schema_statement

Migration = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ByDialect:
    """Statements that differ per engine beyond what `schema_statement` rewrites, each in its
    engine's own words (not rewritten)."""

    sqlite: Migration
    postgresql: Migration

    def statements(self, dialect: Dialect) -> Migration:
        return self.sqlite if dialect == "sqlite" else self.postgresql


# A migration as written: statements shared by both engines, and any `ByDialect` in between.
Written = tuple[str | ByDialect, ...]

_SCHEMA_1: Written = (
    # digest_time / timezone stay NULL until a moderator picks them, so a guild that only changed
    # its watch mode keeps following the operator's defaults from the environment.
    """
    CREATE TABLE guild_settings (
        guild_id             INTEGER PRIMARY KEY,
        digest_channel_id    INTEGER,
        digest_time          TEXT CHECK (digest_time GLOB '[0-2][0-9]:[0-5][0-9]'),
        timezone             TEXT CHECK (timezone <> ''),
        watch_mode           TEXT NOT NULL DEFAULT 'all' CHECK (watch_mode IN ('all', 'listed')),
        last_digest_error    TEXT,
        last_digest_error_at REAL
    )
    """,
    """
    CREATE TABLE channel_rules (
        guild_id   INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        rule       TEXT NOT NULL CHECK (rule IN ('watch', 'exclude')),
        PRIMARY KEY (guild_id, channel_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE guild_terms (
        guild_id INTEGER NOT NULL,
        kind     TEXT NOT NULL CHECK (kind IN ('target', 'keyword', 'ignore')),
        term     TEXT NOT NULL CHECK (term <> ''),
        PRIMARY KEY (guild_id, kind, term)
    ) WITHOUT ROWID
    """,
    # targets, alternatives and cues are JSON arrays of strings.
    """
    CREATE TABLE request_messages (
        message_id   INTEGER PRIMARY KEY,
        guild_id     INTEGER NOT NULL,
        channel_id   INTEGER NOT NULL,
        author_hash  TEXT NOT NULL,
        created_at   REAL NOT NULL,
        content      TEXT NOT NULL,
        language     TEXT NOT NULL,
        compound     REAL NOT NULL,
        pos          REAL NOT NULL,
        neu          REAL NOT NULL,
        neg          REAL NOT NULL,
        category     TEXT,
        targets      TEXT NOT NULL DEFAULT '[]',
        alternatives TEXT NOT NULL DEFAULT '[]',
        cues         TEXT NOT NULL DEFAULT '[]',
        edited       INTEGER NOT NULL DEFAULT 0 CHECK (edited IN (0, 1))
    )
    """,
    "CREATE INDEX request_messages_by_guild_time ON request_messages (guild_id, created_at)",
    # hour = unix seconds of the start of the UTC hour. Key order (guild, hour, channel) makes a
    # guild's time range one index scan, with or without a channel filter.
    """
    CREATE TABLE message_volume (
        guild_id   INTEGER NOT NULL,
        hour       INTEGER NOT NULL CHECK (hour % 3600 = 0),
        channel_id INTEGER NOT NULL,
        messages   INTEGER NOT NULL CHECK (messages >= 0),
        PRIMARY KEY (guild_id, hour, channel_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE channel_cursors (
        guild_id        INTEGER NOT NULL,
        channel_id      INTEGER NOT NULL,
        last_message_id INTEGER NOT NULL,
        PRIMARY KEY (guild_id, channel_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE digest_runs (
        guild_id   INTEGER NOT NULL,
        local_day  TEXT NOT NULL
                   CHECK (local_day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        channel_id INTEGER,
        message_id INTEGER,
        posted_at  REAL,
        error      TEXT,
        PRIMARY KEY (guild_id, local_day)
    ) WITHOUT ROWID
    """,
)

_SCHEMA_2: Written = (
    # A moderator's correction of one message's label. It keeps its own copy of the text, language
    # and Clamor's original category, because it outlives the log row (a message relabelled
    # `not-a-request` may never have been logged) and `clamor labels export` turns it into a test
    # case. label is a category, or 'not-a-request' to hide the message from digests.
    """
    CREATE TABLE label_corrections (
        guild_id          INTEGER NOT NULL,
        message_id        INTEGER NOT NULL,
        channel_id        INTEGER NOT NULL,
        label             TEXT NOT NULL CHECK (label IN ('demand', 'frustration', 'optimism',
                              'skepticism', 'defeatism', 'not-a-request')),
        content           TEXT NOT NULL,
        language          TEXT NOT NULL,
        original_category TEXT,
        corrected_at      REAL NOT NULL,
        PRIMARY KEY (guild_id, message_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX label_corrections_by_time ON label_corrections (guild_id, corrected_at)",
)

_SCHEMA_3: Written = (
    # What a guild lets Clamor keep. A guild without a row uses the defaults (90 days, keep):
    # see bot.store.records.PrivacySettings.
    """
    CREATE TABLE guild_privacy (
        guild_id       INTEGER PRIMARY KEY,
        retention_days INTEGER NOT NULL CHECK (retention_days BETWEEN 7 AND 3650),
        content_mode   TEXT NOT NULL CHECK (content_mode IN ('keep', 'drop'))
    )
    """,
    # Members who asked not to be logged in a guild, by keyed hash.
    """
    CREATE TABLE opted_out_authors (
        guild_id     INTEGER NOT NULL,
        author_hash  TEXT NOT NULL CHECK (author_hash <> ''),
        opted_out_at REAL NOT NULL,
        PRIMARY KEY (guild_id, author_hash)
    ) WITHOUT ROWID
    """,
    # Guilds the bot left; their data is deleted once a grace period has passed.
    """
    CREATE TABLE departed_guilds (
        guild_id INTEGER PRIMARY KEY,
        left_at  REAL NOT NULL
    )
    """,
    # NULL for corrections stored before version 3: their author is unknown.
    "ALTER TABLE label_corrections ADD COLUMN author_hash TEXT",
    # The volume of messages with counted_from < id <= last_message_id has been counted.
    # NULL = unknown (cursors from before version 3): then no older history is ever counted.
    "ALTER TABLE channel_cursors ADD COLUMN counted_from INTEGER",
    "CREATE INDEX request_messages_by_author ON request_messages (guild_id, author_hash)",
    """
    CREATE INDEX request_messages_by_channel
        ON request_messages (guild_id, channel_id, message_id)
    """,
    "CREATE INDEX label_corrections_by_author ON label_corrections (guild_id, author_hash)",
    # Only rows retention has not erased yet: the daily purge finds its work without walking
    # the months of already-erased rows that stay behind as aggregates. The WHERE must match
    # the purge's condition exactly for SQLite to use this index.
    """
    CREATE INDEX request_messages_unerased
        ON request_messages (guild_id, created_at)
        WHERE content <> '' OR author_hash <> ''
    """,
)

_SCHEMA_4: Written = (
    # Spike alerts of a guild: where they go (NULL = off) and how easily they fire. The last
    # posting error is shown by `/clamor-mod alerts`.
    """
    CREATE TABLE alert_settings (
        guild_id       INTEGER PRIMARY KEY,
        channel_id     INTEGER,
        sensitivity    TEXT NOT NULL DEFAULT 'normal'
                       CHECK (sensitivity IN ('low', 'normal', 'high')),
        last_error     TEXT,
        last_error_at  REAL
    )
    """,
    # Every alert posted: the cooldown reads the latest per kind, and it is the guild's history.
    # summary holds numbers and target names only, never message text or authors, so privacy
    # erasure has nothing to do here. level = the count the same day must double to alert again.
    """
    CREATE TABLE alerts_posted (
        guild_id   INTEGER NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('volume', 'share')),
        posted_at  REAL NOT NULL,
        summary    TEXT NOT NULL,
        level      INTEGER NOT NULL DEFAULT 0 CHECK (level >= 0),
        channel_id INTEGER,
        message_id INTEGER,
        PRIMARY KEY (guild_id, kind, posted_at)
    ) WITHOUT ROWID
    """,
)

_SCHEMA_5: Written = (
    # Several processes share one bot (sharding, issue 7). A digest run row is written as a
    # claim (who, when) before the post, so only one process posts a guild's digest for a day;
    # a claim without a message that grows old is a crashed poster and can be taken over.
    "ALTER TABLE digest_runs ADD COLUMN claimed_by TEXT",
    "ALTER TABLE digest_runs ADD COLUMN claimed_at REAL",
    # The same for a guild's spike-alert check: a short lease on its alert settings row, held
    # while checking the cooldown, posting and recording, so two processes never both post.
    "ALTER TABLE alert_settings ADD COLUMN claimed_by TEXT",
    "ALTER TABLE alert_settings ADD COLUMN claimed_at REAL",
)

_SCHEMA_6: Written = (
    # Digests and trends at scale (issue 7; bench/digest_scale.py). The guild/time index now
    # also carries what a day's aggregate reads (category, tone, channel), so a 90-day trend
    # is one index range scan that never touches the table. message_id comes right after the
    # time, as the old index had it implicitly: pages ordered by (created_at, message_id)
    # still need no sort. It replaces the two-column index under the same name rather than
    # sitting beside it: one index to maintain per write, the same plans for older queries.
    "DROP INDEX request_messages_by_guild_time",
    """
    CREATE INDEX request_messages_by_guild_time
        ON request_messages (guild_id, created_at, message_id, category, compound, channel_id)
    """,
)

_SCHEMA_7: Written = (
    # Volume buckets start on the guild's local whole hours (bot/buckets.py), so in a half-hour
    # or 45-minute zone they start at :30 or :45 UTC and the old CHECK (hour % 3600 = 0) would
    # refuse them.
    ByDialect(
        # SQLite cannot change a CHECK in place: the table is rebuilt under the same name; its
        # rows (all on UTC hours) are copied as they are and keep counting where they are.
        sqlite=(
            """
    CREATE TABLE message_volume_7 (
        guild_id   INTEGER NOT NULL,
        hour       INTEGER NOT NULL CHECK (hour % 900 = 0),
        channel_id INTEGER NOT NULL,
        messages   INTEGER NOT NULL CHECK (messages >= 0),
        PRIMARY KEY (guild_id, hour, channel_id)
    ) WITHOUT ROWID
    """,
            """
    INSERT INTO message_volume_7 (guild_id, hour, channel_id, messages)
    SELECT guild_id, hour, channel_id, messages FROM message_volume
    """,
            "DROP TABLE message_volume",
            "ALTER TABLE message_volume_7 RENAME TO message_volume",
        ),
        # PostgreSQL changes the CHECK in place (the name is the one it gave the column's CHECK).
        postgresql=(
            """
    ALTER TABLE message_volume
        DROP CONSTRAINT message_volume_hour_check,
        ADD CONSTRAINT message_volume_hour_check CHECK (hour % 900 = 0)
    """,
        ),
    ),
)

_SCHEMA_8: Written = (
    # Which channel each thread or forum post belongs to, as the watcher saw it: rows and volume
    # carry the thread's id, and a channel filter must find threads long archived out of
    # Discord's cache. private = a members-only thread, which a digest never names or quotes.
    # Ids only: no names, no text.
    """
    CREATE TABLE thread_parents (
        guild_id  INTEGER NOT NULL,
        thread_id INTEGER NOT NULL,
        parent_id INTEGER NOT NULL,
        private   INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
        PRIMARY KEY (guild_id, thread_id)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX thread_parents_by_parent ON thread_parents (guild_id, parent_id, thread_id)",
)

# Volume counted per message id: the ids of a channel whose message is counted are the union of
# its (after_id, last_id] ranges, kept disjoint and apart, so a message is counted once whatever
# order, overlap or concurrency its imports, live counting and history reads come in. A cursor's
# old counted range carries over; an unknown start (NULL) covers everything below the cursor, as
# before: such a channel never counted older history. The key's columns come first: SQLite
# 3.40's integrity_check misreads a WITHOUT ROWID table whose key columns are declared later.
_SCHEMA_9: Written = (
    """
    CREATE TABLE counted_ranges (
        guild_id   INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        last_id    INTEGER NOT NULL,
        after_id   INTEGER NOT NULL CHECK (after_id < last_id),
        PRIMARY KEY (guild_id, channel_id, last_id)
    ) WITHOUT ROWID
    """,
    """
    INSERT INTO counted_ranges (guild_id, channel_id, after_id, last_id)
    SELECT guild_id, channel_id, coalesce(counted_from, 0), last_message_id FROM channel_cursors
    WHERE coalesce(counted_from, 0) < last_message_id
    """,
)

# Which process runs each shard (-1: every shard, a bot that lets Discord pick the count),
# until when: a second process for a shard is refused while the holder keeps renewing.
_SCHEMA_10: Written = (
    """
    CREATE TABLE shard_leases (
        shard_id    INTEGER PRIMARY KEY,
        holder      TEXT NOT NULL,
        expires_at  REAL NOT NULL
    )
    """,
)

_SCHEMA_11: Written = (
    # The daily digest keeps its promises across restarts and changes of zone (issue 11).
    # When a schedule was set up (moderator's command, or the first check of an older one):
    # a guild's first digest is the first due at or after it, even after a restart in between.
    "ALTER TABLE guild_settings ADD COLUMN digest_armed_at REAL",
    # A run is recorded under its local day and the zone it was posted in: after a move west,
    # the new zone's day of the same date is still owed (its digest covers hours the earlier
    # one did not), and both runs must fit. The primary key changes; older runs get timezone
    # '' (read in the guild's zone, as they were).
    ByDialect(
        # SQLite cannot change a primary key: the table is rebuilt under its name.
        sqlite=(
            """
    CREATE TABLE digest_runs_11 (
        guild_id   INTEGER NOT NULL,
        local_day  TEXT NOT NULL
                   CHECK (local_day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
        timezone   TEXT NOT NULL DEFAULT '',
        channel_id INTEGER,
        message_id INTEGER,
        posted_at  REAL,
        error      TEXT,
        claimed_by TEXT,
        claimed_at REAL,
        PRIMARY KEY (guild_id, local_day, timezone)
    ) WITHOUT ROWID
    """,
            """
    INSERT INTO digest_runs_11 (guild_id, local_day, channel_id, message_id, posted_at, error,
                               claimed_by, claimed_at)
    SELECT guild_id, local_day, channel_id, message_id, posted_at, error, claimed_by, claimed_at
    FROM digest_runs
    """,
            "DROP TABLE digest_runs",
            "ALTER TABLE digest_runs_11 RENAME TO digest_runs",
        ),
        postgresql=(
            """ALTER TABLE digest_runs ADD COLUMN timezone TEXT COLLATE "C" NOT NULL DEFAULT ''""",
            """
    ALTER TABLE digest_runs
        DROP CONSTRAINT digest_runs_pkey,
        ADD PRIMARY KEY (guild_id, local_day, timezone)
    """,
        ),
    ),
)

# The request message a logged reaction answers (issue 14): exports carry it, so a moderator
# can follow a conversation. An id, never text: erasing the answered message leaves nothing here.
_SCHEMA_12: Written = ("ALTER TABLE request_messages ADD COLUMN replies_to INTEGER",)

# Per-server learning from moderators' corrections (issue 16). What is learned is the corrections
# themselves (label_corrections, whose text already follows forget-me, retention and the content
# setting); this only says whether the server learns, and from when: `learning reset` forgets
# what was learned from corrections made up to `reset_at` without undoing them.
_SCHEMA_13: Written = (
    """
    CREATE TABLE guild_learning (
        guild_id INTEGER PRIMARY KEY,
        enabled  INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        reset_at REAL
    )
    """,
)

# A server's team (issue 14): members with one of these roles answer requests, as a GitHub
# repository's maintainers answer its issues, so their messages are never counted as requests.
_SCHEMA_14: Written = (
    """
    CREATE TABLE team_roles (
        guild_id INTEGER NOT NULL,
        role_id  INTEGER NOT NULL,
        PRIMARY KEY (guild_id, role_id)
    ) WITHOUT ROWID
    """,
)

HISTORY: tuple[Written, ...] = (
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
    _SCHEMA_13,
    _SCHEMA_14,
)


def migrations_for(dialect: Dialect) -> tuple[Migration, ...]:
    """The history as `dialect` runs it: each statement in that engine's words."""
    return tuple(
        tuple(
            statement
            for item in written
            for statement in (
                item.statements(dialect)
                if isinstance(item, ByDialect)
                else (schema_statement(item, dialect),)
            )
        )
        for written in HISTORY
    )


MIGRATIONS = migrations_for("sqlite")
PG_MIGRATIONS = migrations_for("postgresql")
LATEST_VERSION = len(MIGRATIONS)


class NewerSchemaError(Exception):
    """The database was written by a Clamor that knows more migrations than this one."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"schema version {found}, this Clamor knows up to {known}")
        self.found = found
        self.known = known


async def schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


async def migrate(db: aiosqlite.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply every missing migration in order, each in its own transaction; the final version.

    `db` must be in autocommit mode (isolation_level=None) so the explicit BEGIN here is the only
    transaction. sqlite3 errors propagate; the version reached so far stays committed.
    """
    version = await schema_version(db)
    if version > len(migrations):
        raise NewerSchemaError(version, len(migrations))
    for number in range(version + 1, len(migrations) + 1):
        # IMMEDIATE takes the write lock first, so the version read below is authoritative even
        # when two processes open a fresh database at the same moment.
        await db.execute("BEGIN IMMEDIATE")
        try:
            if await schema_version(db) < number:
                for statement in migrations[number - 1]:
                    await db.execute(statement)
                # PRAGMA takes no parameters; `number` is an int we computed, never user input.
                await db.execute(f"PRAGMA user_version = {number:d}")
            await db.execute("COMMIT")
        except BaseException:
            # SQLite may already have rolled back on its own (e.g. disk full).
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise
    return await schema_version(db)
