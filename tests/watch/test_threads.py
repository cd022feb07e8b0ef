"""ThreadMemory: a thread is written once per process, and kept for later when a write fails."""

from __future__ import annotations

from bot.watch import ThreadMemory


def test_a_thread_is_pending_once_however_often_it_is_seen() -> None:
    memory = ThreadMemory()
    assert memory.see(1, 11, 100, False) is True
    assert memory.see(1, 11, 100, False) is False
    assert memory.see(1, 12, 100, True) is True
    assert memory.pending == 2
    assert memory.drain() == [(1, 11, 100, False), (1, 12, 100, True)]
    assert memory.pending == 0
    # Seen already: a later message in the thread writes nothing again.
    assert memory.see(1, 11, 100, False) is False
    assert memory.drain() == []
    assert 11 in memory
    assert 13 not in memory


def test_a_failed_write_is_put_back_for_the_next_flush() -> None:
    memory = ThreadMemory()
    memory.see(1, 11, 100, False)
    batch = memory.drain()
    memory.see(1, 12, 100, False)  # seen while the write was failing
    memory.restore(batch)
    assert sorted(memory.drain()) == [(1, 11, 100, False), (1, 12, 100, False)]
    memory.restore([])
    assert memory.pending == 0


def test_the_oldest_threads_are_forgotten_past_the_bound() -> None:
    memory = ThreadMemory(size=2)
    for thread_id in (11, 12, 13):
        memory.see(1, thread_id, 100, False)
    memory.drain()
    assert 11 not in memory
    assert 13 in memory
    # A forgotten thread that speaks again is written again; a remembered one is not.
    assert memory.see(1, 11, 100, False) is True
    assert memory.see(1, 13, 100, False) is False
    assert memory.drain() == [(1, 11, 100, False)]


def test_the_threads_of_a_channel_not_written_yet_are_named_for_its_deletion() -> None:
    memory = ThreadMemory()
    memory.see(1, 11, 100, False)
    memory.see(1, 12, 200, False)
    memory.see(2, 13, 100, False)  # another guild: ids are unique, but the guild is asked too
    memory.see(1, 14, 100, True)
    assert memory.pending_under(1, 100) == [11, 14]
    batch = memory.drain()
    assert memory.pending_under(1, 100) == [11, 14]  # being written: still named
    memory.written(batch)
    assert memory.pending_under(1, 100) == []  # written: the Store finds them
