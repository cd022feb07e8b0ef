"""Volume and cursors held in memory between flushes, so a busy channel costs one write per
flush rather than one per message."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

HOUR = 3600
REMEMBERED_IDS = 4096


@dataclass(frozen=True, slots=True)
class ActivitySnapshot:
    """What one flush writes: (guild, channel, hour start, count) and (guild, channel, id)."""

    volumes: tuple[tuple[int, int, float, int], ...] = ()
    cursors: tuple[tuple[int, int, int], ...] = ()
    messages: int = 0

    @property
    def empty(self) -> bool:
        return not self.volumes and not self.cursors


@dataclass(slots=True)
class ActivityBuffer:
    """Counts watched messages per (guild, channel, UTC hour) and the newest id per channel.

    A message id is counted once: a gateway replay after a resume can deliver an event again,
    and volume is a sum, so the last `remember` ids are kept to recognise repeats.
    """

    remember: int = REMEMBERED_IDS
    _volume: Counter[tuple[int, int, int]] = field(default_factory=Counter)
    _cursors: dict[tuple[int, int], int] = field(default_factory=dict)
    _pending: int = 0
    _recent_order: deque[int] = field(default_factory=deque)
    _recent: set[int] = field(default_factory=set)

    @property
    def pending(self) -> int:
        """Messages counted since the last drain."""
        return self._pending

    def count(self, guild_id: int, channel_id: int, message_id: int, at: float) -> bool:
        """Count one message; False (and nothing changes) if this id was counted before."""
        if message_id in self._recent:
            return False
        self._recent.add(message_id)
        self._recent_order.append(message_id)
        if len(self._recent_order) > self.remember:
            self._recent.discard(self._recent_order.popleft())
        self._volume[(guild_id, channel_id, int(at // HOUR) * HOUR)] += 1
        key = (guild_id, channel_id)
        self._cursors[key] = max(self._cursors.get(key, 0), message_id)
        self._pending += 1
        return True

    def drain(self) -> ActivitySnapshot:
        """Everything counted so far, leaving the buffer empty (ids stay remembered)."""
        snapshot = ActivitySnapshot(
            volumes=tuple(
                (guild, channel, float(hour), n)
                for (guild, channel, hour), n in self._volume.items()
            ),
            cursors=tuple(
                (guild, channel, last) for (guild, channel), last in self._cursors.items()
            ),
            messages=self._pending,
        )
        self._volume.clear()
        self._cursors.clear()
        self._pending = 0
        return snapshot

    def restore(self, snapshot: ActivitySnapshot) -> None:
        """Put back a snapshot whose write failed, merged with what was counted meanwhile."""
        for guild, channel, hour, n in snapshot.volumes:
            self._volume[(guild, channel, int(hour))] += n
        for guild, channel, last in snapshot.cursors:
            key = (guild, channel)
            self._cursors[key] = max(self._cursors.get(key, 0), last)
        self._pending += snapshot.messages
