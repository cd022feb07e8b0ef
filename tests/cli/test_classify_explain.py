"""`clamor classify --explain`: cues and a summary in JSON, readable blocks for a person."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.classify import wants_human

LINES = ["please open source the weights", "anyone up for pizza?"]


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, str]:
    source = tmp_path / "input.txt"
    source.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    status = main(["classify", str(source), *flags])
    out, err = capsys.readouterr()
    assert err == ""
    return status, out


def test_json_explain_keeps_cues_and_adds_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(tmp_path, capsys, "--explain")
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    request, other = rows
    assert request["summary"].startswith(f"request ({request['category']}) · language en")
    assert other["summary"].startswith("not a request · language en")
    assert any(cue.startswith("request: ") for cue in request["cues"])
    assert all(isinstance(cue, str) and ": " in cue for row in rows for cue in row["cues"])


def test_without_explain_there_are_no_cues(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = run(tmp_path, capsys)
    assert all("cues" not in json.loads(line) for line in out.splitlines())


def test_human_prints_one_readable_block_per_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(tmp_path, capsys, "--human")
    assert status == 0
    first, second = out.rstrip("\n").split("\n\n")
    first_lines = first.splitlines()
    assert first_lines[0] == "1. please open source the weights"
    assert first_lines[1].startswith("   request (")
    assert any(line.startswith('     - request: "') for line in first_lines[2:])
    assert second.splitlines()[0] == "2. anyone up for pizza?"
    assert second.splitlines()[1].startswith("   not a request · language en")
    with pytest.raises(json.JSONDecodeError):
        json.loads(first_lines[0])


def test_human_and_json_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["classify", "--human", "--json"])
    assert exited.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


HUMAN_OR_NOT = [
    # (--explain, --human, --json, stdout is a terminal) -> readable blocks?
    ((False, False, False, False), False),
    ((False, False, False, True), False),  # plain classify stays JSON, even on a terminal
    ((True, False, False, False), False),  # piped: JSON for programs
    ((True, False, False, True), True),  # a person at a terminal
    ((True, False, True, True), False),  # --json insists
    ((False, True, False, False), True),  # --human insists
]


@pytest.mark.parametrize(("flags", "expected"), HUMAN_OR_NOT)
def test_when_output_is_for_a_person(flags: tuple[bool, bool, bool, bool], expected: bool) -> None:
    explain, human, as_json, terminal = flags
    args = argparse.Namespace(explain=explain, human=human, json=as_json)
    assert wants_human(args, terminal) is expected
