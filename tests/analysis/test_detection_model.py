"""The learned models that decide: features, scores, explanations, the topic gate before them.

The shipped weights are trained by ``bench/train_model.py`` on the real corpus's train and dev
threads; how well they do is the benchmark's business (``bench/accuracy.py``). These tables pin
down the mechanics with small hand-made weights.
"""

from __future__ import annotations

import math

import pytest

from bot.analysis import CATEGORIES, analyze
from bot.analysis.detection import RequestDetector
from bot.analysis.entities import ALTERNATIVE_MARK, TARGET_MARK
from bot.analysis.ngram_model import (
    CategoryModel,
    ModelWeights,
    RequestModel,
    category_features,
    features,
    message_shape,
    pack_models,
    readable,
    request_features,
    shipped_models,
    unpack_models,
)

FEATURE_CASES = [
    # (prepared text, features that must be there, features that must not)
    ("release it", ["w:release", "w:it", "b:<s> release", "b:release it", "b:it </s>"], []),
    ("liberaran", ["c:<li", "c:<lib", "c:aran>", "c:ibera"], ["c:<l", "c:iberara"]),
    (f"drop {TARGET_MARK * 4} now", ["w:<target>", "b:drop <target>", "b:<target> now"], []),
    (f"just use {ALTERNATIVE_MARK * 3}", ["w:<alt>", "b:use <alt>"], ["w:\ue0a1\ue0a1\ue0a1"]),
    ("when?? 🙄", ["w:?", "w:🙄", "b:when ?"], []),
    ("x", ["w:x", "b:<s> x"], ["c:<x>"]),  # one-letter words get no character n-grams
    ("it's", ["w:it's", "c:t's>"], ["w:s"]),
    # Chinese, Japanese and Korean: a token per character, words of other scripts between.
    ("开源代码吧", ["w:开", "w:吧", "b:<s> 开", "b:源 代", "b:吧 </s>"], ["w:开源", "c:<开源"]),
    ("sora的weights", ["w:sora", "w:的", "w:weights", "b:sora 的", "b:的 weights"], []),
    ("qwen'的 let's", ["w:qwen", "w:的", "w:let's"], ["w:qwen'", "w:'"]),
    ("한국어로\u3000", ["w:한", "w:로", "w:\u3000", "b:로 \u3000"], ["w:한국어로"]),
]


def test_word_runs_are_cut_where_a_script_joins_words() -> None:
    # One token per character of such scripts, wherever it sits in a run of word characters
    # (the apostrophe binds only word characters of other scripts).
    cases = {
        "代'abc": ["代", "abc"],
        "ab'cd'代ef": ["ab'cd", "代", "ef"],
        "代'码": ["代", "码"],
        "x_1代2": ["x_1", "代", "2"],
        "ｶﾀ": ["ｶﾀ"],  # halfwidth katakana is past the ranges: one word
        "。、!": ["。", "、", "!"],
    }
    for text, words in cases.items():
        tokens = [f[2:] for f in features(text) if f.startswith("w:")]
        assert tokens == list(dict.fromkeys(words)), text


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
    model = RequestModel({"w:release": 2.0, "w:it": 0.5, "w:never": -3.0}, bias=-1.0)
    feats = ["w:release", "w:it", "w:unknown", "w:zzz"]
    score = model.score(feats)
    assert score.probability == pytest.approx(1 / (1 + math.exp(-(-1.0 + 2.5 / 2))))
    assert [c.feature for c in score.top] == ["w:release", "w:it"]
    pieces = RequestModel({"c:<rel": 3.0, "w:it": 0.5}).score(["c:<rel", "w:it"])
    assert [c.feature for c in pieces.top] == ["w:it", "c:<rel"]  # words explain first
    assert score.top[0].weight == pytest.approx(1.0)  # 2.0 scaled by 1/sqrt(4 features)
    assert model.score(["w:never"]).top == ()  # only features that pushed towards "request"
    assert [c.feature for c in score.against] == []
    assert [c.feature for c in model.score(["w:never", "w:it"]).against] == ["w:never"]


def test_features_of_equal_weight_are_named_in_one_order_each_way() -> None:
    # Whatever order the message has them in: by name, the later first, as before.
    model = RequestModel({"w:a": 1.0, "w:b": 1.0, "w:c": 1.0, "w:d": -1.0, "w:e": -1.0})
    for feats in (["w:a", "w:b", "w:c", "w:d", "w:e"], ["w:e", "w:c", "w:d", "w:a", "w:b"]):
        score = model.score(feats, top=2)
        assert [c.feature for c in score.top] == ["w:c", "w:b"]
        assert [c.feature for c in score.against] == ["w:e", "w:d"]


def test_the_threshold_is_the_decision_threshold_not_a_feature() -> None:
    model = RequestModel({"w:release": 1.0}, threshold=0.7)
    assert model.threshold == model.context_threshold == 0.7
    assert RequestModel({}).threshold == 0.5
    assert RequestModel({}, threshold=0.6, context_threshold=0.4).context_threshold == 0.4


HAND_MADE = ModelWeights(
    request={"w:release": 1.25, "b:<s> release": -0.5, "ctx:request": 0.0625},
    category={
        "w:release": (0.5, -0.25, 0.0, -0.0, 1e-4),
        "t:negative": (0.0, 1.5, 0.0, 0.0, -2.0),
    },
    request_bias=-1.5,
    category_bias=(0.1, 0.2, 0.3, 0.4, 0.5),
    threshold=0.48,
    context_threshold=0.49,
    flow_threshold=0.81,
    notes="made by hand: «sí»",
)


