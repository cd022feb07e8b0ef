"""What the watcher writes to the database: request rows through `RequestWriter`, the one way
they reach it from the bot, and the volume, ranges read and threads first seen through
`ActivityFlusher`.

Privacy is applied by the writer, on every write (an opted-out member is never logged; a guild
that drops content keeps no text), so no path into the log can forget it.

Live and history writes go in groups (`write_soon`): a row waits at most `GROUP_SECONDS`, or
until `GROUP_ROWS` rows wait, and the group is one transaction, so a burst costs a few commits
rather than one per row. Anything that reads the log right after (a command, the end of a
history read, shutdown) calls `flush()` first; `write()` commits at once. `current()` and
`logged_ids()` see waiting rows too, and a removal writes the group before it, in order.

When the database cannot be written (read-only, disk full, a lock held too long) the writes wait
in order in a bounded in-memory queue (`WaitingWrites`) and are retried with backoff; the bot
stays online. Beyond the queue only the oldest dropped message id per channel is remembered: gap
filling re-reads those channels from Discord once the database is back. The flusher keeps what
it could not write in the activity buffer for its next try.

Gap filling holds channels while it decides what to read, then releases those with nothing to
read; a flush waits a little for that ("settling") rather than keep volume back from a fresh
channel.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TypedDict

from bot.analysis import Analysis, format_cue
from bot.config import DEFAULT_WRITE_QUEUE
from bot.guild_settings import GuildConfigs
from bot.store import RequestRecord, Store, StoreError, author_hash
from bot.store.errors import StoreUnavailableError
from bot.store.threads import ThreadSeen
from bot.watch.activity import ActivityBuffer, ActivitySnapshot, ThreadMemory

log = logging.getLogger(__name__)

# A member posts many request messages: the pseudonym (an HMAC) is computed once for each of the
# latest authors, not once per row.
_cached_author_hash = lru_cache(maxsize=4096)(author_hash)

DAY = 86400.0
FLUSH_SECONDS = 2.0
SETTLE_WAIT_SECONDS = 5.0
Channel = tuple[int, int]  # (guild, channel)
BATCH = 500  # consecutive waiting upserts written in one transaction
# A group of live writes is committed after this long or at this many rows, whichever first.
GROUP_SECONDS = 0.05
GROUP_ROWS = 100


class AnalysedFields(TypedDict):
    """What an analysis decides of a request row: written by `request_record`, rewritten by a
    rescore (`bot.learning.rescore`)."""

    language: str
    compound: float
    pos: float
    neu: float
    neg: float
    category: str | None
    targets: tuple[str, ...]
    alternatives: tuple[str, ...]
    cues: tuple[str, ...]


def analysed_fields(analysis: Analysis) -> AnalysedFields:
    return AnalysedFields(
        language=analysis.language,
        compound=analysis.tone.compound,
        pos=analysis.tone.pos,
        neu=analysis.tone.neu,
        neg=analysis.tone.neg,
        category=analysis.category,
        targets=analysis.targets,
        alternatives=analysis.alternatives,
        cues=tuple(format_cue(cue) for cue in analysis.cues),
    )


def request_record(
    *,
    message_id: int,
    guild_id: int,
    channel_id: int,
    author_key: bytes,
    author_id: int,
    created_at: float,
    edited: bool,
    analysis: Analysis,
) -> RequestRecord:
    return RequestRecord(
        message_id=message_id,
        guild_id=guild_id,
        channel_id=channel_id,
        author_hash=_cached_author_hash(author_key, author_id),
        created_at=created_at,
        content=analysis.text,
        edited=edited,
        replies_to=analysis.replies_to,
        **analysed_fields(analysis),
    )


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
        self._group: list[Upsert] = []
        self._group_timer: asyncio.Task[None] | None = None
        self.group_seconds = GROUP_SECONDS
        self.group_rows = GROUP_ROWS
        # Transactions that wrote request rows (groups, waiting batches, single writes).
        self.commits = 0
        self._lock = asyncio.Lock()
        self._retrying: asyncio.Task[None] | None = None
        self._outage_since: float | None = None
        self._recovery_listeners: list[Callable[[], object]] = []
        self._refusal_listeners: list[Callable[[RequestRecord], object]] = []

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
    def grouped(self) -> int:
        """Rows waiting in the current group (written within `group_seconds`)."""
        return len(self._group)

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
        """Log one request message (insert or replace) now, after the group waiting before it;
        False if privacy forbids it or it did not fit in the queue during an outage (gap
        filling then re-reads its channel). A refusal by the database is raised."""
        private = await self._privately(record)
        if private is None:
            return False
        return await self._submit(Upsert(private))

    def on_refusal(self, listener: Callable[[RequestRecord], object]) -> None:
        """Call `listener(record)` for a grouped row the database refused (not an outage): its
        writer has moved on, so whoever handled the message hears of it here."""
        self._refusal_listeners.append(listener)

    async def write_soon(self, record: RequestRecord) -> bool:
        """Log one request message with the next group (within `group_seconds`, or now if the
        group is full); False if privacy forbids it or, during an outage, it did not fit in
        the queue. A group that meets an outage joins the queue, as single writes do."""
        private = await self._privately(record)
        if private is None:
            return False
        async with self._lock:
            if self._queue:
                return self._enqueue(Upsert(private))
            self._group.append(Upsert(private))
            if len(self._group) >= self.group_rows:
                return await self._commit_group()
            if self._group_timer is None or self._group_timer.done():
                self._group_timer = asyncio.create_task(
                    self._commit_later(), name="clamor: request group"
                )
            return True

    async def flush(self, *, raise_refusal: bool = False) -> None:
        """Write the waiting group now (rows that meet an outage join the queue). A row the
        database refuses is logged, or with `raise_refusal` raised once the others are in."""
        if self._group:
            async with self._lock:
                await self._commit_group(raise_refusal=raise_refusal)

    async def remove(
        self, guild_id: int, message_ids: Iterable[int], *, channel_id: int | None = None
    ) -> int:
        """Delete these messages' rows and label corrections; how many rows went (0 if queued)."""
        ids = tuple(message_ids)
        if not ids:
            return 0
        return await self._remove(Removal(guild_id, channel_id, ids))

    async def remove_channels(self, guild_id: int, channel_ids: Iterable[int]) -> int:
        """Delete the rows and label corrections of deleted channels (and of the threads
        remembered under them) without reading their ids first, so that a deletion met by an
        outage waits in the queue like any other; how many rows went (0 if queued)."""
        return await self._remove(ChannelRemoval(guild_id, tuple(channel_ids)))

    async def _remove(self, removal: Removal | ChannelRemoval) -> int:
        async with self._lock:
            await self._commit_group()  # rows grouped before the deletion land before it
            if not self._queue:
                try:
                    return await self._remove_now(removal)
                except StoreUnavailableError as exc:
                    self._begin_outage(exc)
            self._enqueue(removal)
            return 0

    async def current(self, guild_id: int, message_id: int) -> RequestRecord | None:
        """The row as it will be once waiting writes land: the group's or the queue's last
        word, else the database's."""
        for grouped in reversed(self._group):
            if (grouped.record.guild_id, grouped.record.message_id) == (guild_id, message_id):
                return grouped.record
        removed_channels: set[int] = set()  # by removals queued after the op looked at
        found: RequestRecord | None = None
        for op in reversed(self._queue):
            if isinstance(op, Upsert):
                if (op.record.guild_id, op.record.message_id) == (guild_id, message_id):
                    found = op.record
                    break
            elif op.guild_id != guild_id:
                continue
            elif isinstance(op, ChannelRemoval):
                removed_channels.update(op.channel_ids)
            elif message_id in op.message_ids:
                return None
        if found is None:
            found = await self._store.get_request(guild_id, message_id)
        if found is None or not removed_channels:
            return found
        if found.channel_id in removed_channels:
            return None
        # A queued channel removal takes the threads the Store remembers under it too.
        parent = (await self._store.thread_parents(guild_id, [found.channel_id])).get(
            found.channel_id
        )
        return None if parent is not None and parent.parent_id in removed_channels else found

    async def logged_ids(
        self, guild_id: int, channel_id: int, after_id: int, up_to_id: int
    ) -> set[int]:
        """Ids of the channel's rows in (after_id, up_to_id], written or waiting."""
        ids = set(await self._store.logged_message_ids(guild_id, channel_id, after_id, up_to_id))
        for op in [*self._queue, *self._group]:
            if not isinstance(op, Upsert):
                continue
            rec = op.record
            if (rec.guild_id, rec.channel_id) == (guild_id, channel_id) and (
                after_id < rec.message_id <= up_to_id
            ):
                ids.add(rec.message_id)
        return ids

    async def close(self) -> None:
        """Write the group; stop retrying; one last attempt to write what waits, then say what
        is lost."""
        timer, self._group_timer = self._group_timer, None
        async with self._lock:  # after a commit under way, not in its middle
            if timer is not None:
                timer.cancel()
            await self._commit_group()
        if timer is not None:
            await asyncio.gather(timer, return_exceptions=True)
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
                        "what it can, and takes out deleted channels, at the next start",
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
            await self._commit_group()
            if not self._queue:
                try:
                    await self._apply([op])
                    return True
                except StoreUnavailableError as exc:
                    self._begin_outage(exc)
            return self._enqueue(op)

    async def _commit_later(self) -> None:
        await asyncio.sleep(self.group_seconds)
        async with self._lock:
            await self._commit_group()

    async def _commit_group(self, *, raise_refusal: bool = False) -> bool:
        """Write the group in one transaction (the caller holds the lock); False if, in an
        outage, a row of it did not fit in the queue (its channel is then re-read). A row the
        database refuses is skipped and its listeners told; `raise_refusal` then raises the
        first refusal once the other rows are written, else it is logged here."""
        group, self._group = self._group, []
        if not group:
            return True
        if not self._queue:
            try:
                await self._apply(list(group))
                return True
            except StoreUnavailableError as exc:
                self._begin_outage(exc)
            except StoreError:
                # One bad row must not cost the others theirs: written one by one.
                return await self._commit_one_by_one(group, raise_refusal)
            except BaseException:  # cancelled mid-write: rolled back, so it waits again
                self._group[:0] = group
                raise
        kept = [self._enqueue(op) for op in group]
        return all(kept)

    async def _commit_one_by_one(self, group: list[Upsert], raise_refusal: bool) -> bool:
        kept = True
        refusal: StoreError | None = None
        for op in group:
            if self._queue:
                kept = self._enqueue(op) and kept
                continue
            try:
                await self._apply([op])
            except StoreUnavailableError as exc:
                self._begin_outage(exc)
                kept = self._enqueue(op) and kept
            except StoreError as exc:
                kept = False
                refusal = refusal or exc
                if not raise_refusal:
                    log.exception("the database refused request message %s", op.record.message_id)
                for listener in list(self._refusal_listeners):
                    listener(op.record)
        if raise_refusal and refusal is not None:
            raise refusal
        return kept

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
        if len(ops) == 1 and not isinstance(ops[0], Upsert):
            await self._remove_now(ops[0])
            return
        records = []
        for op in ops:
            assert isinstance(op, Upsert)
            # Applied again: a member may have opted out while their message waited.
            record = await self._privately(op.record)
            if record is not None:
                records.append(record)
        if records:
            await self._store.upsert_requests(records)
            self.commits += 1

    async def _remove_now(self, removal: Removal | ChannelRemoval) -> int:
        if isinstance(removal, ChannelRemoval):
            return await self._store.delete_channels_messages(removal.guild_id, removal.channel_ids)
        # A moderator's correction keeps the text too; a deleted message leaves no trace.
        return await self._store.delete_messages(removal.guild_id, removal.message_ids)


