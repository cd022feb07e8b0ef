"""Worst-case work per message stays linear in its length (issue 11, item 20).

No timings here (bench/worst_case.py measures them): these check the shapes that make the
worst case linear."""

from __future__ import annotations

import pytest

from bot.analysis import analyze
from bot.analysis.pattern_facts import parse, width
from bot.analysis.rules import request_rules

RULES = [(rule.name, rule.regex) for rule in request_rules()]


@pytest.mark.parametrize(("name", "regex"), RULES, ids=[name for name, _ in RULES])
def test_no_rule_match_runs_over_an_unbounded_number_of_words(name: str, regex: object) -> None:
    # A repeated group that can cross a space ("(?:model |<target> )*weights") is retried from
    # every word it can start at, each try running to the end of the repetition: time grows
    # with the square of the length. Bounded, each try covers a few words.
    parsed = parse(regex)  # type: ignore[arg-type]
    assert parsed is not None, f"{name}: the pattern cannot be read"
    assert width(parsed) is not None, f"{name}: a repeat of words without an upper bound"


@pytest.mark.parametrize(
    "text",
    [
        "sora model weights when?",
        "OpenAI's full original base model weights when",
        "where are the damn sora model weights",
        "they'll just finally never ever release it",
    ],
)
def test_a_bounded_chain_still_reads_the_chains_people_write(text: str) -> None:
    assert analyze(text).request
