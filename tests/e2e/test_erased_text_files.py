"""Every erasure the bot offers leaves no byte of the erased text in any file of its SQLite
database (main file, free pages, write-ahead log) once it answers, while it keeps running; a
message deleted on Discord, none after the next privacy tick."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from bot.client import ClamorBot
from tests.e2e.helpers import FAST_TICK, Clock, post_logged, private_line, purge_now
from tests.e2e.test_relabel import link, relabel
from tests.e2e.test_watcher import REQUEST, Room
from tests.e2e.waiting import eventually
from tests.fakediscord import FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]
ERASED = "quokka7781"
KEPT = "okapi4410"


def copies_in_files(db_path: Path, text: str) -> int:
    """How many times `text` is in the database's files, read while the bot has them open."""
    paths = db_path.parent.glob(db_path.name + "*")  # clamor.db, -wal, -shm
    return sum(path.read_bytes().count(text.encode()) for path in paths)


async def post_many(bot: ClamorBot, fake: FakeDiscord, user: str, word: str, **when: str) -> None:
    for number in range(5):
        text = f"OpenAI should open source Sora {word} {number}"
        await post_logged(bot, fake, fake.channel("general"), fake.user(user), text, **when)


async def test_forget_me_leaves_no_copy_in_the_files(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake, db_path = fake_discord, tmp_path / "clamor.db"
    async with clamor() as bot:
        await post_many(bot, fake, "bob", ERASED)
        await post_many(bot, fake, "carol", KEPT)
        assert copies_in_files(db_path, ERASED) >= 5  # the check below can fail

        answer = await private_line(fake, "bob", "clamor", ["forget-me"], {"confirm": "yes"})
        assert answer.startswith("Done: I erased what I had logged of you in this server (5 ")
        assert copies_in_files(db_path, ERASED) == 0
        assert copies_in_files(db_path, KEPT) >= 5


async def test_forget_user_leaves_no_copy_in_the_files(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake, db_path = fake_discord, tmp_path / "clamor.db"
    async with clamor() as bot:
        await post_many(bot, fake, "carol", ERASED)
        await post_many(bot, fake, "bob", KEPT)
        assert copies_in_files(db_path, ERASED) >= 5

        user = {"user": fake.user("carol").id}
        answer = await private_line(fake, "alice", "clamor-mod", ["forget"], user)
        assert answer.startswith("Erased 5 logged messages of ")
        assert copies_in_files(db_path, ERASED) == 0
        assert copies_in_files(db_path, KEPT) >= 5


async def test_content_drop_leaves_no_copy_in_the_files(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake, db_path = fake_discord, tmp_path / "clamor.db"
    async with clamor() as bot:
        await post_many(bot, fake, "carol", ERASED)
        assert copies_in_files(db_path, ERASED) >= 5

        path, mode = ["privacy", "content"], {"mode": "drop"}
        answer = await private_line(fake, "alice", "clamor-mod", path, mode)
        assert answer.startswith("I no longer store message text here.")
        assert copies_in_files(db_path, ERASED) == 0


async def test_retention_leaves_no_copy_in_the_files(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake, db_path = fake_discord, tmp_path / "clamor.db"
    clock = Clock("2026-03-14T12:00")
    async with clamor(clock) as bot:
        await purge_now(bot, clock.now)  # the start-up purge: nothing is old yet
        await post_many(bot, fake, "carol", ERASED, when="2026-03-10T10:00")
        await post_many(bot, fake, "bob", KEPT, when="2026-03-14T10:00")
        days = {"days": 7}
        await private_line(fake, "alice", "clamor-mod", ["privacy", "retention"], days)
        assert copies_in_files(db_path, ERASED) >= 5

        clock.set("2026-03-20T12:00")  # the 10th is now 10 days old, the 14th 6
        await purge_now(bot, clock.now)
        assert copies_in_files(db_path, ERASED) == 0
        assert copies_in_files(db_path, KEPT) >= 5


READER_HOLDS_SECONDS = 3.5  # past Discord's 3 s for a first answer


async def test_an_erasure_a_reader_holds_up_still_answers(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    """Another process reading the database (a `clamor digest`, another shard) holds back the
    cut of the write-ahead log; the erasure waits for it past Discord's 3 seconds, so the bot
    acknowledges first and answers once the copies are gone."""
    fake, db_path = fake_discord, tmp_path / "clamor.db"
    fake.callback_deadline = 3.0
    async with clamor() as bot:
        await post_many(bot, fake, "bob", ERASED)
        reader = sqlite3.connect(db_path)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM request_messages").fetchone()  # a snapshot

        async def release_reader() -> None:
            await asyncio.sleep(READER_HOLDS_SECONDS)
            reader.close()

        releasing = asyncio.create_task(release_reader())
        try:
            answer = await private_line(fake, "bob", "clamor", ["forget-me"], {"confirm": "yes"})
        finally:
            await releasing
        assert answer.startswith("Done: I erased what I had logged of you in this server (5 ")
        assert copies_in_files(db_path, ERASED) == 0


async def test_the_hourly_tick_finishes_a_scrub_a_reader_held_back(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    """Past the Store's wait (short here) the erasure answers with its copies still in the
    write-ahead log; the privacy upkeep's next tick cuts the log once the reader is gone."""
    fake, db_path = fake_discord, tmp_path / "clamor.db"
    async with clamor(busy_budget=0.3) as bot:
        await post_many(bot, fake, "bob", ERASED)
        reader = sqlite3.connect(db_path)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM request_messages").fetchone()  # a snapshot
            answer = await private_line(fake, "bob", "clamor", ["forget-me"], {"confirm": "yes"})
            assert answer.startswith("Done: I erased what I had logged of you in this server")
            assert bot.store.scrub_owed
            assert copies_in_files(db_path, ERASED) > 0  # the check below can fail
        finally:
            reader.close()
        cog: Any = bot.get_cog("PrivacyUpkeep")  # loaded as an extension
        cog.tick.change_interval(seconds=FAST_TICK)

        async def scrubbed() -> bool:
            return not bot.store.scrub_owed  # cleared once the log is cut, not before

        await eventually(scrubbed, "the hourly tick to scrub the erased text")
        assert copies_in_files(db_path, ERASED) == 0


async def test_messages_deleted_on_discord_leave_no_copy_after_the_hourly_tick(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    """A deletion does not wait for a scrub on its way (they come far more often than
    erasures): the privacy upkeep's next tick cuts the write-ahead log."""
    fake, db_path = fake_discord, tmp_path / "clamor.db"
    thread = fake.channel("will they ever release it")
    async with clamor() as bot:
        room = Room(fake, bot)
        deleted = await room.post(fake.channel("general"), f"{REQUEST} {ERASED} 1")
        in_thread = await room.post(thread, f"{REQUEST} {ERASED} 2")
        await relabel(fake, link(fake, thread, in_thread), "frustration")  # a copy of its text
        kept = await room.post(fake.channel("general"), f"{REQUEST} {KEPT}")
        assert copies_in_files(db_path, ERASED) >= 3  # the check below can fail

        await room.dispatch("MESSAGE_DELETE", fake.message_delete(deleted))
        await room.dispatch("THREAD_DELETE", fake.thread_delete(thread))
        await room.settled()
        assert await room.logged(deleted) is None
        assert await room.logged(in_thread) is None
        cog: Any = bot.get_cog("PrivacyUpkeep")
        cog.tick.change_interval(seconds=FAST_TICK)

        async def scrubbed() -> bool:
            return copies_in_files(db_path, ERASED) == 0

        await eventually(scrubbed, "the hourly tick to scrub the deleted text")
        assert not bot.store.scrub_owed
        assert await room.logged(kept) is not None
        assert copies_in_files(db_path, KEPT) >= 1


async def test_the_first_tick_scrubs_what_a_stopped_process_owed(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    """A process that stopped without its close (a crash) took the scrub it owed with it:
    the next start's first privacy tick scrubs whether or not it owes one."""
    db_path = tmp_path / "clamor.db"
    other = sqlite3.connect(db_path, isolation_level=None)  # that process, still holding the log
    try:
        other.execute("PRAGMA secure_delete = ON")
        other.execute(
            "INSERT INTO request_messages (message_id, guild_id, channel_id, author_hash, "
            "created_at, content, language, compound, pos, neu, neg, category) "
            "VALUES (7, 1, 10, 'h', 0, ?, 'en', 0, 0, 1, 0, 'demand')",
            (f"{REQUEST} {ERASED}",),
        )
        other.execute("DELETE FROM request_messages WHERE message_id = 7")
        assert copies_in_files(db_path, ERASED) > 0  # the check below can fail
        async with clamor():  # this process deleted nothing: it owes no scrub

            async def scrubbed() -> bool:
                return copies_in_files(db_path, ERASED) == 0

            await eventually(scrubbed, "the first tick to scrub the log")
    finally:
        other.close()
