"""Volume and cursors held in memory between flushes, so a busy channel costs one write per
flush rather than one per message."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class ActivitySnapshot:
    """What one flush writes: (guild, channel, bucket start, count), (guild, channel, newest id)
    and (guild, channel, lowest id counted) for `Store.record_activity`."""

    volumes: tuple[tuple[int, int, int, int], ...] = ()
    cursors: tuple[tuple[int, int, int], ...] = ()
    floors: tuple[tuple[int, int, int], ...] = ()
    messages: int = 0

    @property
    def empty(self) -> bool:
        return not self.volumes and not self.cursors


@dataclass(slots=True)
class ActivityBuffer:
    """Counts watched messages per (guild, channel, volume bucket), the newest and lowest id
    counted per channel. The caller names the bucket (`bot.buckets.volume_bucket` in the guild's
    timezone): the buffer knows no timezones.

    A message id is counted once: a gateway replay after a resume can deliver an event again,
    and volume is a sum, so the last `remember` ids are kept to recognise repeats.

    A channel can be held: while gap filling reads its history, its counts stay here, so the
    cursor on disk never jumps past history not read yet (a crash then re-reads it all).
    """

    remember: int = REMEMBERED_IDS
    _volume: Counter[tuple[int, int, int]] = field(default_factory=Counter)
    _cursors: dict[Channel, int] = field(default_factory=dict)
    _floors: dict[Channel, int] = field(default_factory=dict)
    _held: Counter[Channel] = field(default_factory=Counter)
    _recent: RecentIds = field(init=False)
    # The sum of _volume, kept as it changes: the watcher asks after every message.
    _pending: int = 0

    def __post_init__(self) -> None:
        self._recent = RecentIds(self.remember)

    @property
    def pending(self) -> int:
        """Messages counted since the last drain."""
        return self._pending

    def count(self, guild_id: int, channel_id: int, message_id: int, *, bucket: int) -> bool:
        """Count one message in the bucket starting at `bucket`; False (and nothing changes) if
        this id was counted before."""
        if not self._recent.add(message_id):
            return False
        self._volume[(guild_id, channel_id, bucket)] += 1
        self._pending += 1
        key = (guild_id, channel_id)
        self._cursors[key] = max(self._cursors.get(key, 0), message_id)
        self._floors[key] = min(self._floors.get(key, message_id), message_id)
        return True

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
        volumes = tuple(
            (guild, channel, hour, n)
            for (guild, channel, hour), n in self._volume.items()
            if (guild, channel) not in held
        )
        snapshot = ActivitySnapshot(
            volumes=volumes,
            cursors=tuple((*key, last) for key, last in self._cursors.items() if key not in held),
            floors=tuple((*key, low) for key, low in self._floors.items() if key not in held),
            messages=sum(n for *_, n in volumes),
        )
        for guild, channel, hour, _ in volumes:
            del self._volume[(guild, channel, hour)]
        self._pending -= snapshot.messages
        for mapping in (self._cursors, self._floors):
            for key in [key for key in mapping if key not in held]:
                del mapping[key]
        return snapshot

    def restore(self, snapshot: ActivitySnapshot) -> None:
        """Put back a snapshot whose write failed, merged with what was counted meanwhile."""
        for guild, channel, hour, n in snapshot.volumes:
            self._volume[(guild, channel, hour)] += n
            self._pending += n
        for guild, channel, last in snapshot.cursors:
            key = (guild, channel)
            self._cursors[key] = max(self._cursors.get(key, 0), last)
        for guild, channel, low in snapshot.floors:
            key = (guild, channel)
            self._floors[key] = min(self._floors.get(key, low), low)
