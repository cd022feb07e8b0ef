"""VADER's scoring rules, computed once per word: the same four numbers as vaderSentiment's
``polarity_scores``, to the last bit, for text whose emoji are already spelled out.

vaderSentiment re-lowercases the whole word list for every rule it applies to every word
(negation three times, idioms once), and runs every check on words that are in no table. Here
each token is cut and lowercased once, a word outside the lexicon costs one lookup, the idiom
tables are looked up only when a word that starts an idiom is near, and the arithmetic is done
in VADER's order so that every float comes out the same. The data (lexicon, boosters, negators,
idioms, constants) is vaderSentiment's own, imported from the installed package.

Clamor's one change to VADER's rules lives here too: a negator is read only within its clause
("they'll never release it, closedAI as usual" does not deny "closedAI"), and the subject
negators VADER does not know ("nobody likes this") deny praise.
"""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from typing import NamedTuple

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
)

from bot.analysis.results import Tone

# A word ending in one of these ends a clause (VADER drops the punctuation before it looks back).
CLAUSE_ENDS = (",", ";", ":", ".", "!", "?", "…")
# Subject negators chat uses that VADER's NEGATE list lacks.
EXTRA_NEGATORS = frozenset({"nobody", "noone", "no-one", "nobody's"})
_NO_WORDS = Tone(compound=0.0, pos=0.0, neu=0.0, neg=0.0)
# What VADER's sums come to when no word is in the lexicon: every word neutral.
_NO_SENTIMENT = Tone(compound=0.0, pos=0.0, neu=1.0, neg=0.0)

_PUNCTUATION = string.punctuation
_NEGATORS = frozenset(NEGATE)
_SO_THIS = ("so", "this")
# "least" turns the next word around unless "at least" or "very least".
_LEAST_KEEPERS = ("at", "very")
# Idioms and multi-word boosters ("kind of") as word tuples; VADER matches them against words
# joined by single spaces, and a word never holds a space, so a tuple matches the same runs.
_SPECIAL = {
    tuple(key.split(" ")): float(value) for key, value in SPECIAL_CASES.items() if " " in key
}
_BOOSTER_RUNS = {tuple(key.split(" ")): value for key, value in BOOSTER_DICT.items() if " " in key}
_RUN_STARTS = frozenset(run[0] for run in (*_SPECIAL, *_BOOSTER_RUNS))
_EXCLAMATION_STEP = 0.292
_QUESTION_STEP = 0.18
_QUESTIONS_MAX = 0.96
_ALPHA = 15


class _Words(NamedTuple):
    """One text's words as the rules read them."""

    tokens: list[str]  # as split on whitespace (a clause ends with a token's punctuation)
    words: list[str]  # punctuation cut, case kept (capitals count)
    lowered: list[str]
    shouting: bool  # some words in capitals, not all


def _denies(word: str) -> bool:
    """VADER's test for a negator: in its list, or any word holding "n't"."""
    return word in _NEGATORS or "n't" in word


class VaderScorer:
    """Scores text with VADER's rules over ``lexicon`` (kept by reference, never changed; the
    scorer is to be built again if the lexicon is)."""

    def __init__(self, lexicon: Mapping[str, float]) -> None:
        self.lexicon = lexicon
        # The words scored for themselves: a booster counts only for the word after it.
        self._scored = {word: value for word, value in lexicon.items() if word not in BOOSTER_DICT}

    def scores(self, text: str) -> Tone:
        """compound, pos, neu, neg rounded as VADER rounds them (all 0 when there is no word)."""
        tokens = text.split()
        if not tokens:
            return _NO_WORDS
        # Punctuation around a word is cut, unless that leaves two characters or fewer (an
        # emoticon such as ":)" or ":D" is kept whole).
        words = [token if len(word := token.strip(_PUNCTUATION)) <= 2 else word for token in tokens]
        lowered = list(map(str.lower, words))
        scored = self._scored
        found = [i for i, low in enumerate(lowered) if low in scored]
        if not found:
            return _NO_SENTIMENT
        capitals = sum(map(str.isupper, words))
        text_words = _Words(tokens, words, lowered, 0 < capitals < len(words))
        sentiments: list[float] = [0.0] * len(words)
        last = len(words) - 1
        for i in found:
            if lowered[i] == "kind" and i < last and lowered[i + 1] == "of":
                continue
            sentiments[i] = self._valence(scored[lowered[i]], i, text_words)
        if "but" in lowered:
            _weigh_around_but(sentiments, lowered.index("but"))
        return _summarise(sentiments, text)

    def _valence(self, value: float, i: int, text: _Words) -> float:
        """The valence of lexicon word ``i`` after the rules about the words around it."""
        lexicon = self.lexicon
        words, lowered = text.words, text.lowered
        valence = value
        if lowered[i] == "no" and i < len(words) - 1 and lowered[i + 1] in lexicon:
            valence = 0.0  # "no" before a sentiment word negates it instead of scoring itself
        if (
            (i > 0 and lowered[i - 1] == "no")
            or (i > 1 and lowered[i - 2] == "no")
            or (i > 2 and lowered[i - 3] == "no" and lowered[i - 1] in ("or", "nor"))
        ):
            valence = value * N_SCALAR
        if text.shouting and words[i].isupper():
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        if i:
            valence = self._look_back(valence, i, text)
        if (
            i > 0
            and lowered[i - 1] == "least"
            and "least" not in lexicon
            and (i == 1 or lowered[i - 2] not in _LEAST_KEEPERS)
        ):
            valence = valence * N_SCALAR
        return valence

    def _look_back(self, valence: float, i: int, text: _Words) -> float:
        """Boosters, negators and idioms among the three words before word ``i``, each read
        only when it is not a sentiment word itself."""
        lexicon = self.lexicon
        tokens, words, lowered, shouting = text
        other_clause = False  # a token between the word and this one ends a clause
        for distance in range(min(i, 3)):
            before = i - distance - 1
            other_clause = other_clause or tokens[before].endswith(CLAUSE_ENDS)
            if lowered[before] in lexicon:
                continue
            boost = BOOSTER_DICT.get(lowered[before])
            if boost is not None:
                if valence < 0:
                    boost = -boost
                if shouting and words[before].isupper():
                    boost = boost + C_INCR if valence > 0 else boost - C_INCR
                if distance and boost != 0:
                    boost = boost * (0.95 if distance == 1 else 0.9)
                valence = valence + boost
            if not other_clause:
                valence = _negated(valence, distance, i, lowered)
            if distance == 2 and not _RUN_STARTS.isdisjoint(lowered[i - 3 : i + 1]):
                valence = _idioms(valence, i, lowered)
        return valence


