"""`/clamor-mod export [days] [format]`: the guild's logged request messages as file(s).

Thin adapter: the Store pages the rows, `bot.data_export` writes them to a private temporary
folder in a worker thread, and the files go back in the deferred ephemeral answer (more
follow-ups when one message cannot carry them all).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClamorBot
from bot.data_export import (
    DEFAULT_EXPORT_DAYS,
    MAX_EXPORT_DAYS,
    MIN_EXPORT_DAYS,
    ExportContext,
    ExportFormat,
    PackedExport,
    TextNote,
    checked_export_days,
    export_period,
    export_stem,
    export_summary,
    pack_export,
)
from bot.data_export.summary import (
    MAX_PARTS_SENT,
    REQUEST_BUDGET,
    message_batches,
    parts_label,
    unsent_parts_note,
)
from bot.digest.contents import today_in

Interaction = discord.Interaction[ClamorBot]


def _channel_names(guild: discord.Guild) -> dict[int, str]:
    # Threads too: a message in a thread is logged under the thread's id.
    names = {channel.id: channel.name for channel in guild.channels}
    names.update((thread.id, thread.name) for thread in guild.threads)
    return names


# A Cog subclass only so the command decorators type-check; the command lands in `/clamor-mod`.
class ExportCommands(commands.Cog):
    """Mixed into the `/clamor-mod` GroupCog, whose check already requires Manage Server."""

    bot: ClamorBot

    @app_commands.command(
        name="export", description="The logged request messages as a CSV or JSON Lines file"
    )
    @app_commands.rename(export_format="format")
    @app_commands.describe(
        days=f"Local days up to today, {MIN_EXPORT_DAYS} to {MAX_EXPORT_DAYS} "
        f"(default {DEFAULT_EXPORT_DAYS})",
        export_format="csv for spreadsheets (default) or jsonl, one JSON object per line",
    )
    async def export(
        self,
        interaction: Interaction,
        days: app_commands.Range[int, MIN_EXPORT_DAYS, MAX_EXPORT_DAYS] = DEFAULT_EXPORT_DAYS,
        export_format: ExportFormat = "csv",
    ) -> None:
        guild = interaction.guild
        if guild is None:  # the group is guild-only
            raise app_commands.NoPrivateMessage()
        days = checked_export_days(days)
        await interaction.response.defer(ephemeral=True, thinking=True)
        config = await self.bot.guild_configs.get(guild.id)
        timezone = config.settings.timezone
        period = export_period(days, today_in(timezone, self.bot.clock()), timezone)
        text = TextNote(config.keeps_content, config.privacy.retention_days)
        context = ExportContext(timezone, _channel_names(guild), include_text=text.included)
        # The interaction's own limit is what Discord enforces on this answer.
        limit = min(interaction.filesize_limit, guild.filesize_limit)
        await self.bot.request_writer.flush()  # with the request rows grouped a moment ago
        folder = await asyncio.to_thread(tempfile.TemporaryDirectory, prefix="clamor-export-")
        try:
            packed = await pack_export(
                self.bot.store.export_pages(guild.id, period.start, period.end),
                export_format=export_format,
                context=context,
                folder=Path(folder.name),
                limit=limit,
                stem=export_stem(guild.id, period),
            )
            summary = export_summary(
                packed, period=period, export_format=export_format, text=text, limit=limit
            )
            if packed.rows == 0:
                await interaction.followup.send(summary, ephemeral=True)
                return
            summary += unsent_parts_note(packed.parts, guild_id=guild.id, days=days)
            await _send_files(interaction, packed, summary, text.description, limit)
        finally:
            await asyncio.to_thread(folder.cleanup)


async def _send_files(
    interaction: Interaction,
    packed: PackedExport,
    summary: str,
    description: str | None,
    limit: int,
) -> None:
    files = packed.files[:MAX_PARTS_SENT]
    batches = message_batches([f.size for f in files], budget=max(limit, REQUEST_BUDGET))
    for number, batch in enumerate(batches):
        content = summary if number == 0 else parts_label(batch[0], batch[-1], packed.parts)
        attachments = [
            discord.File(files[i].path, filename=files[i].name, description=description)
            for i in batch
        ]
        await interaction.followup.send(content, files=attachments, ephemeral=True)
