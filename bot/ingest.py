"""DiscordChatExporter exports into request rows and volume counts (`clamor analyze`): the
command line's analysis -> store step; the bot's is `bot.watch.service`, which builds the same
rows (`bot.watch.writer.request_record`)."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from bot.analysis import (
    NO_CONTEXT,
    Analysis,
    Analyzer,
    Context,
    opening_post_text,
    team_answer,
)
from bot.buckets import volume_bucket
from bot.chat_import import ExportMessage, read_export
from bot.chat_import.records import ExportRole
from bot.chat_import.team import NO_TEAM, Team
from bot.guild_settings import guild_analyzer
from bot.store import Store
from bot.store.records import ChannelMessages, RequestRecord
from bot.watch.rules import ConversationMemory, Place, context_of, flow_context
from bot.watch.writer import request_record

# Only people's own posts count; joins, pins, boosts and the like are Discord's voice, not theirs.
USER_MESSAGE_KINDS = frozenset({"Default", "Reply"})
# Messages (and their request rows) given to the Store at a time. A flush is two transactions
# with a fixed cost of about 1 ms CPU each: the Store's share came to 6.8 us a message at 500
# (20k messages, 5% requests), 3.1 at 2,000; the rows waiting hold a few MB at most.
BATCH_SIZE = 2000
CHUNK = 10_000  # ids per transaction when an export out of order ends


@dataclass(slots=True)
class IngestSummary:
    """What one ingest run saw, for the command line to report and cut periods from."""

    messages: int = 0
    requests: int = 0
    skipped: int = 0
    # Rows an earlier run (or the bot) logged of the team's messages, or of replies to them
    # (messages in a post one opened): taken out of the log, except relabelled ones.
    unlogged: int = 0
    # Request messages whose id is already logged under another guild: a row is never taken
    # over across guilds, so these are not logged and the digest does not count them.
    not_logged: int = 0
    first_at: float | None = None
    last_at: float | None = None
    guilds: dict[int, str] = field(default_factory=dict)
    channels: dict[int, str] = field(default_factory=dict)
    # With a team: messages by it that read as requests (not counted), and the roles authors
    # of the exports have (None until a message carries any), to tell a team role nobody has.
    team_answers: int = 0
    team_met: bool = False  # a message of a guild with a team was read
    roles_seen: set[ExportRole] | None = None
    # The positions, among the exports read, of those of a guild with a team whose messages
    # say nothing of roles (an older DiscordChatExporter; a newer one writes `"roles": []` for
    # a member without any): their team's messages could not be told from members'.
    exports_without_roles: list[int] = field(default_factory=list)
    # In the export being read: a message of a guild with a team, and one with roles.
    _team_met_here: bool = field(default=False, init=False, repr=False)
    _roles_here: bool = field(default=False, init=False, repr=False)

    def saw_roles(self, roles: tuple[ExportRole, ...] | None) -> None:
        """A message of a guild with a team was read, by an author with `roles` (None: the
        export says nothing of roles)."""
        self.team_met = self._team_met_here = True
        if roles is not None:
            self._roles_here = True
            if self.roles_seen is None:
                self.roles_seen = set()
            self.roles_seen.update(roles)

    def export_read(self, position: int) -> None:
        """The export at `position` among those read is read to its end."""
        if self._team_met_here and not self._roles_here:
            self.exports_without_roles.append(position)
        self._team_met_here = self._roles_here = False

    def saw(self, message: ExportMessage) -> None:
        self.messages += 1
        # Looked up before they are set: the channel's name is built once, not per message.
        if message.guild_id not in self.guilds:
            self.guilds[message.guild_id] = message.guild_name
        if message.channel_id not in self.channels:
            self.channels[message.channel_id] = f"#{message.channel_name}"
        at = message.created_at
        if self.first_at is None or at < self.first_at:
            self.first_at = at
        if self.last_at is None or at > self.last_at:
            self.last_at = at


@dataclass(slots=True)
class _ChannelRead:
    """One export's messages of one channel, as far as read: the ids not yet given to the Store
    and the span [low, high] of ids read. An export holds every message of its channel between
    its first and last (DiscordChatExporter writes them oldest first), so the span counts as read
    in full once the file ends, and before that while the ids come in one order (either one)."""

    guild_id: int
    channel_id: int
    low: int
    high: int
    previous: int
    direction: int = 0  # 1 ascending, -1 descending, 0 not known yet
    in_order: bool = True
    # Until the file ends when it is out of order: 16 bytes a message.
    ids: array[int] = field(default_factory=lambda: array("q"))
    buckets: array[int] = field(default_factory=lambda: array("q"))
    # Read since the last flush: the team's messages and the replies to them, whose rows go.
    to_unlog: array[int] = field(default_factory=lambda: array("q"))

    def add(self, message_id: int, bucket: int) -> None:
        step = (message_id > self.previous) - (message_id < self.previous)
        if self.direction == 0:
            self.direction = step
        elif step != self.direction:
            self.in_order = False
        self.previous = message_id
        self.low = min(self.low, message_id)
        self.high = max(self.high, message_id)
        self.ids.append(message_id)
        self.buckets.append(bucket)

    def take(self, *, file_done: bool) -> list[ChannelMessages]:
        """What to give the Store now. Out of order, an id read later may lie anywhere in the
        span, so nothing of it counts as read before the file ends; then its ids go in order,
        each chunk with the span up to its newest id. (An export in order for a while and out
        of order after that has claimed the span it read in order: ids below it that come
        later count as read already.)"""
        if not self.in_order and not file_done:
            return []
        messages = zip(self.ids, self.buckets, strict=True)
        ordered = sorted(messages) if not self.in_order else list(messages)
        self.ids, self.buckets = array("q"), array("q")
        if self.in_order:
            read = ((self.low - 1, self.high),)
            return [ChannelMessages(self.guild_id, self.channel_id, tuple(ordered), read)]
        return [
            ChannelMessages(
                self.guild_id,
                self.channel_id,
                tuple(chunk),
                ((self.low - 1, chunk[-1][0]),),
            )
            for chunk in (ordered[at : at + CHUNK] for at in range(0, len(ordered), CHUNK))
        ]


async def ingest_messages(
    store: Store,
    messages: Iterable[ExportMessage],
    author_key: bytes,
    *,
    timezone: str,
    team: Team = NO_TEAM,
) -> IngestSummary:
    """`ingest_exports` of messages from one export."""
    return await ingest_exports(store, [messages], author_key, timezone=timezone, team=team)


async def roles_wanted(store: Store, team: Team) -> bool | frozenset[int]:
    """Which exports must be read with their authors' roles (`read_export`'s `roles`): every
    one when a team is named, else those of the guilds the database keeps a team for
    (`ingest_exports` finds who is on it). Decided per export, not per run: another guild's
    export neither pays for its roles nor stops at a malformed `roles` array it never uses."""
    return True if team else await store.team_guilds()


async def ingest_exports(
    store: Store,
    exports: Iterable[Iterable[ExportMessage]],
    author_key: bytes,
    *,
    timezone: str,
    team: Team = NO_TEAM,
) -> IngestSummary:
    """Analyse exported messages; log request messages and count every user message's volume,
    in buckets on the local hours of `timezone` (the zone the digests are cut in).

    Volume is a count: each message id is counted once, whatever was read before, in which
    order or at the same time (`Store.count_messages`). Request rows are upserts.

    A message by `team`, or by a guild's stored team, answers requests: counted in volume,
    never logged, and not a request for the replies to it (the messages must carry their
    authors' roles: `roles_wanted`)."""
    summary = IngestSummary()
    guilds: dict[int, tuple[Analyzer, Team | None]] = {}
    conversations = ConversationMemory()
    records: list[RequestRecord] = []
    reads: dict[tuple[int, int], _ChannelRead] = {}
    # Per channel of the export being read: its read, its guild's analyzer and team (None when
    # it has none), and its jump link, found once rather than per message.
    channels: dict[tuple[int, int], tuple[_ChannelRead, Analyzer, Team | None, str]] = {}
    team_said: set[int] = set()  # the ids of the team's messages read (a few in a hundred)
    pending = 0

    async def flush(*, file_done: bool = False) -> None:
        nonlocal pending
        if records:
            summary.not_logged += len(records) - await store.upsert_requests(records)
            records.clear()
        for read in reads.values():
            await store.count_messages(read.take(file_done=file_done))
            summary.unlogged += await _unlog(store, read)
        pending = 0

    for position, export in enumerate(exports):
        for message in export:
            if message.author_is_bot or message.kind not in USER_MESSAGE_KINDS:
                summary.skipped += 1
                continue
            summary.saw(message)
            key = (message.guild_id, message.channel_id)
            channel = channels.get(key)
            if channel is None:
                analyzer, guild_team = await _guild_reading(store, guilds, message.guild_id, team)
                first = message.message_id
                read = reads[key] = _ChannelRead(*key, low=first, high=first, previous=first)
                link = f"https://discord.com/channels/{message.guild_id}/{message.channel_id}/"
                channel = channels[key] = (read, analyzer, guild_team, link)
            read, analyzer, guild_team, link = channel
            read.add(message.message_id, volume_bucket(message.created_at, timezone))
            pending += 1
            context, place = await _context(store, conversations, message, link)
            analysis = analyzer.analyze(
                _text_read(message),
                score_all=False,
                context=context,
                message_id=message.message_id,
            )
            if guild_team is not None:
                analysis = _team_reading(summary, guild_team, team_said, read, message, analysis)
            if not analysis.request:
                conversations.note(message.message_id, False)
            else:
                # A request joins its channel's flow.
                if place is None:
                    place = Place(message.message_id, message.channel_id, message.created_at, link)
                conversations.note(message.message_id, True, place=place)
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
            if pending + len(records) >= BATCH_SIZE:
                await flush()
        await flush(file_done=True)
        reads.clear()
        channels.clear()
        summary.export_read(position)
    return summary


def _team_reading(
    summary: IngestSummary,
    team: Team,
    said: set[int],
    read: _ChannelRead,
    message: ExportMessage,
    analysis: Analysis,
) -> Analysis:
    """The verdict on a message of a guild with a team: the team's messages answer requests,
    so none is a request, as the bot reads them (`WatchService.counted`). A row an earlier
    run may have logged of one, or of a reply to one (a post one opened), is to be taken out
    (`read.to_unlog`); other rows stay, as this export may lack what made them requests."""
    summary.saw_roles(message.author_roles)
    if team.wrote(message.author_roles):
        said.add(message.message_id)
        if analysis.request:
            summary.team_answers += 1
            analysis = team_answer(analysis)
        read.to_unlog.append(message.message_id)
    elif not analysis.request and (message.replies_to in said or message.channel_id in said):
        read.to_unlog.append(message.message_id)
    return analysis


async def _unlog(store: Store, read: _ChannelRead) -> int:
    """Take `read.to_unlog` out of the log, except those a moderator relabelled; how many
    were there."""
    if not read.to_unlog:
        return 0
    ids, read.to_unlog = read.to_unlog, array("q")
    return await store.delete_uncorrected_requests(read.guild_id, ids)


async def _guild_reading(
    store: Store, guilds: dict[int, tuple[Analyzer, Team | None]], guild_id: int, named: Team
) -> tuple[Analyzer, Team | None]:
    """How a guild's messages are read, found once per run: its analyser, and its team (the
    one named, with the roles the database keeps for the guild; None without one)."""
    found = guilds.get(guild_id)
    if found is None:
        analyzer = await guild_analyzer(store, guild_id)
        guild_team = named.joined(await store.team_roles(guild_id))
        found = guilds[guild_id] = (analyzer, guild_team or None)
    return found


def _text_read(message: ExportMessage) -> str:
    """A forum post's opening message (its id is its thread's) is read with the post's title,
    the name of the thread the export holds, as the watcher reads it."""
    if message.message_id == message.channel_id:
        return opening_post_text(message.channel_name, message.content)
    return message.content


async def _context(
    store: Store, conversations: ConversationMemory, message: ExportMessage, link: str
) -> tuple[Context, Place | None]:
    """What an exported message answers, as the watcher reads it: a reply its referenced
    message (judged earlier in the import, else logged in the database), a message in a thread
    the thread's opening post (whose id is the thread's, judged earlier in the import), and
    otherwise a request message of its channel posted minutes before (read earlier). With it,
    the message's place in its channel when one was needed (`link`: the channel's jump link)."""
    if message.replies_to is not None:

        async def logged(message_id: int) -> bool:
            return await store.get_request(message.guild_id, message_id) is not None

        async def unknown() -> None:
            return None

        context = await context_of(
            conversations,
            message.replies_to,
            link=f"{link}{message.replies_to}",
            logged=logged,
            judge_text=unknown,
        )
        return context, None
    if conversations.verdict(message.channel_id) and message.message_id != message.channel_id:
        return Context(True, f"{link}{message.channel_id}", message_id=message.channel_id), None
    if not conversations.flowing(message.channel_id):
        return NO_CONTEXT, None
    place = Place(message.message_id, message.channel_id, message.created_at, link)
    return flow_context(conversations, place), place


def export_files(
    paths: Iterable[Path],
    on_progress: Callable[[Path, int, int], None] | None = None,
    *,
    roles: bool | Collection[int] = False,
) -> Iterator[Iterator[ExportMessage]]:
    """The messages of each export, one export after another, streamed (with `roles`, with
    their authors' roles: in every export, or only in those of the guilds `roles` holds)."""
    for path in paths:
        callback = partial(on_progress, path) if on_progress is not None else None
        yield read_export(path, on_progress=callback, roles=roles)


def export_messages(
    paths: Iterable[Path], on_progress: Callable[[Path, int, int], None] | None = None
) -> Iterator[ExportMessage]:
    """Every message of several exports, in file order, streamed."""
    for messages in export_files(paths, on_progress):
        yield from messages
