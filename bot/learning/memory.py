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

_EDGE = 1e-6  # keeps the log-odds of a probability of exactly 0 or 1 finite
_SLACK = 1e-9  # float rounding must never make a bound cut a message that is alike enough


@dataclass(frozen=True, slots=True)
class LearningLimits:
    min_similarity: float  # cosine a remembered message needs to have a say
    max_shift: float  # the most the corrections can move the model's log-odds
    vote_scale: float  # a vote of this much similarity moves it by 76% of max_shift (tanh 1)


LEARNING_LIMITS = LearningLimits(min_similarity=0.6, max_shift=4.0, vote_scale=0.5)


def similarity_words(features: Iterable[str]) -> frozenset[str]:
    """The features a message is compared by: its own words and word pairs (not the word
    pieces, which every message shares some of, nor the words of what it answers)."""
    # Read on every message the gate lets by, over a few hundred features: the cheapest test
    # (a first character) goes first.
    return frozenset(
        [f for f in features if f[0] == "b" and f[1] == ":" and "<s>" not in f and "</s>" not in f]
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
    """One server's corrected messages, indexed once so a message is scored only against those
    that can reach `min_similarity` (prefix filtering, as in set-similarity joins: see
    `_reach_prefix`)."""

    def __init__(
        self, examples: Iterable[LearnedExample], limits: LearningLimits = LEARNING_LIMITS
    ) -> None:
        self.examples = tuple(e for e in examples if e.words)
        self.limits = limits
        frequency: defaultdict[str, int] = defaultdict(int)
        for example in self.examples:
            for word in example.words:
                frequency[word] += 1
        rarest_first = sorted(frequency, key=lambda word: (frequency[word], word))
        self._rank = {word: rank for rank, word in enumerate(rarest_first)}
        postings: list[list[int]] = [[] for _word in rarest_first]
        for number, example in enumerate(self.examples):
            for rank in self._reach_prefix(example.words):
                postings[rank].append(number)
        self._postings = postings

    def __len__(self) -> int:
        return len(self.examples)

    def neighbours(self, words: frozenset[str]) -> list[tuple[float, LearnedExample]]:
        """The remembered messages at least `min_similarity` alike, most alike first."""
        if not words:
            return []
        threshold = self.limits.min_similarity
        size = len(words)
        # Cosine s / sqrt(n m) >= t with s <= min(n, m) bounds the other set's size too.
        shortest = threshold**2 * size - _SLACK
        longest = size / max(threshold, _SLACK) ** 2 + _SLACK
        found: list[tuple[float, LearnedExample]] = []
        for number in self._candidates(words):
            example = self.examples[number]
            if not shortest <= len(example.words) <= longest:
                continue
            similarity = len(words & example.words) / math.sqrt(size * len(example.words))
            if similarity >= threshold:
                found.append((similarity, example))
        found.sort(key=lambda pair: (-pair[0], pair[1].message_id))
        return found

    def _reach_prefix(self, words: frozenset[str]) -> list[int]:
        """The ranks of the remembered words among a set's rarest n - ceil(t² n) + 1 words,
        rarest by how many remembered messages hold them (a word none holds counts as the
        rarest of all, and has no rank). Two sets at cosine >= t share at least t² max(n, m)
        words, so the rarest n - that + 1 of one and m - that + 1 of the other share one:
        indexing and probing only these prefixes finds every such pair, and leaves out the
        common words ("the", "open source"), whose long postings are the costly ones."""
        needed = max(1, math.ceil(self.limits.min_similarity**2 * len(words) - _SLACK))
        ranks = [rank for word in words if (rank := self._rank.get(word)) is not None]
        room = len(words) - needed + 1 - (len(words) - len(ranks))
        if room >= len(ranks):
            return ranks
        ranks.sort()
        return ranks[: max(0, room)]

    def _candidates(self, words: frozenset[str]) -> Iterable[int]:
        """Every remembered message that can reach `min_similarity` (and a few that cannot)."""
        if self.limits.min_similarity <= 0.0:
            return range(len(self.examples))  # even a message sharing no word is alike enough
        candidates: set[int] = set()
        for rank in self._reach_prefix(words):
            candidates.update(self._postings[rank])
        return candidates

    def adapt(
        self,
        features: Sequence[str],
        probability: float,
        threshold: float,
        *,
        exclude: int | None = None,
    ) -> Adaptation | None:
        """The server's verdict on a message the model scored `probability` (request from
        `threshold` up); None when no remembered message is like it. The correction of message
        `exclude` (the one read) has no vote: it is a verdict on messages like it, and on itself
        it stands over Clamor's reading, not in it."""
        if not self.examples:
            return None
        near = self.neighbours(similarity_words(features))
        if exclude is not None:
            near = [(s, e) for s, e in near if e.message_id != exclude]
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
