"""The in-memory volume buffer between flushes: ids per bucket and the id ranges read in full.
The caller names each message's bucket (the watcher: `volume_bucket` in the guild's timezone)."""

from __future__ import annotations

from bot.store import ChannelMessages
from bot.watch import ActivityBuffer, ActivitySnapshot

H = 3600
T0 = 1_699_999_200  # a UTC hour boundary


def by_channel(snapshot: ActivitySnapshot) -> dict[tuple[int, int], ChannelMessages]:
    return {(c.guild_id, c.channel_id): c for c in snapshot.channels}


def test_counts_keep_ids_by_channel_and_bucket() -> None:
    buffer = ActivityBuffer()
    assert buffer.count(1, 10, 101, bucket=T0)
    assert buffer.count(1, 10, 102, bucket=T0)
    assert buffer.count(1, 11, 103, bucket=T0)
    assert buffer.count(1, 10, 104, bucket=T0 + H)
    assert buffer.count(2, 20, 105, bucket=T0)
    assert buffer.count(2, 20, 106, bucket=T0 + H // 2)  # a half-hour zone's bucket
    assert buffer.pending == 6
    snapshot = buffer.drain()
    channels = by_channel(snapshot)
    assert sorted(channels[(1, 10)].messages) == [(101, T0), (102, T0), (104, T0 + H)]
    assert channels[(1, 11)].messages == ((103, T0),)
    assert sorted(channels[(2, 20)].messages) == [(105, T0), (106, T0 + H // 2)]
    assert snapshot.messages == 6
    assert buffer.pending == 0
    assert buffer.drain().empty


def test_live_messages_read_the_channel_from_one_to_the_next() -> None:
    buffer = ActivityBuffer()
    for message_id in (201, 205, 209):
        buffer.count(1, 10, message_id, bucket=T0)
    assert by_channel(buffer.drain())[(1, 10)].read == ((200, 209),)
    buffer.count(1, 10, 215, bucket=T0)  # after a flush: still the same run
    assert by_channel(buffer.drain())[(1, 10)].read == ((209, 215),)


def test_an_interruption_or_a_new_session_breaks_the_run() -> None:
    buffer = ActivityBuffer()
    buffer.count(1, 10, 301, bucket=T0)
    buffer.interrupt(1, 10)  # a message in a channel not watched then
    buffer.count(1, 10, 310, bucket=T0)
    buffer.new_session()
    buffer.count(1, 10, 320, bucket=T0)
    assert by_channel(buffer.drain())[(1, 10)].read == ((300, 301), (309, 310), (319, 320))


def test_history_counts_read_only_what_is_marked() -> None:
    buffer = ActivityBuffer()
    buffer.count(1, 10, 405, bucket=T0, live=False)
    buffer.count(1, 10, 403, bucket=T0, live=False)
    assert by_channel(buffer.drain())[(1, 10)].read == ()
    buffer.mark_read(1, 10, 400, 405)
    assert buffer.drain().channels == (ChannelMessages(1, 10, (), ((400, 405),)),)


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
    assert buffer.count(1, 10, 1, bucket=T0)  # forgotten here; the Store counts it once
    assert buffer.pending == 4


def test_held_channels_stay_in_the_buffer() -> None:
    buffer = ActivityBuffer()
    buffer.count(1, 10, 501, bucket=T0)
    buffer.count(1, 11, 502, bucket=T0)
    buffer.hold(1, 10)
    assert [c.channel_id for c in buffer.drain().channels] == [11]
    buffer.release(1, 10)
    assert by_channel(buffer.drain())[(1, 10)].messages == ((501, T0),)


def test_restore_merges_a_failed_snapshot_with_newer_counts() -> None:
    buffer = ActivityBuffer()
    buffer.count(1, 10, 401, bucket=T0)
    buffer.count(1, 10, 402, bucket=T0)
    failed = buffer.drain()
    buffer.count(1, 10, 403, bucket=T0)
    buffer.restore(failed)
    assert buffer.pending == 3
    [channel] = buffer.drain().channels
    assert sorted(channel.messages) == [(401, T0), (402, T0), (403, T0)]
    assert sorted(channel.read) == [(400, 402), (402, 403)]