# -- writes waiting for the database ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Upsert:
    record: RequestRecord


@dataclass(frozen=True, slots=True)
class Removal:
    guild_id: int
    channel_id: int | None
    message_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ChannelRemoval:
    """Every message of deleted channels, and of the threads remembered under them."""

    guild_id: int
    channel_ids: tuple[int, ...]


WriteOp = Upsert | Removal | ChannelRemoval


class WaitingWrites:
    def __init__(self, size: int) -> None:
        self.size = size
        self._ops: deque[WriteOp] = deque()
        self._overflowed = False
        self.dropped: dict[Channel, int] = {}  # per channel, the oldest id that did not fit

    def __len__(self) -> int:
        return len(self._ops)

    def __iter__(self) -> Iterator[WriteOp]:
        return iter(self._ops)

    def __reversed__(self) -> Iterator[WriteOp]:
        return reversed(self._ops)

    def add(self, op: WriteOp) -> bool:
        """Queue `op` behind the others; False (and its channel remembered) when full."""
        if len(self._ops) >= self.size and not _unplaceable(op):
            self._drop(op)
            return False
        self._ops.append(op)
        return True

    def head(self) -> list[WriteOp]:
        """What to write next: the first op alone if it is a removal, else the run of upserts
        at the head (at most BATCH)."""
        first = self._ops[0]
        if not isinstance(first, Upsert):
            return [first]
        batch: list[WriteOp] = []
        for op in self._ops:
            if not isinstance(op, Upsert) or len(batch) >= BATCH:
                break
            batch.append(op)
        return batch

    def pop_head(self, count: int) -> None:
        for _ in range(count):
            self._ops.popleft()

    def recovered(self) -> None:
        """The database took the writes again: a later overflow is logged again."""
        self._overflowed = False

    def _drop(self, op: WriteOp) -> None:
        if isinstance(op, Upsert):
            key, oldest = (op.record.guild_id, op.record.channel_id), op.record.message_id
        else:
            assert isinstance(op, Removal)  # see _unplaceable
            assert op.channel_id is not None
            key, oldest = (op.guild_id, op.channel_id), min(op.message_ids)
        self.dropped[key] = min(self.dropped.get(key, oldest), oldest)
        if not self._overflowed:
            self._overflowed = True
            log.error(
                "the request queue is full (%d waiting): further request messages are not kept "
                "in memory; their channels are re-read from Discord once the database is back",
                len(self._ops),
            )


def _unplaceable(op: WriteOp) -> bool:
    """A removal gap filling cannot make again (its channel is unknown, or deleted) always
    waits."""
    if isinstance(op, Removal):
        return op.channel_id is None
    return isinstance(op, ChannelRemoval)


# -- volume, ranges read and threads first seen ----------------------------------------------


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
                self._threads.written(threads)
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
