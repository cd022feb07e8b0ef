"""Threads the watcher has seen, remembered once per process and written with the next flush.

Channel filters need to know which channel a thread belongs to long after Discord's cache has
let it go (`bot.store.threads`). The watcher sees a thread with every message posted in it; a
set makes every message after a thread's first cost one lookup, and the new ones wait here until
the activity flush writes them (or, while the database is down, until it can).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.store.threads import ThreadSeen
from bot.watch.activity import RecentIds

# A bot in busy forums meets new threads every day for months: the oldest are forgotten past
# this many, and a forgotten thread that speaks again is written once more (harmless: the Store
# keeps the latest sighting).
REMEMBERED_THREADS = 65536


@dataclass(slots=True)
class ThreadMemory:
    """Thread ids this process has seen (the last `size`), and the sightings not written yet."""

    size: int = REMEMBERED_THREADS
    _seen: RecentIds = field(init=False)
    _pending: dict[int, ThreadSeen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._seen = RecentIds(self.size)

    def __contains__(self, thread_id: int) -> bool:
        return thread_id in self._seen

    @property
    def pending(self) -> int:
        return len(self._pending)

    def see(self, guild_id: int, thread_id: int, parent_id: int, private: bool) -> bool:
        """Remember a thread; False (and nothing to write) if this process saw it before."""
        if not self._seen.add(thread_id):
            return False
        self._pending[thread_id] = (guild_id, thread_id, parent_id, private)
        return True

    def drain(self) -> list[ThreadSeen]:
        """The sightings to write, leaving none pending (the threads stay seen)."""
        batch = list(self._pending.values())
        self._pending.clear()
        return batch

    def restore(self, batch: Iterable[ThreadSeen]) -> None:
        """Put back sightings whose write failed, for the next flush."""
        for seen in batch:
            self._pending.setdefault(seen[1], seen)
