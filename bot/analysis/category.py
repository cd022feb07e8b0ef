"""Reaction category of a request message: the learned category model decides.

It reads the request model's features (the words, the shape, the context) and the tone's
direction, so a request gets the category its wording is closest to; the explanation names the
features that weighed most for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from bot.analysis.ngram_model import CategoryModel, category_features, readable
from bot.analysis.results import Category, Cue, Tone


class CategoryDecision(NamedTuple):
    category: Category
    scores: dict[Category, float]  # the model's probability of each category
    cues: tuple[Cue, ...]


def categorize(
    request_feats: Sequence[str], tone: Tone, *, explain: bool = True
) -> CategoryDecision:
    """The category of a request message from the request model's features and its tone;
    ``explain=False``: without the features that weighed most (nothing will show them)."""
    feats = category_features(request_feats, tone.compound)
    model = CategoryModel.builtin().score(feats, top=3 if explain else 0)
    best = model.best
    words = ", ".join(f'"{word}"' for word in dict.fromkeys(readable(c.feature) for c in model.top))
    share = model.probabilities[best]
    verdict = Cue("category", best, f"learned model, p={share:.2f}: {words}", share)
    return CategoryDecision(best, model.probabilities, (verdict,))