def test_the_models_file_gives_back_every_weight_exactly() -> None:
    weights = HAND_MADE
    packed = unpack_models(pack_models(weights))
    assert packed.weights() == weights
    # Each model's features are one run of the list: the category model's first.
    assert packed.features == ["t:negative", "w:release", "b:<s> release", "ctx:request"]
    assert (packed.category_only, packed.category_rows) == (1, 2)
    assert packed.notes == "made by hand: «sí»"


@pytest.mark.parametrize(
    ("weights", "problem"),
    [
        (HAND_MADE._replace(request={"w:a\nb": 1.0}), "line break"),
        (HAND_MADE._replace(category={"w:a": (1.0, 2.0)}), "category row"),
    ],
)
def test_a_models_file_cannot_hold_what_it_could_not_give_back(
    weights: ModelWeights, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        pack_models(weights)


def test_a_damaged_models_file_is_refused() -> None:
    packed = pack_models(HAND_MADE)
    cases = [
        (packed[:-8], "cut short"),
        (packed + b"\0", "bytes to spare"),
        (b"clamor n-gram models 2" + packed[22:], "not an n-gram models file"),
    ]
    for damaged, problem in cases:
        with pytest.raises(ValueError, match=problem):
            unpack_models(damaged)


def test_the_builtin_models_are_the_shipped_weights() -> None:
    shipped = shipped_models().weights()
    requests, categories = RequestModel.builtin(), CategoryModel.builtin()
    assert requests.weights == shipped.request
    assert (requests.bias, requests.threshold) == (shipped.request_bias, shipped.threshold)
    assert requests.context_threshold == shipped.context_threshold
    for feature, row in shipped.category.items():
        assert tuple(column[categories.rows[feature]] for column in categories.columns) == row
    assert len(categories.rows) == len(shipped.category)


def test_request_features_are_the_ngrams_and_the_shape() -> None:
    shape = ("x:short", "x:named")
    assert request_features("release it", shape) == (*features("release it"), *shape)


@pytest.mark.parametrize(
    ("words", "named", "generic", "link", "shape"),
    [
        (3, False, False, False, ("x:short",)),
        (14, True, False, False, ("x:short", "x:named")),
        (15, False, True, True, ("x:long", "x:generic", "x:alternative_link")),
    ],
)
def test_message_shape(
    words: int, named: bool, generic: bool, link: bool, shape: tuple[str, ...]
) -> None:
    assert message_shape(words, named, generic, link) == shape


@pytest.mark.parametrize(
    ("compound", "tone"), [(-0.3, "t:negative"), (0.0, "t:neutral"), (0.3, "t:positive")]
)
def test_category_features_add_the_tone(compound: float, tone: str) -> None:
    assert category_features(("w:x",), compound) == ("w:x", tone)


def test_category_model_gives_a_distribution_and_its_best() -> None:
    row = (0.0, 0.0, 0.0, 4.0, 0.0)  # skepticism
    model = CategoryModel.from_weights({"w:doubt": row}, bias=(0.5, 0.0, 0.0, 0.0, 0.0))
    doubting = model.score(["w:doubt"])
    assert sum(doubting.probabilities.values()) == pytest.approx(1.0)
    assert doubting.best == "skepticism"
    assert [c.feature for c in doubting.top] == ["w:doubt"]
    assert model.score(["w:other"]).best == "demand"  # the bias alone


def test_the_shipped_tables_load_and_cover_every_category() -> None:
    requests = RequestModel.builtin()
    categories = CategoryModel.builtin()
    assert requests.bias != 0.0
    assert len(requests.weights) > 1000
    prefixes = ("w:", "b:", "c:", "x:", "cw:", "cb:", "cx:", "ctx:")
    assert all(f.startswith(prefixes) for f in requests.weights)
    assert "ctx:request" in requests.weights
    assert 0.0 < requests.threshold < 1.0
    assert len(categories.columns) == len(categories.bias) == len(CATEGORIES)
    assert all(len(column) == len(categories.rows) + 1 for column in categories.columns)
    assert all(f.startswith((*prefixes, "t:")) for f in categories.rows)


@pytest.mark.parametrize(
    ("lowered", "passes"),
    [
        ("they should let us download it", False),
        ("i never use chatgpt", False),  # a name alone says nothing about opening it
        ("we're still waiting :(", False),  # a stance word alone neither
        ("drop the ckpt", True),
        ("they'll never release it", True),
        ("sora 1 weights someday", True),
        ("se quedan con todo, ni lo liberan", True),
        ("api only forever lol", True),
        ("请问代码什么时候开源", True),  # no spaces between words: found anywhere
        ("ウェイトの公開はいつですか", True),
        ("когда выложите код?", True),
    ],
)
def test_the_topic_gate(lowered: str, passes: bool) -> None:
    assert RequestDetector().might_be_request(lowered) is passes


def test_every_request_decision_shows_the_model_for_and_against() -> None:
    analysis = analyze("OpenAI should open source Sora, please release the weights")
    request_cues = [c for c in analysis.cues if c.kind == "request"]
    assert analysis.request
    assert request_cues[0].text == "model"
    assert request_cues[0].detail.startswith("learned model: request, p=")
    assert "; for: " in request_cues[0].detail
    assert request_cues[0].weight >= RequestModel.builtin().threshold


def test_a_message_the_gate_turns_away_is_never_a_request() -> None:
    assert not analyze("I never use ChatGPT").request
    assert not analyze("they sit on it like dragons").request


def test_every_category_decision_is_the_learned_models() -> None:
    analysis = analyze("please open source sora")
    verdicts = [c for c in analysis.cues if c.kind == "category"]
    assert verdicts[0].text == analysis.category
    assert verdicts[0].detail.startswith("learned model, p=")
