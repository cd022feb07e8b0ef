"""RequestWriter: the one way request rows reach the database from the bot.

Privacy is applied here, on every write (an opted-out member is never logged; a guild that
drops content keeps no text), so no path into the log can forget it.

When the database cannot be written (read-only, disk full, a lock held too long) the writes wait
in order in a bounded in-memory queue and are retried with backoff; the bot stays online. Beyond
the queue only the oldest dropped message id per channel is remembered: gap filling re-reads
those channels from Discord once the database is back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Iterable

from bot.config import DEFAULT_WRITE_QUEUE
from bot.guild_settings import GuildConfigs
from bot.store import RequestRecord, Store, StoreError
from bot.store.errors import StoreUnavailableError
from bot.watch.waiting import Channel, Removal, Upsert, WaitingWrites, WriteOp

log = logging.getLogger(__name__)

DAY = 86400.0


class RequestWriter:
    def __init__(
        self,
        store: Store,
        configs: GuildConfigs,
        *,
        queue_size: int = DEFAULT_WRITE_QUEUE,
        retry_first: float = 0.5,
        retry_max: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._configs = configs
        self.retry_first = retry_first
        self.retry_max = retry_max
        self._clock = clock
        self._queue = WaitingWrites(queue_size)
        self._lock = asyncio.Lock()
        self._retrying: asyncio.Task[None] | None = None
        self._outage_since: float | None = None
        self._recovery_listeners: list[Callable[[], object]] = []

    @property
    def queue_size(self) -> int:
        """How many writes may wait in memory during an outage."""
        return self._queue.size

    @queue_size.setter
    def queue_size(self, size: int) -> None:
        self._queue.size = size

    @property
    def pending(self) -> int:
        """Writes waiting for the database."""
        return len(self._queue)

    @property
    def healthy(self) -> bool:
        """False while the database refuses writes (and until what waited is written)."""
        return self._outage_since is None

    @property
    def dropped(self) -> dict[Channel, int]:
        """Per channel, the oldest message id whose write did not fit in the queue."""
        return dict(self._queue.dropped)

    def take_dropped(self) -> dict[Channel, int]:
        """The dropped channels, forgotten here: the caller re-reads them."""
        dropped, self._queue.dropped = self._queue.dropped, {}
        return dropped

    def on_recovery(self, listener: Callable[[], object]) -> Callable[[], None]:
        """Call `listener()` each time the database is writable again; returns an unsubscribe."""
        self._recovery_listeners.append(listener)
        return lambda: self._recovery_listeners.remove(listener)

    async def write(self, record: RequestRecord) -> bool:
        """Log one request message (insert or replace); False if privacy forbids it or it did
        not fit in the queue during an outage (gap filling then re-reads its channel)."""
        if await self._privately(record) is None:
            return False
        return await self._submit(Upsert(record))

    async def remove(
        self, guild_id: int, message_ids: Iterable[int], *, channel_id: int | None = None
    ) -> int:
        """Delete these messages' rows and label corrections; how many rows went (0 if queued)."""
        ids = tuple(message_ids)
        if not ids:
            return 0
        removal = Removal(guild_id, channel_id, ids)
        async with self._lock:
            if not self._queue:
                try:
                    return await self._remove_now(removal)
                except StoreUnavailableError as exc:
                    self._begin_outage(exc)
            self._enqueue(removal)
            return 0

    async def current(self, guild_id: int, message_id: int) -> RequestRecord | None:
        """The row as it will be once waiting writes land: the queue's last word, else the
        database's."""
        for op in reversed(self._queue):
            if isinstance(op, Upsert):
                if (op.record.guild_id, op.record.message_id) == (guild_id, message_id):
                    return op.record
            elif op.guild_id == guild_id and message_id in op.message_ids:
                return None
        return await self._store.get_request(guild_id, message_id)

    async def logged_ids(
        self, guild_id: int, channel_id: int, after_id: int, up_to_id: int
    ) -> set[int]:
        """Ids of the channel's rows in (after_id, up_to_id], written or waiting."""
        ids = set(await self._store.logged_message_ids(guild_id, channel_id, after_id, up_to_id))
        for op in self._queue:
            if not isinstance(op, Upsert):
                continue
            rec = op.record
            if (rec.guild_id, rec.channel_id) == (guild_id, channel_id) and (
                after_id < rec.message_id <= up_to_id
            ):
                ids.add(rec.message_id)
        return ids

    async def close(self) -> None:
        """Stop retrying; one last attempt to write what waits, then say what is lost."""
        if self._retrying is not None:
            self._retrying.cancel()
            await asyncio.gather(self._retrying, return_exceptions=True)
            self._retrying = None
        if self._queue:
            async with self._lock:
                try:
                    await self._write_waiting()
                except StoreError as exc:
                    log.error(
                        "stopping with %d request writes not saved (%s); gap filling re-reads "
                        "what it can at the next start",
                        len(self._queue),
                        exc,
                    )

    # -- inside ---------------------------------------------------------------------------------

    async def _privately(self, record: RequestRecord) -> RequestRecord | None:
        """The record as privacy lets it be stored, or None if its author opted out."""
        config = await self._configs.get(record.guild_id)
        if not config.logs_author(record.author_hash):
            return None
        # A backfilled or edited message older than the retention is stored as the daily purge
        # would leave it, so its text never sits on disk until the next purge.
        expired_before = self._clock() - config.privacy.retention_days * DAY
        if record.created_at < expired_before:
            return dataclasses.replace(record, content="", cues=(), author_hash="")
        if not config.keeps_content:
            return dataclasses.replace(record, content="", cues=())
        return record

    async def _submit(self, op: WriteOp) -> bool:
        async with self._lock:
            if not self._queue:
                try:
                    await self._apply([op])
                    return True
                except StoreUnavailableError as exc:
                    self._begin_outage(exc)
            return self._enqueue(op)

    def _enqueue(self, op: WriteOp) -> bool:
        if not self._queue.add(op):
            return False
        if self._retrying is None or self._retrying.done():
            self._retrying = asyncio.create_task(self._retry(), name="clamor: request writer")
        return True

    def _begin_outage(self, exc: StoreUnavailableError) -> None:
        if self._outage_since is None:
            self._outage_since = time.monotonic()
            log.error(
                "cannot write to the database (%s): request messages wait in memory "
                "(%d waiting, room for %d) and are written when it recovers; the bot stays online",
                exc,
                len(self._queue) + 1,
                self.queue_size,
            )

    async def _retry(self) -> None:
        delay = self.retry_first
        written = 0
        while self._queue:
            await asyncio.sleep(delay)
            async with self._lock:
                try:
                    written += await self._write_waiting()
                except StoreUnavailableError:
                    delay = min(delay * 2, self.retry_max)
                    continue
        self._recovered(written)

    async def _write_waiting(self) -> int:
        """Write the queue head first; a refused write (not an outage) is logged and skipped."""
        written = 0
        while self._queue:
            batch = self._queue.head()
            try:
                await self._apply(batch)
            except StoreUnavailableError:
                raise
            except StoreError:
                log.exception("a waiting request write was refused by the database; skipped")
            self._queue.pop_head(len(batch))
            written += len(batch)
        return written

    def _recovered(self, written: int) -> None:
        if self._outage_since is None:
            return
        seconds = time.monotonic() - self._outage_since
        self._outage_since = None
        self._queue.recovered()
        log.warning(
            "the database is writable again after %.0f s: wrote %d waiting request writes; "
            "%d channels to re-read from Discord",
            seconds,
            written,
            len(self._queue.dropped),
        )
        for listener in list(self._recovery_listeners):
            listener()

    async def _apply(self, ops: list[WriteOp]) -> None:
        if len(ops) == 1 and isinstance(ops[0], Removal):
            await self._remove_now(ops[0])
            return
        records = []
        for op in ops:
            assert isinstance(op, Upsert)
            # Applied again: a member may have opted out while their message waited.
            record = await self._privately(op.record)
            if record is not None:
                records.append(record)
        await self._store.upsert_requests(records)

    async def _remove_now(self, removal: Removal) -> int:
        removed = await self._store.delete_requests(removal.guild_id, removal.message_ids)
        # A moderator's correction keeps the text too; a deleted message leaves no trace.
        await self._store.delete_label_corrections(removal.guild_id, removal.message_ids)
        return removed
