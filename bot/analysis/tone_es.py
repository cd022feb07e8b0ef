"""Spanish tone: a small curated valence lexicon scored the way VADER scores English.

VADER is English-only: "odio", "genial" or "jamás" score 0 there, and "no" counts as a negative
word. This mirrors VADER's arithmetic (valence sum, negation x -0.74, boosters +-0.293, ALL CAPS
+-0.733, "pero" weighting, "!" emphasis, compound = x / sqrt(x^2 + 15)) so Spanish and English
compounds are comparable in one digest. Emoji keep their VADER / chat valence.
"""

from __future__ import annotations

import math
import re
from functools import cache

from bot.analysis.emoji import is_emoji
from bot.analysis.folding import fold_lower
from bot.analysis.lexicon import LexiconError, read_table
from bot.analysis.model import NEUTRAL_TONE, Tone
from bot.analysis.tone import ToneResult, bound_text, emoji_valence, top_cues

NEGATORS = frozenset({"no", "nunca", "jamas", "tampoco", "ni", "sin", "nadie", "ningun", "ninguna"})
BOOSTERS = frozenset(
    {"muy", "super", "re", "demasiado", "tan", "bastante", "mega", "ultra", "sumamente",
     "extremadamente", "realmente", "totalmente", "increiblemente", "mas", "bien"}
)  # fmt: skip
DAMPENERS = frozenset({"poco", "algo", "medio", "casi", "apenas"})
_NEGATION_SCALAR = -0.74
_BOOST = 0.293
_CAPS_BOOST = 0.733
_ALPHA = 15.0
_LAUGH = re.compile(r"(?:ja|je|ji|js|xa){2,}[ja]?|(?:ha){2,}h?|x+d+")
_TOKEN = re.compile(r"[^\W\d_]+|[^\w\s]")  # words, and single symbols (emoji)


@cache
def spanish_lexicon() -> dict[str, float]:
    table: dict[str, float] = {}
    for row in read_table("tone_es.tsv", 2):
        word, valence = row.cells
        try:
            table[word] = float(valence)
        except ValueError as error:
            raise LexiconError(f"{row.source}:{row.line}: valence {valence!r}") from error
    return table


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


def score_spanish(clean: str) -> ToneResult:
    if not clean:
        return ToneResult(NEUTRAL_TONE)
    text = bound_text(clean)
    raw_tokens = [t for t in _TOKEN.findall(text) if t.isalpha() or is_emoji(t)]
    tokens = [fold_lower(token) for token in raw_tokens]
    shouting = [t.isupper() and len(t) > 1 for t in raw_tokens]
    mixed_caps = any(shouting) and not all(shouting)
    sentiments: list[float] = []
    cues: dict[str, float] = {}
    for index, token in enumerate(tokens):
        valence = _token_valence(token)
        if valence:
            window = tokens[max(0, index - 3) : index]
            for distance, previous in enumerate(reversed(window)):
                step = _BOOST * (1.0 - 0.05 * distance)
                if previous in BOOSTERS:
                    valence += step if valence > 0 else -step
                elif previous in DAMPENERS:
                    valence -= step if valence > 0 else -step
            if any(previous in NEGATORS for previous in window):
                valence *= _NEGATION_SCALAR
            if shouting[index] and mixed_caps:
                valence += _CAPS_BOOST if valence > 0 else -_CAPS_BOOST
            cues.setdefault(raw_tokens[index], valence)
        sentiments.append(valence)
    if "pero" in tokens:
        # As VADER does with "but": what follows "pero" is what the writer means.
        pivot = tokens.index("pero")
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
