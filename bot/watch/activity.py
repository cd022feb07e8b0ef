"""What the watcher holds in memory between flushes: volume, so a busy channel costs one write per
flush rather than one per message; the id ranges read in full; and the threads it has seen.

Channel filters need to know which channel a thread belongs to long after Discord's cache has
let it go (`bot.store.threads`). The watcher sees a thread with every message posted in it; a
set makes every message after a thread's first cost one lookup, and the new ones wait here until
the activity flush writes them (or, while the database is down, until it can).
"""

from __future__ import annotations

from array import array
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.store.records import ChannelMessages
from bot.store.threads import ThreadSeen

# Gap filling reads up to a thousand messages per channel; the live watcher must still
# recognise each of them when the same message also arrives as an event.
REMEMBERED_IDS = 16384

Channel = tuple[int, int]  # (guild, channel)


@dataclass(slots=True)
class RecentIds:
    """The last `size` message ids added, to recognise a repeat (e.g. a gateway replay)."""

    size: int = REMEMBERED_IDS
    _order: deque[int] = field(default_factory=deque)
    _ids: set[int] = field(default_factory=set)

    def __contains__(self, message_id: int) -> bool:
        return message_id in self._ids

    def add(self, message_id: int) -> bool:
        """Remember an id; False if it was remembered already."""
        if message_id in self._ids:
            return False
        self._ids.add(message_id)
        self._order.append(message_id)
        if len(self._order) > self.size:
            self._ids.discard(self._order.popleft())
        return True

    def discard(self, message_id: int) -> None:
        """Forget an id. Its place in the order stays until it ages out: added again, it may
        then be forgotten early, and a replay of it is handled again to the same effect."""
        self._ids.discard(message_id)


@dataclass(frozen=True, slots=True)
class ActivitySnapshot:
    """What one flush gives `Store.count_messages`: per channel the ids counted (each with its
    volume bucket) and the id ranges read in full."""

    channels: tuple[ChannelMessages, ...] = ()
    messages: int = 0

    @property
    def empty(self) -> bool:
        return not self.channels


