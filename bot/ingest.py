"""The analysis -> store step shared by the bot and the command line."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from bot.analysis import Analyzer, format_cue
from bot.analysis.model import Analysis
from bot.buckets import volume_bucket
from bot.exports import ExportMessage, read_export
from bot.store import Store, author_hash
from bot.store.records import RequestRecord

# Only people's own posts count; joins, pins, boosts and the like are Discord's voice, not theirs.
USER_MESSAGE_KINDS = frozenset({"Default", "Reply"})
BATCH_SIZE = 500


def request_record(
    *,
    message_id: int,
    guild_id: int,
    channel_id: int,
    author_key: bytes,
    author_id: int,
    created_at: float,
    edited: bool,
    analysis: Analysis,
) -> RequestRecord:
    return RequestRecord(
        message_id=message_id,
        guild_id=guild_id,
        channel_id=channel_id,
        author_hash=author_hash(author_key, author_id),
        created_at=created_at,
        content=analysis.text,
        language=analysis.language,
        compound=analysis.tone.compound,
        pos=analysis.tone.pos,
        neu=analysis.tone.neu,
        neg=analysis.tone.neg,
        category=analysis.category,
        targets=analysis.targets,
        alternatives=analysis.alternatives,
        cues=tuple(format_cue(cue) for cue in analysis.cues),
        edited=edited,
    )


@dataclass(slots=True)
class IngestSummary:
    """What one ingest run saw, for the command line to report and cut periods from."""

    messages: int = 0
    requests: int = 0
    skipped: int = 0
    # Request messages whose id is already logged under another guild: a row is never taken
    # over across guilds, so these are not logged and the digest does not count them.
    not_logged: int = 0
    first_at: float | None = None
    last_at: float | None = None
    guilds: dict[int, str] = field(default_factory=dict)
    channels: dict[int, str] = field(default_factory=dict)

    def saw(self, message: ExportMessage) -> None:
        self.messages += 1
        self.guilds.setdefault(message.guild_id, message.guild_name)
        self.channels.setdefault(message.channel_id, f"#{message.channel_name}")
        if self.first_at is None or message.created_at < self.first_at:
            self.first_at = message.created_at
        if self.last_at is None or message.created_at > self.last_at:
            self.last_at = message.created_at


async def ingest_messages(
    store: Store, messages: Iterable[ExportMessage], author_key: bytes, *, timezone: str
) -> IngestSummary:
    """Analyse exported messages; log request messages and count every user message's volume,
    in buckets on the local hours of `timezone` (the zone the digests are cut in)."""
    summary = IngestSummary()
    analyzers: dict[int, Analyzer] = {}
    # Volume is a count, so reading the same export twice must not count it twice: messages at or
    # below a channel's cursor were counted before. Request rows are upserts and need no guard.
    counted_up_to: dict[int, int] = {}
    newest: dict[tuple[int, int], int] = {}
    # The lowest id counted per channel in this batch: with the cursor it bounds the range of
    # ids whose volume is now counted (see Store.record_activity).
    lowest: dict[tuple[int, int], int] = {}
    records: list[RequestRecord] = []
    volume: list[tuple[int, int, int, int]] = []

    async def flush() -> None:
        if records:
            summary.not_logged += len(records) - await store.upsert_requests(records)
        # Volume and the cursors that vouch for it in one transaction, so an interrupted run
        # can be repeated without counting anything twice.
        cursors = [(guild, channel, last) for (guild, channel), last in newest.items()]
        floors = [(guild, channel, first) for (guild, channel), first in lowest.items()]
        await store.record_activity(volume, cursors, floors)
        records.clear()
        volume.clear()
        newest.clear()
        lowest.clear()

    for message in messages:
        if message.author_is_bot or message.kind not in USER_MESSAGE_KINDS:
            summary.skipped += 1
            continue
        summary.saw(message)
        analyzer = analyzers.get(message.guild_id)
        if analyzer is None:
            analyzer = Analyzer(await store.guild_terms(message.guild_id))
            analyzers[message.guild_id] = analyzer
        channel = message.channel_id
        if channel not in counted_up_to:
            counted_up_to[channel] = await store.cursor(message.guild_id, channel) or 0
        if message.message_id > counted_up_to[channel]:
            # Moved at once: the same messages in a second, overlapping export count once.
            counted_up_to[channel] = message.message_id
            bucket = volume_bucket(message.created_at, timezone)
            volume.append((message.guild_id, channel, bucket, 1))
            newest[(message.guild_id, channel)] = message.message_id
            lowest.setdefault((message.guild_id, channel), message.message_id)
        analysis = analyzer.analyze(message.content, score_all=False)
        if analysis.request:
            summary.requests += 1
            records.append(
                request_record(
                    message_id=message.message_id,
                    guild_id=message.guild_id,
                    channel_id=message.channel_id,
                    author_key=author_key,
                    author_id=message.author_id,
                    created_at=message.created_at,
                    edited=message.edited,
                    analysis=analysis,
                )
            )
        if len(volume) + len(records) >= BATCH_SIZE:
            await flush()
    await flush()
    return summary


def export_messages(
    paths: Iterable[Path], on_progress: Callable[[Path, int, int], None] | None = None
) -> Iterator[ExportMessage]:
    """Every message of several exports, in file order, streamed."""
    for path in paths:
        callback = partial(on_progress, path) if on_progress is not None else None
        yield from read_export(path, on_progress=callback)
