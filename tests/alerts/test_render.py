"""What an alert says and quotes, as data (the embed field by field) and as terminal text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.alerts import Window, alert_embed, detect_spikes, pick_messages, spike_report, to_text
from bot.alerts.render import alerts_off_answer, alerts_on_answer, alerts_state
from bot.store.records import RequestRecord
from tests.alerts.factories import day, history

GUILD, PUBLIC, PRIVATE = 1, 10, 20
START = datetime(2026, 3, 20, tzinfo=UTC).timestamp()
WINDOW = Window(date(2026, 3, 20), START, START + 15 * 3600)

ROW = RequestRecord(
    message_id=0, guild_id=GUILD, channel_id=PUBLIC, author_hash="a", created_at=START,
    content="open source it", language="en", compound=0.0, pos=0.0, neu=1.0, neg=0.0,
    category="demand", targets=("Sora",), alternatives=(), cues=(),
)  # fmt: skip


def row(message_id: int, hour: float, **changes: object) -> RequestRecord:
    return replace(ROW, message_id=message_id, created_at=START + hour * 3600, **changes)  # type: ignore[arg-type]


def ids(rows: list[RequestRecord], kind: str = "volume", since_hour: float = 0) -> list[int]:
    picked = pick_messages(GUILD, rows, kind, START + since_hour * 3600, {PUBLIC})  # type: ignore[arg-type]
    return [message.message_id for message in picked]


def test_empty_text_and_private_channels_are_never_quoted() -> None:
    rows = [
        row(1, 14, content="", compound=-0.9),  # dropped text / erased by retention
        row(2, 14, channel_id=PRIVATE, compound=-0.9, author_hash="b"),
        row(3, 14, content="   ", compound=-0.8, author_hash="c"),
        row(4, 14, compound=0.1, author_hash="d"),
    ]
    assert ids(rows) == [4]
    assert pick_messages(GUILD, rows, "volume", START, None)[0].message_id == 2


def test_strongest_first_one_per_author_then_oldest_first() -> None:
    rows = [
        row(1, 14.1, compound=-0.9, author_hash="a"),
        row(2, 14.2, compound=-0.8, author_hash="a"),
        row(3, 14.3, compound=0.7, author_hash="b"),
        row(4, 14.4, compound=0.1, author_hash="c"),
        row(5, 9, compound=-1.0, author_hash="d"),  # before the rise began
    ]
    assert ids(rows, since_hour=14) == [1, 3, 4]
    assert ids(rows[:3], since_hour=14) == [1, 2, 3]  # a second from the same author fills up


def test_a_share_spike_quotes_only_sour_messages_most_negative_first() -> None:
    rows = [
        row(1, 14, compound=-0.9, category="demand", author_hash="a"),
        row(2, 14, compound=-0.2, category="frustration", author_hash="b"),
        row(3, 14, compound=-0.7, category="defeatism", author_hash="c"),
        row(4, 14, compound=0.5, category="frustration", author_hash="d"),
        row(5, 14, compound=-0.1, category="skepticism", author_hash="e"),
        row(6, 14, compound=-0.3, category="frustration", author_hash="f"),
    ]
    assert sorted(ids(rows, "share")) == [2, 3, 6]


def volume_report(messages: list[RequestRecord]) -> object:
    (spike,) = detect_spikes(day((3, 2, 0), (14, 60, 10)), history([10] * 14), "normal")
    return spike_report(
        guild_id=GUILD, window=WINDOW, whole_day=False, spike=spike,
        targets=[("Sora", 40), ("GPT-4", 12)], candidates=messages, quotable_channels={PUBLIC},
    )  # fmt: skip


def test_the_embed_field_by_field() -> None:
    report = volume_report([row(7, 14.5, content="ClosedAI  strikes\nagain", compound=-0.6)])
    embed = alert_embed(report, sensitivity="normal")  # type: ignore[arg-type]
    assert embed["title"] == "Open-sourcing talk is spiking: 62 request messages today"
    assert embed["description"] == (
        "6.2x the usual 10 (+52; median of the same hours of the 14 days before)"
    )
    since = int(START + 14 * 3600)
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert fields["Since"] == f"<t:{since}:t> (<t:{since}:R>)"
    assert fields["Top targets"] == "Sora (40) · GPT-4 (12)"
    assert fields["Messages to read"] == (
        f"<t:{int(START + 14.5 * 3600)}:R> in <#{PUBLIC}> · "
        f"[Jump to message](https://discord.com/channels/{GUILD}/{PUBLIC}/7)\n"
        "> ClosedAI strikes again"
    )
    assert "Sensitivity normal" in embed["footer"]["text"]
    assert report.summary == f"{embed['title']}; {embed['description']}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("keeps", "text"),
    [
        (False, "None quoted: this server does not keep message text."),
        (True, "None to quote from channels everyone can read."),
    ],
)
def test_nothing_to_quote_says_why(keeps: bool, text: str) -> None:
    embed = alert_embed(volume_report([]), sensitivity="high", keeps_content=keeps)  # type: ignore[arg-type]
    assert embed["fields"][2]["value"] == text


def test_long_quotes_keep_the_field_under_discords_limit() -> None:
    rows = [row(n, 14 + n / 10, content="x" * 4000, author_hash=str(n)) for n in range(3)]
    value = alert_embed(volume_report(rows), sensitivity="normal")["fields"][2]["value"]  # type: ignore[arg-type]
    assert len(value) <= 1024
    assert value.count("[Jump to message]") == 3


def test_share_words_and_terminal_text() -> None:
    (spike,) = detect_spikes(day((0, 10, 1), (16, 20, 19)), history([30] * 14, 0.2), "normal")
    report = spike_report(
        guild_id=GUILD, window=replace(WINDOW, end=START + 86_400), whole_day=True, spike=spike,
        targets=[],
        candidates=[], quotable_channels=None,
    )  # fmt: skip
    assert report.headline == (
        "Frustration and defeatism are spiking: 67% of the request messages on 2026-03-20 "
        "(20 of 30)"
    )
    assert report.against == "usually 20% (+47 points; median of the 14 days before)"
    assert to_text(report, "UTC") == [
        f"- {report.headline}",
        f"  {report.against}; since 2026-03-20 16:00",
    ]


def test_command_answers_are_one_line() -> None:
    answers = [
        alerts_on_answer("<#5>", "high"),
        alerts_off_answer(True),
        alerts_off_answer(False),
        alerts_state(None, "normal"),
        alerts_state("<#5>", "low", ("volume", 1_773_000_000)),
    ]
    assert all("\n" not in answer for answer in answers)
    assert answers[0].startswith("Spike alerts go to <#5> (sensitivity high: at least 10 ")
    assert answers[4].endswith("the last one (volume) was posted <t:1773000000:R>.")
