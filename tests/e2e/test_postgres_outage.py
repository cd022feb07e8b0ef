"""The bot on a PostgreSQL server that stops answering (its server process frozen with
SIGSTOP): the statement times out after CLAMOR_DB_TIMEOUT, request messages wait in the
writer's outage queue instead of hanging the bot, and land once a new connection answers."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from bot.client import ClamorBot
from bot.config import Settings, load_settings
from bot.store import Store
from tests.e2e.test_relabel import link, relabel
from tests.e2e.test_watcher import REQUEST
from tests.e2e.test_watcher_writer import started, written
from tests.e2e.waiting import eventually
from tests.fakediscord import FakeDiscord, running_bot
from tests.store.conftest import BINARIES, NO_POSTGRES
from tests.store.pg_server import PgServer


@pytest.fixture
async def postgres() -> AsyncIterator[PgServer]:
    """A throwaway server of this module's own, with an empty database `clamor_outage`."""
    if BINARIES is None:
        pytest.skip(NO_POSTGRES)
    server = PgServer.start(BINARIES)
    try:
        admin = await asyncpg.connect(server.url())
        try:
            await admin.execute("CREATE DATABASE clamor_outage")
        finally:
            await admin.close()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres: PgServer) -> str:
    return postgres.url("clamor_outage")


def bot_settings(fake: FakeDiscord, url: str, tmp_path: Path) -> Settings:
    return load_settings(
        {
            "DISCORD_TOKEN": fake.token,
            "CLAMOR_DB": url,
            "CLAMOR_KEY_FILE": str(tmp_path / "clamor.key"),
            "CLAMOR_DEV_GUILD": str(fake.guild.id),
            "CLAMOR_DB_TIMEOUT": "1",
        },
        env_file=None,
    )


@contextlib.contextmanager
def frozen(pid: int) -> Iterator[None]:
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


async def test_a_hung_server_sends_request_messages_to_the_outage_queue(
    fake_discord: FakeDiscord,
    postgres_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = fake_discord
    url = postgres_url
    settings = bot_settings(fake, url, tmp_path)
    admin = await asyncpg.connect(url)
    try:
        async with await Store.open(url, command_timeout=settings.db_timeout) as store:
            key = await store.author_key(settings.author_key_path)
            bot = ClamorBot(settings, store, author_key=key)
            async with running_bot(bot, fake):
                room = await started(fake, bot)
                before = await room.post(fake.channel("general"), REQUEST)
                assert await room.logged(before) is not None
                backends: list[asyncpg.Record] = []

                async def only_the_bots() -> bool:
                    # The start's scrub has a connection of its own for a moment.
                    backends[:] = await admin.fetch(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                    )
                    return len(backends) == 1

                await eventually(only_the_bots, "the bot's one connection")
                (backend,) = backends
                with caplog.at_level(logging.INFO), frozen(int(backend["pid"])):
                    during = await room.post(fake.channel("general"), REQUEST, user="carol")

                    async def landed() -> bool:
                        return bool(
                            await admin.fetchval(
                                "SELECT count(*) FROM request_messages WHERE message_id = $1",
                                during,
                            )
                        )

                    await eventually(landed, "the message to be written on a new connection")
                    # The bot kept answering throughout.
                    handle = await fake.invoke_command(
                        fake.guild, fake.channel("general"), fake.user("alice"), "clamor",
                        ["status"],
                    )  # fmt: skip
                    assert (await handle.response()).content
    finally:
        await admin.close()
    outages = [r for r in caplog.records if "cannot write to the database" in r.getMessage()]
    assert len(outages) == 1
    assert "the server did not answer in time" in outages[0].getMessage()


async def test_a_thread_deleted_while_the_server_is_down_leaves_no_row_once_it_is_back(
    fake_discord: FakeDiscord, postgres: PgServer, tmp_path: Path
) -> None:
    # Discord sends no deletion of each message of a deleted thread, so which rows to take out
    # cannot be read while the server is down: the removal waits in the outage queue.
    fake = fake_discord
    thread, general = fake.channel("will they ever release it"), fake.channel("general")
    url = postgres.url("clamor_outage")
    settings = bot_settings(fake, url, tmp_path)
    async with await Store.open(url, command_timeout=settings.db_timeout) as store:
        key = await store.author_key(settings.author_key_path)
        bot = ClamorBot(settings, store, author_key=key)
        async with running_bot(bot, fake):
            room = await started(fake, bot)
            posted = await room.post(thread, REQUEST)
            relabelled = await room.post(thread, REQUEST)
            elsewhere = await room.post(general, REQUEST)
            await relabel(fake, link(fake, thread, relabelled), "frustration")
            postgres.pause()
            try:
                await room.dispatch("THREAD_DELETE", fake.thread_delete(thread))
                await room.settled()
                assert bot.request_writer.pending == 1
            finally:
                postgres.resume()
            await written(bot)
            assert await room.logged(posted) is None
            assert await room.logged(relabelled) is None
            assert await room.logged(elsewhere) is not None
            assert await store.label_corrections(fake.guild.id) == []
