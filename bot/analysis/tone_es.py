"""Spanish tone: a small curated valence lexicon scored the way VADER scores English.

VADER is English-only: "odio", "genial" or "jamás" score 0 there, and "no" counts as a negative
word. This mirrors VADER's arithmetic (valence sum, negation x -0.74, boosters +-0.293, ALL CAPS
+-0.733, "pero" weighting, "!" emphasis, compound = x / sqrt(x^2 + 15)) so Spanish and English
compounds are comparable in one digest. Emoji keep their VADER / chat valence.

Where Spanish differs from what VADER's rules assume: a negation or a booster reaches only within
its clause, fixed phrases ("vale la pena", "de puta madre") are read as one word because their
words alone mislead, losing a good thing ("perdí la esperanza") negates it, and "bien" before a
sentiment word is "very", not "well".
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import NamedTuple

from bot.analysis.emoji import is_emoji
from bot.analysis.folding import fold_lower
from bot.analysis.lexicon import LexiconError, read_table
from bot.analysis.results import NEUTRAL_TONE, Tone
from bot.analysis.tone import ToneResult, bound_text, emoji_valence, top_cues

NEGATORS = frozenset(
    {"no", "nunca", "jamas", "tampoco", "ni", "sin", "nadie", "ningun", "ninguna", "ninguno",
     "ningunos", "ningunas", "nada",
     # Losing or lacking a good thing is a bad thing: "perdi la esperanza", "falta de respeto".
     "perdi", "perdimos", "perdio", "perdieron", "pierdo", "perder", "perdiendo", "perdido",
     "perdida", "falta"}
)  # fmt: skip
# "no solo es rapido, sino ..." adds to what follows instead of denying it.
_NOT_NEGATING_AFTER_NO = frozenset({"solo", "solamente", "unicamente"})
BOOSTERS = frozenset(
    {"muy", "super", "re", "demasiado", "tan", "bastante", "mega", "ultra", "sumamente",
     "extremadamente", "realmente", "totalmente", "increiblemente", "mas", "bien", "mucho",
     "muchisimo", "muchas", "muchisimas", "tremendo", "tremenda", "absolutamente",
     "completamente", "enormemente", "terriblemente"}
)  # fmt: skip
DAMPENERS = frozenset({"poco", "algo", "medio", "casi", "apenas", "ligeramente", "relativamente"})
_NEGATION_SCALAR = -0.74
_BOOST = 0.293
_CAPS_BOOST = 0.733
_ALPHA = 15.0
_WINDOW = 3  # words before a sentiment word that may negate or boost it, as in VADER
_LAUGH = re.compile(r"(?:ja|je|ji|js|xa){2,}[ja]?|(?:ha){2,}h?|x+d+")
_TOKEN = re.compile(r"[^\W\d_]+|[^\w\s]|\n")  # words, and symbols: emoji and clause breaks
# A negation or a booster speaks to its own clause: "No. Es genial" is not "no es genial".
_CLAUSE_BREAKS = frozenset(".,;:!?¿¡…\n")
# Chat stretches words ("graciasss", "geniaaal", "nooo"); Spanish never writes a letter 3 times.
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")


@cache
def spanish_lexicon() -> dict[str, float]:
    """Words and fixed phrases ("vale la pena") with their valence; phrase words are spaced."""
    table: dict[str, float] = {}
    for row in read_table("tone_es.tsv", 2):
        word, valence = row.cells
        try:
            table[word] = float(valence)
        except ValueError as error:
            raise LexiconError(f"{row.source}:{row.line}: valence {valence!r}") from error
    return table


@cache
def _phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Phrases of the lexicon by their first word, longest first."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for entry in spanish_lexicon():
        words = tuple(entry.split())
        if len(words) > 1:
            by_first.setdefault(words[0], []).append(words)
    return {first: tuple(sorted(found, key=len, reverse=True)) for first, found in by_first.items()}


def _known(word: str) -> bool:
    return (
        word in spanish_lexicon()
        or word in NEGATORS
        or word in BOOSTERS
        or word in DAMPENERS
        or word == "pero"
    )


def _unstretch(word: str) -> str:
    if _known(word) or not _STRETCHED.search(word) or _LAUGH.fullmatch(word):
        return word
    for letters in (r"\1", r"\1\1"):
        shortened = _STRETCHED.sub(letters, word)
        if _known(shortened):
            return shortened
    return word


def _token_valence(token: str) -> float:
    if len(token) == 1 and is_emoji(token):
        return emoji_valence(token)
    valence = spanish_lexicon().get(token)
    if valence is not None:
        return valence
    return 1.6 if _LAUGH.fullmatch(token) else 0.0


def _emphasis(text: str, total: float) -> float:
    exclamations = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    question_boost = 0.0 if questions < 2 else (questions * 0.18 if questions <= 3 else 0.96)
    boost = exclamations + question_boost
    return total + boost if total > 0 else total - boost if total < 0 else total


class _Unit(NamedTuple):
    """A word, or a phrase of the lexicon read as one word, in the clause it belongs to."""

    word: str  # folded; a phrase's words joined by spaces
    written: str  # as the member wrote it
    shouted: bool
    clause: int


def _units(text: str) -> list[_Unit]:
    words: list[tuple[str, str, int]] = []
    clause = 0
    for token in _TOKEN.findall(text):
        if token in _CLAUSE_BREAKS:
            clause += 1
        elif token.isalpha() or is_emoji(token):
            words.append((_unstretch(fold_lower(token)), token, clause))
    units: list[_Unit] = []
    index = 0
    while index < len(words):
        word, written, clause = words[index]
        length = 1
        for phrase in _phrases().get(word, ()):
            end = index + len(phrase)
            candidate = words[index:end]
            if len(candidate) == len(phrase) and all(
                found == expected and where == clause
                for (found, _, where), expected in zip(candidate, phrase, strict=True)
            ):
                length = len(phrase)
                word = " ".join(phrase)
                written = " ".join(raw for _, raw, _ in candidate)
                break
        shouted = written.replace(" ", "").isupper() and len(written) > 1
        units.append(_Unit(word, written, shouted, clause))
        index += length
    return units


def _negated(before: list[_Unit]) -> bool:
    for position, unit in enumerate(before):
        if unit.word in NEGATORS:
            following = before[position + 1].word if position + 1 < len(before) else ""
            if not (unit.word == "no" and following in _NOT_NEGATING_AFTER_NO):
                return True
    return False


def _boosts_next(units: list[_Unit], index: int) -> bool:
    following = units[index + 1] if index + 1 < len(units) else None
    return (
        following is not None
        and following.clause == units[index].clause
        and _token_valence(following.word) != 0.0
    )


def score_spanish(clean: str) -> ToneResult:
    if not clean:
        return ToneResult(NEUTRAL_TONE)
    text = bound_text(clean)
    units = _units(text)
    mixed_caps = any(unit.shouted for unit in units) and not all(unit.shouted for unit in units)
    sentiments: list[float] = []
    cues: dict[str, float] = {}
    for index, unit in enumerate(units):
        valence = _token_valence(unit.word)
        if valence and unit.word in BOOSTERS and _boosts_next(units, index):
            valence = 0.0  # "bien malo" is "very bad": "bien" only intensifies here
        if valence:
            before = [
                previous
                for previous in units[max(0, index - _WINDOW) : index]
                if previous.clause == unit.clause
            ]
            for distance, previous in enumerate(reversed(before)):
                step = _BOOST * (1.0 - 0.05 * distance)
                if previous.word in BOOSTERS:
                    valence += step if valence > 0 else -step
                elif previous.word in DAMPENERS:
                    valence -= step if valence > 0 else -step
            if _negated(before):
                valence *= _NEGATION_SCALAR
            if unit.shouted and mixed_caps:
                valence += _CAPS_BOOST if valence > 0 else -_CAPS_BOOST
            cues.setdefault(unit.written, valence)
        sentiments.append(valence)
    words = [unit.word for unit in units]
    if "pero" in words:
        # As VADER does with "but": what follows "pero" is what the writer means.
        pivot = words.index("pero")
        sentiments = [
            s * 0.5 if i < pivot else s * 1.5 if i > pivot else s for i, s in enumerate(sentiments)
        ]
    return ToneResult(_to_tone(sentiments, text), top_cues(cues))


def _to_tone(sentiments: list[float], text: str) -> Tone:
    if not sentiments:
        return NEUTRAL_TONE
    total = _emphasis(text, sum(sentiments))
    compound = total / math.sqrt(total * total + _ALPHA)
    positive = sum(s + 1 for s in sentiments if s > 0)
    negative = sum(s - 1 for s in sentiments if s < 0)
    neutral = sum(1 for s in sentiments if s == 0)
    emphasis = abs(total - sum(sentiments))
    if positive > abs(negative):
        positive += emphasis
    elif positive < abs(negative):
        negative -= emphasis
    whole = positive + abs(negative) + neutral
    if whole == 0:
        return NEUTRAL_TONE
    return Tone(
        compound=round(max(-1.0, min(1.0, compound)), 4),
        pos=round(positive / whole, 3),
        neu=round(neutral / whole, 3),
        neg=round(abs(negative) / whole, 3),
    )
