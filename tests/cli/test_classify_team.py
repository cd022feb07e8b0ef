"""`clamor classify --jsonl` with `"team": true`: the server's team answers, never requests."""

from __future__ import annotations

import io
import json
import sys

import pytest

from bot.cli import main
from tests.cli.test_analyze_context import classify_jsonl

ANSWER = "We plan to open source the weights after the paper is accepted"  # a request alone
BY_THE_TEAM = "by the team: an answer, never counted"


def test_a_message_by_the_team_is_never_a_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines: list[dict[str, object]] = [
        {"text": ANSWER, "team": True},
        {"text": ANSWER, "team": False},
        {"text": ANSWER, "team": None},  # as without the key, like a null title or context
        {"text": ANSWER},
        {"text": ANSWER, "team": True, "context": {"request": True}},
        {"text": ANSWER, "team": "yes"},
    ]
    results, err = classify_jsonl(monkeypatch, capsys, lines)
    assert [(r["request"], r["category"] is None) for r in results] == [
        (False, True),
        (True, False),
        (True, False),
        (True, False),
        (False, True),
    ]
    assert results[0]["summary"].startswith(f"{BY_THE_TEAM} · language en · tone ")
    assert results[1]["summary"].startswith("request (")
    assert results[0]["compound"] == results[1]["compound"]  # read all the same
    # No reaction category is claimed for an answer; the model's reading stays explained.
    assert not [c for c in results[0]["cues"] if c.startswith("category")]
    assert [c for c in results[1]["cues"] if c.startswith("category")]
    assert [c for c in results[0]["cues"] if c.startswith("request")]
    assert err == "clamor classify: line 6: 'team' must be true or false\n"


@pytest.mark.parametrize("odd", ["true", 1, 0, [], {}])
def test_a_team_that_is_not_true_or_false_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], odd: object
) -> None:
    results, err = classify_jsonl(
        monkeypatch, capsys, [{"text": ANSWER}, {"text": "x", "team": odd}]
    )
    assert len(results) == 1  # the good line is classified, the bad one skipped
    assert err == "clamor classify: line 2: 'team' must be true or false\n"


def test_the_human_block_says_by_the_team(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    line = json.dumps({"text": ANSWER, "team": True}) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(line.encode())))
    assert main(["classify", "--jsonl", "--human"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    first, verdict = out.splitlines()[:2]
    assert first == f"1. {ANSWER}"
    assert verdict.startswith(f"   {BY_THE_TEAM} · language en")
