"""A server's memory of corrected messages, consulted by similarity.

Each correction is kept as the words and word pairs the request model read of the message (its
``w:`` and ``b:`` features, names already replaced by markers). A new message is compared with
every remembered one by cosine similarity over those sets; only the genuinely similar ones
(`LearningLimits.min_similarity`) vote, each by its similarity, +1 for "request", -1 for "not a
request". The vote moves the model's log-odds by at most `LearningLimits.max_shift`, along a
tanh: one close correction can overturn a verdict about a message like it, several agreeing
ones push harder, contradicting ones cancel, and a message like none of them keeps the model's
verdict untouched. The limits are chosen on the real corpus's train and dev threads by
``python bench/adaptation.py --tune`` (reported on its test threads).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.analysis.results import Adaptation, Category, Cue

_WORD_KINDS = ("b:",)
_EDGE = 1e-6  # keeps the log-odds of a probability of exactly 0 or 1 finite


@dataclass(frozen=True, slots=True)
class LearningLimits:
    min_similarity: float  # cosine a remembered message needs to have a say
    max_shift: float  # the most the corrections can move the model's log-odds
    vote_scale: float  # a vote of this much similarity moves it by 76% of max_shift (tanh 1)


LEARNING_LIMITS = LearningLimits(min_similarity=0.6, max_shift=4.0, vote_scale=0.5)


def similarity_words(features: Iterable[str]) -> frozenset[str]:
    """The features a message is compared by: its own words and word pairs (not the word
    pieces, which every message shares some of, nor the words of what it answers)."""
    return frozenset(
        f for f in features if f[:2] in _WORD_KINDS and "<s>" not in f and "</s>" not in f
    )


@dataclass(frozen=True, slots=True)
class LearnedExample:
    """One corrected message as the memory keeps it."""

    guild_id: int
    channel_id: int
    message_id: int
    request: bool
    category: Category | None
    words: frozenset[str]

    @property
    def link(self) -> str:
        return f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/{self.message_id}"


def _logit(probability: float) -> float:
    p = min(max(probability, _EDGE), 1.0 - _EDGE)
    return math.log(p / (1.0 - p))


class CorrectionMemory:
    """One server's corrected messages, indexed by word so a message is compared only with
    those it shares a word with."""

    def __init__(
        self, examples: Iterable[LearnedExample], limits: LearningLimits = LEARNING_LIMITS
    ) -> None:
        self.examples = tuple(e for e in examples if e.words)
        self.limits = limits
        index: defaultdict[str, list[int]] = defaultdict(list)
        for number, example in enumerate(self.examples):
            for word in example.words:
                index[word].append(number)
        self._index = dict(index)

    def __len__(self) -> int:
        return len(self.examples)

    def neighbours(self, words: frozenset[str]) -> list[tuple[float, LearnedExample]]:
        """The remembered messages at least `min_similarity` alike, most alike first."""
        if not words:
            return []
        found: list[tuple[float, LearnedExample]] = []
        root = math.sqrt(len(words))
        for number in self._candidates(words):
            example = self.examples[number]
            similarity = len(words & example.words) / (root * math.sqrt(len(example.words)))
            if similarity >= self.limits.min_similarity:
                found.append((similarity, example))
        found.sort(key=lambda pair: (-pair[0], pair[1].message_id))
        return found

    def _candidates(self, words: frozenset[str]) -> set[int]:
        """Every remembered message that can reach `min_similarity`, from the postings of the
        query's rarer words only. Cosine s / sqrt(n m) >= t with s <= m needs s >= t² n shared
        words, so such a message holds at least one of any n - ceil(t² n) + 1 of the n words:
        the common ones ("the", "please") can be left out, and they are the costly ones."""
        postings = sorted((self._index[word] for word in words if word in self._index), key=len)
        needed = max(1, math.ceil(self.limits.min_similarity**2 * len(words)))
        candidates: set[int] = set()
        for posting in postings[: len(words) - needed + 1]:
            candidates.update(posting)
        return candidates

    def adapt(
        self, features: Sequence[str], probability: float, threshold: float
    ) -> Adaptation | None:
        """The server's verdict on a message the model scored `probability` (request from
        `threshold` up); None when no remembered message is like it."""
        if not self.examples:
            return None
        near = self.neighbours(similarity_words(features))
        if not near:
            return None
        vote = sum(s if e.request else -s for s, e in near)
        shift = self.limits.max_shift * math.tanh(vote / self.limits.vote_scale)
        margin = _logit(probability) - _logit(threshold) + shift
        request = margin >= 0.0
        category = _category_vote(near) if request else None
        model_request = probability >= threshold
        nearest_similarity, nearest = near[0]
        agreeing = sum(1 for _s, e in near if e.request == request)
        verdict = "request" if request else "not a request"
        how = (
            "decided: the model alone said " + ("request" if model_request else "not a request")
            if request != model_request
            else "agree with the model"
        )
        detail = (
            f"this server's corrections {how}; {verdict} by {agreeing} of {len(near)} similar "
            f"corrected messages, the most alike ({nearest_similarity:.2f}) linked"
        )
        return Adaptation(request, category, Cue("learning", nearest.link, detail, shift))


def _category_vote(near: Sequence[tuple[float, LearnedExample]]) -> Category | None:
    """The category the similar corrected requests point to, weighted by similarity; None when
    none of them is a request (the model's category stands)."""
    weights: defaultdict[Category, float] = defaultdict(float)
    for similarity, example in near:
        if example.category is not None:
            weights[example.category] += similarity
    if not weights:
        return None
    return max(sorted(weights), key=lambda category: weights[category])
