"""WaitingWrites: order, the bound, the dropped channels, what is written next."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.watch import writer
from bot.watch.writer import ChannelRemoval, Removal, Upsert, WaitingWrites
from tests.store.store_factory import request


def upsert(message_id: int, channel_id: int = 10) -> Upsert:
    return Upsert(replace(request(message_id), channel_id=channel_id))


def test_writes_wait_in_order_and_the_head_is_the_run_of_upserts() -> None:
    queue = WaitingWrites(10)
    ops = [upsert(1), upsert(2), Removal(1, 10, (1,)), upsert(3)]
    assert all(queue.add(op) for op in ops)
    assert list(queue) == ops
    assert queue.head() == ops[:2]
    queue.pop_head(2)
    assert queue.head() == [ops[2]]  # a removal goes alone
    queue.pop_head(1)
    assert queue.head() == [ops[3]]
    assert list(reversed(queue)) == [ops[3]]


def test_the_head_is_at_most_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "BATCH", 3)
    queue = WaitingWrites(10)
    for message_id in range(1, 6):
        queue.add(upsert(message_id))
    assert [op.record.message_id for op in queue.head() if isinstance(op, Upsert)] == [1, 2, 3]


def test_beyond_the_bound_only_the_oldest_id_per_channel_is_kept() -> None:
    queue = WaitingWrites(2)
    assert queue.add(upsert(1))
    assert queue.add(upsert(2))
    assert queue.add(upsert(9, channel_id=11)) is False
    assert queue.add(upsert(7, channel_id=11)) is False
    assert queue.add(Removal(1, 12, (5, 4))) is False
    assert len(queue) == 2
    assert queue.dropped == {(1, 11): 7, (1, 12): 4}


def test_a_removal_without_a_channel_always_waits() -> None:
    # Gap filling could not find what it should delete again: it is never dropped.
    queue = WaitingWrites(1)
    queue.add(upsert(1))
    assert queue.add(Removal(1, None, (1,))) is True
    assert len(queue) == 2
    assert queue.dropped == {}


def test_a_deleted_channels_removal_always_waits_and_goes_alone() -> None:
    # Gap filling cannot read a deleted channel again: its removal is never dropped.
    queue = WaitingWrites(1)
    queue.add(upsert(1))
    removal = ChannelRemoval(1, (10,))
    assert queue.add(removal) is True
    assert queue.add(upsert(2)) is False
    queue.pop_head(1)
    assert queue.head() == [removal]
    assert queue.dropped == {(1, 10): 2}
