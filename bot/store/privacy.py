"""What a guild lets Clamor keep: retention, whether message text is stored, who opted out.

Every change that promises to forget something forgets it in the same transaction that records
the promise, so there is never a moment where the setting says "gone" and the rows are not.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from bot.store.backend import Backend, Params
from bot.store.database import Database
from bot.store.keys import create_key, missing_key_error, read_key
from bot.store.records import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    ContentMode,
    PrivacySettings,
)

CONTENT_MODES: tuple[ContentMode, ...] = get_args(ContentMode)

# A guild without a row uses the defaults; the first change writes them out in full.
_SET_RETENTION = """
    INSERT INTO guild_privacy (guild_id, retention_days, content_mode) VALUES (?, ?, 'keep')
    ON CONFLICT (guild_id) DO UPDATE SET retention_days = excluded.retention_days
"""
_SET_CONTENT_MODE = f"""
    INSERT INTO guild_privacy (guild_id, retention_days, content_mode)
    VALUES (?, {DEFAULT_RETENTION_DAYS:d}, ?)
    ON CONFLICT (guild_id) DO UPDATE SET content_mode = excluded.content_mode
"""
# A message can have a log row and a moderator's correction: counted once.
_AUTHOR_MESSAGES = """
    SELECT count(*) FROM (
        SELECT message_id FROM request_messages WHERE guild_id = ? AND author_hash = ?
        UNION
        SELECT message_id FROM label_corrections WHERE guild_id = ? AND author_hash = ?
    ) AS erased
"""
_MESSAGES_WITH_TEXT = """
    SELECT count(*) FROM (
        SELECT message_id FROM request_messages
        WHERE guild_id = ? AND (content <> '' OR cues <> '[]')
        UNION
        SELECT message_id FROM label_corrections WHERE guild_id = ? AND content <> ''
    ) AS erased
"""
_DROP_REQUEST_TEXT = """
    UPDATE request_messages SET content = '', cues = '[]'
    WHERE guild_id = ? AND (content <> '' OR cues <> '[]')
"""
_DROP_CORRECTION_TEXT = """
    UPDATE label_corrections SET content = '' WHERE guild_id = ? AND content <> ''
"""


async def _count(db: Backend, sql: str, params: Params) -> int:
    rows = list(await db.fetch_all(sql, params))
    return int(rows[0][0]) if rows else 0


def _check_retention(days: int) -> None:
    # bool is an int to Python, but never a number of days anyone meant.
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValueError(f"{days!r} is not a whole number of days")
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise ValueError(
            f"retention must be between {MIN_RETENTION_DAYS} and {MAX_RETENTION_DAYS} days"
        )


def _check_author(author_hash: str) -> None:
    # Retention blanks author hashes to '', so an empty hash would match every erased row.
    if not author_hash:
        raise ValueError("an author hash cannot be empty")


# Retention blanks author hashes ('' in the log, NULL in corrections): such rows need no key.
_HOLDS_AUTHOR_HASHES = """
    SELECT EXISTS (SELECT 1 FROM request_messages WHERE author_hash <> '')
        OR EXISTS (SELECT 1 FROM label_corrections WHERE author_hash IS NOT NULL)
        OR EXISTS (SELECT 1 FROM opted_out_authors)
"""


class PrivacyQueries(Database):
    async def author_key(self, path: Path) -> bytes:
        """The author-hash key in `path`, created on first use. MissingKeyError when the file
        is gone while this database holds hashes made with it: a new key would hash every
        member differently, and forget-me would no longer find their earlier rows."""
        key = read_key(path)
        if key is not None:
            return key
        row = await self._fetch_one(_HOLDS_AUTHOR_HASHES)
        if row is not None and row[0]:
            raise missing_key_error(path, self.path)
        return create_key(path)

    async def privacy_settings(self, guild_id: int) -> PrivacySettings:
        row = await self._fetch_one(
            "SELECT retention_days, content_mode FROM guild_privacy WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return PrivacySettings(guild_id)
        return PrivacySettings(guild_id, int(row[0]), row[1])

    async def set_retention_days(self, guild_id: int, days: int) -> None:
        """How long message text and author hashes are kept; ValueError outside 7..3650."""
        _check_retention(days)
        await self._write(_SET_RETENTION, (guild_id, days))

    async def set_content_mode(self, guild_id: int, mode: ContentMode) -> int:
        """Keep or drop message text from now on. "drop" also erases the text already stored
        for the guild (log rows keep their tone, category and targets); how many messages' text
        it erased ("keep" brings nothing back: 0)."""
        if mode not in CONTENT_MODES:
            raise ValueError(f"{mode!r} is not a content mode ({', '.join(CONTENT_MODES)})")

        async def work(db: Backend) -> int:
            await db.execute(_SET_CONTENT_MODE, (guild_id, mode))
            if mode != "drop":
                return 0
            erased = await _count(db, _MESSAGES_WITH_TEXT, (guild_id, guild_id))
            await db.execute(_DROP_REQUEST_TEXT, (guild_id,))
            await db.execute(_DROP_CORRECTION_TEXT, (guild_id,))
            return erased

        erased = await self._run(work, transaction=True)
        if erased:
            await self._scrub_erased()
        return erased

    async def opt_out_author(self, guild_id: int, author_hash: str, at: float) -> int:
        """Stop logging an author in a guild and delete what they wrote there (log rows and
        label corrections); how many messages were erased. Opting out again keeps the first
        date."""
        _check_author(author_hash)

        async def work(db: Backend) -> int:
            await db.execute(
                "INSERT INTO opted_out_authors (guild_id, author_hash, opted_out_at) "
                "VALUES (?, ?, ?) ON CONFLICT (guild_id, author_hash) DO NOTHING",
                (guild_id, author_hash, at),
            )
            erased = await _count(
                db, _AUTHOR_MESSAGES, (guild_id, author_hash, guild_id, author_hash)
            )
            for table in ("request_messages", "label_corrections"):
                await db.execute(
                    # Fixed table names from the tuple above, never input.
                    f"DELETE FROM {table} WHERE guild_id = ? AND author_hash = ?",
                    (guild_id, author_hash),
                )
            return erased

        erased = await self._run(work, transaction=True)
        if erased:
            await self._scrub_erased()
        return erased

    async def opt_in_author(self, guild_id: int, author_hash: str) -> bool:
        """Log the author again from now on; False if they had not opted out."""
        changed = await self._write(
            "DELETE FROM opted_out_authors WHERE guild_id = ? AND author_hash = ?",
            (guild_id, author_hash),
        )
        return changed > 0

    async def opted_out_authors(self, guild_id: int) -> frozenset[str]:
        rows = await self._fetch_all(
            "SELECT author_hash FROM opted_out_authors WHERE guild_id = ?", (guild_id,)
        )
        return frozenset(row[0] for row in rows)
