"""A tiny commands.Bot that exercises the fake the way Clamor's bot will."""

from __future__ import annotations

import io
from collections.abc import Callable

import discord
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import ChangeNotifier, FakeGuild

WORDS = ["weights", "west", "open source", "sora"]
CHART_BYTES = b"\x89PNG\r\n\x1a\n a pretend chart"


def clamor_group() -> app_commands.Group:
    """`/clamor ping text:` (ephemeral, autocompleted), `/clamor slow` (defer, then edit),
    `/clamor admin report` (ephemeral defer, then a follow-up with an embed) and
    `/clamor admin watch channel:` (a channel option, which Discord sends as `resolved` data)
    and `/clamor chart` (a reply carrying an embed and a PNG: a multipart callback)."""
    group = app_commands.Group(name="clamor", description="Smoke-test commands")
    admin = app_commands.Group(name="admin", description="Moderator commands", parent=group)

    @group.command(name="ping", description="Echo privately")
    @app_commands.describe(text="What to echo")
    async def ping(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(f"pong: {text}", ephemeral=True)

    @ping.autocomplete("text")
    async def ping_text(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=w, value=w) for w in WORDS if w.startswith(current)]

    @group.command(name="slow", description="Think first, answer later")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="thought about it")

    @group.command(name="chart", description="Today's chart")
    async def chart(interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="Trend").set_image(url="attachment://trend.png")
        chart = discord.File(io.BytesIO(CHART_BYTES), "trend.png")
        await interaction.response.send_message(embed=embed, file=chart)

    @admin.command(name="report", description="A private report")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        embed = discord.Embed(title="Report", description="3 requests today")
        await interaction.followup.send("here you go", embed=embed)

    @admin.command(name="watch", description="Watch a channel")
    @app_commands.describe(channel="The channel to watch")
    async def watch(interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        await interaction.response.send_message(f"watching {channel.mention}")

    return group


class SmokeBot(commands.Bot):
    """Syncs its commands to one dev guild in setup_hook and logs every event it gets."""

    def __init__(
        self, dev_guild: FakeGuild, *, message_content: bool = True, members: bool = False
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        intents.members = members  # without it discord.py caches no members but itself
        super().__init__(command_prefix="!", intents=intents)
        self.dev_guild = discord.Object(dev_guild.id)
        self.changed = ChangeNotifier()
        self.ready_count = 0
        self.messages: list[discord.Message] = []
        self.edits: list[tuple[discord.Message, discord.Message]] = []
        self.deleted: list[discord.Message] = []
        self.bulk_deleted: list[set[int]] = []
        self.joined: list[int] = []
        self.removed: list[int] = []

    async def setup_hook(self) -> None:
        self.tree.add_command(clamor_group(), guild=self.dev_guild)
        await self.tree.sync(guild=self.dev_guild)

    async def until(self, predicate: Callable[[], bool], what: str) -> None:
        await self.changed.wait_for(predicate, what=what)

    async def on_ready(self) -> None:
        self.ready_count += 1
        self.changed.changed()

    async def on_message(self, message: discord.Message) -> None:
        self.messages.append(message)
        self.changed.changed()

    async def on_message_edit(self, before: discord.Message, after: discord.Message) -> None:
        self.edits.append((before, after))
        self.changed.changed()

    async def on_message_delete(self, message: discord.Message) -> None:
        self.deleted.append(message)
        self.changed.changed()

    async def on_raw_bulk_message_delete(self, event: discord.RawBulkMessageDeleteEvent) -> None:
        self.bulk_deleted.append(set(event.message_ids))
        self.changed.changed()

    async def on_guild_join(self, guild: discord.Guild) -> None:
        self.joined.append(guild.id)
        self.changed.changed()

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.removed.append(guild.id)
        self.changed.changed()

    def contents_from(self, author: str) -> list[str]:
        return [m.content for m in self.messages if m.author.name == author]
