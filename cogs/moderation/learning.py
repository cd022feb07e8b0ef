"""`/clamor-mod learning show|on|off|reset`, `/clamor-mod relabel-undo` and `/clamor-mod
rescore`: what the server learned from its moderators' corrections, the switches for it, and
the log read again with it (bot/learning)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ClamorBot
from bot.learning import CorrectionMemory
from bot.learning.rescore import describe_rescore
from bot.learning.summary import describe_learning
from cogs._interactions import answer_quietly, guild_id_of, think_quietly
from cogs.moderation.messages import find_message

Interaction = discord.Interaction[ClamorBot]
DAY_SECONDS = 86_400
MAX_RESCORE_DAYS = 90


# A Cog subclass only so the command decorators type-check; the commands land in `/clamor-mod`,
# whose interaction_check already requires Manage Server.
class LearningCommands(commands.Cog):
    """Mixed into the `/clamor-mod` GroupCog, whose check already requires Manage Server."""

    bot: ClamorBot

    learning = app_commands.Group(
        name="learning", description="What Clamor learned from this server's corrections"
    )

    @learning.command(name="show", description="What was learned: counts and strongest patterns")
    async def learning_show(self, interaction: Interaction) -> None:
        guild_id = guild_id_of(interaction)
        config = await self.bot.guild_configs.get(guild_id)
        adapter = config.analyzer.adapter
        memory = adapter if isinstance(adapter, CorrectionMemory) else CorrectionMemory([])
        teaching = await self.bot.store.count_teaching_corrections(guild_id)
        text = describe_learning(
            enabled=config.learning.enabled,
            teaching=teaching,
            memory=memory,
            reset_at=config.learning.reset_at,
        )
        await answer_quietly(interaction, text)

    @learning.command(name="off", description="Stop using corrections to judge new messages")
    async def learning_off(self, interaction: Interaction) -> None:
        await self.bot.guild_configs.set_learning_enabled(guild_id_of(interaction), False)
        await answer_quietly(
            interaction,
            "Learning is off: new messages are judged by Clamor's model alone. Corrections "
            "still apply to the messages they correct.",
        )

    @learning.command(name="on", description="Use this server's corrections again")
    async def learning_on(self, interaction: Interaction) -> None:
        await self.bot.guild_configs.set_learning_enabled(guild_id_of(interaction), True)
        await answer_quietly(
            interaction, "Learning is on: corrections guide how similar messages count."
        )

    @learning.command(name="reset", description="Forget what was learned from corrections so far")
    async def learning_reset(self, interaction: Interaction) -> None:
        guild_id = guild_id_of(interaction)
        forgotten = await self.bot.guild_configs.reset_learning(guild_id, self.bot.clock())
        await answer_quietly(
            interaction,
            f"Forgot what was learned from {forgotten} correction(s); they still apply to the "
            "messages they correct. Corrections from now on are learned from.",
        )

    @app_commands.command(name="relabel-undo", description="Undo a relabel of one message")
    @app_commands.describe(message="A message link (Copy Message Link) or a message id")
    async def relabel_undo(self, interaction: Interaction, message: str) -> None:
        await think_quietly(interaction)  # the message may be read from Discord first
        found = await find_message(self.bot, interaction, message)
        # In the guild's turn, as the relabel was: not between a history page's reads.
        async with self.bot.watch_service.lock(found.guild_id):
            undone = await self.bot.guild_configs.undo_label_correction(
                found.guild_id, found.message_id
            )
        text = (
            f"Undid the relabel of {found.link}: it counts as Clamor read it, and nothing is "
            "learned from it."
            if undone
            else f"{found.link} was never relabelled: nothing to undo."
        )
        await answer_quietly(interaction, text)

    @app_commands.command(
        name="rescore", description="Read logged messages again with today's model and corrections"
    )
    @app_commands.describe(days="How many days back (the last days × 24 hours), 1 to 90")
    async def rescore(
        self, interaction: Interaction, days: app_commands.Range[int, 1, MAX_RESCORE_DAYS]
    ) -> None:
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.bot.clock()
        config = await self.bot.guild_configs.get(guild_id)
        result = await self.bot.watch_service.rescore(
            guild_id, now - days * DAY_SECONDS, now + 1, config.analyzer
        )
        await interaction.followup.send(
            describe_rescore(result, days),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )
