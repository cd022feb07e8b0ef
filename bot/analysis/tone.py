"""Tone: VADER for everything but Spanish, built once per process and fed bounded text.

VADER's tables come from vaderSentiment, with Clamor's additions; its rules are computed by
``vader_scoring`` (the same numbers as ``polarity_scores``, at a fraction of the cost).

vaderSentiment's own code re-scans the whole word list for every sentiment word, so its cost
grows with the square of the text (800 emoji take most of a second). Tone is a property of a
message, not of every word in a wall of text, so VADER gets (and, since the bound shapes the
scores, still gets) at most ``MAX_TONE_CHARS`` characters (the start and
the end, where the reaction usually is), runs of one character cut to four, and at most
``MAX_TONE_EMOJI`` emoji.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import NamedTuple

from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SentimentIntensityAnalyzer

from bot.analysis.emoji import EMOJI_CHAR, is_emoji
from bot.analysis.lexicon import LexiconError, read_table
from bot.analysis.results import NEUTRAL_TONE, Cue, Tone
from bot.analysis.vader_scoring import CLAUSE_ENDS, EXTRA_NEGATORS, VaderScorer

MAX_TONE_CHARS = 480
MAX_TONE_EMOJI = 16
_HEAD_SHARE = 2 / 3
# VADER's emphasis counts up to four "!" (and "?"), so runs are cut to four, not fewer.
_RUN = re.compile(r"(.)\1{4,}", re.DOTALL)
_TOKEN_EDGES = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~¿¡…"
# VADER only negates a sentiment word after "not", "never", "n't" and friends; chat puts the
# negation in the subject as often ("nobody likes this", "noone asked for this": EXTRA_NEGATORS).
_NEGATIONS = frozenset(NEGATE) | EXTRA_NEGATORS
TONE_CUES = 3

_lock = threading.Lock()
_analyzer: SentimentIntensityAnalyzer | None = None
_scorer: VaderScorer | None = None
_phrases: dict[str, str] = {}
_phrase_regex: re.Pattern[str] | None = None


class ToneResult(NamedTuple):
    tone: Tone
    cues: tuple[Cue, ...] = ()


def _valence_table(name: str) -> dict[str, float]:
    """A `token <TAB> valence <TAB> note` table from the package data."""
    table: dict[str, float] = {}
    for row in read_table(name, 3):
        token, valence, _note = row.cells
        try:
            table[token] = float(valence)
        except ValueError as error:
            raise LexiconError(f"{row.source}:{row.line}: valence {valence!r}") from error
    return table


@cache
def chat_emoji_valence() -> dict[str, float]:
    """Emoji VADER scores 0 or backwards (🤡, 🔥), from ``emoji_valence.tsv``."""
    return _valence_table("emoji_valence.tsv")


def _join_lexicon_phrases(analyzer: SentimentIntensityAnalyzer) -> None:
    """VADER splits on spaces before looking words up, so the multi-word entries of its
    lexicon ("fed up", "can't stand") never match; give each a one-token spelling that does
    (``join_phrases`` rewrites the text to use it)."""
    global _phrase_regex
    for phrase in [key for key in analyzer.lexicon if " " in key]:
        token = "".join(char for char in phrase if char.isalpha())
        if token and token not in analyzer.lexicon:
            _phrases[phrase] = token
            analyzer.lexicon[token] = analyzer.lexicon[phrase]
    if _phrases:
        alternatives = "|".join(re.escape(phrase) for phrase in sorted(_phrases, key=len)[::-1])
        _phrase_regex = re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])", re.IGNORECASE)


# A word stretched for emphasis ("sooooo goood", "yesss", "noooo"): letters run three or more.
_STRETCHED = re.compile(r"\b[^\W\d_]*([^\W\d_])\1\1[^\W\d_]*\b")
_LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}")


def unstretch(text: str) -> str:
    """Write stretched words the way VADER's lexicon spells them ("goooood" -> "good",
    "sooo" -> "so"), when the spelling with runs cut to two letters, or else to one, is a
    word VADER knows; other stretched words are left as they are."""
    # A stretched word holds a run of three letters: most text has none, found faster alone.
    if not _LETTER_RUN.search(text) or not _STRETCHED.search(text):
        return text
    known = vader().lexicon

    def respell(match: re.Match[str]) -> str:
        word = match.group(0)
        for run in (r"\1\1", r"\1"):
            candidate = _LETTER_RUN.sub(run, word)
            lowered = candidate.lower()
            if lowered in known or lowered in BOOSTER_DICT or lowered in _NEGATIONS:
                return candidate
        return word

    return _STRETCHED.sub(respell, text)


def join_phrases(text: str) -> str:
    if _phrase_regex is None:
        return text
    return _phrase_regex.sub(lambda match: _phrases[match.group(0).lower()], text)


@cache
def chat_lexicon() -> dict[str, float]:
    """Chat words and emoticons VADER does not know, from ``chat_lexicon.tsv``."""
    return _valence_table("chat_lexicon.tsv")


def vader() -> SentimentIntensityAnalyzer:
    """The process-wide analyser: built on first use (0.02 s, reads two lexicon files), never
    again; the lock keeps two executor threads from both building it."""
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                analyzer = SentimentIntensityAnalyzer()
                _join_lexicon_phrases(analyzer)
                for token, valence in chat_lexicon().items():
                    analyzer.lexicon.setdefault(token, valence)
                # VADER swaps an emoji for its name before scoring; give the chat emoji a token
                # of their own with the valence they carry on Discord.
                for emoji, valence in chat_emoji_valence().items():
                    token = f"emoji{ord(emoji[0]):x}"
                    analyzer.emojis[emoji] = token
                    analyzer.lexicon[token] = valence
                _analyzer = analyzer
    return _analyzer


def english_scorer() -> VaderScorer:
    """VADER's rules over the process-wide analyser's lexicon (built again if that is)."""
    global _scorer
    lexicon = vader().lexicon
    scorer = _scorer
    if scorer is None or scorer.lexicon is not lexicon:
        scorer = _scorer = VaderScorer(lexicon)
    return scorer


def bound_text(text: str) -> str:
    """At most MAX_TONE_CHARS characters and MAX_TONE_EMOJI emoji, runs cut to four."""
    text = _RUN.sub(r"\1\1\1\1", text)
    if len(text) > MAX_TONE_CHARS:
        head_size = int(MAX_TONE_CHARS * _HEAD_SHARE)
        head = text[:head_size].rsplit(" ", 1)[0]
        tail = text[-(MAX_TONE_CHARS - head_size) :].split(" ", 1)[-1]
        text = f"{head} {tail}"
    if text.isascii():  # no emoji is ASCII
        return text
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
    lexicon = vader().lexicon
    for raw in text.split():
        word = raw.strip(_TOKEN_EDGES).lower()
        valence = float(lexicon[word]) if word and word in lexicon else 0.0
        if valence and any(p in _NEGATIONS or p.endswith("n't") for p in previous[-3:]):
            valence *= -0.74
        # No emoji is ASCII: most words need no look at their characters.
        for char in () if raw.isascii() else raw:
            if is_emoji(char):
                emoji_value = emoji_valence(char)
                if emoji_value:
                    scored.setdefault(char, emoji_value)
        if valence:
            scored.setdefault(raw.strip(_TOKEN_EDGES), valence)
        if raw.endswith(CLAUSE_ENDS):  # "never release it, closedAI" does not deny "closedAI"
            previous.clear()
        else:
            previous.append(word)
    return top_cues(scored)


def spell_emoji(analyzer: SentimentIntensityAnalyzer, text: str) -> str:
    """The text with emoji replaced by their names exactly as ``polarity_scores`` does first,
    so that its words are the words VADER's checks index (a name may be several words)."""
    if text.isascii():  # VADER names no ASCII character
        return text.strip()
    pieces: list[str] = []
    after_space = True
    for char in text:
        name = analyzer.emojis.get(char)
        if name is None:
            pieces.append(char)
            after_space = char == " "
            continue
        if not after_space:
            pieces.append(" ")
        pieces.append(name)
        after_space = False
    return "".join(pieces).strip()


def top_cues(scored: dict[str, float]) -> tuple[Cue, ...]:
    ranked = sorted(scored.items(), key=lambda item: -abs(item[1]))[:TONE_CUES]
    return tuple(Cue("tone", word, f"valence {value:+.1f}", value) for word, value in ranked)


def prepare_english(clean: str) -> tuple[str, str]:
    """The text the cues are read from (bounded, unstretched, phrases joined) and the same with
    its emoji spelled, which VADER's rules score."""
    text = join_phrases(unstretch(bound_text(clean)))
    return text, spell_emoji(vader(), text)


def score_english(clean: str, *, explain: bool = True) -> ToneResult:
    """VADER on bounded text, plus the words that moved it (``explain=False``: without them)."""
    if not clean:
        return ToneResult(NEUTRAL_TONE)
    text, spelled = prepare_english(clean)
    tone = english_scorer().scores(spelled)
    if tone.pos == tone.neg == tone.neu == 0.0:
        tone = NEUTRAL_TONE  # VADER gives all zeros when no word survives its tokeniser
    return ToneResult(tone, english_cues(text) if explain else ())
