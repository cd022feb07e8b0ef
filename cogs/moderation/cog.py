"""The `/clamor-mod` group: Discord in, `bot.moderation` decisions and Store writes, one line out.

Every answer is ephemeral: settings are the moderators' business, not the channel's.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClamorBot
from bot.errors import UserFacingError
from bot.moderation import (
    WatchAction,
    checked_digest_time,
    checked_term,
    checked_timezone,
    describe_next_digest,
    describe_terms,
    describe_watch,
    plan_watch_change,
    term_limit_reached,
    timezone_suggestions,
)
from bot.store import Label, TermKind, TermLimitError, WatchMode
from cogs._interactions import answer_quietly, think_quietly
from cogs.moderation.alerts import AlertCommands
from cogs.moderation.backfill import BackfillCommands
from cogs.moderation.channels import (
    POSTABLE_TYPES,
    WATCHABLE_TYPES,
    ChannelOption,
    ChannelRef,
    can_read,
    digest_channel,
    missing_post_permissions,
    readable_channels,
    watchable_channel,
)
from cogs.moderation.export import ExportCommands
from cogs.moderation.learning import LearningCommands
from cogs.moderation.privacy import PrivacyCommands
from cogs.moderation.relabel import relabel_message
from cogs.moderation.team import TeamCommands

Interaction = discord.Interaction[ClamorBot]
WatchableOption = app_commands.Transform[ChannelRef, ChannelOption(*WATCHABLE_TYPES)]
PostableOption = app_commands.Transform[ChannelRef, ChannelOption(*POSTABLE_TYPES)]


async def answer(interaction: Interaction, text: str) -> None:
    await interaction.response.send_message(text, ephemeral=True)


def guild_of(interaction: Interaction) -> discord.Guild:
    if interaction.guild is None:  # the group is guild-only; a DM cannot get this far
        raise app_commands.NoPrivateMessage()
    return interaction.guild


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Moderation(
    BackfillCommands,
    PrivacyCommands,
    AlertCommands,
    ExportCommands,
    LearningCommands,
    TeamCommands,
    commands.GroupCog,
    group_name="clamor-mod",
    group_description="Clamor's settings for this server (needs Manage Server)",
):
    watch = app_commands.Group(name="watch", description="Which channels Clamor watches")
    terms = app_commands.Group(
        name="terms", description="This server's own targets, request keywords and ignore phrases"
    )

    def __init__(self, bot: ClamorBot) -> None:
        self.bot = bot
        super().__init__()

    # discord.py types the check for any client; this cog only ever runs in ClamorBot.
    async def interaction_check(self, interaction: Interaction, /) -> bool:  # type: ignore[override]
        # Server admins can override default_permissions per role or channel; this cannot be.
        guild_of(interaction)
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    async def _change_watch(
        self, interaction: Interaction, option: ChannelRef, action: WatchAction
    ) -> None:
        guild = guild_of(interaction)
        channel = watchable_channel(guild, option)
        config = await self.bot.guild_configs.get(guild.id)
        change = plan_watch_change(
            config.settings.watch_mode, action, config.rules.get(channel.id), channel.mention
        )
        if change.changed:
            await self.bot.guild_configs.set_channel_rule(guild.id, channel.id, change.rule)
        text = change.message
        if action == "add" and not can_read(guild, channel):
            text += f"\nNote: I cannot read {channel.mention} yet; give me View Channel there."
        await answer(interaction, text)

    async def _watch_overview(self, guild: discord.Guild) -> str:
        config = await self.bot.guild_configs.get(guild.id)
        mode = config.settings.watch_mode
        ruled_as = "exclude" if mode == "all" else "watch"
        ruled = [f"<#{channel}>" for channel, rule in config.rules.items() if rule == ruled_as]
        watched = [c.mention for c in readable_channels(guild) if config.watches(c.id)]
        return describe_watch(mode, ruled, watched)

    @watch.command(name="add", description="Watch a channel (mode all: stop excluding it)")
    @app_commands.describe(channel="A text, announcement or forum channel")
    async def watch_add(self, interaction: Interaction, channel: WatchableOption) -> None:
        await self._change_watch(interaction, channel, "add")

    @watch.command(name="remove", description="Stop watching a channel (mode all: exclude it)")
    @app_commands.describe(channel="A text, announcement or forum channel")
    async def watch_remove(self, interaction: Interaction, channel: WatchableOption) -> None:
        await self._change_watch(interaction, channel, "remove")

    @watch.command(name="list", description="The watch mode and the channels watched now")
    async def watch_list(self, interaction: Interaction) -> None:
        await answer(interaction, await self._watch_overview(guild_of(interaction)))

    @watch.command(name="mode", description="all: every readable channel; listed: only added ones")
    @app_commands.describe(mode="all (default) watches every channel I can read except excluded")
    async def watch_mode(self, interaction: Interaction, mode: WatchMode) -> None:
        guild = guild_of(interaction)
        config = await self.bot.guild_configs.get(guild.id)
        if config.settings.watch_mode == mode:
            heading = f"The watch mode already is `{mode}`."
        else:
            await self.bot.guild_configs.set_watch_mode(guild.id, mode)
            heading = f"The watch mode is now `{mode}`."
        await answer(interaction, f"{heading}\n{await self._watch_overview(guild)}")

    @app_commands.command(name="digest", description="Where and when the daily digest is posted")
    @app_commands.describe(
        channel="A text or announcement channel I can post embeds in",
        time="24-hour local time, HH:MM (e.g. 09:00)",
        timezone="IANA timezone name, e.g. Europe/Madrid",
    )
    async def digest(
        self, interaction: Interaction, channel: PostableOption, time: str, timezone: str
    ) -> None:
        guild = guild_of(interaction)
        digest_time = checked_digest_time(time)
        zone = checked_timezone(timezone)
        target = digest_channel(guild, channel)
        if missing := missing_post_permissions(guild, target):
            raise UserFacingError(
                f"I cannot post the digest in {target.mention}: I am missing "
                f"{', '.join(missing)} there. Grant it or pick another channel."
            )
        now = self.bot.clock()
        await self.bot.guild_configs.set_digest_schedule(
            guild.id, target.id, digest_time, zone, at=now
        )
        settings = (await self.bot.guild_configs.get(guild.id)).settings
        upcoming = await self.bot.digests.upcoming(settings, now)
        when = describe_next_digest(upcoming, now, zone)
        await answer(
            interaction,
            f"The daily digest goes to {target.mention} at {digest_time} ({zone}), covering "
            f"the previous local day. Next one: {when}.",
        )

    @digest.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=name, value=name) for name in timezone_suggestions(current)
        ]

    @terms.command(name="add", description="Add a target, request keyword or ignore phrase")
    @app_commands.describe(kind="target, keyword or ignore", term="2 to 100 characters")
    async def terms_add(self, interaction: Interaction, kind: TermKind, term: str) -> None:
        guild = guild_of(interaction)
        normal = checked_term(term)
        try:
            added = await self.bot.guild_configs.add_term(guild.id, kind, normal)
        except TermLimitError:
            raise UserFacingError(term_limit_reached(kind)) from None
        if added:
            text = f"Added the {kind} `{_code(normal)}`; it applies to messages from now on."
        else:
            text = f"`{_code(normal)}` already is a {kind} term; nothing changed."
        await answer(interaction, text)

    @terms.command(name="remove", description="Remove a target, request keyword or ignore phrase")
    @app_commands.describe(kind="target, keyword or ignore", term="The term as listed")
    async def terms_remove(self, interaction: Interaction, kind: TermKind, term: str) -> None:
        guild = guild_of(interaction)
        normal = checked_term(term)
        if await self.bot.guild_configs.remove_term(guild.id, kind, normal):
            text = f"Removed the {kind} `{_code(normal)}`."
        else:
            text = f"`{_code(normal)}` is not a {kind} term; nothing changed."
        await answer(interaction, text)

    @terms.command(name="list", description="This server's terms by kind")
    async def terms_list(self, interaction: Interaction) -> None:
        guild = guild_of(interaction)
        await answer(interaction, describe_terms(await self.bot.store.list_terms(guild.id)))

    @app_commands.command(name="relabel", description="Correct the label of one message")
    @app_commands.describe(
        message="A message link (Copy Message Link) or a message id",
        label="Its reaction category, or not-a-request to leave it out of digests",
    )
    async def relabel(self, interaction: Interaction, message: str, label: Label) -> None:
        # The message, what it answers and who wrote it may each be read from Discord: past the
        # 3 s Discord gives a first answer, so the answer comes as a follow-up.
        await think_quietly(interaction)
        text = await relabel_message(self.bot, interaction, message, label)
        await answer_quietly(interaction, text)


def _code(term: str) -> str:
    return term.replace("`", "'")
