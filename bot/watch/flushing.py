"""ActivityFlusher: what the watcher holds in memory (volume, ranges read, threads first seen) into
the database, a batch at a time, kept for the next try when the database is down.

Gap filling holds channels while it decides what to read, then releases those with nothing to
read; a flush waits a little for that ("settling") rather than keep volume back from a fresh
channel.
"""

from __future__ import annotations

import asyncio
import logging

from bot.store import Store
from bot.store.errors import StoreUnavailableError
from bot.store.threads import ThreadSeen
from bot.watch.activity import ActivityBuffer, ActivitySnapshot
from bot.watch.threads import ThreadMemory

log = logging.getLogger(__name__)

FLUSH_SECONDS = 2.0
SETTLE_WAIT_SECONDS = 5.0


class ActivityFlusher:
    def __init__(self, store: Store, activity: ActivityBuffer, threads: ThreadMemory) -> None:
        self._store = store
        self._activity = activity
        self._threads = threads
        self._lock = asyncio.Lock()
        self._failing = False
        self._settling = 0
        self._settled = asyncio.Event()
        self._settled.set()

    def begin_settling(self) -> None:
        self._settling += 1
        self._settled.clear()

    def end_settling(self) -> None:
        self._settling -= 1
        if self._settling <= 0:
            self._settling = 0
            self._settled.set()

    async def flush(self) -> None:
        """Write threads first seen, then buffered volume and ranges read in one transaction; on
        failure keep what was not written for later."""
        try:
            async with asyncio.timeout(SETTLE_WAIT_SECONDS):
                await self._settled.wait()
        except TimeoutError:
            pass  # held channels stay held; the others are written now
        async with self._lock:
            snapshot = self._activity.drain()
            threads = self._threads.drain()
            if snapshot.empty and not threads:
                return
            try:
                # Threads first: writing one twice is harmless, counting volume twice is not,
                # so whatever fails below, the volume is the last write and rolls back alone.
                await self._store.remember_threads(threads)
                threads = []
                if not snapshot.empty:
                    await self._store.count_messages(snapshot.channels)
            except StoreUnavailableError as exc:
                self._keep(snapshot, threads)
                if not self._failing:  # once per outage, not every 2 s
                    log.error(
                        "cannot save %s (%s): kept in memory, retried every %.0f s",
                        _what(snapshot, threads),
                        exc,
                        FLUSH_SECONDS,
                    )
                self._failing = True
                return
            except Exception:
                self._keep(snapshot, threads)
                log.exception("could not save %s", _what(snapshot, threads))
                return
            except BaseException:  # cancelled mid-write: rolled back, so keep it for the next one
                self._keep(snapshot, threads)
                raise
            if self._failing:
                self._failing = False
                log.warning("saved the message volume kept in memory during the outage")

    def _keep(self, snapshot: ActivitySnapshot, threads: list[ThreadSeen]) -> None:
        self._activity.restore(snapshot)
        self._threads.restore(threads)


def _what(snapshot: ActivitySnapshot, threads: list[ThreadSeen]) -> str:
    parts = [f"the volume of {snapshot.messages} messages"] if not snapshot.empty else []
    if threads:
        parts.append(f"{len(threads)} threads' parent channels")
    return " and ".join(parts)
