"""Spike alerts: one post when a wave of open-sourcing talk starts.

A loop checks every guild with alerts on: today so far against the same hours of its last 14
days (`bot.alerts`), and posts one message (an embed per kind that spiked) in the alert
channel, at most one alert per kind every few hours. Like the daily digest, one guild's
trouble never holds up the others, and a channel it cannot post in is recorded (shown by
`/clamor-mod alerts`) and tried again at most once an hour. Each check holds the guild's alert
lease in the database, so two processes that both see a guild cannot both post an alert.
"""

from __future__ import annotations

import logging

import discord

from bot.alerts import AlertReport, LastAlert, alert_embed, may_alert
from bot.alerts.from_store import todays_spikes
from bot.client import ClamorBot
from bot.digest_service import public_channels
from bot.store.alerts import AlertSettings, PostedAlert
from cogs._periodic import PeriodicCog
from cogs._posting import PostError, post_to

log = logging.getLogger(__name__)

TICK_SECONDS = 300.0
RETRY_AFTER_FAILURE = 3600.0
# A check takes seconds; a lease this old belongs to a process that died during one.
LEASE_STALE_SECONDS = 300.0


class AlertPostError(PostError):
    """Why an alert could not be posted, in words for `/clamor-mod alerts`."""


class SpikeAlerts(PeriodicCog):
    tick_seconds = TICK_SECONDS
    tick_failure = "spike alert check failed"

    def __init__(self, bot: ClamorBot) -> None:
        super().__init__(bot)
        # guild -> (channel it failed in, when to try again)
        self._backoff: dict[int, tuple[int, float]] = {}

    async def run_tick(self) -> None:
        await self.check_all()

    async def check_all(self) -> None:
        for settings in await self.bot.store.alert_guilds():
            guild = self.bot.get_guild(settings.guild_id)
            if guild is None or settings.channel_id is None:
                continue  # a guild this process does not serve
            if self._backing_off(settings):
                continue
            try:
                await self._check(guild, settings)
            except Exception:
                # One guild's trouble must not hold up the others.
                log.exception("spike alert check for guild %s failed", guild.id)
                self._backoff[guild.id] = (
                    settings.channel_id,
                    self.bot.clock() + RETRY_AFTER_FAILURE,
                )

    def _backing_off(self, settings: AlertSettings) -> bool:
        failed = self._backoff.get(settings.guild_id)
        if failed is None:
            return False
        # A new channel is tried at once.
        return failed[0] == settings.channel_id and self.bot.clock() < failed[1]

    async def _check(self, guild: discord.Guild, settings: AlertSettings) -> None:
        store, me, now = self.bot.store, self.bot.instance_name, self.bot.clock()
        leased = await store.claim_alert_check(
            guild.id, claimer=me, now=now, stale_after=LEASE_STALE_SECONDS
        )
        if not leased:
            return  # another process is checking this guild right now
        try:
            await self._check_leased(guild, settings, now)
        finally:
            await store.release_alert_check(guild.id, claimer=me)

    async def _check_leased(
        self, guild: discord.Guild, settings: AlertSettings, now: float
    ) -> None:
        assert settings.channel_id is not None
        config = await self.bot.guild_configs.get(guild.id)
        window, reports = await todays_spikes(
            self.bot.store,
            guild_id=guild.id,
            now=now,
            timezone=config.settings.timezone,
            sensitivity=settings.sensitivity,
            # A guild that drops text has none stored; this also covers a cached mode change.
            quotable_channels=public_channels(guild) if config.keeps_content else set(),
        )
        if not reports:
            return
        last = await self.bot.store.last_alerts(guild.id)
        due = [
            report
            for report in reports
            if may_alert(
                report.spike.level,
                _last(last.get(report.kind)),
                now=now,
                window_start=window.start,
            )
        ]
        if not due:
            return
        try:
            message = await self._send(guild, settings, due, keeps_content=config.keeps_content)
        except AlertPostError as exc:
            log.warning("spike alert for guild %s not posted: %s", guild.id, exc)
            self._backoff[guild.id] = (settings.channel_id, now + RETRY_AFTER_FAILURE)
            await self.bot.store.set_alert_error(guild.id, str(exc), at=now)
            return
        self._backoff.pop(guild.id, None)
        for report in due:
            await self.bot.store.record_alert(
                PostedAlert(
                    guild_id=guild.id,
                    kind=report.kind,
                    posted_at=now,
                    summary=report.summary,
                    level=report.spike.level,
                    channel_id=message.channel.id,
                    message_id=message.id,
                )
            )
        if settings.last_error is not None:
            await self.bot.store.set_alert_error(guild.id, None, at=now)
        log.info("posted %d spike alert(s) for guild %s", len(due), guild.id)

    async def _send(
        self,
        guild: discord.Guild,
        settings: AlertSettings,
        reports: list[AlertReport],
        *,
        keeps_content: bool,
    ) -> discord.Message:
        channel_id = settings.channel_id
        channel = guild.get_channel(channel_id) if channel_id is not None else None
        if not isinstance(channel, discord.TextChannel):
            raise AlertPostError(f"the alert channel (id {channel_id}) no longer exists")
        embeds = [
            discord.Embed.from_dict(
                alert_embed(report, sensitivity=settings.sensitivity, keeps_content=keeps_content)
            )
            for report in reports
        ]
        return await post_to(channel, AlertPostError, embeds=embeds)


def _last(alert: PostedAlert | None) -> LastAlert | None:
    return None if alert is None else LastAlert(alert.kind, alert.posted_at, alert.level)


async def setup(bot: ClamorBot) -> None:
    await bot.add_cog(SpikeAlerts(bot))
