"""After an erasure returns, no byte of the erased text is left in any file of the SQLite
database while the bot keeps running: not in the main file, its free pages, or the write-ahead
log (`-wal`), which no checkpoint short of TRUNCATE rewrites."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.store import LabelCorrection, Store
from tests.store.store_factory import BASE_TIME, request

pytestmark = pytest.mark.sqlite_only
COPIES = 100
ERASED = "zebra-quokka-7781"
KEPT = "kept-okapi-4410"


def database_files(db_path: Path) -> dict[str, bytes]:
    """Every file of the database (main, -wal, -shm, -journal), read while it is open."""
    return {path.name: path.read_bytes() for path in db_path.parent.glob(db_path.name + "*")}


def copies_of(text: str, db_path: Path) -> dict[str, int]:
    found = {name: data.count(text.encode()) for name, data in database_files(db_path).items()}
    return {name: count for name, count in found.items() if count}


async def fill(store: Store, *, author: str, old: bool) -> None:
    """COPIES request messages and a correction quoting ERASED, and one message that stays."""
    created = BASE_TIME if old else BASE_TIME + 300 * 86400
    for number in range(COPIES):
        await store.upsert_request(
            request(
                number + 1,
                content=f"{ERASED} {number} please open source the weights",
                author_hash=author,
                created_at=created + number,
            )
        )
    await store.set_label_correction(
        LabelCorrection(
            1, 1, 10, "skepticism", f"{ERASED} corrected", "en", "demand", created, author
        )
    )
    await store.upsert_request(
        request(
            COPIES + 1,
            content=KEPT,
            author_hash="b" * 32,
            created_at=BASE_TIME + 300 * 86400,
        )
    )


async def forget_me(store: Store) -> None:
    assert await store.opt_out_author(1, "a" * 32, at=BASE_TIME) == COPIES


async def retention(store: Store) -> None:
    assert await store.erase_expired(now=BASE_TIME + 200 * 86400) == {1: COPIES + 1}


async def content_drop(store: Store) -> None:
    assert await store.set_content_mode(1, "drop") == COPIES + 1


async def guild_departed(store: Store) -> None:
    await store.mark_guild_left(1, BASE_TIME)
    assert await store.erase_departed(now=BASE_TIME + 40 * 86400, grace_seconds=30 * 86400) == [1]


async def messages_deleted(store: Store) -> None:
    assert await store.delete_messages(1, range(1, COPIES + 1)) == COPIES
    # Owed to the hourly privacy upkeep, which a deletion does not wait for.
    assert store.scrub_owed
    assert await store.finish_scrub()


async def channel_deleted(store: Store) -> None:
    assert await store.delete_channels_messages(1, [10]) == COPIES + 1
    assert store.scrub_owed
    assert await store.finish_scrub()


@pytest.mark.parametrize(
    ("erase", "old", "kept"),
    [
        (forget_me, False, True),
        (retention, True, True),
        (content_drop, False, False),
        (guild_departed, False, False),
        (messages_deleted, False, True),
        (channel_deleted, False, False),
    ],
    ids=[
        "forget-me",
        "retention",
        "content-drop",
        "guild-departed",
        "messages-deleted",
        "channel-deleted",
    ],
)
async def test_no_copy_of_erased_text_is_left_in_any_file(
    db_path: Path, erase: Callable[[Store], Awaitable[None]], old: bool, kept: bool
) -> None:
    async with await Store.open(db_path) as store:
        await fill(store, author="a" * 32, old=old)
        assert copies_of(ERASED, db_path)  # the check below can fail

        await erase(store)

        # The connection is still open: this is what a running bot leaves on disk.
        assert copies_of(ERASED, db_path) == {}
        assert (KEPT.encode() in b"".join(database_files(db_path).values())) is kept
        # The store goes on working after its files were rewritten.
        await store.upsert_request(request(COPIES + 2, content="after the erasure"))
        assert (await store.get_request(1, COPIES + 2)) is not None


async def test_a_scrub_held_back_by_a_reader_is_finished_later(db_path: Path) -> None:
    """Another connection's open read (a CLI digest, another shard) keeps the log from being
    cut: the erasure returns after its bounded wait with the scrub owed, and `finish_scrub`
    (the hourly privacy upkeep) completes it once the reader is gone."""
    async with await Store.open(db_path, busy_budget=0.3) as store:
        await fill(store, author="a" * 32, old=False)
        assert await store.finish_scrub()  # nothing owed yet
        reader = sqlite3.connect(db_path)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM request_messages").fetchone()  # holds a snapshot
            await forget_me(store)
            assert store.scrub_owed
            assert "clamor.db-wal" in copies_of(ERASED, db_path)
            assert not await store.finish_scrub()  # still held back
        finally:
            reader.close()
        assert await store.finish_scrub()
        assert not store.scrub_owed
        assert copies_of(ERASED, db_path) == {}
