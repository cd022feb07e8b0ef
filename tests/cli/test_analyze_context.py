"""`clamor analyze` and `clamor classify` read a reply with what it answers, as the bot does:
DiscordChatExporter's `reference`, and a `context` in classify's JSON Lines."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.cli.test_analyze import export_doc

pytestmark = pytest.mark.usefixtures("clean_settings")

REQUEST = "OpenAI should open source Sora"
REACTION = "Olvídense eso jamás va a pasar!"


def _replying(doc: dict[str, object], replies: dict[int, int]) -> dict[str, object]:
    """Mark message n (1-based) of the export as a reply to message m."""
    messages = doc["messages"]
    assert isinstance(messages, list)
    for n, m in replies.items():
        messages[n - 1]["type"] = "Reply"
        messages[n - 1]["reference"] = {"messageId": messages[m - 1]["id"]}
    return doc


def classify_jsonl(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lines: list[dict[str, object]],
) -> tuple[list[dict[str, object]], str]:
    """`clamor classify --jsonl --json --explain` on `lines`, whose last one it refuses: the
    results of the others and the standard error."""
    stdin = io.TextIOWrapper(io.BytesIO("".join(json.dumps(x) + "\n" for x in lines).encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["classify", "--jsonl", "--json", "--explain"]) == 1  # the last line is refused
    out, err = capsys.readouterr()
    return [json.loads(line) for line in out.splitlines()], err


def requests_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: dict[str, object]
) -> int:
    """`clamor analyze` of the export `doc`: how many request messages its digest counts."""
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["analyze", str(path), "--format", "json", "--tz", "UTC"]) == 0
    return int(json.loads(capsys.readouterr().out)["totals"]["requests"])


@pytest.mark.parametrize(("answered", "requests"), [(1, 2), (2, 1)])
def test_a_reply_counts_when_it_answers_a_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answered: int, requests: int
) -> None:
    doc = export_doc(
        [
            ("2026-03-14T10:00:00+00:00", REQUEST),
            ("2026-03-14T10:01:00+00:00", "anyone up for pizza tonight?"),
            ("2026-03-14T10:02:00+00:00", REACTION),
            ("2026-03-14T10:03:00+00:00", "lol"),
        ]
    )
    counted = requests_counted(tmp_path, capsys, _replying(doc, {3: answered, 4: 1}))
    assert counted == requests  # "lol" never counts


def test_classify_reads_the_given_context(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"text": REACTION, "context": REQUEST},
        {"text": REACTION},
        {"text": REACTION, "context": {"request": True}},
        {"text": "lol", "context": {"text": REQUEST}},
        {"text": REACTION, "context": 5},
    ]
    results, err = classify_jsonl(monkeypatch, capsys, lines)
    assert [r["request"] for r in results] == [True, False, True, False]
    assert results[0]["category"] == "defeatism"
    assert any("the context decided" in cue for cue in results[0]["cues"])
    assert "line 5: 'context' must be" in err


FLOW_REACTION = "same, it's never happening"  # no reply, and alone the topic gate turns it away


@pytest.mark.parametrize(("posted", "requests"), [("10:02", 2), ("10:06", 1)])
def test_a_message_right_after_a_request_in_its_channel_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], posted: str, requests: int
) -> None:
    doc = export_doc(
        [
            ("2026-03-14T10:00:00+00:00", REQUEST),
            ("2026-03-14T10:01:00+00:00", "lol"),  # chat in between is still chat
            (f"2026-03-14T{posted}:00+00:00", FLOW_REACTION),  # within 5 minutes, or after
        ]
    )
    assert requests_counted(tmp_path, capsys, doc) == requests


def test_classify_reads_a_flow_context(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"text": FLOW_REACTION, "context": {"text": REQUEST, "flow": True}},
        {"text": FLOW_REACTION, "context": {"request": True, "flow": True}},
        {"text": "what time is it", "context": {"request": True, "flow": True}},
        {"text": FLOW_REACTION, "context": {"text": "pizza tonight?", "flow": True}},
        {"text": FLOW_REACTION, "context": {"request": True, "flow": "yes"}},
    ]
    results, err = classify_jsonl(monkeypatch, capsys, lines)
    assert [r["request"] for r in results] == [True, True, False, False]
    flow = "follows a request message in this channel: the context decided"
    assert any(flow in cue for cue in results[0]["cues"])
    assert "line 5: 'context' must be" in err


TITLE = "Will you open source the Sora weights?"
AS_TITLED = "As the title says. Thanks in advance!"


@pytest.mark.parametrize(("title", "requests"), [(TITLE, 1), ("Pizza night", 0)])
def test_a_forum_posts_opening_message_is_read_with_its_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], title: str, requests: int
) -> None:
    """In the export of a forum post the channel is the post, named by its title, and the
    opening message has the post's id: it is read after the title, as the bot reads it."""
    doc = export_doc(
        [
            ("2026-03-14T10:00:00+00:00", AS_TITLED),
            ("2026-03-14T10:01:00+00:00", "lol"),
        ]
    )
    channel = doc["channel"]
    channel.update(type="GuildPublicThread", name=title)
    channel["id"] = doc["messages"][0]["id"]
    assert requests_counted(tmp_path, capsys, doc) == requests


def test_classify_reads_a_title_before_the_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"text": AS_TITLED, "title": TITLE},
        {"text": AS_TITLED},
        {"text": AS_TITLED, "title": "Pizza night"},
        {"text": AS_TITLED, "title": None},
        {"text": AS_TITLED, "title": ["not", "text"]},
        {"text": AS_TITLED, "title": False},
    ]
    results, err = classify_jsonl(monkeypatch, capsys, lines)
    assert [r["request"] for r in results] == [True, False, False, False]
    assert results[0]["text"] == AS_TITLED  # the input echoed as given
    assert "line 5: 'title' must be a string" in err
    assert "line 6: 'title' must be a string" in err
