"""Lists in /clamor-mod answers: complete when short, cut with a count when long."""

from __future__ import annotations

import pytest

from bot.moderation import bounded_list, describe_terms, describe_watch
from bot.moderation.texts import MESSAGE_LIMIT


@pytest.mark.parametrize(
    ("items", "budget", "expected"),
    [
        ([], 100, "none"),
        (["a"], 100, "a"),
        (["a", "b", "c"], 100, "a, b, c"),
        (["aaaa", "bbbb", "cccc"], 14, "3 in all (too long to show)"),
        (["aaaa", "bbbb", "cccc"], 16, "aaaa, bbbb, cccc"),
        (["aaaa", "bbbb", "cccc"], 15, "aaaa and 2 more"),
        (["aaaaaaaaaaaa"], 5, "1 in all (too long to show)"),
    ],
)
def test_bounded_list(items: list[str], budget: int, expected: str) -> None:
    assert bounded_list(items, budget) == expected


def test_bounded_list_stays_within_budget_for_many_mentions() -> None:
    mentions = [f"<#{1_200_000_000_000_000_000 + n}>" for n in range(500)]
    text = bounded_list(mentions, 800)
    assert len(text) <= 800
    assert text.endswith(" more")
    shown = text.split(" and ")[0].split(", ")
    assert text.endswith(f" and {500 - len(shown)} more")
    assert shown == mentions[: len(shown)]


@pytest.mark.parametrize(
    ("mode", "ruled", "watched", "lines"),
    [
        ("all", [], ["<#1>"], [
            "Mode **all**: every text, news and forum channel I can read is watched, "
            "except excluded ones.",
            "Excluded: none",
            "Watched now: <#1>",
        ]),
        ("listed", [], [], [
            "Mode **listed**: only channels on the watch list are watched.",
            "Watch list: empty (add channels with /clamor-mod watch add)",
            "Watched now: nothing",
        ]),
        ("listed", ["<#2>", "<#3>"], ["<#2>"], [
            "Mode **listed**: only channels on the watch list are watched.",
            "Watch list: <#2>, <#3>",
            "Watched now: <#2>",
        ]),
    ],
)  # fmt: skip
def test_describe_watch(mode: str, ruled: list[str], watched: list[str], lines: list[str]) -> None:
    text = describe_watch(mode, ruled, watched)  # type: ignore[arg-type]
    assert text.splitlines() == [*lines, "Threads and forum posts follow their parent channel."]


def test_describe_terms_fits_one_message_and_defuses_backticks() -> None:
    many = {"target": ["t" * 100] * 60, "keyword": ["`odd` term"], "ignore": []}
    text = describe_terms(many)  # type: ignore[arg-type]
    assert len(text) <= MESSAGE_LIMIT
    lines = text.splitlines()
    assert lines[0].startswith("**target** (")
    assert lines[0].endswith(" more")
    assert lines[1].endswith(": `'odd' term`")
    assert lines[2].endswith(": none")
