"""`/clamor-mod relabel`: a moderator's correction of one message's label, stored and applied.

The logged row keeps what Clamor decided; the correction is laid over it by the digest queries.
A message that was never logged is logged now if it is to count: as Clamor reads it when Clamor
takes it for a request (an undo then leaves it counted so), else under the moderator's category,
so the next digest counts it. The correction keeps the author's keyed hash, so
forget-me and retention reach its copy of the text too; a member who opted out is never logged
this way either.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

import discord

from bot.analysis import Analysis
from bot.client import ClamorBot
from bot.errors import UserFacingError
from bot.guild_settings import GuildConfig
from bot.store import NOT_A_REQUEST, Label, LabelCorrection, RequestRecord
from bot.watch.service import is_member_message, text_read, watch_key_of
from bot.watch.writer import request_record
from cogs.moderation.messages import FoundMessage, analyse_now, find_message

Interaction = discord.Interaction[ClamorBot]


# The message was edited or deleted, or a history read or an erasure settled its row, while
# the relabel waited for its turn.
CHANGED_MEANWHILE = (
    "That message changed while I was relabelling it (edited, deleted, or read again from the "
    "channel's history); run the command once more."
)


# The longest a relabel's re-read may hold the guild's turn.
REREAD_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class _Unlogged:
    """A message never logged, as Clamor reads it now."""

    analysis: Analysis
    record: RequestRecord  # its row, were it logged as Clamor reads it
    watch_key: int  # the channel whose rule says whether Clamor watches it


async def relabel_message(
    bot: ClamorBot, interaction: Interaction, message: str, label: Label
) -> str:
    """Store the correction; the one-line answer for the moderator."""
    found = await find_message(bot, interaction, message)
    unlogged = None if found.logged is not None else await _read_unlogged(bot, found)
    # Written in the guild's turn, so that a history page settles its rows before or after the
    # relabel, never between the row it writes and the correction that keeps it. What was read
    # before the turn is checked again in it: a page, forget-me or a content drop may have
    # changed the row or the server's privacy while the relabel waited.
    async with bot.watch_service.lock(found.guild_id):
        config = await bot.guild_configs.get(found.guild_id)
        current = await bot.request_writer.current(found.guild_id, found.message_id)
        if (current is None) != (found.logged is None):
            raise UserFacingError(CHANGED_MEANWHILE)
        if current is not None:
            correction, record = _correction_of_row(bot, current, label, config), None
            earlier = await bot.store.label_correction(found.guild_id, found.message_id)
            if earlier is not None:
                # Relabelled before: the row's category may be that relabel's, not Clamor's.
                correction = replace(correction, original_category=earlier.original_category)
        else:
            assert unlogged is not None
            assert found.fetched is not None
            await _check_unchanged(found.fetched)
            correction, record = _correction_of_unlogged(bot, found, unlogged, label, config)
        if correction.author_hash is not None and not config.logs_author(correction.author_hash):
            raise UserFacingError(
                "Its author asked me not to log them in this server (forget-me), so I keep no "
                "correction of their message."
            )
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


async def _check_unchanged(fetched: discord.Message) -> None:
    """Raise unless the message is on Discord as it was read: an edit or a deletion the bot
    did not see (its event lost, or the message in a thread deleted whole) must not be written
    as it was. Read again in the guild's turn: a relabel is rare, one request is cheap."""
    try:
        # Bounded: the guild's live events wait behind this turn (discord.py sleeps out a 429).
        async with asyncio.timeout(REREAD_SECONDS):
            again = await fetched.channel.fetch_message(fetched.id)
    except discord.NotFound:
        raise UserFacingError(CHANGED_MEANWHILE) from None
    except discord.HTTPException:
        raise UserFacingError(
            "Discord did not let me read that message again; run the command once more."
        ) from None
    except TimeoutError:
        raise UserFacingError(
            "Discord was slow to let me read that message again; run the command once more."
        ) from None
    if text_read(again) != text_read(fetched):
        raise UserFacingError(CHANGED_MEANWHILE)


def _correction_of_row(
    bot: ClamorBot, row: RequestRecord, label: Label, config: GuildConfig
) -> LabelCorrection:
    return LabelCorrection(
        guild_id=row.guild_id,
        message_id=row.message_id,
        channel_id=row.channel_id,
        label=label,
        content=row.content if config.keeps_content else "",
        language=row.language,
        original_category=row.category,
        corrected_at=bot.clock(),
        # Retention blanks the hash of old rows; an empty one must never stand for an author.
        author_hash=row.author_hash or None,
    )


async def _read_unlogged(bot: ClamorBot, found: FoundMessage) -> _Unlogged:
    """Clamor's reading of a message never logged (Discord may be asked what it answers and
    who wrote it: done before the guild's turn, not in it)."""
    fetched = found.fetched
    assert fetched is not None  # find_message returns the row or the message
    if not is_member_message(fetched):
        raise UserFacingError(
            "That message is from a bot, a webhook or Discord itself; I never count those."
        )
    config = await bot.guild_configs.get(found.guild_id)
    read = await analyse_now(bot, found.guild_id, config, fetched)
    analysis = await bot.watch_service.counted(config, fetched, read)
    record = request_record(
        message_id=fetched.id,
        guild_id=found.guild_id,
        channel_id=found.channel_id,
        author_key=bot.author_key,
        author_id=fetched.author.id,
        created_at=discord.utils.snowflake_time(fetched.id).timestamp(),
        edited=fetched.edited_at is not None,
        analysis=analysis,
    )
    key = watch_key_of(fetched.channel)
    return _Unlogged(analysis, record, key)


def _correction_of_unlogged(
    bot: ClamorBot, found: FoundMessage, unlogged: _Unlogged, label: Label, config: GuildConfig
) -> tuple[LabelCorrection, RequestRecord | None]:
    """The correction of a message never logged, and the row it is logged with: Clamor's own
    when Clamor would log it (a request in a watched channel; an undo then leaves it counted as
    Clamor read it), else one under the moderator's category (none for "not a request")."""
    analysis = unlogged.analysis
    if analysis.request and not config.watches(unlogged.watch_key):
        analysis = analysis._replace(request=False, category=None)
    record: RequestRecord | None = None
    if analysis.request:
        record = unlogged.record
    elif label != NOT_A_REQUEST:
        record = replace(unlogged.record, category=label)
    correction = LabelCorrection(
        guild_id=found.guild_id,
        message_id=found.message_id,
        channel_id=found.channel_id,
        label=label,
        content=analysis.text if config.keeps_content else "",
        language=analysis.language,
        original_category=analysis.category,
        corrected_at=bot.clock(),
        author_hash=unlogged.record.author_hash,
    )
    return correction, record
