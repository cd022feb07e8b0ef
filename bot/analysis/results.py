"""The result types of analysing one chat message."""

from __future__ import annotations

from typing import Literal, NamedTuple

Category = Literal["demand", "frustration", "optimism", "skepticism", "defeatism"]
CATEGORIES: tuple[Category, ...] = ("demand", "frustration", "optimism", "skepticism", "defeatism")

CueKind = Literal[
    "request",
    "category",
    "tone",
    "target",
    "alternative",
    "ignore",
    "language",
    "context",
    "learning",
]


class Tone(NamedTuple):
    """VADER-style scores: compound in [-1, 1]; pos + neu + neg == 1 (or all 0 for empty text)."""

    compound: float
    pos: float
    neu: float
    neg: float


NEUTRAL_TONE = Tone(compound=0.0, pos=0.0, neu=1.0, neg=0.0)


class Cue(NamedTuple):
    """One piece of evidence behind a decision, kept so the bot can explain itself."""

    kind: CueKind
    text: str  # the word, phrase or rule name that fired
    detail: str = ""  # optional human explanation, e.g. "call to open-source"
    weight: float = 0.0


class GuildTerms(NamedTuple):
    """Per-guild vocabulary a moderator added: extra targets, request keywords, ignore phrases."""

    targets: frozenset[str] = frozenset()
    keywords: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()


NO_TERMS = GuildTerms()


class Context(NamedTuple):
    """What a message answers, as its caller sees the conversation: the message it replies to,
    the opening post of the thread it is in, or else the channel's flow (a request message
    posted in the same channel minutes before). In an open-sourcing conversation a reaction
    need not name what it reacts to ("we're still waiting :(", "olvídense")."""

    answers_request: bool  # the replied-to message or the thread's opener is a request message
    link: str = ""  # where that message is (a jump link or an id), for explanations
    message_id: int | None = None  # that message's id, where it is a Discord message
    missing: bool = False  # there was something to answer, but it could not be read
    # The request message only came shortly before in the same channel: a weaker sign than a
    # reply, since a busy channel's chat between requests is mostly about something else.
    flow: bool = False


NO_CONTEXT = Context(answers_request=False)
# The context cue's detail when the channel's flow was the context: a stored row keeps its cues,
# not its context, and a rescore reads the row in a flow again by it.
FLOW_CUE = "follows a request message in this channel"


class Analysis(NamedTuple):
    """Everything Clamor decides about one message."""

    text: str
    clean: str
    language: str  # ISO 639-1 code ("en", "es", ...) or "und" when unknown
    request: bool
    category: Category | None  # None when not a request message
    tone: Tone
    targets: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()
    cues: tuple[Cue, ...] = ()
    replies_to: int | None = None  # the request message it answers, where the caller knows


def team_answer(analysis: Analysis) -> Analysis:
    """A message by the server's team as Clamor counts it: the team answers requests, so none of
    its messages is one, whatever its words (the bot, `clamor analyze`, `clamor classify`)."""
    cues = tuple(cue for cue in analysis.cues if cue.kind != "category")
    return analysis._replace(request=False, category=None, cues=cues)


class Adaptation(NamedTuple):
    """A server's own corrections' verdict on a message (``bot/learning``): request or not, the
    category they point to (None: the model's stands), and the cue that explains it."""

    request: bool
    category: Category | None
    cue: Cue
