"""WatchService: Discord messages into counted volume and logged rows, live or read from history.

The bot holds one (`bot.watch_service`, as it holds `request_writer`): the watcher cog hands it
gateway events, gap filling and `/clamor-mod backfill` ask it to read channel history. It holds
what both share: the volume buffer, the threads seen, the ids already handled and one lock per
guild.

Events of one guild are handled one after another (`lock`): a long message analysed in a worker
thread must not let its own deletion or edit, arriving meanwhile, be applied first. History is
read a page at a time under the same lock.

Threads and forum posts are watched when their parent channel is (`GuildConfig.watches` gets
the parent's id), but their rows, volume and cursor keep the thread's own channel id: a jump
link is guild/channel/message, and the message lives in the thread. Which channel each thread
belongs to is remembered (`ThreadMemory`, once per thread and process) and written with the
activity flush, so channel filters find the thread after Discord archives it.

Every row goes through the `RequestWriter` (privacy; a queue while the database is down).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from time import time

import discord

from bot.analysis import Analysis, Analyzer, Context, opening_post_text, team_answer
from bot.buckets import volume_bucket
from bot.config import INTAKE_PER_GUILD
from bot.errors import UserFacingError
from bot.guild_settings import GuildConfig, GuildConfigs
from bot.learning.rescore import Rescore, rescore
from bot.store import RequestRecord, Store, StoreError
from bot.watch.activity import ActivityBuffer, RecentIds, ThreadMemory
from bot.watch.history import ScanSpec
from bot.watch.rules import (
    ConversationMemory,
    Place,
    analyse_off_loop,
    context_of,
    edit_needs_analysis,
    edit_outcome,
    flow_context,
    is_member_post,
    posted_at,
    watch_key,
)
from bot.watch.team import MemberRoles
from bot.watch.writer import ActivityFlusher, RequestWriter, request_record

# Under load a flush (one transaction) every this many messages, besides the 2 s timer. A
# crash loses no volume by it: cursors are written with the volume, so gap filling re-reads
# and counts what the last flush did not write.
FLUSH_EVERY_MESSAGES = 1000
PAGE_PAUSE = 0.1  # seconds between history pages: discord.py honours 429s, we also stay polite
HISTORY_PAGE = 100  # Discord's largest page
# Deletions remembered for the history pages read before them: one page's wait for the guild's
# turn sees few; past this many the oldest are forgotten (a page may then write one back, which
# the next gap fill's recheck takes out).
DELETIONS_KEPT = 4096
# Channels with rows that discord.py's cache lacks are asked about on READY, one request each:
# at most this many a guild that no channel still there is known to hold, and this many
# archived threads of channels still there in all (a new few each READY).
MAX_DELETED_LOOKUPS = 25
MAX_ARCHIVED_LOOKUPS = 25
UNKNOWN_CHANNEL = 10003  # Discord's JSON error code
RESCORE_IN_OUTAGE = (
    "The database is not taking writes right now, so nothing can be rescored; "
    "run this again in a few minutes."
)

# What history can be read from: text and news channels, threads and forum posts.
Readable = discord.TextChannel | discord.Thread

log = logging.getLogger(__name__)


@dataclass(slots=True)
class WatchStats:
    """Counters since start: events handled, rows written and removed, handler failures,
    messages shed."""

    handled: int = 0
    logged: int = 0
    removed: int = 0
    failures: int = 0
    shed: int = 0  # live messages counted but not analysed (a flood): gap filling reads them


@dataclass(slots=True)
class ScanResult:
    """What one history read did: `requests` newly logged, `already_logged` requests that were
    in the log before (rewritten if edited)."""

    scanned: int = 0
    requests: int = 0
    already_logged: int = 0
    removed: int = 0
    newest: int | None = None
    exhausted: bool = True


@dataclass(slots=True)
class DeletedChannelSweep:
    """One READY's look for the channels and threads deleted while Clamor was away, across
    its guilds (`WatchService.forget_deleted_channels`)."""

    archived_lookups_left: int = MAX_ARCHIVED_LOOKUPS
    taken_out: int = 0


def readable_targets(guilds: list[discord.Guild]) -> list[tuple[discord.Guild, Readable]]:
    """Every channel whose history the bot can read: text and news channels, active threads
    and forum posts (watch rules are applied later, per guild)."""
    targets: list[tuple[discord.Guild, Readable]] = []
    for guild in guilds:
        channels: list[Readable] = [*guild.text_channels, *guild.threads]
        for channel in channels:
            allowed = channel.permissions_for(guild.me)
            if allowed.view_channel and allowed.read_message_history:
                targets.append((guild, channel))
    return targets


def watch_key_of(channel: discord.abc.Snowflake) -> int:
    """The channel whose watch rule applies to `channel` (`watch_key`: a thread's parent)."""
    parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
    return watch_key(channel.id, parent_id)


def _relabelled(record: RequestRecord, stored: RequestRecord) -> RequestRecord:
    """`record`, a message no longer read as a request, as the row of one a moderator
    relabelled: under the category its row had (the correction lays its label over it)."""
    return replace(record, category=stored.category, replies_to=stored.replies_to)


def _opens_post(message: discord.Message) -> bool:
    """Whether `message` opens a forum (or media) post: only such an opening message has its
    thread's id (a thread started from a message keeps that message in its parent channel)."""
    return message.id == message.channel.id


def text_read(message: discord.Message, content: str | None = None) -> str:
    """The text Clamor reads of `message` (with `content` in place of its own, if given): a
    forum post's opening message with the post's title, since the title often says it all
    ("Release the weights?") and the text only "as the title says". The row keeps it. The
    title is known when discord.py holds the post (`WatchService.update` asks Discord otherwise)."""
    text = message.content if content is None else content
    channel = message.channel
    if _opens_post(message) and isinstance(channel, discord.Thread):
        return opening_post_text(channel.name, text)
    return text


async def _held_post(message: discord.Message) -> bool:
    """Make sure `message.channel` is the post `message` opens, as a Thread with its title,
    asking Discord for it when discord.py does not hold it (an archived post); False when it
    cannot be read."""
    if isinstance(message.channel, discord.Thread):
        return True
    guild = message.guild
    if guild is None:
        return False
    try:
        channel = await guild.fetch_channel(message.channel.id)
    except discord.HTTPException:
        return False
    if not isinstance(channel, discord.Thread):
        return False
    message.channel = channel
    return True


def is_member_message(message: discord.Message) -> bool:
    return is_member_post(
        author_is_bot=message.author.bot,
        webhook_id=message.webhook_id,
        message_type=message.type.value,
    )


async def _read_once(
    source: discord.abc.Messageable | None, message_id: int
) -> discord.Message | None:
    """The answered message, read from Discord (None when it is gone or cannot be read). Asked
    once per message: `context_of` remembers the verdict, and a guild's messages are handled
    one at a time, so a burst of replies to an old thread asks once; discord.py waits out the
    rate limits."""
    if source is None:
        return None
    try:
        return await source.fetch_message(message_id)
    except discord.HTTPException:  # NotFound, Forbidden, or Discord failing
        return None


def _jump(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


class WatchService:
    def __init__(
        self,
        store: Store,
        guild_configs: GuildConfigs,
        writer: RequestWriter,
        conversations: ConversationMemory,
        *,
        author_key: bytes,
        clock: Callable[[], float] = time,
    ) -> None:
        self._store = store
        self._configs = guild_configs
        self._writer = writer
        self._conversations = conversations
        self._author_key = author_key
        self.activity = ActivityBuffer()
        # Which channel each thread belongs to, for channel filters once it is archived.
        self.threads = ThreadMemory()
        self.stats = WatchStats()
        self.page_pause = PAGE_PAUSE
        # Ids whose event was handled to the end: a replay of one is skipped, but a message
        # whose write failed is tried again when its event comes back.
        self._handled = RecentIds()
        self.flushing = ActivityFlusher(store, self.activity, self.threads)
        self._guild_locks: dict[int, asyncio.Lock] = {}
        writer.on_refusal(self._refused)
        self.intake_limit = INTAKE_PER_GUILD
        self._taken_in: Counter[int] = Counter()  # per guild, live events not finished
        # Per channel, the oldest message shed and not yet handed to gap filling.
        self._shed: dict[tuple[int, int], int] = {}
        self._shed_listeners: list[Callable[[], object]] = []
        self._arrival_locks: dict[int, asyncio.Lock] = {}
        self.member_roles = MemberRoles(clock)
        # Messages and channels deleted, (guild, id) -> the deletion's number: a history page
        # read from Discord before a deletion and taken after it must not write it back.
        self._deletions = 0
        self._deleted: OrderedDict[tuple[int, int], int] = OrderedDict()

    def lock(self, guild_id: int) -> asyncio.Lock:
        """The guild's lock: its events and history pages are taken one after another."""
        lock = self._guild_locks.get(guild_id)
        if lock is None:
            lock = self._guild_locks[guild_id] = asyncio.Lock()
        return lock

    # -- intake: live events, bounded per guild ----------------------------------------------

    def taken_in(self, guild_id: int) -> int:
        """The guild's live events waiting for their turn or in it."""
        return self._taken_in[guild_id]

    def intake_full(self, guild_id: int) -> bool:
        """Whether the guild has as many live events waiting as it may: new messages are shed."""
        return self._taken_in[guild_id] >= self.intake_limit

    @asynccontextmanager
    async def turn(self, guild_id: int) -> AsyncIterator[None]:
        """One live event's turn under the guild's lock, after the events taken in before it.
        The last of a burst (no live event left in any guild) writes the grouped rows, so what
        was handled is in the log, and, if messages were shed, asks for them to be re-read."""
        self._taken_in[guild_id] += 1
        try:
            async with self.lock(guild_id):
                yield
        finally:
            self._taken_in[guild_id] -= 1
            if not self._taken_in[guild_id]:
                del self._taken_in[guild_id]
            if not self._taken_in:
                await self._writer.flush(raise_refusal=True)  # the event's failure to report
                if self._shed:
                    for listener in list(self._shed_listeners):
                        listener()

    def on_shed(self, listener: Callable[[], object]) -> Callable[[], None]:
        """Call `listener()` when the watcher is idle again after shedding messages; returns an
        unsubscribe."""
        self._shed_listeners.append(listener)
        return lambda: self._shed_listeners.remove(listener)

    @property
    def shed_waiting(self) -> bool:
        """Whether messages were shed that gap filling has not taken yet."""
        return bool(self._shed)

    def take_shed(self) -> dict[tuple[int, int], int]:
        """Per channel the oldest message shed, forgotten here: the caller re-reads them."""
        shed, self._shed = self._shed, {}
        return shed

    async def arrive(self, guild_id: int, message: discord.Message) -> bool:
        """Count a member's new message as it arrives, before it waits for its turn; whether it
        is to be taken (watched, and not a replay of one handled already).

        Counted on arrival, in the order of arrival: a message counted live marks the range up
        to it read, and one counted later inside that range would be taken as counted already
        (the Store counts each id once), so a shed message must not pass those still waiting.
        The guild's arrivals take a lock of their own for that: free, it costs nothing, and
        while the guild's settings are read from the database the next arrivals wait in order."""
        lock = self._arrival_locks.get(guild_id)
        if lock is None:
            lock = self._arrival_locks[guild_id] = asyncio.Lock()
        async with lock:
            return self._count_new(guild_id, await self._configs.get(guild_id), message)

    def shed(self, guild_id: int, message: discord.Message) -> None:
        """Leave an arrived message unanalysed (it is counted), its channel remembered for gap
        filling: the request, if it is one, is logged when gap filling reads it back."""
        key = (guild_id, message.channel.id)
        self._shed[key] = min(self._shed.get(key, message.id), message.id)
        self.stats.shed += 1

    def _refused(self, record: RequestRecord) -> None:
        # Handled again when its event comes back (a replay), as a failed write is.
        self._handled.discard(record.message_id)

    def _count_new(self, guild_id: int, config: GuildConfig, message: discord.Message) -> bool:
        """Count a live message of a watched channel; whether it is to be read (watched, and
        not a replay of one handled already)."""
        channel = message.channel
        if not config.watches(watch_key_of(channel)):
            self.activity.interrupt(guild_id, channel.id)
            return False
        if message.id in self._handled:
            return False  # a replayed event: counted and logged already
        self._count(guild_id, channel.id, config, message, live=True)
        return True

    def _count(
        self,
        guild_id: int,
        channel_id: int,
        config: GuildConfig,
        message: discord.Message,
        *,
        live: bool,
    ) -> float:
        """Count `message` in its channel's volume, in the guild's local hour, and remember the
        thread it is in; when it was posted."""
        at = posted_at(message.id)
        bucket = volume_bucket(at, config.settings.timezone)
        self.activity.count(guild_id, channel_id, message.id, bucket=bucket, live=live)
        channel = message.channel
        # Per message an isinstance check (~50 ns); in a thread also a set lookup (~60 ns).
        if isinstance(channel, discord.Thread) and channel.id not in self.threads:
            self.see_thread(guild_id, channel)
        return at

    def see_thread(self, guild_id: int, thread: discord.Thread) -> None:
        # Written once per thread and process (ThreadMemory drops repeats).
        self.threads.see(guild_id, thread.id, thread.parent_id, thread.is_private())

    async def flush(self) -> None:
        """Write buffered volume, ranges read and threads first seen (see ActivityFlusher)."""
        await self.flushing.flush()

    # -- live events (the caller holds the guild's lock) ---------------------------------------

    async def take(self, guild_id: int, message: discord.Message) -> None:
        """Count a member's new message and log it if it is a request."""
        config = await self._configs.get(guild_id)
        # Counted at most once, even when the write below fails and the event comes back (and
        # not again when `arrive` counted it).
        if not self._count_new(guild_id, config, message):
            return
        analysis = await self._analyse(guild_id, config, message)
        if analysis.request and await self._writer.write_soon(
            self._record(guild_id, message, analysis, edited=False)
        ):
            self.stats.logged += 1
        self._handled.add(message.id)

    async def update(self, guild_id: int, message: discord.Message, before: str | None) -> None:
        """Apply an edit: analysed again unless the text is known to be the same."""
        stored = await self._writer.current(guild_id, message.id)
        if _opens_post(message) and not await _held_post(message):
            # Read without its title the text may say only "as the title says": the row, if
            # any, stays as it was rather than be judged on half the post.
            log.info("could not read the post %s to apply an edit", message.channel.id)
            return
        previous = stored.content if stored is not None else None
        cached = None if before is None else text_read(message, before)
        if not edit_needs_analysis(previous, cached, text_read(message)):
            return
        config = await self._configs.get(guild_id)
        channel = message.channel
        # A logged message is kept truthful even if its channel stopped being watched.
        if stored is None and not config.watches(watch_key_of(channel)):
            return
        analysis = await self._analyse(guild_id, config, message)
        outcome = edit_outcome(logged=stored is not None, request=analysis.request)
        if outcome == "remove" and await self._store.label_correction(guild_id, message.id):
            # The moderator's word stands while the message is on Discord; its text follows.
            assert stored is not None
            await self._store.now_read_as(guild_id, {message.id: None})
            await self._writer.write(
                _relabelled(self._record(guild_id, message, analysis, edited=True), stored)
            )
            return
        if outcome == "write":
            if await self._writer.write(self._record(guild_id, message, analysis, edited=True)):
                self.stats.logged += 1
            # Were it relabelled, undoing that now leaves the request Clamor reads: none in a
            # channel Clamor does not watch, where only the relabel logged it.
            read_as = analysis.category
            if not config.watches(watch_key_of(channel)):
                correction = await self._store.label_correction(guild_id, message.id)
                if correction is not None and correction.original_category is None:
                    read_as = None
            await self._store.now_read_as(guild_id, {message.id: read_as})
        elif outcome == "remove":
            self._conversations.forget([message.id], channel_id=channel.id)
            await self._writer.remove(guild_id, [message.id], channel_id=channel.id)
            self.stats.removed += 1

    async def delete(self, guild_id: int, channel_id: int, message_ids: list[int]) -> None:
        self._note_deleted(guild_id, message_ids)
        # The writer also drops their label corrections: a deleted message leaves no trace.
        self._conversations.forget(message_ids, channel_id=channel_id)
        self.stats.removed += await self._writer.remove(
            guild_id, message_ids, channel_id=channel_id
        )

    async def delete_thread(self, guild_id: int, thread_id: int) -> None:
        """A deleted thread or forum post: Discord sends no deletion of the messages in it, so
        their rows and relabels go here (a deleted message leaves no trace)."""
        await self._delete_channels(guild_id, [thread_id])

    async def delete_channel(self, guild_id: int, channel_id: int) -> None:
        """A deleted channel: its messages, and those of its threads (archived ones too, which
        discord.py announces no deletion of), as a deleted thread's. The Store finds the threads
        it remembers; those seen but not written yet are named here."""
        threads = self.threads.pending_under(guild_id, channel_id)
        await self._delete_channels(guild_id, [channel_id, *threads])

    async def _delete_channels(self, guild_id: int, channel_ids: list[int]) -> None:
        # Nothing is read first: the removal waits in the writer's queue while the database is
        # down, behind the rows queued before it.
        self._note_deleted(guild_id, channel_ids)
        for channel_id in channel_ids:
            self._conversations.forget_channel(channel_id)
        self.stats.removed += await self._writer.remove_channels(guild_id, channel_ids)

    async def forget_deleted_channels(
        self,
        guild: discord.Guild,
        fetch_channel: Callable[[int], Awaitable[object]],
        sweep: DeletedChannelSweep,
    ) -> None:
        """Take out the rows of the channels and threads deleted while Clamor was away (or
        whose removal a stop lost): Discord announces a deletion once, to whoever is
        connected. A channel the cache lacks may only be a thread Discord archived, so only
        Discord's "Unknown Channel" counts. Asked first: those no channel still there is known
        to hold (MAX_DELETED_LOOKUPS); then archived threads of channels still there (a forum
        post deleted while away is one), a new few each READY from the sweep's shared budget.
        A thread Discord still has is remembered under its channel."""
        try:
            logged = await self._store.logged_channels(guild.id)
            unknown = [c for c in logged if guild.get_channel_or_thread(c) is None]
            parents = await self._store.thread_parents(guild.id, unknown) if unknown else {}
        except StoreError as exc:
            log.warning("deleted channels of guild %s not looked for: %s", guild.id, exc)
            return
        archived = {c for c in unknown if c in parents and guild.get_channel(parents[c].parent_id)}
        unplaced = [c for c in unknown if c not in archived]
        asked = random.sample(unplaced, min(len(unplaced), MAX_DELETED_LOOKUPS))
        left = min(len(archived), sweep.archived_lookups_left)
        some_archived = random.sample(sorted(archived), left)
        sweep.archived_lookups_left -= len(some_archived)
        for channel_id in [*asked, *some_archived]:
            if await self._deleted_on_discord(guild, channel_id, fetch_channel):
                try:
                    async with self.lock(guild.id):
                        await self.delete_channel(guild.id, channel_id)
                except StoreError as exc:
                    log.warning("deleted channel %s kept its rows: %s", channel_id, exc)
                    continue
                sweep.taken_out += 1

    async def _deleted_on_discord(
        self,
        guild: discord.Guild,
        channel_id: int,
        fetch_channel: Callable[[int], Awaitable[object]],
    ) -> bool:
        try:
            found = await fetch_channel(channel_id)
        except discord.NotFound as exc:
            return exc.code == UNKNOWN_CHANNEL  # else a 404 of something else (a proxy?)
        except (discord.HTTPException, discord.InvalidData):
            return False  # there but hidden, of a type discord.py lacks, or no answer
        if isinstance(found, discord.Thread) and found.parent_id is not None:
            seen = (guild.id, found.id, found.parent_id, found.is_private())
            with contextlib.suppress(StoreError):
                await self._store.remember_threads([seen])
        return False

    async def rescore(
        self, guild_id: int, since: float, until: float, analyzer: Analyzer
    ) -> Rescore:
        """Read the guild's logged rows of [since, until) again (`bot.learning.rescore`) in the
        guild's turn, rows waiting in the write group included: an edit or a deletion of one of
        them waits for it, instead of being overwritten by a verdict on its old text or a
        deleted row being written back. The new verdicts go through the writer (privacy, the
        outage queue). Which messages a moderator relabelled is read in the turn too: a relabel
        that took its turn first keeps its row. Refused (UserFacingError) while writes wait for
        the database."""
        async with self.lock(guild_id):
            await self._writer.flush()
            if self._writer.pending:
                # The database still answers reads, but edits and removals wait in the queue:
                # a verdict on a row as the database has it, queued behind them, would bring
                # back a deleted row or an edited-out text; and the verdicts could only wait.
                raise UserFacingError(RESCORE_IN_OUTAGE)
            relabelled = {c.message_id for c in await self._store.label_corrections(guild_id)}
            records = await self._store.requests_between(guild_id, since, until)
            result = await asyncio.to_thread(rescore, records, analyzer, relabelled)
            for record in result.updated:
                await self._writer.write_soon(record)
            await self._writer.flush()
            await self._writer.remove(guild_id, result.removed)
        return result

    # -- history ---------------------------------------------------------------------------------

    async def scan_history(
        self,
        guild_id: int,
        channel: Readable,
        spec: ScanSpec,
        on_page: Callable[[ScanResult], Awaitable[None]] | None = None,
    ) -> ScanResult:
        """Read `channel`'s history as `spec` says, oldest first, a page at a time: count
        volume (the Store counts an id once, however often it is read), log requests (edited
        ones with their current text) and remove logged rows of the range that Discord no
        longer has or that stopped being requests.

        A page's rows are settled in the page's turn: a relabel made after it (by a moderator
        while later pages are read) is of a message seen, and stands."""
        result = ScanResult()
        page: list[discord.Message] = []
        read = 0
        deletions = self._deletions  # before the page is read from Discord
        history = channel.history(
            limit=spec.limit,
            after=discord.Object(spec.after),
            before=None if spec.before is None else discord.Object(spec.before),
            oldest_first=True,
        )
        async for message in history:
            read += 1
            page.append(message)
            if len(page) == HISTORY_PAGE:
                await self._take_page(guild_id, channel.id, spec, page, result, deletions)
                page = []
                # Read in full from `after` up to the newest message read.
                self.activity.mark_read(guild_id, channel.id, spec.after, message.id)
                if on_page is not None:
                    await on_page(result)
                await asyncio.sleep(self.page_pause)
                deletions = self._deletions
        if page:
            await self._take_page(guild_id, channel.id, spec, page, result, deletions)
        result.exhausted = spec.limit is None or read < spec.limit
        top = spec.top(newest_read=result.newest, exhausted=result.exhausted)
        if top is not None:
            self.activity.mark_read(guild_id, channel.id, spec.after, top)
        newest = spec.after if result.newest is None else result.newest
        if top is not None and top > newest:
            # Past the newest message read, up to the range's end, nothing is on Discord.
            async with self.lock(guild_id):
                gone = await self._writer.logged_ids(guild_id, channel.id, newest, top)
                unseen = await self._store.corrected_ids_between(guild_id, channel.id, newest, top)
                await self._remove(guild_id, channel.id, gone, unseen, result)
        await self._writer.flush()  # what the caller reports is in the log
        return result

    async def _take_page(
        self,
        guild_id: int,
        channel_id: int,
        spec: ScanSpec,
        page: list[discord.Message],
        result: ScanResult,
        deletions: int,
    ) -> None:
        """Count and log a page of history, and take out the rows of its range that are no
        longer requests on Discord (deleted, or edited into something else while away). A
        message deleted after the page was read from Discord (`deletions`: the number of the
        last deletion before) is left out: its deletion took its row already."""
        config = await self._configs.get(guild_id)
        async with self.lock(guild_id):
            after = spec.after if result.newest is None else result.newest
            still_requests: set[int] = set()
            others: list[int] = []
            read_as: dict[int, str | None] = {}  # the requests analysed, by their category
            for message in page:
                result.scanned += 1
                result.newest = max(result.newest or 0, message.id)
                if self._deleted_after(guild_id, message, deletions):
                    others.append(message.id)
                elif is_member_message(message) and await self._take_from_history(
                    guild_id, channel_id, config, spec, message, result, read_as
                ):
                    still_requests.add(message.id)
                else:
                    others.append(message.id)
            # The page's relabels, and those of messages between the last page and this one's
            # newest (oldest first): one look, in this turn, so a relabel made meanwhile is of
            # a message seen.
            relabelled = await self._store.corrected_ids_between(
                guild_id, channel_id, after, page[-1].id
            )
            # A message a moderator relabelled keeps its row while it is on Discord: the
            # moderator's word stands (the team's message relabelled a request, say).
            kept = relabelled.intersection(others)
            for message in page:
                if message.id in kept:
                    await self._keep_relabelled(guild_id, config, message)
            # What Clamor reads now of the relabelled messages, for an undo of their relabel.
            verdicts = {id_: read_as[id_] for id_ in relabelled.intersection(read_as)}
            verdicts.update(dict.fromkeys(kept))
            if verdicts:
                await self._store.now_read_as(guild_id, verdicts)
            still_requests.update(kept)
            logged = await self._writer.logged_ids(guild_id, channel_id, after, page[-1].id)
            deleted = relabelled.difference(message.id for message in page)
            await self._remove(guild_id, channel_id, logged - still_requests, deleted, result)

    def _note_deleted(self, guild_id: int, ids: list[int]) -> None:
        for deleted_id in ids:
            self._deletions += 1
            key = (guild_id, deleted_id)
            self._deleted[key] = self._deletions
            self._deleted.move_to_end(key)
        while len(self._deleted) > DELETIONS_KEPT:
            self._deleted.popitem(last=False)

    def _deleted_after(self, guild_id: int, message: discord.Message, deletions: int) -> bool:
        """Whether `message`, or its channel, was deleted after deletion number `deletions`.
        (A deleted channel's threads: discord.py announces the deletion of those it holds,
        the only ones history is read from.)"""
        if not self._deleted:
            return False
        for deleted_id in (message.id, message.channel.id):
            if self._deleted.get((guild_id, deleted_id), 0) > deletions:
                return True
        return False

    async def _remove(
        self,
        guild_id: int,
        channel_id: int,
        rows: set[int],
        corrections: set[int],
        result: ScanResult,
    ) -> None:
        """Take out `rows`, no longer requests on Discord, and the relabels of `corrections`,
        messages deleted unseen: a deleted message leaves no correction (its text) behind."""
        if rows or corrections:
            await self._writer.remove(guild_id, sorted(rows | corrections), channel_id=channel_id)
            result.removed += len(rows)

    async def _keep_relabelled(
        self, guild_id: int, config: GuildConfig, message: discord.Message
    ) -> None:
        """A relabelled message's row, if it has one, with the text it has now (edited while
        Clamor was away, say): kept truthful, under the category it had."""
        stored = await self._writer.current(guild_id, message.id)
        text = text_read(message)
        # Without text kept there is nothing to bring up to date (and nothing to compare).
        if stored is None or stored.content == text or not config.keeps_content:
            return
        if analyse_off_loop(text):
            analysis = await asyncio.to_thread(
                config.analyzer.analyze, text, score_all=False, message_id=message.id
            )
        else:
            analysis = config.analyzer.analyze(text, score_all=False, message_id=message.id)
        edited = message.edited_at is not None
        await self._writer.write(
            _relabelled(self._record(guild_id, message, analysis, edited=edited), stored)
        )

    async def _take_from_history(
        self,
        guild_id: int,
        channel_id: int,
        config: GuildConfig,
        spec: ScanSpec,
        message: discord.Message,
        result: ScanResult,
        read_as: dict[int, str | None],
    ) -> bool:
        """Count and log one message read from history; whether it is a request to keep. A
        request analysed is noted in `read_as` with its category."""
        at = self._count(guild_id, channel_id, config, message, live=False)
        edited = message.edited_at is not None
        writer = self._writer
        stored: RequestRecord | None = None
        if spec.recheck:
            stored = await writer.current(guild_id, message.id)
            if stored is None and not edited:
                return False  # analysed when it was posted: not a request
            if stored is not None and stored.content == text_read(message):
                result.already_logged += 1
                return True  # unchanged
        analysis = await self._analyse(guild_id, config, message)
        self._handled.add(message.id)
        if not analysis.request:
            return False
        read_as[message.id] = analysis.category
        if not spec.recheck:
            # Looked up for requests only (a few in a hundred messages read), so that a second
            # backfill of the same days says it found nothing new.
            stored = await writer.current(guild_id, message.id)
        record = self._record(guild_id, message, analysis, edited=edited, created_at=at)
        if await writer.write_soon(record):
            if stored is None:
                result.requests += 1
            else:
                result.already_logged += 1
        return config.logs_author(record.author_hash)

    # -- one message into a row --------------------------------------------------------------

    async def counted(
        self, config: GuildConfig, message: discord.Message, analysis: Analysis
    ) -> Analysis:
        """`analysis` as Clamor counts it: a message by the server's team is an answer, never a
        request (bot/watch/team.py)."""
        if analysis.request and await self.member_roles.in_team(message, config.team_roles):
            return team_answer(analysis)
        return analysis

    async def conversation_context(
        self, guild_id: int, message: discord.Message, config: GuildConfig
    ) -> Context:
        """The context `Analyzer.analyze` reads for `message` (NO_CONTEXT when it answers no
        request message). A reply answers the message it references; any other message in a
        thread or forum post answers the post that opened it (its id is the thread's); a
        message that answers no request may follow one of its channel (or thread). The
        verdict comes from `context_of`; here only Discord's shapes are read."""
        channel = message.channel
        reference = message.reference
        answered: int | None = None
        sent_along: discord.Message | None = None
        source: discord.abc.Messageable | None = None  # where the answered message can be read
        title = ""
        link = ""
        if message.type is discord.MessageType.reply and reference is not None:
            resolved = reference.resolved
            if (
                isinstance(resolved, discord.DeletedReferencedMessage)
                or reference.message_id is None
            ):
                return Context(False, missing=True)
            answered = reference.message_id
            link = _jump(guild_id, reference.channel_id or channel.id, answered)
            if isinstance(resolved, discord.Message):
                sent_along = resolved
            elif reference.channel_id in (None, channel.id) and isinstance(
                channel, discord.abc.Messageable
            ):
                source = channel
        elif isinstance(channel, discord.Thread) and message.id != channel.id:
            answered = channel.id
            # A forum post's opening message is in the post; a thread's starter in its parent.
            in_post = isinstance(channel.parent, discord.ForumChannel) or channel.parent_id is None
            parent = channel.id if in_post else channel.parent_id or channel.id
            link = _jump(guild_id, parent, answered)
            starter_in = channel.parent if isinstance(channel.parent, discord.TextChannel) else None
            source = channel if in_post else starter_in
            title = channel.name
        in_flow = self._flow_place(guild_id, message)
        if answered is None:
            return flow_context(self._conversations, in_flow)
        answered_id = answered

        async def logged(message_id: int) -> bool:
            return await self._writer.current(guild_id, message_id) is not None

        async def judge_text() -> bool | None:
            opener = sent_along or await _read_once(source, answered_id)
            if opener is None:
                return None
            if not opener.content or not is_member_message(opener):
                return False
            # A forum post is its title and its text; a thread's name often says what it is for.
            text = opening_post_text(title, opener.content)
            analyzer = config.analyzer
            if analyse_off_loop(text):
                read = await asyncio.to_thread(analyzer.analyze, text, score_all=False)
            else:
                read = analyzer.analyze(text, score_all=False)
            return (await self.counted(config, opener, read)).request

        return await context_of(
            self._conversations,
            answered,
            link=link,
            logged=logged,
            judge_text=judge_text,
            flow=in_flow,
        )

    def _flow_place(self, guild_id: int, message: discord.Message) -> Place | None:
        """Where `message` was posted, when it may follow a request of its channel: None for
        a reply (it answers the message it replies to, a request or not) and, after one dict
        lookup, in the many channels without a request remembered."""
        if message.type is discord.MessageType.reply:
            return None
        if not self._conversations.flowing(message.channel.id):
            return None
        return self._place(guild_id, message)

    def _place(self, guild_id: int, message: discord.Message) -> Place:
        """Where `message` was posted, for its channel's flow."""
        channel_id = message.channel.id
        link = f"https://discord.com/channels/{guild_id}/{channel_id}/"
        return Place(message.id, channel_id, posted_at(message.id), link)

    async def _analyse(
        self, guild_id: int, config: GuildConfig, message: discord.Message
    ) -> Analysis:
        """The hot-path analysis of a member's message, read with what it answers; the verdict
        is remembered for the replies that will answer it. The team's messages are answers."""
        analyzer = config.analyzer
        context = await self.conversation_context(guild_id, message, config)
        text = text_read(message)
        if analyse_off_loop(text):
            analysis = await asyncio.to_thread(
                analyzer.analyze, text, score_all=False, context=context, message_id=message.id
            )
        else:
            analysis = analyzer.analyze(
                text, score_all=False, context=context, message_id=message.id
            )
        if analysis.request:  # nearly every message is not: no coroutine made for it
            analysis = await self.counted(config, message, analysis)
        # A request joins its channel's flow.
        place = self._place(guild_id, message) if analysis.request else None
        self._conversations.note(message.id, analysis.request, place=place)
        return analysis

    def _record(
        self,
        guild_id: int,
        message: discord.Message,
        analysis: Analysis,
        *,
        edited: bool,
        created_at: float | None = None,
    ) -> RequestRecord:
        """The row for a message, as analysed; the writer applies the guild's privacy."""
        return request_record(
            message_id=message.id,
            guild_id=guild_id,
            channel_id=message.channel.id,
            author_key=self._author_key,
            author_id=message.author.id,
            created_at=posted_at(message.id) if created_at is None else created_at,
            edited=edited,
            analysis=analysis,
        )
