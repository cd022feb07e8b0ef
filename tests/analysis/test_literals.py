"""The literal pre-check may skip a regex only where the regex could not have matched."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.category import category_rules
from bot.analysis.literals import (
    INDEX_FROM_CHARS,
    first_match,
    may_contain,
    plan_for,
    required_literals,
)
from bot.analysis.pattern_facts import Width, leading_runs, parse, width
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


# ---- the search plan: a regex tried only where a match could start -------------------------

MARKS = ("\ue0a1", "\ue0a2")
RULES = [regex for regex, _literals in PATTERNS]


def long_texts() -> list[str]:
    """Long lowercased chat: corpus messages run together, some names written over with the
    detector's entity markers (as in the text the rules really see)."""
    rng = random.Random(5)
    messages = [text.lower() for text in corpus_texts()]
    texts = []
    for _ in range(40):
        words = " ".join(rng.sample(messages, 25)).split(" ")
        for i in rng.sample(range(len(words)), len(words) // 15):
            words[i] = rng.choice(MARKS) * max(1, len(words[i]))
        texts.append(" ".join(words))
    return texts


def spans(match: re.Match[str] | None) -> tuple[int, int] | None:
    return match.span() if match else None


def test_first_match_finds_what_search_finds_on_long_chat() -> None:
    for text in long_texts():
        assert len(text) >= INDEX_FROM_CHARS
        for regex in RULES:
            assert spans(first_match(plan_for(regex), text)) == spans(regex.search(text))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(WORDS)
        | st.sampled_from([mark * 3 for mark in MARKS])
        | st.text(alphabet="abcdeiost '.,!?\ue0a1\ue0a2", max_size=6),
        min_size=60,
        max_size=120,
    )
)
def test_first_match_finds_what_search_finds_on_generated_text(parts: list[str]) -> None:
    text = " ".join(parts)
    if len(text) < INDEX_FROM_CHARS:
        text = text + " " + text
    for regex in RULES:
        assert spans(first_match(plan_for(regex), text)) == spans(regex.search(text))


def test_may_contain_is_exact_on_long_text() -> None:
    for text in long_texts()[:10]:
        for regex in RULES:
            literals = required_literals(regex)
            if literals is not None:
                assert may_contain(text, literals) == (regex.search(text) is not None)


def test_every_match_starts_with_a_start_prefix_and_has_a_literal_within_reach() -> None:
    for text in long_texts()[:20]:
        longest_run = max(map(len, text.split(" ")))
        for regex in RULES:
            plan = plan_for(regex)
            for match in regex.finditer(text):
                start = match.start()
                if plan.starts is not None:
                    assert text.startswith(plan.starts, start), (regex.pattern, match)
                if plan.after_non_word:
                    assert start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")
                if plan.literals is not None and plan.reach is not None:
                    window = text[start : start + plan.reach.limit(longest_run) + 40]
                    reach = plan.reach.limit(longest_run)
                    assert any(0 <= window.find(literal) <= reach for literal in plan.literals), (
                        regex.pattern,
                        match,
                    )


@pytest.mark.parametrize(
    ("pattern", "starts", "most_chars"),
    [
        (r"(?<!\w)(?:please|pls)(?!\w)", ("pls", "plea"), Width(6, 0)),
        (r"(?<!\w)(?:[ab]c|d?e)", ("ac", "bc", "de", "e"), Width(2, 0)),
        (r"(?<!\w)\w+ now", None, Width(4, 1)),  # one run of word characters, then " now"
        (r"(?<!\w)(?:\w+ )*now", None, None),  # runs of words and spaces: no bound
        (r"x", None, Width(1, 0)),  # not word-bounded: a match may start anywhere
    ],
)
def test_start_prefixes_and_width_of_simple_patterns(
    pattern: str, starts: tuple[str, ...] | None, most_chars: Width | None
) -> None:
    regex = re.compile(pattern)
    parsed = parse(regex)
    assert width(parsed) == most_chars
    found = plan_for(regex).starts
    assert (set(found) if found is not None else None) == (set(starts) if starts else None)


@pytest.mark.parametrize(
    ("pattern", "runs"),
    [
        (r"(?<!\w)(?:\ue0a2+ is open|they)", {"\ue0a2"}),
        (r"(?<!\w)(?:\ue0a2+ is open|\ue0a2 x)", set()),  # one way in is not a run
        (r"(?<!\w)(\ue0a2+) is open", set()),  # a group could be referred back to
        (r"\ue0a2+ is open", set()),  # not word-bounded
    ],
)
def test_leading_runs(pattern: str, runs: set[str]) -> None:
    regex = re.compile(pattern)
    assert leading_runs(regex, parse(regex)) == runs


def test_a_failed_start_inside_a_run_is_not_tried_again() -> None:
    regex = re.compile(r"(?<!\w)(?:\ue0a2+ is open)(?!\w)")
    text = "x " * 200 + "\ue0a2" * 6 + " is closed, " + "\ue0a2" * 4 + " is open"
    assert spans(first_match(plan_for(regex), text)) == spans(regex.search(text))
