"""Forgetting on a schedule: message text and authors past a guild's retention, and every row of
a guild the bot left once its grace period is over.

Retention blanks rather than deletes: a log row keeps its date, channel, category, tone and
targets, which is all the daily aggregates need, and loses the text, cues and author hash.
"""

from __future__ import annotations

import asyncio

from bot.store.backend import Backend
from bot.store.database import Database
from bot.store.guilds import delete_guild_rows
from bot.store.records import DEFAULT_RETENTION_DAYS

DAY_SECONDS = 86_400
# Rows blanked per statement. Each batch is its own short write, so the watcher's writes get
# the connection in between, even while a year of history is erased the first time.
ERASE_BATCH = 2000

# This condition must stay word for word the WHERE of the partial index
# request_messages_unerased (migration 3), or SQLite will not use the index.
_UNERASED = "(content <> '' OR author_hash <> '')"

# Guild ids with unerased rows, found by one index seek per guild rather than a scan.
_GUILDS_WITH_UNERASED_ROWS = f"""
    WITH RECURSIVE guild (id) AS (
        SELECT min(guild_id) FROM request_messages WHERE {_UNERASED}
        UNION ALL
        SELECT (
            SELECT min(guild_id) FROM request_messages WHERE guild_id > guild.id AND {_UNERASED}
        )
        FROM guild WHERE guild.id IS NOT NULL
    )
    SELECT id FROM guild WHERE id IS NOT NULL
"""
_GUILDS_WITH_UNERASED_CORRECTIONS = """
    SELECT DISTINCT guild_id FROM label_corrections WHERE content <> '' OR author_hash IS NOT NULL
"""
_ERASE_REQUESTS = f"""
    UPDATE request_messages SET content = '', cues = '[]', author_hash = ''
    WHERE message_id IN (
        SELECT message_id FROM request_messages
        WHERE guild_id = ? AND created_at < ? AND {_UNERASED}
        LIMIT ?
    )
"""
_ERASE_CORRECTIONS = """
    UPDATE label_corrections SET content = '', author_hash = NULL
    WHERE guild_id = ? AND corrected_at < ? AND (content <> '' OR author_hash IS NOT NULL)
"""


# SQLite's two-argument min() is PostgreSQL's LEAST (both sides are never NULL here).
_MARK_LEFT = {
    "sqlite": """
        INSERT INTO departed_guilds (guild_id, left_at) VALUES (?, ?)
        ON CONFLICT (guild_id) DO UPDATE SET left_at = min(left_at, excluded.left_at)
    """,
    "postgresql": """
        INSERT INTO departed_guilds (guild_id, left_at) VALUES (?, ?)
        ON CONFLICT (guild_id) DO UPDATE SET
            left_at = LEAST(departed_guilds.left_at, excluded.left_at)
    """,
}


class RetentionQueries(Database):
    async def erase_expired(self, now: float) -> dict[int, int]:
        """Blank the text, cues and author hash of every log row older than its guild's
        retention, and the text and author of label corrections made before it; {guild: rows
        erased (log rows and corrections)}, guilds with nothing to erase left out."""
        guilds = {row[0] for row in await self._fetch_all(_GUILDS_WITH_UNERASED_ROWS)}
        guilds.update(row[0] for row in await self._fetch_all(_GUILDS_WITH_UNERASED_CORRECTIONS))
        retention = {
            row[0]: int(row[1])
            for row in await self._fetch_all("SELECT guild_id, retention_days FROM guild_privacy")
        }
        erased: dict[int, int] = {}
        for guild_id in sorted(guilds):
            cutoff = now - retention.get(guild_id, DEFAULT_RETENTION_DAYS) * DAY_SECONDS
            count = await self._erase_guild(guild_id, cutoff)
            if count:
                erased[guild_id] = count
        if erased:
            await self._scrub_erased()
        return erased

    async def _erase_guild(self, guild_id: int, cutoff: float) -> int:
        total = await self._write(_ERASE_CORRECTIONS, (guild_id, cutoff))
        while True:
            batch = await self._write(_ERASE_REQUESTS, (guild_id, cutoff, ERASE_BATCH))
            total += batch
            if batch < ERASE_BATCH:
                return total
            await asyncio.sleep(0)  # let queued writes take the connection

    async def mark_guild_left(self, guild_id: int, at: float) -> None:
        """Remember that the bot left a guild. Marking it again keeps the earliest time, so a
        departure noticed at every start-up does not keep postponing the erasure."""
        await self._write(_MARK_LEFT[self.dialect], (guild_id, at))

    async def mark_guild_present(self, guild_id: int) -> bool:
        """The bot is in the guild (again): cancel a pending erasure; True if there was one."""
        changed = await self._write("DELETE FROM departed_guilds WHERE guild_id = ?", (guild_id,))
        return changed > 0

    async def departed_guilds(self) -> dict[int, float]:
        """{guild id: unix time the bot left} for every departure not erased or cancelled."""
        rows = await self._fetch_all("SELECT guild_id, left_at FROM departed_guilds")
        return {int(row[0]): float(row[1]) for row in rows}

    async def erase_departed(self, now: float, grace_seconds: float) -> list[int]:
        """Forget every guild the bot left before `now - grace_seconds`; their ids, in order."""
        cutoff = now - grace_seconds
        rows = await self._fetch_all(
            "SELECT guild_id FROM departed_guilds WHERE left_at < ? ORDER BY guild_id", (cutoff,)
        )
        forgotten: list[int] = []
        for row in rows:
            if await self._forget_if_still_departed(int(row[0]), cutoff):
                forgotten.append(int(row[0]))
        if forgotten:
            await self._scrub_erased()
        return forgotten

    async def _forget_if_still_departed(self, guild_id: int, cutoff: float) -> bool:
        # Checked again inside the transaction: the bot may have rejoined since the list was read.
        async def work(db: Backend) -> bool:
            still = await db.execute(
                "DELETE FROM departed_guilds WHERE guild_id = ? AND left_at < ?",
                (guild_id, cutoff),
            )
            if still:
                await delete_guild_rows(db, guild_id)
            return still > 0

        return await self._run(work, transaction=True)
