"""Clamor's English tone computed the way it was before ``vader_scoring``: vaderSentiment's own
``polarity_scores`` with Clamor's negation patch (a negator counts only within its clause, and
the subject negators deny praise), fed the text ``score_english`` prepares. The tests hold the
new scorer to it, to the last bit; nothing outside the tests uses it.
"""

from __future__ import annotations

from vaderSentiment.vaderSentiment import N_SCALAR, SentimentIntensityAnalyzer

from bot.analysis.results import NEUTRAL_TONE, Tone
from bot.analysis.tone import prepare_english, vader

# Written out again rather than imported, so that a change to the scorer's own lists shows as a
# difference instead of being mirrored here.
CLAUSE_ENDS = (",", ";", ":", ".", "!", "?", "…")
EXTRA_NEGATORS = frozenset({"nobody", "noone", "no-one", "nobody's"})

# Clause number of each word of the text being scored (the tests run on one thread).
_clauses: list[int] | None = None


def clause_numbers(words: list[str]) -> list[int]:
    """For each word, how many clause ends come before it."""
    numbers: list[int] = []
    clause = 0
    for word in words:
        numbers.append(clause)
        if word.endswith(CLAUSE_ENDS):
            clause += 1
    return numbers


def _negation_check(valence: float, words: list[str], start_i: int, i: int) -> float:
    """VADER's own check, plus the subject negators it does not know, within one clause."""
    negator = i - (start_i + 1)
    if _clauses is not None and len(_clauses) == len(words) and _clauses[negator] != _clauses[i]:
        return valence
    valence = float(SentimentIntensityAnalyzer._negation_check(valence, words, start_i, i))
    if valence > 0 and str(words[negator]).lower() in EXTRA_NEGATORS:
        valence *= N_SCALAR
    return valence


_reference: SentimentIntensityAnalyzer | None = None


def reference_analyzer() -> SentimentIntensityAnalyzer:
    """vaderSentiment's analyser over Clamor's tables (the same dictionaries), patched."""
    global _reference
    if _reference is None or _reference.lexicon is not vader().lexicon:
        analyzer = SentimentIntensityAnalyzer()
        analyzer.lexicon = vader().lexicon
        analyzer.emojis = vader().emojis
        analyzer._negation_check = _negation_check
        _reference = analyzer
    return _reference


def reference_scores(spelled: str) -> Tone:
    """``polarity_scores`` of already prepared text, as a Tone (no clamping, no neutral swap)."""
    global _clauses
    _clauses = clause_numbers(spelled.split())
    try:
        scores = reference_analyzer().polarity_scores(spelled)
    finally:
        _clauses = None
    return Tone(
        compound=float(scores["compound"]),
        pos=float(scores["pos"]),
        neu=float(scores["neu"]),
        neg=float(scores["neg"]),
    )


def reference_tone(clean: str) -> Tone:
    """What ``score_english(clean).tone`` was before ``vader_scoring``."""
    if not clean:
        return NEUTRAL_TONE
    _text, spelled = prepare_english(clean)
    scores = reference_scores(spelled)
    tone = scores._replace(compound=max(-1.0, min(1.0, scores.compound)))
    if tone.pos == tone.neg == tone.neu == 0.0:
        tone = NEUTRAL_TONE
    return tone
