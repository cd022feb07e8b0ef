"""`clamor classify`: the output contract, bad lines, and hostile text."""

import json
from pathlib import Path

import pytest

from bot.cli import main

CONTRACT = {
    "text",
    "request",
    "category",
    "language",
    "compound",
    "pos",
    "neu",
    "neg",
    "targets",
    "alternatives",
}


def classify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: list[str], *flags: str
) -> tuple[int, list[dict[str, object]], str]:
    source = tmp_path / "input.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    status = main(["classify", str(source), *flags])
    out, err = capsys.readouterr()
    return status, [json.loads(line) for line in out.splitlines()], err


def test_every_line_carries_the_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        "OpenAI should open source Sora",
        "anyone up for pizza?",
        "Olvídense eso jamás va a pasar!",
    ]
    status, rows, err = classify(tmp_path, capsys, lines)
    assert status == 0
    assert err == ""
    assert [row["text"] for row in rows] == lines
    for row in rows:
        assert row.keys() >= CONTRACT
        assert isinstance(row["compound"], float)
        assert -1.0 <= row["compound"] <= 1.0
    assert rows[0]["request"] is True
    assert "Sora" in rows[0]["targets"]  # type: ignore[operator]
    assert rows[1]["request"] is False
    assert rows[1]["category"] is None
    assert rows[2]["language"] == "es"


def test_explain_adds_cues(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, rows, _ = classify(tmp_path, capsys, ["please open source the weights"], "--explain")
    cues = rows[0]["cues"]
    assert isinstance(cues, list)
    assert any(str(cue).startswith("request") for cue in cues)


def test_jsonl_bad_lines_are_reported_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        json.dumps({"text": "release the weights"}),
        "{not json",
        json.dumps({"body": "no text key"}),
        json.dumps(["a list"]),
        json.dumps({"text": "ok then"}),
    ]
    status, rows, err = classify(tmp_path, capsys, lines, "--jsonl")
    assert status == 1
    assert [row["text"] for row in rows] == ["release the weights", "ok then"]
    assert [line.split(":")[1].strip() for line in err.splitlines()] == [
        "line 2",
        "line 3",
        "line 4",
    ]
    assert "Traceback" not in err


def test_invalid_utf8_line_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "input.txt"
    source.write_bytes(b"open source it\n\xff\xfe broken\nfine\n")
    assert main(["classify", str(source)]) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 2
    assert "line 2: not valid UTF-8" in err


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "open source it " * 300,
        "😂" * 2000,
        "null\x00bytes open source",
        "مرحبا افتحوا المصدر",
        "Z̷̢̛a̴̧l̸g̵o̷ open source",
    ],
    ids=["empty", "blank", "4000-chars", "2000-emoji", "null", "rtl", "combining"],
)
def test_hostile_lines_are_classified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    source = tmp_path / "input.jsonl"
    source.write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    status = main(["classify", "--jsonl", str(source)])
    out, _ = capsys.readouterr()
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert row["text"] == text
    assert row.keys() >= CONTRACT


def test_lone_surrogate_survives_as_escaped_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "input.jsonl"
    source.write_text('{"text": "open source \\ud800 it"}\n', encoding="utf-8")
    assert main(["classify", "--jsonl", str(source)]) == 0
    out, _ = capsys.readouterr()
    assert json.loads(out)["text"] == "open source \ud800 it"


def test_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", str(tmp_path / "nope.txt")]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1
    assert "nope.txt" in err
