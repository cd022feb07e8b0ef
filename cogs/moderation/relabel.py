"""`/clamor-mod relabel`: a moderator's correction of one message's label, stored and applied.

The logged row keeps what Clamor decided; the correction is laid over it by the digest queries.
A message that was never logged but is relabelled with a category is logged now (with that
category), so the next digest counts it. The correction keeps the author's keyed hash, so
forget-me and retention reach its copy of the text too; a member who opted out is never logged
this way either.
"""

from __future__ import annotations

from dataclasses import replace

import discord

from bot.client import ClamorBot
from bot.errors import UserFacingError
from bot.store import NOT_A_REQUEST, Label, LabelCorrection, RequestRecord, author_hash
from bot.watch.service import is_member_message
from bot.watch.writer import request_record
from cogs.moderation.messages import FoundMessage, analyse_now, find_message

Interaction = discord.Interaction[ClamorBot]


async def relabel_message(
    bot: ClamorBot, interaction: Interaction, message: str, label: Label
) -> str:
    """Store the correction; the one-line answer for the moderator."""
    found = await find_message(bot, interaction, message)
    record: RequestRecord | None = None
    if found.logged is not None:
        correction = LabelCorrection(
            guild_id=found.guild_id,
            message_id=found.message_id,
            channel_id=found.channel_id,
            label=label,
            content=found.logged.content,
            language=found.logged.language,
            original_category=found.logged.category,
            corrected_at=bot.clock(),
            # Retention blanks the hash of old rows; an empty one must never stand for an author.
            author_hash=found.logged.author_hash or None,
        )
    else:
        correction, record = await _correct_unlogged(bot, found, label)
    # In the guild's turn: a history page read meanwhile settles its rows before or after the
    # relabel, never between the row it writes and the correction that keeps it.
    async with bot.watch_service.lock(found.guild_id):
        if record is not None:
            # The writer applies the guild's privacy settings, as for every other logged message.
            await bot.request_writer.write(record)
        await bot.guild_configs.set_label_correction(correction)
    was = correction.original_category or "not a request"
    effect = (
        "it is left out of digests from now on"
        if label == NOT_A_REQUEST
        else f"digests count it as {label} from now on"
    )
    return f"Relabelled {found.link} as `{label}` (Clamor said: {was}); {effect}."


async def _correct_unlogged(
    bot: ClamorBot, found: FoundMessage, label: Label
) -> tuple[LabelCorrection, RequestRecord | None]:
    """The correction of a message never logged, and the row to log it under the moderator's
    category (None for "not a request")."""
    fetched = found.fetched
    assert fetched is not None  # find_message returns the row or the message
    if not is_member_message(fetched):
        raise UserFacingError(
            "That message is from a bot, a webhook or Discord itself; I never count those."
        )
    config = await bot.guild_configs.get(found.guild_id)
    author = author_hash(bot.author_key, fetched.author.id)
    if not config.logs_author(author):
        raise UserFacingError(
            "Its author asked me not to log them in this server (forget-me), so I keep no "
            "correction of their message."
        )
    read = await analyse_now(bot, found.guild_id, config, fetched)
    analysis = await bot.watch_service.counted(config, fetched, read)
    record = None
    if label != NOT_A_REQUEST:
        logged = request_record(
            message_id=fetched.id,
            guild_id=found.guild_id,
            channel_id=found.channel_id,
            author_key=bot.author_key,
            author_id=fetched.author.id,
            created_at=discord.utils.snowflake_time(fetched.id).timestamp(),
            edited=fetched.edited_at is not None,
            analysis=analysis,
        )
        # Logged under the moderator's category; the correction keeps Clamor's own verdict.
        record = replace(logged, category=label)
    correction = LabelCorrection(
        guild_id=found.guild_id,
        message_id=found.message_id,
        channel_id=found.channel_id,
        label=label,
        content=analysis.text if config.keeps_content else "",
        language=analysis.language,
        original_category=analysis.category,
        corrected_at=bot.clock(),
        author_hash=author,
    )
    return correction, record
