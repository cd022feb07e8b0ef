"""Tone: VADER for everything but Spanish, built once per process and fed bounded text.

VADER's rules re-scan the whole word list for every sentiment word, so its cost grows with the
square of the text (800 emoji take most of a second). Tone is a property of a message, not of
every word in a wall of text, so VADER gets at most ``MAX_TONE_CHARS`` characters (the start and
the end, where the reaction usually is), runs of one character cut to three, and at most
``MAX_TONE_EMOJI`` emoji.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache

from vaderSentiment.vaderSentiment import NEGATE, SentimentIntensityAnalyzer

from bot.analysis.emoji import EMOJI_CHAR, is_emoji
from bot.analysis.lexicon import LexiconError, read_table
from bot.analysis.model import NEUTRAL_TONE, Cue, Tone

MAX_TONE_CHARS = 480
MAX_TONE_EMOJI = 16
_HEAD_SHARE = 2 / 3
_RUN = re.compile(r"(.)\1{3,}", re.DOTALL)
_TOKEN_EDGES = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~¿¡…"
_NEGATIONS = frozenset(NEGATE)
TONE_CUES = 3

_lock = threading.Lock()
_analyzer: SentimentIntensityAnalyzer | None = None


@dataclass(frozen=True, slots=True)
class ToneResult:
    tone: Tone
    cues: tuple[Cue, ...] = ()


@cache
def chat_emoji_valence() -> dict[str, float]:
    """Emoji VADER scores 0 or backwards (🤡, 🔥), from ``emoji_valence.tsv``."""
    table: dict[str, float] = {}
    for row in read_table("emoji_valence.tsv", 3):
        emoji, valence, _note = row.cells
        try:
            table[emoji] = float(valence)
        except ValueError as error:
            raise LexiconError(f"{row.source}:{row.line}: valence {valence!r}") from error
    return table


def vader() -> SentimentIntensityAnalyzer:
    """The process-wide analyser: built on first use (0.02 s, reads two lexicon files), never
    again; the lock keeps two executor threads from both building it."""
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                analyzer = SentimentIntensityAnalyzer()
                # VADER swaps an emoji for its name before scoring; give the chat emoji a token
                # of their own with the valence they carry on Discord.
                for emoji, valence in chat_emoji_valence().items():
                    token = f"emoji{ord(emoji[0]):x}"
                    analyzer.emojis[emoji] = token
                    analyzer.lexicon[token] = valence
                _analyzer = analyzer
    return _analyzer


def bound_text(text: str) -> str:
    """At most MAX_TONE_CHARS characters and MAX_TONE_EMOJI emoji, runs cut to three."""
    text = _RUN.sub(r"\1\1\1", text)
    if len(text) > MAX_TONE_CHARS:
        head_size = int(MAX_TONE_CHARS * _HEAD_SHARE)
        head = text[:head_size].rsplit(" ", 1)[0]
        tail = text[-(MAX_TONE_CHARS - head_size) :].split(" ", 1)[-1]
        text = f"{head} {tail}"
    emoji = [match.start() for match in EMOJI_CHAR.finditer(text)]
    if len(emoji) <= MAX_TONE_EMOJI:
        return text
    drop = set(emoji[MAX_TONE_EMOJI:])
    return "".join(char for index, char in enumerate(text) if index not in drop)


def _word_valence(word: str) -> float:
    analyzer = vader()
    if word in analyzer.lexicon:
        return float(analyzer.lexicon[word])
    return 0.0


def emoji_valence(char: str) -> float:
    """VADER's valence for one emoji: the lexicon values of the words of its name."""
    analyzer = vader()
    name = analyzer.emojis.get(char)
    if name is None:
        return 0.0
    return sum(_word_valence(word) for word in name.lower().split())


def english_cues(text: str) -> tuple[Cue, ...]:
    """The words (and emoji) with the largest VADER lexicon valence, negation applied."""
    scored: dict[str, float] = {}
    previous: list[str] = []
    for raw in text.split():
        word = raw.strip(_TOKEN_EDGES).lower()
        valence = _word_valence(word) if word else 0.0
        if valence and any(p in _NEGATIONS or p.endswith("n't") for p in previous[-3:]):
            valence *= -0.74
        for char in raw:
            if is_emoji(char):
                emoji_value = emoji_valence(char)
                if emoji_value:
                    scored.setdefault(char, emoji_value)
        if valence:
            scored.setdefault(raw.strip(_TOKEN_EDGES), valence)
        previous.append(word)
    return top_cues(scored)


def top_cues(scored: dict[str, float]) -> tuple[Cue, ...]:
    ranked = sorted(scored.items(), key=lambda item: -abs(item[1]))[:TONE_CUES]
    return tuple(Cue("tone", word, f"valence {value:+.1f}", value) for word, value in ranked)


def score_english(clean: str) -> ToneResult:
    """VADER on bounded text, plus the words that moved it."""
    if not clean:
        return ToneResult(NEUTRAL_TONE)
    text = bound_text(clean)
    scores = vader().polarity_scores(text)
    tone = Tone(
        compound=max(-1.0, min(1.0, float(scores["compound"]))),
        pos=float(scores["pos"]),
        neu=float(scores["neu"]),
        neg=float(scores["neg"]),
    )
    if tone.pos == tone.neg == tone.neu == 0.0:
        tone = NEUTRAL_TONE  # VADER returns all zeros when no word survives its tokeniser
    return ToneResult(tone, english_cues(text))
