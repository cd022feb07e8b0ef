"""`/clamor digest`, `/clamor status` and `/clamor why`: what members ask between daily digests."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClamorBot
from bot.digest.contents import Period, parse_day, today_in
from bot.digest.headline import plural
from bot.digest_service import public_channels
from bot.errors import UserFacingError
from bot.guild_settings import GuildConfig
from bot.moderation import describe_next_digest
from bot.privacy import privacy_status_line
from bot.watch.rules import INTENT_HELP
from bot.why import BY_THE_TEAM, never_counted, why_fresh, why_logged
from cogs._interactions import answer_quietly, think_quietly
from cogs._member_privacy import MemberPrivacyCommands
from cogs._trend_command import TrendCommands
from cogs.moderation.channels import readable_channels
from cogs.moderation.messages import analyse_now, find_message

DAY_HELP = "Use today, yesterday or a date like 2026-03-14 (in the server's timezone)."


def can_read_channel(
    user: discord.Member | discord.User, channel: discord.abc.GuildChannel
) -> bool:
    if not isinstance(user, discord.Member):
        return False
    allowed = channel.permissions_for(user)
    return allowed.view_channel and allowed.read_message_history


def stamp(unix: float) -> str:
    return f"<t:{int(unix)}:F> (<t:{int(unix)}:R>)"


def watched_summary(guild: discord.Guild, config: GuildConfig) -> str:
    readable = readable_channels(guild)
    watched = [channel for channel in readable if config.watches(channel.id)]
    if config.settings.watch_mode == "listed":
        shown = ", ".join(channel.mention for channel in watched[:15]) or "none yet"
        return f"only listed channels: {shown}"
    excluded = [f"<#{cid}>" for cid, rule in config.rules.items() if rule == "exclude"]
    text = f"every channel I can read ({len(watched)} of {len(readable)})"
    return text + (f", except {', '.join(excluded[:15])}" if excluded else "")


@app_commands.guild_only()
class DigestCommands(
    MemberPrivacyCommands,
    TrendCommands,
    commands.GroupCog,
    group_name="clamor",
    group_description="The pulse of open-sourcing talk in this server",
):
    def __init__(self, bot: ClamorBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="digest", description="The digest of one day in this server")
    @app_commands.describe(
        day="today, yesterday or YYYY-MM-DD (server timezone); default today",
        channel="only this channel or forum (its threads and posts included)",
    )
    async def digest(
        self,
        interaction: discord.Interaction[ClamorBot],
        day: str = "today",
        channel: discord.TextChannel | discord.ForumChannel | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None  # guild_only
        config = await self.bot.guild_configs.get(guild.id)
        timezone = config.settings.timezone
        today = today_in(timezone, self.bot.clock())
        try:
            wanted = parse_day(day, today)
        except ValueError:
            raise UserFacingError(f"{day!r} is not a day. {DAY_HELP}") from None
        if wanted > today:
            raise UserFacingError(
                f"{wanted} is in the future: today is {today} in {timezone}. {DAY_HELP}"
            )
        # A channel not every member can read has its name and numbers in the answer: only
        # someone who can read it gets that, and only privately.
        private = channel is not None and channel.id not in public_channels(guild)
        if channel is not None and private and not can_read_channel(interaction.user, channel):
            raise UserFacingError(
                f"You cannot read {channel.mention}, so I cannot show you its digest."
            )
        # A big guild's digest and chart can take longer than Discord's 3 s to answer; a
        # mistyped day is answered before this, privately.
        await interaction.response.defer(thinking=True, ephemeral=private)
        # Otherwise the answer is public: it quotes only what every member can read anyway.
        post = await self.bot.digests.post(
            guild, Period.day(wanted, timezone), today=today, channel=channel
        )
        await interaction.followup.send(**post.send_options(), ephemeral=private)

    @app_commands.command(name="status", description="What Clamor watches and when it posts")
    async def status(self, interaction: discord.Interaction[ClamorBot]) -> None:
        guild = interaction.guild
        assert guild is not None
        store = self.bot.store
        config = await self.bot.guild_configs.get(guild.id)
        settings = config.settings
        logged = await store.count_counted_requests(guild.id)
        lines = [
            f"**Watching:** {watched_summary(guild, config)}",
            f"**Logged:** {plural(logged, 'request message')}",
        ]
        if settings.digest_channel_id is None:
            lines.append(
                "**Daily digest:** not set up. A moderator can run "
                "`/clamor-mod digest channel: time: timezone:`"
            )
        else:
            now = self.bot.clock()
            upcoming = await self.bot.digests.upcoming(settings, now)
            next_one = describe_next_digest(upcoming, now, settings.timezone)
            lines.append(
                f"**Daily digest:** <#{settings.digest_channel_id}> at {settings.digest_time} "
                f"{settings.timezone}; next {next_one}"
            )
        last = await store.last_digest_run(guild.id)
        if last is not None and last.posted_at is not None:
            lines.append(f"**Last digest:** {last.local_day}, posted {stamp(last.posted_at)}")
        error = await store.digest_error(guild.id)
        if error is not None:
            text, when = error
            lines.append(f"**Last digest error:** {text} ({stamp(when)})")
        missing_since = self.bot.message_text.missing_since
        if missing_since is not None:
            lines.append(
                "**Message text:** Discord sends messages without their text since "
                f"{stamp(missing_since)}: the Message Content intent is off, so only forum posts' "
                f"titles can be read as requests. The bot's owner can switch it on: {INTENT_HELP}."
            )
        opted_out = len(await store.opted_out_authors(guild.id))
        lines.append(privacy_status_line(await store.privacy_settings(guild.id), opted_out))
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @app_commands.command(
        name="why", description="Why Clamor counts a message as a request, or not"
    )
    @app_commands.describe(message="A message link (Copy Message Link) or a message id")
    async def why(self, interaction: discord.Interaction[ClamorBot], message: str) -> None:
        # The message, what it answers and who wrote it may each be read from Discord: past the
        # 3 s Discord gives a first answer, so the answer comes as a follow-up.
        await think_quietly(interaction)
        found = await find_message(self.bot, interaction, message)
        correction = await self.bot.store.label_correction(found.guild_id, found.message_id)
        if found.logged is not None:
            text = why_logged(found.logged, found.link, correction)
        else:
            assert found.fetched is not None  # find_message returns one or the other
            config = await self.bot.guild_configs.get(found.guild_id)
            fetched = found.fetched
            analysis = await analyse_now(self.bot, found.guild_id, config, fetched)
            excluded = never_counted(
                author_is_bot=fetched.author.bot,
                webhook_id=fetched.webhook_id,
                message_type=fetched.type.value,
            )
            if excluded is None:
                counted = await self.bot.watch_service.counted(config, fetched, analysis)
                excluded = BY_THE_TEAM if counted.request != analysis.request else None
            text = why_fresh(analysis, found.link, correction, excluded=excluded)
        await answer_quietly(interaction, text)


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(DigestCommands(bot))
