"""The in-memory volume and cursor buffer between flushes. The caller names each message's
bucket (the watcher: `volume_bucket` in the guild's timezone)."""

from __future__ import annotations

from bot.watch import ActivityBuffer, ActivitySnapshot

H = 3600
T0 = 1_699_999_200  # a UTC hour boundary


def test_counts_merge_by_guild_channel_and_hour() -> None:
    buffer = ActivityBuffer()
    assert buffer.count(1, 10, 101, bucket=T0)
    assert buffer.count(1, 10, 102, bucket=T0)
    assert buffer.count(1, 11, 103, bucket=T0)
    assert buffer.count(1, 10, 104, bucket=T0 + H)
    assert buffer.count(2, 20, 105, bucket=T0)
    assert buffer.count(2, 20, 106, bucket=T0 + H // 2)  # a half-hour zone's bucket
    assert buffer.pending == 6
    snapshot = buffer.drain()
    assert sorted(snapshot.volumes) == [
        (1, 10, T0, 2),
        (1, 10, T0 + H, 1),
        (1, 11, T0, 1),
        (2, 20, T0, 1),
        (2, 20, T0 + H // 2, 1),
    ]
    assert sorted(snapshot.cursors) == [(1, 10, 104), (1, 11, 103), (2, 20, 106)]
    assert snapshot.messages == 6
    assert buffer.pending == 0
    assert buffer.drain().empty


def test_cursor_keeps_the_newest_id_even_out_of_order() -> None:
    buffer = ActivityBuffer()
    buffer.count(1, 10, 205, bucket=T0)
    buffer.count(1, 10, 203, bucket=T0)
    assert buffer.drain().cursors == ((1, 10, 205),)


def test_a_repeated_id_is_counted_once_even_after_a_drain() -> None:
    buffer = ActivityBuffer()
    assert buffer.count(1, 10, 301, bucket=T0)
    buffer.drain()
    assert not buffer.count(1, 10, 301, bucket=T0)
    assert buffer.pending == 0
    assert buffer.drain() == ActivitySnapshot()


def test_only_the_last_ids_are_remembered() -> None:
    buffer = ActivityBuffer(remember=2)
    for message_id in (1, 2, 3):
        buffer.count(1, 10, message_id, bucket=T0)
    assert not buffer.count(1, 10, 3, bucket=T0)
    assert buffer.count(1, 10, 1, bucket=T0)  # forgotten, so counted again
    assert buffer.pending == 4


def test_restore_merges_a_failed_snapshot_with_newer_counts() -> None:
    buffer = ActivityBuffer()
    buffer.count(1, 10, 401, bucket=T0)
    buffer.count(1, 10, 402, bucket=T0)
    failed = buffer.drain()
    buffer.count(1, 10, 403, bucket=T0)
    buffer.restore(failed)
    assert buffer.pending == 3
    snapshot = buffer.drain()
    assert snapshot.volumes == ((1, 10, T0, 3),)
    assert snapshot.cursors == ((1, 10, 403),)
