"""The log of request messages: one row per Discord message id, rewritten when it changes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from bot.store.backend import Backend, Params
from bot.store.database import Database, Work
from bot.store.records import REQUEST_COLUMNS, RequestRecord, message_text, request_record

# Message ids are unique across Discord, but the WHERE makes sure a row can never be taken over
# through another guild's id: a clash is simply not written.
_UPSERT = f"""
    INSERT INTO request_messages ({REQUEST_COLUMNS})
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (message_id) DO UPDATE SET
        channel_id = excluded.channel_id,
        author_hash = excluded.author_hash,
        created_at = excluded.created_at,
        content = excluded.content,
        language = excluded.language,
        compound = excluded.compound,
        pos = excluded.pos,
        neu = excluded.neu,
        neg = excluded.neg,
        category = excluded.category,
        targets = excluded.targets,
        alternatives = excluded.alternatives,
        cues = excluded.cues,
        edited = excluded.edited,
        replies_to = excluded.replies_to
    WHERE request_messages.guild_id = excluded.guild_id
"""


_BY_ID = "WHERE guild_id = ? AND message_id = ?"
# A channel's messages, or those of a thread remembered under it (a thread's rows keep its id).
_IN_CHANNEL = """
    WHERE guild_id = ? AND (channel_id = ? OR channel_id IN (
        SELECT thread_id FROM thread_parents WHERE guild_id = ? AND parent_id = ?
    ))
