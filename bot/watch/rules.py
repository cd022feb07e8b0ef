"""What the watcher decides about one message, without discord: whether a member posted it and
when, which channel's watch rule applies, what an edit does, whether analysis leaves the event
loop, whether the message arrived without its text (the Message Content intent off), and what it
answers.

What a message answers (issue 14: a reaction need not name what it reacts to): is the message it
replies to, or its thread's opening post, a request message? The service says which message a
message answers (`bot.watch.service`); `context_of` decides whether that one is a request, as
cheaply as it can: a bounded memory of the verdicts this process reached (every watched message
gets one, so a reply to a recent message costs no database read), then the log (a logged row is
a request), then the answered message's own text (sent along with a reply, or read from Discord
once: a thread opened before the bot came), read alone. What is learned is remembered, and so is
a message that could not be read (deleted, or in a channel the bot cannot read): its replies say
that their context was missing, without asking Discord again. A message that answers nothing
(no reply; in a thread, an opening post that is not a request) may still follow a request
message of its channel posted minutes before: the memory keeps each channel's last few, noted
with the verdicts.

Messages without text: that is what happens when the Message Content intent is switched off for
the application while Clamor runs: the session goes on, messages arrive empty, and nothing can
be read as a request but the title of a forum post (a channel's name, which needs no intent).
Discord refuses the intent only at the next connect (close code 4014, on which `clamor run`
stops with a line saying what to do).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal

from bot.analysis import NO_CONTEXT, Context

# Discord message types that are a person's own words: DEFAULT (0) and REPLY (19). Joins (7),
# pins, boosts, thread starters and command responses are Discord's or an app's voice.
USER_MESSAGE_TYPES = frozenset({0, 19})

# Above this many characters analysis runs in a worker thread. Measured on a shared 2-core box
# (best of 3, score_all=False): 30 chars 0.4 ms, 500 chars 2.3 ms, 1,000 chars 3.8 ms, a 4,000-char
# request 6.4 ms, 2,000 emoji after a request 3.1 ms. 300 characters keeps the loop under ~2 ms.
INLINE_MAX_CHARS = 300

EditOutcome = Literal["write", "remove", "nothing"]
DISCORD_EPOCH_MS = 1420070400000  # a snowflake's top bits: milliseconds since 2015-01-01 UTC


def posted_at(message_id: int) -> float:
    """When a message was created, in Unix seconds, from its snowflake id: the same float as
    ``discord.utils.snowflake_time(id).timestamp()`` without building a datetime per message."""
    return ((message_id >> 22) + DISCORD_EPOCH_MS) / 1000


def is_member_post(*, author_is_bot: bool, webhook_id: int | None, message_type: int) -> bool:
    """A message a member typed: not a bot (Clamor included), not a webhook, not a system event."""
    return not author_is_bot and webhook_id is None and message_type in USER_MESSAGE_TYPES


def watch_key(channel_id: int, parent_id: int | None) -> int:
    """The channel whose watch rule applies: a thread or forum post follows its parent."""
    return channel_id if parent_id is None else parent_id


def analyse_off_loop(text: str) -> bool:
    """Whether analysing `text` could hold the event loop for more than a couple of ms."""
    return len(text) > INLINE_MAX_CHARS


def edit_needs_analysis(stored: str | None, cached: str | None, new: str | None) -> bool:
    """Whether an edit must be analysed again.

    `stored` is the logged row's content (None: not logged), `cached` the content discord.py
    remembered from before the edit (None: not cached), `new` the content after it (None: the
    update carried no content, e.g. an embed unfurl). The row is the reference when there is
    one; otherwise only a known-identical cached text spares the work.
    """
    if new is None:
        return False
    if stored is not None:
        return stored != new
    return cached != new


def edit_outcome(*, logged: bool, request: bool) -> EditOutcome:
    """What a re-analysed edit does: a request is (re)written, a former request leaves the log."""
    if request:
        return "write"
    return "remove" if logged else "nothing"


# -- what a message answers ------------------------------------------------------------------

REMEMBERED_VERDICTS = 65_536
# A channel's flow: its last few request messages; a message follows one posted at most this
# long before it (Discord's timestamps, so history reads the same as live), and only the first
# few messages after a request do (in a busy channel most of what comes later is about something
# else, and each chat message read in a flow costs a full analysis: a median 83 us against 9 us
# when the topic gate turns it away). The real corpus has no channel timing to tune the window
# on; its flow analog is "one of the 3 messages before it is a request".
FLOW_REQUESTS_KEPT = 3
FLOW_WINDOW_SECONDS = 300.0
FLOW_FOLLOWERS = 3
FLOW_CHANNELS = 4096  # channels whose flow is kept, the least recently active dropped first


@dataclass(frozen=True, slots=True)
class Place:
    """Where and when a message was posted, for its channel's flow; `link` is the jump link of
    the channel, to which a message id is appended."""

    message_id: int
    channel_id: int
    at: float  # Unix seconds, from Discord's timestamps
    link: str


@dataclass(slots=True)
class _FlowEntry:
    """A request message of a channel's flow, and the messages read after it that followed it."""

    message_id: int
    at: float
    followers: list[int] = field(default_factory=list)


