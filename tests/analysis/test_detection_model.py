"""The n-gram model behind the rules: features, scores, explanations, when it may add a request.

The shipped weights are trained by ``bench/train_model.py`` on the dev split; how well they do is
the benchmark's business. These tables pin down the mechanics with small hand-made weights.
"""

from __future__ import annotations

import math

import pytest

from bot.analysis import CATEGORIES, analyze
from bot.analysis.detection import MODEL_THRESHOLD, model_may_add
from bot.analysis.ngram_model import (
    BIAS,
    CategoryModel,
    RequestModel,
    features,
    readable,
)
from bot.analysis.rules import ALTERNATIVE_MARK, TARGET_MARK

FEATURE_CASES = [
    # (prepared text, features that must be there, features that must not)
    ("release it", ["w:release", "w:it", "b:<s> release", "b:release it", "b:it </s>"], []),
    ("liberaran", ["c:<li", "c:<lib", "c:aran>", "c:ibera"], ["c:<l", "c:iberara"]),
    (f"drop {TARGET_MARK * 4} now", ["w:<target>", "b:drop <target>", "b:<target> now"], []),
    (f"just use {ALTERNATIVE_MARK * 3}", ["w:<alt>", "b:use <alt>"], ["w:\ue0a1\ue0a1\ue0a1"]),
    ("when?? 🙄", ["w:?", "w:🙄", "b:when ?"], []),
    ("x", ["w:x", "b:<s> x"], ["c:<x>"]),  # one-letter words get no character n-grams
    ("it's", ["w:it's", "c:t's>"], ["w:s"]),
]


@pytest.mark.parametrize(("text", "present", "absent"), FEATURE_CASES)
def test_features(text: str, present: list[str], absent: list[str]) -> None:
    found = features(text)
    assert len(found) == len(set(found))
    for feature in present:
        assert feature in found, (feature, found)
    for feature in absent:
        assert feature not in found, (feature, found)


def test_features_are_bounded_on_long_text() -> None:
    assert len(features("weights " * 5000)) == len(features("weights " * 500))
    assert features("") == ()


@pytest.mark.parametrize(
    ("feature", "shown"),
    [
        ("w:release", "release"),
        ("b:<s> release", "release"),
        ("b:it </s>", "it"),
        ("b:drop <target>", "drop <target>"),
        ("c:<lib", "lib…"),
        ("c:aran>", "…aran"),
        ("c:iber", "…iber…"),
    ],
)
def test_readable(feature: str, shown: str) -> None:
    assert readable(feature) == shown


def test_request_model_sums_scaled_weights_and_names_the_strongest() -> None:
    model = RequestModel({BIAS: -1.0, "w:release": 2.0, "w:it": 0.5, "w:never": -3.0})
    feats = ["w:release", "w:it", "w:unknown", "w:zzz"]
    score = model.score(feats)
    assert score.probability == pytest.approx(1 / (1 + math.exp(-(-1.0 + 2.5 / 2))))
    assert [c.feature for c in score.top] == ["w:release", "w:it"]
    pieces = RequestModel({"c:<rel": 3.0, "w:it": 0.5}).score(["c:<rel", "w:it"])
    assert [c.feature for c in pieces.top] == ["w:it", "c:<rel"]  # words explain first
    assert score.top[0].weight == pytest.approx(1.0)  # 2.0 scaled by 1/sqrt(4 features)
    assert model.score(["w:never"]).top == ()  # only features that pushed towards "request"


def test_category_model_gives_a_distribution_and_its_best() -> None:
    row = (0.0, 0.0, 0.0, 4.0, 0.0)  # skepticism
    model = CategoryModel({BIAS: (0.5, 0.0, 0.0, 0.0, 0.0), "w:doubt": row})
    doubting = model.score(["w:doubt"])
    assert sum(doubting.probabilities.values()) == pytest.approx(1.0)
    assert doubting.best == "skepticism"
    assert [c.feature for c in doubting.top] == ["w:doubt"]
    assert model.score(["w:other"]).best == "demand"  # the bias alone


def test_the_shipped_tables_load_and_cover_every_category() -> None:
    requests = RequestModel.builtin()
    categories = CategoryModel.builtin()
    assert BIAS in requests.weights
    assert len(requests.weights) > 1000
    assert all(f == BIAS or f[:2] in ("w:", "b:", "c:") for f in requests.weights)
    assert all(len(row) == len(CATEGORIES) for row in categories.weights.values())


@pytest.mark.parametrize(
    ("masked", "may_add"),
    [
        ("they should let us download it", False),
        ("i never use chatgpt", False),
        ("drop the ckpt", True),
        ("they'll never release it", True),
        ("sora 1 weights someday", True),
        ("queremos sora en local", True),
        ("se quedan con todo, ni lo liberan", True),
        ("api only forever lol", True),
        ("                     and it's great", False),  # a look-alike phrase, blanked
    ],
)
def test_model_may_only_add_on_topic(masked: str, may_add: bool) -> None:
    assert model_may_add(masked) is may_add


@pytest.mark.parametrize(
    "text",
    [
        "queremos sora en local, así de simple",
        "they sit on the weights like dragons",
    ],
)
def test_a_request_only_the_model_finds_says_so_in_its_cues(text: str) -> None:
    analysis = analyze(text)
    request_cues = [c for c in analysis.cues if c.kind == "request"]
    assert analysis.request
    assert [c.text for c in request_cues] == ["model"]
    assert request_cues[0].detail.startswith("n-gram model, p=")
    assert request_cues[0].weight >= MODEL_THRESHOLD


def test_a_message_without_a_topic_word_is_never_added_by_the_model() -> None:
    assert not analyze("I never use ChatGPT").request
    assert not analyze("they sit on it like dragons").request


def test_every_category_decision_carries_the_model_vote() -> None:
    analysis = analyze("please open source sora")
    details = [c.detail for c in analysis.cues if c.kind == "category" and c.text == "model"]
    assert len(details) == 1
    assert details[0].startswith("n-gram model: ")
