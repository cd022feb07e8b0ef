"""Deletions and edits through the watch service while the database cannot be written (another
process holds its write lock): they wait in the writer's queue, and nothing queued or read
meanwhile (a thread being remembered, a rescore) brings back a deleted row or text."""

from __future__ import annotations

import asyncio
import math
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import UserFacingError
from bot.guild_settings import GuildConfigs
from bot.store import Store
from bot.watch.rules import ConversationMemory
from bot.watch.service import WatchService
from bot.watch.writer import RequestWriter
from tests.e2e.waiting import eventually
from tests.watch.test_writer_groups import CHANNEL, GUILD, record

THREAD = 21


@asynccontextmanager
async def watching(db: Path) -> AsyncIterator[tuple[GuildConfigs, WatchService, RequestWriter]]:
    async with await Store.open(db, busy_budget=0.3) as store:
        configs = GuildConfigs(store, load_settings({}, env_file=None))
        writer = RequestWriter(store, configs)
        writer.retry_first = writer.retry_max = 0.01
        watch = WatchService(store, configs, writer, ConversationMemory(), author_key=b"k" * 32)
        yield configs, watch, writer
        await writer.close()


@contextmanager
def outage(db: Path) -> Iterator[None]:
    """Another process holds the write lock (a long write, a CLI import)."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.rollback()
        other.close()


async def landed(writer: RequestWriter) -> None:
    async def empty() -> bool:
        return writer.pending == 0

    await eventually(empty, "the queue to land")


async def test_a_thread_being_remembered_goes_with_its_deleted_channel(tmp_path: Path) -> None:
    db = tmp_path / "clamor.db"
    async with watching(db) as (_, watch, writer):
        assert await writer.write(replace(record(1), channel_id=THREAD))
        watch.threads.see(GUILD, THREAD, CHANNEL, False)  # its sighting not written yet
        with outage(db):
            flushing = asyncio.create_task(watch.flush())  # takes the sighting, then waits

            async def taken() -> bool:
                return watch.threads.pending == 0

            await eventually(taken, "the flusher to take the sighting")
            # The gateway does not wait for the flusher: the channel goes meanwhile.
            await watch.delete_channel(GUILD, CHANNEL)
            await flushing  # failed: the sighting waits for the next flush
            assert writer.pending == 1
        await landed(writer)
        await watch.flush()
        assert await writer.current(GUILD, 1) is None


@pytest.mark.parametrize("waiting", ["a deleted channel", "an edit"])
async def test_a_rescore_is_refused_while_writes_wait_and_changes_nothing(
    tmp_path: Path, waiting: str
) -> None:
    # The database still answers reads, with rows whose removal or edit waits in the queue: a
    # verdict on a row as the database has it, queued behind them, would bring it back.
    db = tmp_path / "clamor.db"
    text = "please open source the weights of the new model, we really need them"
    async with watching(db) as (configs, watch, writer):
        analyzer = (await configs.get(GUILD)).analyzer
        original = replace(record(1), content=f"{text} (call me on 555-0100)", category="x")
        assert await writer.write(original)
        with outage(db):
            if waiting == "a deleted channel":
                await watch.delete_channel(GUILD, CHANNEL)
            else:
                await writer.write(replace(original, content=text))  # the number edited out
            with pytest.raises(UserFacingError, match="not taking writes"):
                await watch.rescore(GUILD, 0, math.inf, analyzer)
            assert writer.pending == 1
        await landed(writer)
        row = await writer.current(GUILD, 1)
        if waiting == "a deleted channel":
            assert row is None
        else:
            assert row is not None
            assert (row.content, row.category) == (text, "x")
