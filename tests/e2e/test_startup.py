"""Starting Clamor on the fake: command sync; one clear line for a bad token or missing intent."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli.common import CommandError
from bot.cli.run import INTENT_HELP, TOKEN_HELP, serve
from bot.config import load_settings
from tests.fakediscord import FakeDiscord, connect_discord_py
from tests.fakediscord.harness import GUILD_READY_TIMEOUT

from .conftest import running_clamor

PLAUSIBLE_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


async def test_ready_and_commands_synced_to_the_dev_guild(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake = fake_discord
    async with running_clamor(fake, tmp_path / "c.db") as bot:
        assert bot.is_ready()
        assert {guild.id for guild in bot.guilds} == set(fake.world.guilds)
        synced = fake.commands.guild_commands.get(fake.guild.id, [])
        assert {command["name"] for command in synced} == {"clamor", "clamor-mod"}
        assert fake.commands.global_commands == []
    assert (tmp_path / "c.db").is_file()
    assert (tmp_path / "c.key").is_file()


async def test_charts_are_warmed_up_once_connected(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    async with running_clamor(fake_discord, tmp_path / "c.db") as bot:
        assert bot.is_ready()
        warm_up = bot.charts_warm_up
        assert warm_up is not None
        async with asyncio.timeout(30):  # a guard: a cold matplotlib import on a loaded machine
            await warm_up  # raises if the warm-up failed
        await bot.on_ready()  # a later READY (reconnect) does not start another
        assert bot.charts_warm_up is warm_up


async def test_without_dev_guild_commands_sync_globally(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    fake = fake_discord
    async with running_clamor(fake, tmp_path / "c.db", CLAMOR_DEV_GUILD=""):
        names = {command["name"] for command in fake.commands.global_commands}
        assert names == {"clamor", "clamor-mod"}


async def serve_briefly(fake: FakeDiscord, tmp_path: Path, token: str) -> None:
    settings = load_settings(
        {"DISCORD_TOKEN": token, "CLAMOR_DB": str(tmp_path / "c.db")}, env_file=None
    )
    await serve(settings, token, guild_ready_timeout=GUILD_READY_TIMEOUT)


async def test_rejected_token_is_one_line(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        await serve_briefly(fake_discord, tmp_path, PLAUSIBLE_TOKEN)
    assert str(caught.value) == TOKEN_HELP
    assert PLAUSIBLE_TOKEN not in str(caught.value)


async def test_missing_message_content_intent_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with FakeDiscord(token=PLAUSIBLE_TOKEN, allowed_intents=0) as fake:
        connect_discord_py(monkeypatch, fake)
        with pytest.raises(CommandError) as caught:
            await serve_briefly(fake, tmp_path, PLAUSIBLE_TOKEN)
    assert str(caught.value) == INTENT_HELP
    assert "Message Content Intent" in INTENT_HELP


async def test_serve_runs_until_stopped_and_closes_everything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with FakeDiscord(token=PLAUSIBLE_TOKEN) as fake:
        connect_discord_py(monkeypatch, fake)
        running = asyncio.create_task(serve_briefly(fake, tmp_path, PLAUSIBLE_TOKEN))
        await fake.wait_for(lambda: fake.identify_count == 1, what="IDENTIFY")
        await fake.wait_for(lambda: bool(fake.commands.global_commands), what="command sync")
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
    database = tmp_path / "c.db"
    assert database.is_file()
    assert database.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "c.key").stat().st_mode & 0o777 == 0o600
