"""LiteralIndex finds exactly the rules a substring test per string would find."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.category import category_rules
from bot.analysis.folding import fold_lower
from bot.analysis.literal_index import LiteralIndex
from bot.analysis.rules import request_rules

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus.jsonl"


def by_substrings(strings_per_rule: list[tuple[str, ...]], text: str) -> set[int]:
    return {
        number
        for number, strings in enumerate(strings_per_rule)
        if any(string in text for string in strings if string)
    }


@pytest.mark.parametrize(
    ("rules", "text", "expected"),
    [
        ([("open",), ("opens",), ("pen",)], "it opens", {0, 1, 2}),  # overlapping and nested
        ([("open",), ("opens",)], "open it", {0}),
        ([("weights", "ckpt"), ("release",)], "drop the ckpt", {0}),
        ([("a",), ("aa",), ("aaa",)], "aa", {0, 1}),
        ([("x",), ()], "xyz", {0}),  # a rule without strings never shows up
        ([("", "q")], "abc", set()),  # an empty string is left out
        ([("q",), ("q",)], "q", {0, 1}),  # one string, two rules
        ([], "anything", set()),
    ],
)
def test_rules_in(rules: list[tuple[str, ...]], text: str, expected: set[int]) -> None:
    assert LiteralIndex.of(rules).rules_in(text) == expected


def _category_literals() -> list[tuple[str, ...]]:
    return [tuple(rule.literals or ()) for rule in category_rules()]


def _anchors() -> list[tuple[str, ...]]:
    return [rule.anchors for rule in request_rules()]


@pytest.mark.parametrize("strings", [_category_literals(), _anchors()], ids=["literals", "anchors"])
def test_the_shipped_rules_on_the_corpus(strings: list[tuple[str, ...]]) -> None:
    index = LiteralIndex.of(strings)
    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    found_any = 0
    for text in texts:
        lowered = fold_lower(text)
        found = index.rules_in(lowered)
        assert found == by_substrings(strings, lowered), text
        found_any += bool(found)
    assert found_any > len(texts) // 2  # the check above was not vacuous


_CATEGORY_LITERALS = _category_literals()
_CATEGORY_INDEX = LiteralIndex.of(_CATEGORY_LITERALS)
_pieces = st.sampled_from(sorted({s for rule in _CATEGORY_LITERALS for s in rule}))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_pieces, st.text(max_size=4)), max_size=12).map("".join))
def test_any_text_made_of_rule_pieces(text: str) -> None:
    found = _CATEGORY_INDEX.rules_in(text)
    assert found == by_substrings(_CATEGORY_LITERALS, text)
