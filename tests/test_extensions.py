"""Every extension loads, and the slash command tree is what the README promises."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot.client import EXTENSIONS, ClamorBot
from bot.config import load_settings
from bot.store import Store


@pytest.fixture
async def loaded_bot(tmp_path: Path) -> AsyncIterator[ClamorBot]:
    settings = load_settings({"CLAMOR_DB": str(tmp_path / "c.db")}, env_file=None)
    async with (
        await Store.open(settings.db_path) as store,
        ClamorBot(settings, store, author_key=b"k" * 32) as bot,
    ):
        # Loaded by hand: no login, no gateway. Loops that wait for ready just wait.
        for extension in EXTENSIONS:
            await bot.load_extension(extension)
        yield bot


def walk(
    commands: list[app_commands.Command[..., ..., object] | app_commands.Group],
) -> list[str]:
    names: list[str] = []
    for command in commands:
        names.append(command.qualified_name)
        if isinstance(command, app_commands.Group):
            names.extend(walk(list(command.commands)))
    return names


async def test_every_extension_is_loaded(loaded_bot: ClamorBot) -> None:
    assert set(loaded_bot.extensions) == set(EXTENSIONS)


async def test_command_names_are_unique_and_public(loaded_bot: ClamorBot) -> None:
    names = walk(list(loaded_bot.tree.get_commands()))
    assert len(names) == len(set(names))
    expected = {
        "clamor digest",
        "clamor status",
        "clamor-mod watch add",
        "clamor-mod watch remove",
        "clamor-mod watch list",
        "clamor-mod watch mode",
        "clamor-mod digest",
        "clamor-mod terms add",
        "clamor-mod terms remove",
        "clamor-mod terms list",
    }
    assert expected <= set(names)


async def test_groups_are_guild_only_and_mod_needs_manage_server(loaded_bot: ClamorBot) -> None:
    groups = {command.name: command for command in loaded_bot.tree.get_commands()}
    for name in ("clamor", "clamor-mod"):
        assert groups[name].guild_only, name
    mod = groups["clamor-mod"]
    assert mod.default_permissions == discord.Permissions(manage_guild=True)
