"""The writes that wait while the database refuses them: in order, bounded, and for what does
not fit, the oldest message id per channel, so gap filling can re-read those channels."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from bot.store import RequestRecord

log = logging.getLogger(__name__)

Channel = tuple[int, int]  # (guild, channel)
BATCH = 500  # consecutive waiting upserts written in one transaction


@dataclass(frozen=True, slots=True)
class Upsert:
    record: RequestRecord


@dataclass(frozen=True, slots=True)
class Removal:
    guild_id: int
    channel_id: int | None
    message_ids: tuple[int, ...]


WriteOp = Upsert | Removal


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
        if isinstance(first, Removal):
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
            assert op.channel_id is not None  # _unplaceable keeps channel-less removals
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
    """A removal whose channel is unknown cannot be recovered by gap filling: it always waits."""
    return isinstance(op, Removal) and op.channel_id is None