"""

# RETURNING arrived in SQLite 3.35 (2021); older libraries take the two-trip way.
_RETURNING = sqlite3.sqlite_version_info >= (3, 35)


def _json_list(values: Iterable[str]) -> str:
    return json.dumps([message_text(value) for value in values], ensure_ascii=False)


def _params(rec: RequestRecord) -> tuple[Any, ...]:
    return (
        rec.message_id,
        rec.guild_id,
        rec.channel_id,
        rec.author_hash,
        rec.created_at,
        message_text(rec.content),
        rec.language,
        rec.compound,
        rec.pos,
        rec.neu,
        rec.neg,
        rec.category,
        _json_list(rec.targets),
        _json_list(rec.alternatives),
        _json_list(rec.cues),
        int(rec.edited),
        rec.replies_to,
    )


class RequestQueries(Database):
    async def upsert_request(self, rec: RequestRecord) -> bool:
        """Insert or update one message; False if its id belongs to another guild."""
        return await self._upsert_one(_params(rec)) > 0

    async def _upsert_one(self, params: tuple[Any, ...]) -> int:
        # The bot writes request messages one at a time as they arrive, and a trip to SQLite's
        # thread is most of what a write costs: RETURNING lets the statement and its count come
        # back in one trip (a plain execute needs a second to close the cursor). One statement
        # is atomic on its own, so no BEGIN / COMMIT either.
        if _RETURNING:
            return len(await self._fetch_all(_UPSERT + " RETURNING 1", params))
        return await self._write(_UPSERT, params)

    async def upsert_requests(self, recs: Iterable[RequestRecord]) -> int:
        """Insert or update many messages in one transaction; how many rows were written."""
        batch = [_params(rec) for rec in recs]
        if len(batch) == 1:
            return await self._upsert_one(batch[0])  # see there
        return await self._write_many(_UPSERT, batch)

    async def get_request(self, guild_id: int, message_id: int) -> RequestRecord | None:
        row = await self._fetch_one(
            f"SELECT {REQUEST_COLUMNS} FROM request_messages WHERE guild_id = ? AND message_id = ?",
            (guild_id, message_id),
        )
        return None if row is None else request_record(row)

    async def delete_request(self, guild_id: int, message_id: int) -> bool:
        changed = await self._write(
            "DELETE FROM request_messages WHERE guild_id = ? AND message_id = ?",
            (guild_id, message_id),
        )
        if changed:
            self._scrub_later()
        return changed > 0

    async def delete_messages(self, guild_id: int, message_ids: Iterable[int]) -> int:
        """Messages deleted on Discord, or no longer requests: their rows and label corrections
        (a relabel keeps a copy of the text) in one transaction, and the copies of their text
        scrubbed from the database's files soon after (`_scrub_later`); how many rows went."""
        params = [(guild_id, message_id) for message_id in message_ids]

        async def work(db: Backend) -> tuple[int, int]:
            removed = await db.executemany(f"DELETE FROM request_messages {_BY_ID}", params)
            corrected = await db.executemany(f"DELETE FROM label_corrections {_BY_ID}", params)
            return removed, corrected

        return await self._deleted(work, params)

    async def delete_channels_messages(self, guild_id: int, channel_ids: Iterable[int]) -> int:
        """Delete the rows and label corrections of deleted channels' messages, and of the
        threads remembered under them, in one transaction; how many rows went. Discord sends no
        deletion of each message of a deleted channel, and the ids need not be read first: the
        writer queues this while the database is down, as it does a single deletion. Scrubbed
        as `delete_messages`."""
        params = [(guild_id, channel_id, guild_id, channel_id) for channel_id in channel_ids]

        async def work(db: Backend) -> tuple[int, int]:
            removed = await db.executemany(f"DELETE FROM request_messages {_IN_CHANNEL}", params)
            corrected = await db.executemany(f"DELETE FROM label_corrections {_IN_CHANNEL}", params)
            return removed, corrected

        return await self._deleted(work, params)

    async def _deleted(self, work: Work[tuple[int, int]], params: Sequence[Params]) -> int:
        """Run a deletion of rows and corrections; owe the scrub if it took any text."""
        if not params:
            return 0
        removed, corrected = await self._run(work, transaction=True)
        if removed or corrected:
            self._scrub_later()
        return removed

    async def logged_channels(self, guild_id: int) -> set[int]:
        """The channels and threads the guild's rows and label corrections are in."""
        rows = await self._fetch_all(
            "SELECT channel_id FROM request_messages WHERE guild_id = ? "
            "UNION SELECT channel_id FROM label_corrections WHERE guild_id = ?",
            (guild_id, guild_id),
        )
        return {int(row[0]) for row in rows}

    async def delete_uncorrected_requests(self, guild_id: int, message_ids: Iterable[int]) -> int:
        """Delete the rows of messages that are not requests after all, except those a
        moderator relabelled (the moderator's word stands); how many were deleted."""
        deleted = await self._write_many(
            """
            DELETE FROM request_messages WHERE guild_id = ? AND message_id = ?
            AND NOT EXISTS (
                SELECT 1 FROM label_corrections AS c
                WHERE c.guild_id = request_messages.guild_id
                AND c.message_id = request_messages.message_id
            )
            """,
            ((guild_id, message_id) for message_id in message_ids),
        )
        if deleted:
            self._scrub_later()
        return deleted

    async def requests_between(
        self, guild_id: int, start: float, end: float, channel_id: int | None = None
    ) -> list[RequestRecord]:
        """Messages created in [start, end), oldest first; optionally of one channel only."""
        sql = (
            f"SELECT {REQUEST_COLUMNS} FROM request_messages "
            "WHERE guild_id = ? AND created_at >= ? AND created_at < ?"
        )
        params: list[Any] = [guild_id, start, end]
        if channel_id is not None:
            sql += " AND channel_id = ?"
            params.append(channel_id)
        rows = await self._fetch_all(sql + " ORDER BY created_at, message_id", params)
        return [request_record(row) for row in rows]

    async def count_requests(self, guild_id: int) -> int:
        row = await self._fetch_one(
            "SELECT count(*) FROM request_messages WHERE guild_id = ?", (guild_id,)
        )
        return int(row[0]) if row is not None else 0

    async def logged_message_ids(
        self, guild_id: int, channel_id: int, after_id: int, up_to_id: int
    ) -> list[int]:
        """Ids of the channel's logged messages with after_id < id <= up_to_id, ascending."""
        rows = await self._fetch_all(
            "SELECT message_id FROM request_messages "
            "WHERE guild_id = ? AND channel_id = ? AND message_id > ? AND message_id <= ? "
            "ORDER BY message_id",
            (guild_id, channel_id, after_id, up_to_id),
        )
        return [int(row[0]) for row in rows]
