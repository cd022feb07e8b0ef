"""The shipped models' features are found by bisection until a dict pays for itself: both ways
must give every feature the same value, and an unknown feature none."""

from __future__ import annotations

from bot.analysis.ngram_model import (
    CategoryModel,
    FeatureIndex,
    RequestModel,
    features,
    shipped_models,
)

FEATURES = ["b:a b", "w:a", "w:z", "c:<ab", "w:b", "w:y"]  # two sorted runs: [0, 3) and [3, 6)
VALUES = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def test_bisection_and_dict_agree_on_every_feature_and_on_unknown_ones() -> None:
    index = FeatureIndex(FEATURES, ((0, 3), (3, 6)), VALUES)
    bisect = index.getter(1)
    looked = [bisect(feature) for feature in [*FEATURES, "w:", "w:zz", "a", "x:short", ""]]
    assert looked == [*VALUES, None, None, None, None, None]
    assert index.as_dict() == dict(zip(FEATURES, VALUES, strict=True))


def test_an_offset_index_reads_the_values_of_its_runs_only() -> None:
    # values[i - offset] belongs to features[i]: the request model's weights start after the
    # features only the category model knows.
    index = FeatureIndex(FEATURES, ((3, 6),), VALUES[3:], offset=3)
    assert [index.getter(1)(feature) for feature in FEATURES] == [None, None, None, 4.0, 5.0, 6.0]
    assert index.as_dict() == {"c:<ab": 4.0, "w:b": 5.0, "w:y": 6.0}


def test_the_dict_comes_once_the_bisections_cost_as_much() -> None:
    index = FeatureIndex(FEATURES, ((0, 3), (3, 6)), VALUES)
    first = index.getter(10)
    assert first.__self__ is index  # type: ignore[attr-defined]  # bisection: no dict yet
    later = index.getter(1_000_000)
    assert first("w:z") == later("w:z") == 3.0
    assert later.__self__ is index.as_dict()  # type: ignore[attr-defined]


def test_the_shipped_models_read_what_the_file_holds_by_bisection_and_by_dict() -> None:
    # Built as `builtin` builds them (their runs of the file), compared with the file's weights
    # read without a FeatureIndex: every feature by bisection, a model fresh for each short
    # message of a thousand features (its first lookups), then by the dict.
    packed = shipped_models()
    expected = packed.weights()
    by_file = CategoryModel.from_weights(expected.category, expected.category_bias)
    every = [*packed.features, *features("zzqx qqzv never-seen")]
    for start in range(0, len(every), 1000):
        message = every[start : start + 1000]
        requests = RequestModel.builtin.__wrapped__(RequestModel)  # type: ignore[attr-defined]
        weighed = requests.weighed(message)
        known = [(feature, expected.request.get(feature)) for feature in message]
        assert list(zip(weighed.feats, weighed.weights, strict=True)) == [
            (feature, weight) for feature, weight in known if weight
        ]
        categories = CategoryModel.builtin.__wrapped__(CategoryModel)  # type: ignore[attr-defined]
        assert categories.score(message) == by_file.score(message)
    assert requests.weights == expected.request
    assert categories.rows == by_file.rows
