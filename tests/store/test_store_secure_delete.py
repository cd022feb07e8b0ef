"""Erased text is gone from the database file itself, not only from query results."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store
from tests.store.store_factory import request

MARKER = "zebra-quokka-7781 please open source the weights"


def on_disk(db_path: Path) -> bytes:
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


async def test_forgotten_text_leaves_no_copy_in_the_file(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.upsert_request(request(1, content=MARKER, author_hash="h1"))
        await store.upsert_request(request(2, content="kept message", author_hash="h2"))
    assert MARKER.encode() in on_disk(db_path)  # the check below can fail

    async with await Store.open(db_path) as store:
        assert await store.opt_out_author(1, "h1", at=0.0) == 1
    # A clean close checkpoints the write-ahead log into the file and removes it.
    assert MARKER.encode() not in on_disk(db_path)
    assert b"kept message" in on_disk(db_path)


async def test_text_blanked_by_retention_leaves_no_copy_in_the_file(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        await store.upsert_request(request(1, content=MARKER, created_at=1000.0))
    assert MARKER.encode() in on_disk(db_path)

    async with await Store.open(db_path) as store:
        assert await store.erase_expired(now=1000.0 + 91 * 86400) == {1: 1}
    assert MARKER.encode() not in on_disk(db_path)