@dataclass(slots=True)
class ActivityBuffer:
    """Counts watched messages per (guild, channel, volume bucket), keeping their ids, and the
    id ranges read in full per channel. The caller names the bucket (`bot.buckets.volume_bucket`
    in the guild's timezone): the buffer knows no timezones.

    A message id is counted once: a gateway replay after a resume can deliver an event again,
    so the last `remember` ids are kept to recognise repeats here, and the Store counts each id
    once whatever was counted before (an import, a backfill, another run).

    Live messages of a channel follow one another within a gateway session: the range from one
    to the next is read in full. A new session, or a channel not watched for a while, breaks
    that (`interrupt`): the messages in between are history, for gap filling to read.

    A channel can be held: while gap filling reads its history, its counts stay here, so the
    cursor on disk never jumps past history not read yet (a crash then re-reads it all).
    """

    remember: int = REMEMBERED_IDS
    # Ids per (guild, channel, bucket start), 8 bytes each: a DB outage keeps them all.
    _ids: dict[tuple[int, int, int], array[int]] = field(default_factory=dict)
    _read: dict[Channel, list[tuple[int, int]]] = field(default_factory=dict)
    _live_top: dict[Channel, int] = field(default_factory=dict)
    _held: Counter[Channel] = field(default_factory=Counter)
    _recent: RecentIds = field(init=False)
    # The number of ids in _ids, kept as it changes: the watcher asks after every message.
    _pending: int = 0

    def __post_init__(self) -> None:
        self._recent = RecentIds(self.remember)

    @property
    def pending(self) -> int:
        """Messages counted since the last drain."""
        return self._pending

    def count(
        self, guild_id: int, channel_id: int, message_id: int, *, bucket: int, live: bool = True
    ) -> bool:
        """Count one message in the bucket starting at `bucket`; False (and nothing is counted)
        if this id was counted before. `live`: it came as a gateway event, not from history."""
        key = (guild_id, channel_id)
        if live:
            top = self._live_top.get(key)
            if top is None or message_id > top:
                self.mark_read(
                    guild_id, channel_id, message_id - 1 if top is None else top, message_id
                )
                self._live_top[key] = message_id
        if not self._recent.add(message_id):
            return False
        ids = self._ids.get((guild_id, channel_id, bucket))
        if ids is None:
            ids = self._ids[(guild_id, channel_id, bucket)] = array("q")
        ids.append(message_id)
        self._pending += 1
        return True

    def mark_read(self, guild_id: int, channel_id: int, after: int, last: int) -> None:
        """Every message of the channel with after < id <= last has been given to `count`."""
        if after >= last:
            return
        ranges = self._read.setdefault((guild_id, channel_id), [])
        if ranges and ranges[-1][1] == after:  # a live message after the one before
            ranges[-1] = (ranges[-1][0], last)
        else:
            ranges.append((after, last))

    def interrupt(self, guild_id: int, channel_id: int) -> None:
        """The channel's next live message may not follow the last one (it was not watched)."""
        self._live_top.pop((guild_id, channel_id), None)

    def new_session(self) -> None:
        """A new gateway session: events between the old one and this one were never sent."""
        self._live_top.clear()

    def hold(self, guild_id: int, channel_id: int) -> None:
        """Keep this channel's counts out of drains until `release` (holds nest)."""
        self._held[(guild_id, channel_id)] += 1

    def release(self, guild_id: int, channel_id: int) -> None:
        key = (guild_id, channel_id)
        self._held[key] -= 1
        if self._held[key] <= 0:
            del self._held[key]

    def drain(self) -> ActivitySnapshot:
        """Everything counted so far in channels not held, leaving it out of the buffer (ids
        stay remembered)."""
        held = self._held
        messages: dict[Channel, list[tuple[int, int]]] = {}
        for key in [key for key in self._ids if key[:2] not in held]:
            guild, channel, bucket = key
            messages.setdefault((guild, channel), []).extend(
                (message_id, bucket) for message_id in self._ids.pop(key)
            )
        read = {key: self._read.pop(key) for key in list(self._read) if key not in held}
        channels = tuple(
            ChannelMessages(
                guild,
                channel,
                tuple(messages.get((guild, channel), ())),
                tuple(read.get((guild, channel), ())),
            )
            for guild, channel in sorted(messages.keys() | read.keys())
        )
        taken = sum(len(channel.messages) for channel in channels)
        self._pending -= taken
        return ActivitySnapshot(channels, taken)

    def restore(self, snapshot: ActivitySnapshot) -> None:
        """Put back a snapshot whose write failed, merged with what was counted meanwhile."""
        for channel in snapshot.channels:
            for message_id, bucket in channel.messages:
                key = (channel.guild_id, channel.channel_id, bucket)
                ids = self._ids.get(key)
                if ids is None:
                    ids = self._ids[key] = array("q")
                ids.append(message_id)
                self._pending += 1
            for after, last in channel.read:
                self.mark_read(channel.guild_id, channel.channel_id, after, last)


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
    # Drained by the flusher and not written yet: still named by `pending_under`.
    _writing: dict[int, ThreadSeen] = field(default_factory=dict)

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

    def pending_under(self, guild_id: int, parent_id: int) -> list[int]:
        """The threads under `parent_id` seen but not written yet."""
        return [
            thread_id
            for (guild, thread_id, parent, _private) in {**self._writing, **self._pending}.values()
            if (guild, parent) == (guild_id, parent_id)
        ]

    def drain(self) -> list[ThreadSeen]:
        """The sightings to write, leaving none pending (the threads stay seen)."""
        batch = list(self._pending.values())
        self._writing.update(self._pending)
        self._pending.clear()
        return batch

    def written(self, batch: Iterable[ThreadSeen]) -> None:
        """The flusher wrote these sightings: the Store names them from now on."""
        for seen in batch:
            self._writing.pop(seen[1], None)

    def restore(self, batch: Iterable[ThreadSeen]) -> None:
        """Put back sightings whose write failed, for the next flush."""
        for seen in batch:
            self._writing.pop(seen[1], None)
            self._pending.setdefault(seen[1], seen)
