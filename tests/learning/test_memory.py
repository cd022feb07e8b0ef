"""The correction memory, by input and expected verdict: reach limited to similar messages,
agreeing corrections add up, contradicting ones cancel, no corrections change nothing."""

from __future__ import annotations

import pytest

from bot.analysis import Analyzer, GuildTerms
from bot.learning import LEARNING_LIMITS, CorrectionMemory, LearnedExample
from bot.learning.examples import learned_example

G = 1
ANALYZER = Analyzer()
GYM = "open the weights room at the gym please"
GYM_AGAIN = "open the weights room at the gym please, again"
CALL = "please open source the weights of the model"


def example(text: str, label: str, message_id: int = 1) -> LearnedExample:
    return learned_example(ANALYZER, G, 10, message_id, text, label)


def verdict(memory: CorrectionMemory, text: str) -> tuple[bool, str | None, bool]:
    """(request, category, whether the memory had a say) for a message read by the memory."""
    plain = ANALYZER.analyze(text)
    adapted = Analyzer(adapter=memory).analyze(text)
    said = any(cue.kind == "learning" for cue in adapted.cues)
    assert adapted.request == plain.request or said  # only the memory changes a verdict
    return adapted.request, adapted.category, said


def test_the_model_counts_the_gym_message_without_corrections() -> None:
    # The premise of the tests below: the built-in model takes this for a request.
    assert ANALYZER.analyze(GYM).request


@pytest.mark.parametrize(
    ("corrections", "text", "expected"),
    [
        # one correction overturns the verdict on a message like it...
        ([(GYM, "not-a-request")], GYM_AGAIN, (False, None, True)),
        # ...but not on a message unlike it (its reach is limited)
        ([(GYM, "not-a-request")], CALL, (True, "demand", False)),
        # a correction with a category moves a similar request's category
        ([(CALL, "frustration")], CALL + " now", (True, "frustration", True)),
    ],
)
def test_a_correction_reaches_only_similar_messages(
    corrections: list[tuple[str, str]], text: str, expected: tuple[bool, str | None, bool]
) -> None:
    memory = CorrectionMemory(example(t, label, n) for n, (t, label) in enumerate(corrections))
    assert verdict(memory, text) == expected


@pytest.mark.parametrize(
    ("message_id", "expected"),
    [
        (None, (False, None, True)),  # another message: its correction votes
        (7, (False, None, True)),  # another message's correction votes
        (5, (True, "demand", False)),  # the message itself: its own correction has no say
    ],
)
def test_a_messages_own_correction_has_no_vote_on_it(
    message_id: int | None, expected: tuple[bool, str | None, bool]
) -> None:
    memory = CorrectionMemory([example(GYM, "not-a-request", 5)])
    adapted = Analyzer(adapter=memory).analyze(GYM_AGAIN, message_id=message_id)
    said = any(cue.kind == "learning" for cue in adapted.cues)
    assert (adapted.request, adapted.category, said) == expected


@pytest.mark.parametrize("probability", [0.9, 0.2])
def test_contradicting_corrections_cancel(probability: float) -> None:
    contradicting = CorrectionMemory([example(GYM, "not-a-request", 1), example(GYM, "demand", 2)])
    features = ANALYZER.model_inputs(GYM_AGAIN).request_features
    # Two equally similar, opposite votes: the model's verdict stands, explained.
    adaptation = contradicting.adapt(features, probability, 0.5)
    assert adaptation is not None
    assert adaptation.request is (probability >= 0.5)
    assert adaptation.cue.weight == 0.0


@pytest.mark.parametrize(("agreeing", "expected_shift_at_least"), [(1, 3.8), (3, 3.99)])
def test_agreeing_corrections_weigh_more_up_to_a_bound(
    agreeing: int, expected_shift_at_least: float
) -> None:
    memory = CorrectionMemory(example(GYM, "not-a-request", n) for n in range(agreeing))
    features = ANALYZER.model_inputs(GYM).request_features
    adaptation = memory.adapt(features, 0.9, 0.5)
    assert adaptation is not None
    shift = -adaptation.cue.weight
    assert expected_shift_at_least <= shift <= LEARNING_LIMITS.max_shift


def test_an_empty_memory_leaves_every_verdict_as_it_was() -> None:
    texts = [GYM, CALL, "hello there", "release the code please", "jamás van a liberar nada"]
    empty = Analyzer(adapter=CorrectionMemory([]))
    assert [empty.analyze(t) for t in texts] == [ANALYZER.analyze(t) for t in texts]


def test_the_learning_cue_links_the_most_similar_correction() -> None:
    memory = CorrectionMemory([example(CALL, "demand", 5), example(GYM, "not-a-request", 7)])
    adapted = Analyzer(adapter=memory).analyze(GYM_AGAIN)
    [cue] = [cue for cue in adapted.cues if cue.kind == "learning"]
    assert cue.text == "https://discord.com/channels/1/10/7"
    assert "decided" in cue.detail


def test_a_guild_ignore_phrase_is_not_overruled_by_corrections() -> None:
    memory = CorrectionMemory([example(CALL, "demand")])
    terms = GuildTerms(ignore=frozenset({"the model"}))
    analysis = Analyzer(terms, adapter=memory).analyze(CALL)
    assert not analysis.request
    assert not any(cue.kind == "learning" for cue in analysis.cues)