class ConversationMemory:
    """The request verdicts of the last messages this process read or looked up: True, False,
    or None for a message that could not be read."""

    def __init__(
        self,
        size: int = REMEMBERED_VERDICTS,
        *,
        flow_kept: int = FLOW_REQUESTS_KEPT,
        flow_window: float = FLOW_WINDOW_SECONDS,
        flow_followers: int = FLOW_FOLLOWERS,
        flow_channels: int = FLOW_CHANNELS,
    ) -> None:
        self.size = size
        self.flow_kept = flow_kept
        self.flow_window = flow_window
        self.flow_followers = flow_followers
        self.flow_channels = flow_channels
        self._verdicts: OrderedDict[int, bool | None] = OrderedDict()
        # Per channel, its last request messages, oldest first.
        self._flows: OrderedDict[int, list[_FlowEntry]] = OrderedDict()

    def note(self, message_id: int, request: bool | None, *, place: Place | None = None) -> None:
        """Remember a verdict; with `place`, the message was read in that channel, and a
        request becomes part of the channel's flow."""
        self._verdicts[message_id] = request
        self._verdicts.move_to_end(message_id)
        if len(self._verdicts) > self.size:
            self._verdicts.popitem(last=False)
        if request and place is not None:
            self._join_flow(place.channel_id, message_id, place.at)

    def _join_flow(self, channel_id: int, message_id: int, at: float) -> None:
        flow = self._flows.get(channel_id)
        if flow is None:
            flow = self._flows[channel_id] = []
            if len(self._flows) > self.flow_channels:
                self._flows.popitem(last=False)
        else:
            self._flows.move_to_end(channel_id)
            flow[:] = [entry for entry in flow if entry.message_id != message_id]  # an edit
        flow.append(_FlowEntry(message_id, at))
        flow.sort(key=lambda entry: entry.at)  # history read after live messages comes earlier
        del flow[: -self.flow_kept]

    def flowing(self, channel_id: int) -> bool:
        """Whether the channel has request messages remembered (most have none)."""
        return channel_id in self._flows

    def follows(self, place: Place) -> int | None:
        """The latest request message of the channel posted before the message at `place`,
        within the window before it, if the message is one of the first few read after it
        (the same message read again gets the same answer); None otherwise."""
        flow = self._flows.get(place.channel_id)
        if flow is None:
            return None
        message_id = place.message_id
        for entry in reversed(flow):
            if (
                entry.message_id != message_id
                and place.at - self.flow_window <= entry.at <= place.at
            ):
                if message_id in entry.followers:
                    return entry.message_id
                if len(entry.followers) < self.flow_followers:
                    entry.followers.append(message_id)
                    return entry.message_id
                return None
        return None

    def knows(self, message_id: int) -> bool:
        return message_id in self._verdicts

    def verdict(self, message_id: int) -> bool | None:
        """True for a request message; False for another, or one not known (see `knows`)."""
        return self._verdicts.get(message_id)

    def forget(self, message_ids: list[int], *, channel_id: int | None = None) -> None:
        """Forget deleted messages (or one that stopped being a request); with `channel_id`,
        also in that channel's flow."""
        for message_id in message_ids:
            self._verdicts.pop(message_id, None)
        flow = self._flows.get(channel_id) if channel_id is not None else None
        if flow:
            gone = set(message_ids)
            flow[:] = [entry for entry in flow if entry.message_id not in gone]

    def forget_channel(self, channel_id: int) -> None:
        """Forget a deleted channel's flow (its messages' verdicts age out: nothing can answer
        a message of a deleted channel)."""
        self._flows.pop(channel_id, None)


async def context_of(
    memory: ConversationMemory,
    answered_id: int | None,
    *,
    link: str,
    logged: Callable[[int], Awaitable[bool]],
    judge_text: Callable[[], Awaitable[bool | None]],
    missing: bool = False,
    flow: Place | None = None,
) -> Context:
    """The context of a message that answers `answered_id` (None: it answers nothing). `logged`
    says whether an id has a row in the log; `judge_text` analyses the answered message's text
    (None when it could not be read). `flow`: where the message was posted, when it
    may follow a request of its channel: not a reply (it answers the message it replies to,
    a request or not), and in a thread only when the opening post is not a request."""
    if answered_id is None:
        return Context(False, missing=True) if missing else flow_context(memory, flow)
    if not memory.knows(answered_id):
        verdict = True if await logged(answered_id) else await judge_text()
        memory.note(answered_id, verdict)
    verdict = memory.verdict(answered_id)
    if verdict is None:
        return Context(False, link, message_id=answered_id, missing=True)
    return Context(True, link, message_id=answered_id) if verdict else flow_context(memory, flow)


def flow_context(memory: ConversationMemory, place: Place | None) -> Context:
    """The context of a message from its channel's flow alone (`context_of`'s last resort)."""
    earlier = None if place is None else memory.follows(place)
    if place is None or earlier is None:
        return NO_CONTEXT
    return Context(True, f"{place.link}{earlier}", message_id=earlier, flow=True)


# -- messages without their text -------------------------------------------------------------

INTENT_HELP = (
    "Developer Portal (https://discord.com/developers/applications) -> the app -> Bot -> "
    "Privileged Gateway Intents -> Message Content Intent"
)


def arrived_without_text(
    *, content: str, attachments: int, embeds: int, stickers: int, polls: int, forwards: int
) -> bool:
    """Whether a member's post arrived with nothing in it. Discord refuses to send an empty
    message, so only a missing Message Content intent explains one (it blanks the text,
    attachments, embeds, polls and forwarded messages, but not stickers)."""
    return not (content or attachments or embeds or stickers or polls or forwards)


Change = Literal["missing", "back"]


@dataclass(slots=True)
class MessageTextWatch:
    """Since when members' messages arrive without their text (None: they carry it)."""

    missing_since: float | None = None

    def observe(self, *, without_text: bool, at: float) -> Change | None:
        """Record one member's post; returns the change it shows, if any, to be said once."""
        if without_text and self.missing_since is None:
            self.missing_since = at
            return "missing"
        if not without_text and self.missing_since is not None:
            self.missing_since = None
            return "back"
        return None
