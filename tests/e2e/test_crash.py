"""SIGKILL in the middle of a stream: the database opens cleanly, and after a restart every
request message posted (before, during and after the kill) is logged exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from tests.e2e.test_watcher import CHAT, REQUEST
from tests.fakediscord import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60.0  # a fresh interpreter imports discord.py and warms the analysers


async def until(check: Callable[[], bool], what: str, seconds: float = START_SECONDS) -> None:
    """Poll `check` (another process writes the database: nothing to subscribe to)."""
    try:
        async with asyncio.timeout(seconds):
            while not check():  # noqa: ASYNC110 - polling is the only way to observe it
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"waited {seconds:.0f} s for {what}") from None


def query(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    if not db_path.exists():
        return []
    try:
        # closing(): sqlite3's own `with` ends a transaction but leaves the connection open,
        # and an open reader keeps the bot from folding its write-ahead log back in on close.
        with contextlib.closing(
            sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        ) as db:
            return db.execute(sql).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []


def logged_ids(db_path: Path) -> list[int]:
    return [int(row[0]) for row in query(db_path, "SELECT message_id FROM request_messages")]


async def start_bot(fake: FakeDiscord, db_path: Path) -> asyncio.subprocess.Process:
    identified = fake.identify_count
    env = {
        **os.environ,
        "CLAMOR_DEV_GUILD": str(fake.guild.id),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.bot_process",
        str(fake.port),
        str(db_path),
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await until(lambda: fake.identify_count > identified, "the bot process to connect")
    return process


async def test_sigkill_mid_stream_loses_and_doubles_nothing(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake = fake_discord
    general, bob = fake.channel("general"), fake.user("bob")
    db_path = tmp_path / "clamor.db"
    requests: list[int] = []
    posted = 0

    bot = await start_bot(fake, db_path)
    try:
        # Seeded on READY: from here on the bot is watching.
        await until(lambda: bool(query(db_path, "SELECT 1 FROM channel_cursors")), "READY")
        for n in range(30):
            data = await fake.send_user_message(general, bob, f"{REQUEST} #{n}")
            requests.append(int(data["id"]))
            await fake.send_user_message(general, bob, f"{CHAT} #{n}")
            posted += 2
            if n == 10:
                await until(lambda: len(logged_ids(db_path)) >= 3, "the first rows")
            if n == 20:
                bot.send_signal(signal.SIGKILL)
                await bot.wait()
                break
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert bot.returncode == -signal.SIGKILL
    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]

    # Posted while the bot is dead.
    for n in range(10):
        message = fake.user_message(general, bob, f"{REQUEST} while dead #{n}")
        requests.append(int(message["id"]))
        fake.user_message(general, bob, f"{CHAT} while dead #{n}")
        posted += 2

    bot = await start_bot(fake, db_path)
    try:
        await until(lambda: set(logged_ids(db_path)) >= set(requests), "every request")
        after = await fake.send_user_message(general, bob, f"{REQUEST} after the restart")
        requests.append(int(after["id"]))
        posted += 1
        await until(lambda: set(logged_ids(db_path)) >= set(requests), "the live request")
    finally:
        bot.send_signal(signal.SIGINT)  # a clean stop flushes the volume
        try:
            async with asyncio.timeout(30):
                await bot.wait()
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()

    assert query(db_path, "PRAGMA integrity_check") == [("ok",)]
    ids = logged_ids(db_path)
    assert sorted(ids) == sorted(requests)  # every one, exactly once
    [(volume,)] = query(db_path, "SELECT coalesce(sum(messages), 0) FROM message_volume")
    assert volume == posted  # nor was any message counted twice


async def test_sigterm_stops_cleanly_and_keeps_the_buffered_volume(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    # What docker stop and systemd send: the bot closes as on Ctrl+C instead of dying.
    fake = fake_discord
    general, bob = fake.channel("general"), fake.user("bob")
    db_path = tmp_path / "clamor.db"
    bot = await start_bot(fake, db_path)
    try:
        await until(lambda: bool(query(db_path, "SELECT 1 FROM channel_cursors")), "READY")
        for n in range(5):
            await fake.send_user_message(general, bob, f"{CHAT} #{n}")
        request = await fake.send_user_message(general, bob, REQUEST)
        # Messages are counted as they arrive, in order: once the request (sent last) is logged,
        # the chat before it has been counted, and sits in the watcher's volume buffer until a
        # flush or a clean stop. (Chat sent after the request could still be on its way.)
        await until(lambda: logged_ids(db_path) == [int(request["id"])], "the request")
        bot.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            await bot.wait()
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert bot.returncode == 0
    # The database was closed: SQLite folds the write-ahead log back in and removes it.
    assert not db_path.with_name("clamor.db-wal").exists()
    [(volume,)] = query(db_path, "SELECT coalesce(sum(messages), 0) FROM message_volume")
    assert volume == 6
    [(cursor,)] = query(db_path, "SELECT max(last_message_id) FROM channel_cursors")
    assert cursor >= int(request["id"])