def _negated(valence: float, distance: int, i: int, lowered: list[str]) -> float:
    """The negator ``distance + 1`` words back (same clause): "not good", "never so good"."""
    before = lowered[i - distance - 1]
    if distance == 0:
        if _denies(before):
            valence = valence * N_SCALAR
    elif distance == 1:
        if before == "never" and lowered[i - 1] in _SO_THIS:
            valence = valence * 1.25
        elif not (before == "without" and lowered[i - 1] == "doubt") and _denies(before):
            valence = valence * N_SCALAR
    elif (before == "never" and lowered[i - 2] in _SO_THIS) or lowered[i - 1] in _SO_THIS:
        valence = valence * 1.25
    elif _denies(before) and not (before == "without" and "doubt" in lowered[i - 2 : i]):
        valence = valence * N_SCALAR
    if valence > 0 and before in EXTRA_NEGATORS:
        valence = valence * N_SCALAR
    return valence


def _idioms(valence: float, i: int, lowered: list[str]) -> float:
    """VADER's idiom rule for word ``i`` (i >= 3): an idiom around it sets the valence, a
    multi-word booster ("kind of", "sort of") just before it adds its own."""
    three, two, one, word = lowered[i - 3], lowered[i - 2], lowered[i - 1], lowered[i]
    for run in ((one, word), (two, one, word), (two, one), (three, two, one), (three, two)):
        if run in _SPECIAL:
            valence = _SPECIAL[run]
            break
    after = len(lowered) - 1 - i
    if after >= 1 and (word, lowered[i + 1]) in _SPECIAL:
        valence = _SPECIAL[(word, lowered[i + 1])]
    if after >= 2 and (word, lowered[i + 1], lowered[i + 2]) in _SPECIAL:
        valence = _SPECIAL[(word, lowered[i + 1], lowered[i + 2])]
    for run in ((three, two, one), (three, two), (two, one)):
        if run in _BOOSTER_RUNS:
            valence = valence + _BOOSTER_RUNS[run]
    return valence


def _weigh_around_but(sentiments: list[float], but: int) -> None:
    """VADER's "but" rule, as it behaves: each valence is found again by value (its first
    equal in the list) and that one is halved before the first "but", raised half after it."""
    for position in range(len(sentiments)):
        value = sentiments[position]
        if not value:
            continue  # a zero stays a zero wherever it lands
        first = sentiments.index(value)
        if first < but:
            sentiments[first] = value * 0.5
        elif first > but:
            sentiments[first] = value * 1.5


def _summarise(sentiments: list[float], text: str) -> Tone:
    """Sum, punctuation emphasis, normalisation and the three shares, in VADER's order."""
    values = [value for value in sentiments if value]
    total = float(sum(values))  # the zeros change no sum
    emphasis = min(text.count("!"), 4) * _EXCLAMATION_STEP
    questions = text.count("?")
    if questions > 1:
        emphasis = emphasis + (questions * _QUESTION_STEP if questions <= 3 else _QUESTIONS_MAX)
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    compound = max(-1.0, min(1.0, total / math.sqrt(total * total + _ALPHA)))
    positive = negative = 0.0
    neutral = len(sentiments) - len(values)
    for value in values:
        if value > 0:
            positive += value + 1
        else:
            negative += value - 1
    if positive > -negative:
        positive += emphasis
    elif positive < -negative:
        negative -= emphasis
    share = positive - negative + neutral
    return Tone(
        compound=round(compound, 4),
        pos=round(abs(positive / share), 3),
        neu=round(abs(neutral / share), 3),
        neg=round(abs(negative / share), 3),
    )
