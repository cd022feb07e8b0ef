"""The request-message log."""

from __future__ import annotations

import math

import pytest

from bot.store import LabelCorrection, Store, StoreError
from tests.store.store_factory import BASE_TIME, request


async def test_record_round_trips_every_field(store: Store) -> None:
    original = request(
        42,
        content='olvídense, jamás va a pasar 🙃 "quoted" [brackets]',
        language="es",
        compound=-0.4767,
        pos=0.0,
        neu=0.61,
        neg=0.39,
        category="defeatism",
        targets=("Sora", 'the "model"'),
        alternatives=("LTX-Video", "Wan"),
        cues=("category: olvídense", "tone: -0.48"),
        edited=True,
    )
    await store.upsert_request(original)
    assert await store.get_request(1, 42) == original


async def test_uncategorised_record_round_trips(store: Store) -> None:
    original = request(43, category=None, targets=(), cues=())
    await store.upsert_request(original)
    assert await store.get_request(1, 43) == original


async def test_writing_twice_updates_the_one_row(store: Store) -> None:
    assert await store.upsert_request(request(1, content="open source it", compound=0.0)) is True
    edited = request(
        1, content="open source it now!!", compound=0.42, category="frustration", edited=True
    )
    assert await store.upsert_request(edited) is True
    assert await store.count_requests(1) == 1
    assert await store.get_request(1, 1) == edited


async def test_batch_upsert_counts_rows_and_updates(store: Store) -> None:
    assert await store.upsert_requests([request(n) for n in range(1, 6)]) == 5
    assert await store.upsert_requests([request(3, content="changed"), request(6)]) == 2
    assert await store.upsert_requests([]) == 0
    assert await store.count_requests(1) == 6
    changed = await store.get_request(1, 3)
    assert changed is not None
    assert changed.content == "changed"


async def test_batch_is_one_transaction(store: Store) -> None:
    await store.upsert_request(request(1, content="before"))
    broken = request(3, content=None)  # NOT NULL column: the whole batch must be refused
    with pytest.raises(StoreError, match=r"(?i)not.null"):
        await store.upsert_requests([request(1, content="after"), request(2), broken])
    assert await store.count_requests(1) == 1
    kept = await store.get_request(1, 1)
    assert kept is not None
    assert kept.content == "before"
    await store.upsert_request(request(4))  # the connection is usable afterwards
    assert await store.count_requests(1) == 2


async def test_requests_between_is_half_open_and_ordered(store: Store) -> None:
    times = {1: BASE_TIME + 100, 2: BASE_TIME, 3: BASE_TIME + 50.5, 4: BASE_TIME + 200}
    await store.upsert_requests(
        [request(n, created_at=at, channel_id=10 + n % 2) for n, at in times.items()]
    )
    found = await store.requests_between(1, BASE_TIME, BASE_TIME + 200)
    assert [r.message_id for r in found] == [2, 3, 1]  # 4 sits exactly on the open end
    in_channel = await store.requests_between(1, BASE_TIME, BASE_TIME + 201, channel_id=10)
    assert [r.message_id for r in in_channel] == [2, 4]
    assert await store.requests_between(1, BASE_TIME + 201, math.inf) == []


async def test_delete_one_and_many(store: Store) -> None:
    await store.upsert_requests([request(n) for n in range(1, 6)])
    assert await store.delete_request(1, 2) is True
    assert await store.delete_request(1, 2) is False
    assert await store.delete_messages(1, [1, 3, 99]) == 2
    assert await store.delete_messages(1, []) == 0
    assert [r.message_id for r in await store.requests_between(1, 0, math.inf)] == [4, 5]


async def test_a_nul_character_does_not_lose_the_message(store: Store) -> None:
    # SQLite keeps NUL; PostgreSQL text cannot hold it, so that Store writes U+FFFD instead.
    assert await store.upsert_request(request(1, content="open\x00source it", targets=("a\x00",)))
    kept = await store.get_request(1, 1)
    assert kept is not None
    assert kept.content in {"open\x00source it", "open\ufffdsource it"}
    assert kept.targets in {("a\x00",), ("a\ufffd",)}


async def test_a_deleted_channel_takes_its_rows_its_threads_and_their_relabels(
    store: Store,
) -> None:
    # Channel 10 with thread 11 under it (remembered), and thread 13 named by the caller (seen
    # but not remembered yet); channel 20 and guild 2 keep theirs.
    await store.remember_threads([(1, 11, 10, False), (2, 12, 10, False)])
    rows = {
        1: request(1, channel_id=10),
        2: request(2, channel_id=11),
        3: request(3, channel_id=13),
        4: request(4, channel_id=20),
        5: request(5, guild_id=2, channel_id=10),
        6: request(6, guild_id=2, channel_id=12),
    }
    await store.upsert_requests(rows.values())
    for row in rows.values():
        await store.set_label_correction(
            LabelCorrection(
                row.guild_id, row.message_id, row.channel_id, "frustration", row.content,
                "en", "demand", BASE_TIME,
            )
        )  # fmt: skip
    assert await store.logged_channels(1) == {10, 11, 13, 20}
    assert await store.delete_channels_messages(1, [10, 13]) == 3
    assert await store.delete_channels_messages(1, []) == 0
    left = {(r.guild_id, r.message_id) for r in await store.requests_between(1, 0, math.inf)}
    left |= {(r.guild_id, r.message_id) for r in await store.requests_between(2, 0, math.inf)}
    assert left == {(1, 4), (2, 5), (2, 6)}
    relabelled = {(c.guild_id, c.message_id) for c in await store.label_corrections()}
    assert relabelled == left
    assert await store.logged_channels(1) == {20}
    # A relabel alone (a message Clamor never logged) places its channel too.
    await store.set_label_correction(
        LabelCorrection(1, 7, 30, "demand", "text", "en", None, BASE_TIME)
    )
    assert await store.logged_channels(1) == {20, 30}
