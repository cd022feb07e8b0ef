"""The literal pre-check may skip a regex only where the regex could not have matched."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.category import category_rules
from bot.analysis.literals import may_contain, required_literals
from bot.analysis.rules import request_rules

CORPUS = Path(__file__).parents[1] / "data" / "corpus.jsonl"
PATTERNS = [(rule.regex, rule.literals) for rule in request_rules()] + [
    (rule.regex, rule.literals) for rule in category_rules() if rule.regex is not None
]
WORDS = sorted({literal for _, literals in PATTERNS for literal in literals or ()})


def corpus_texts() -> list[str]:
    with CORPUS.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    return texts + [text.lower() for text in texts]


def test_no_corpus_text_is_wrongly_skipped() -> None:
    for text in corpus_texts():
        for regex, literals in PATTERNS:
            if regex.search(text):
                assert may_contain(text, literals), (regex.pattern, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=12))
def test_no_generated_text_is_wrongly_skipped(parts: list[str]) -> None:
    text = " ".join(parts)
    for regex, literals in PATTERNS:
        if regex.search(text):
            assert may_contain(text, literals), (regex.pattern, text)


@pytest.mark.parametrize(
    ("pattern", "inside", "outside"),
    [
        (r"\bopen[- ]?source\b", "pls open source it", "closed forever"),
        (r"(?:liberen|suelten) los pesos", "que liberen los pesos", "nada que ver"),
    ],
)
def test_literals_of_simple_patterns(pattern: str, inside: str, outside: str) -> None:
    literals = required_literals(re.compile(pattern))
    assert literals is not None
    assert may_contain(inside, literals)
    assert not may_contain(outside, literals)
