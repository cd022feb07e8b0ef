"""Which channel each thread or forum post belongs to, as the watcher saw it.

Request rows and volume carry the id of the thread a message was posted in. A channel filter
(`/clamor digest channel:`, `/clamor trend channel:`) must find the threads under the channel,
and Discord's cache only holds the active ones: a forum post archives after a day or a week of
quiet. So the watcher remembers every thread it counts a message in, and the readers ask here.
Only ids and whether the thread is private (members only) are kept: no names, no text.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from bot.store.backend import Backend
from bot.store.database import Database
from bot.store.dialect import in_id_list

_REMEMBER = """
    INSERT INTO thread_parents (guild_id, thread_id, parent_id, private) VALUES (?, ?, ?, ?)
    ON CONFLICT (guild_id, thread_id) DO UPDATE SET
        parent_id = excluded.parent_id,
        private = excluded.private
"""

ThreadSeen = tuple[int, int, int, bool]  # (guild, thread, parent, private)


@dataclass(frozen=True, slots=True)
class ThreadParent:
    """A thread's channel and whether only its members can read it."""

    parent_id: int
    private: bool


class ThreadQueries(Database):
    async def remember_threads(self, threads: Iterable[ThreadSeen]) -> None:
        """Save (guild, thread, parent, private) in one transaction; a thread seen again takes
        the latest parent and privacy (the last of a batch wins)."""
        latest: dict[tuple[int, int], tuple[int, int]] = {}
        for guild_id, thread_id, parent_id, private in threads:
            latest[(guild_id, thread_id)] = (parent_id, int(bool(private)))
        rows = [(g, t, parent, private) for (g, t), (parent, private) in latest.items()]
        if not rows:
            return

        async def work(db: Backend) -> None:
            await db.executemany(_REMEMBER, rows)

        await self._run(work, transaction=True)

    async def thread_parents(
        self, guild_id: int, thread_ids: Collection[int]
    ) -> dict[int, ThreadParent]:
        """The remembered parent of each of `thread_ids` in the guild; unknown ids are left out
        (a channel, or a thread the watcher never saw)."""
        rows = await self._fetch_all(
            "SELECT thread_id, parent_id, private FROM thread_parents "
            f"WHERE guild_id = ? AND {in_id_list('thread_id', self.dialect)}",
            [guild_id, json.dumps(sorted(set(thread_ids)))],
        )
        return {int(row[0]): ThreadParent(int(row[1]), bool(row[2])) for row in rows}

    async def threads_under(self, guild_id: int, parent_id: int) -> list[int]:
        """Every remembered thread of the guild under `parent_id`, by id."""
        rows = await self._fetch_all(
            "SELECT thread_id FROM thread_parents WHERE guild_id = ? AND parent_id = ? "
            "ORDER BY thread_id",
            (guild_id, parent_id),
        )
        return [int(row[0]) for row in rows]
