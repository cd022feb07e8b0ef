"""The correction memory's index finds exactly the remembered messages a comparison with every
one of them finds: same neighbours, same similarities, same order, at every reach."""

from __future__ import annotations

import math
import random

import pytest

from bot.learning import CorrectionMemory, LearnedExample, LearningLimits


def remembered(
    number: int, words: set[str] | frozenset[str], request: bool = True
) -> LearnedExample:
    return LearnedExample(
        guild_id=1,
        channel_id=10,
        message_id=number,
        request=request,
        category="demand" if request else None,
        words=frozenset(words),
    )


def compared_with_every_one(
    examples: list[LearnedExample], words: frozenset[str], threshold: float
) -> list[tuple[float, int]]:
    """The reference: cosine with each remembered message, no index."""
    if not words:
        return []
    found = []
    for example in examples:
        if not example.words:
            continue
        similarity = len(words & example.words) / math.sqrt(len(words) * len(example.words))
        if similarity >= threshold:
            found.append((similarity, example.message_id))
    return sorted(found, key=lambda pair: (-pair[0], pair[1]))


def through_the_index(memory: CorrectionMemory, words: frozenset[str]) -> list[tuple[float, int]]:
    return [(similarity, example.message_id) for similarity, example in memory.neighbours(words)]


def limits(threshold: float) -> LearningLimits:
    return LearningLimits(min_similarity=threshold, max_shift=4.0, vote_scale=0.5)


COMMON = {"b:open source", "b:the weights", "b:please release"}
GYM = {"b:weights room", "b:the gym", "b:gym please", *COMMON}
EXAMPLES = [
    remembered(1, GYM, request=False),
    remembered(2, {"b:a b", "b:b c", "b:c d", "b:d e", "b:e f"}),
    remembered(3, COMMON),
    remembered(4, {"b:open source"}),
    remembered(5, {f"b:w{n} x" for n in range(40)}),
    remembered(6, GYM, request=True),  # the same words again, the other way
    remembered(7, set()),  # nothing to compare: never a neighbour
]


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.6, 0.9, 1.0, 1.1])
@pytest.mark.parametrize(
    "query",
    [
        pytest.param(set(), id="empty"),
        pytest.param(GYM, id="identical"),
        pytest.param(GYM | {"b:at the", "b:room at"}, id="superset"),
        pytest.param({"b:weights room", "b:the gym"}, id="subset"),
        pytest.param({"b:a b", "b:b c", "b:c d", "b:x y", "b:y z"}, id="3 of 5: cosine 0.6"),
        pytest.param(COMMON, id="only common words"),
        pytest.param({"b:open source"}, id="one common word"),
        pytest.param({"b:never seen", "b:not remembered"}, id="nothing remembered"),
        pytest.param({"b:open source", *(f"b:new {n}" for n in range(30))}, id="mostly new"),
        pytest.param({f"b:w{n} x" for n in range(0, 40, 2)}, id="half of a long one"),
    ],
)
def test_the_index_finds_what_comparing_with_every_one_finds(
    query: set[str], threshold: float
) -> None:
    memory = CorrectionMemory(EXAMPLES, limits(threshold))
    words = frozenset(query)
    assert through_the_index(memory, words) == compared_with_every_one(EXAMPLES, words, threshold)


def chatter(rng: random.Random, vocabulary: list[str]) -> frozenset[str]:
    """A set of word pairs drawn the way chat uses words: a few very common, most rare."""
    size = rng.choice([1, 2, 3, 5, 8, 13, 21, 34])
    return frozenset(rng.choices(vocabulary, weights=WEIGHTS, k=size))


VOCABULARY = [f"b:word {n}" for n in range(300)]
WEIGHTS = [1.0 / (rank + 1) for rank in range(len(VOCABULARY))]


@pytest.mark.parametrize("threshold", [0.2, 0.4, 0.6, 0.8])
@pytest.mark.parametrize("seed", range(5))
def test_the_index_agrees_on_drawn_messages(seed: int, threshold: float) -> None:
    rng = random.Random(seed)
    examples = [remembered(n, chatter(rng, VOCABULARY), rng.random() < 0.5) for n in range(300)]
    # Near copies of remembered messages, so that many queries have neighbours.
    queries = [chatter(rng, VOCABULARY) for _n in range(150)] + [
        frozenset([*rng.sample(sorted(e.words), max(1, len(e.words) - 1)), "b:new one"])
        for e in rng.sample(examples, 150)
    ]
    memory = CorrectionMemory(examples, limits(threshold))
    found = 0
    for words in queries:
        expected = compared_with_every_one(examples, words, threshold)
        assert through_the_index(memory, words) == expected
        found += bool(expected)
    assert found >= 50  # the comparison is not vacuous: a third of the queries have neighbours
