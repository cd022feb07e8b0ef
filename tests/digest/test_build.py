"""build_digest: totals, comparison, rankings, examples and days from plain rows."""

from datetime import date

import pytest

from bot.digest.build import build_digest, pick_examples
from bot.digest.contents import Digest, Period, Places
from bot.store.records import RequestRecord
from tests.digest.factories import GUILD, at, row

DAY = Period.day(date(2026, 3, 14), "UTC")


def digest_of(
    rows: list[RequestRecord],
    *,
    seen: int = 0,
    previous_rows: list[RequestRecord] | None = None,
    previous_seen: int = 0,
    period: Period = DAY,
) -> Digest:
    hours = [(int(at("2026-03-14T12:00")), seen)] if seen else []
    return build_digest(
        guild_id=GUILD,
        guild_name="Latent Lounge",
        period=period,
        rows=rows,
        volume_hours=hours,
        previous_rows=previous_rows or [],
        previous_seen=previous_seen,
        channel_names={10: "#general", 20: "#ai-video"},
    )


def test_totals_share_tone_and_categories() -> None:
    rows = [
        row(1, "2026-03-14T09:00", category="frustration", compound=-0.6),
        row(2, "2026-03-14T10:00", category="frustration", compound=-0.2),
        row(3, "2026-03-14T11:00", category="optimism", compound=0.5),
        row(4, "2026-03-14T12:00", category="demand", compound=0.1),
    ]
    digest = digest_of(rows, seen=200)
    assert digest.totals.requests == 4
    assert digest.totals.seen == 200
    assert digest.totals.share == pytest.approx(0.02)
    assert digest.totals.mean_compound == pytest.approx(-0.05)
    assert digest.totals.categories == {
        "demand": 1,
        "frustration": 2,
        "optimism": 1,
        "skepticism": 0,
        "defeatism": 0,
    }
    assert digest.totals.dominant_category() == "frustration"


def test_seen_is_never_below_requests() -> None:
    digest = digest_of([row(1, "2026-03-14T09:00")], seen=0)
    assert digest.totals.seen == 1


def test_rankings_count_and_order() -> None:
    rows = [
        row(1, "2026-03-14T09:00", targets=("Sora", "OpenAI"), channel_id=20),
        row(2, "2026-03-14T09:10", targets=("Sora",), alternatives=("LTX-Video",), channel_id=20),
        row(3, "2026-03-14T09:20", targets=("GPT-4o",), alternatives=("Wan",), language="es"),
    ]
    digest = digest_of(rows)
    assert digest.targets == [("Sora", 2), ("GPT-4o", 1), ("OpenAI", 1)]
    assert digest.alternatives == [("LTX-Video", 1), ("Wan", 1)]
    assert digest.channels == [("#ai-video", 2), ("#general", 1)]
    assert digest.languages == [("en", 2), ("es", 1)]


def test_previous_period_is_kept_for_comparison() -> None:
    now = [row(n, "2026-03-14T10:00") for n in range(1, 9)]
    before = [row(100 + n, "2026-03-13T10:00") for n in range(4)]
    digest = digest_of(now, seen=100, previous_rows=before, previous_seen=90)
    assert digest.previous.requests == 4
    assert digest.previous.seen == 90
    assert (
        digest.headline == "Open-sourcing talk doubled on Sat 14 Mar: 8 messages, mostly demands."
    )


@pytest.mark.parametrize(
    ("now", "before", "opening"),
    [
        (0, 3, "Nothing about open-sourcing on Sat 14 Mar."),
        (3, 0, "Open-sourcing talk on Sat 14 Mar: 3 messages"),
        (30, 3, "Open-sourcing talk jumped 10x"),
        (4, 4, "Open-sourcing talk held steady"),
        (1, 10, "Open-sourcing talk quieted down"),
    ],
)
def test_headline(now: int, before: int, opening: str) -> None:
    rows = [row(n, "2026-03-14T10:00") for n in range(1, now + 1)]
    previous = [row(1000 + n, "2026-03-13T10:00") for n in range(before)]
    assert digest_of(rows, previous_rows=previous).headline.startswith(opening)


@pytest.mark.parametrize(
    ("today", "said"),
    [
        (date(2026, 3, 14), "Open-sourcing talk doubled today: 2 messages, mostly demands."),
        (date(2026, 3, 15), "Open-sourcing talk doubled yesterday: 2 messages, mostly demands."),
        (
            date(2026, 3, 20),
            "Open-sourcing talk doubled on Sat 14 Mar: 2 messages, mostly demands.",
        ),
    ],
)
def test_headline_says_today_or_yesterday(today: date, said: str) -> None:
    digest = build_digest(
        guild_id=GUILD,
        guild_name="g",
        period=DAY,
        rows=[row(1, "2026-03-14T10:00"), row(2, "2026-03-14T11:00")],
        volume_hours=[],
        previous_rows=[row(3, "2026-03-13T10:00")],
        previous_seen=0,
        today=today,
    )
    assert digest.headline == said


def test_headline_names_the_dominant_reaction() -> None:
    rows = [row(1, "2026-03-14T10:00", category="defeatism", compound=-0.4)] * 3 + [
        row(2, "2026-03-14T10:00", category="demand")
    ]
    assert "mostly defeatism" in digest_of(rows).headline


def test_examples_most_negative_positive_and_typical() -> None:
    rows = [
        row(1, "2026-03-14T09:00", category="frustration", compound=-0.9, content="ClosedAI lol"),
        row(2, "2026-03-14T09:05", category="optimism", compound=0.8, content="LTX is great"),
        row(3, "2026-03-14T09:10", category="frustration", compound=-0.2, content="mild one"),
        row(4, "2026-03-14T09:15", category="frustration", compound=-0.6, content="harsh one"),
        row(5, "2026-03-14T09:20", category="frustration", compound=-0.4, content="typical one"),
    ]
    examples = pick_examples(GUILD, rows, "frustration")
    assert [(e.reason, e.message_id) for e in examples] == [
        ("most negative", 1),
        ("most positive", 2),
        ("most typical", 5),
    ]
    assert examples[0].url == f"https://discord.com/channels/{GUILD}/10/1"


def test_examples_are_filled_to_three_with_the_latest() -> None:
    rows = [
        row(1, "2026-03-14T09:00", compound=0.0, content="first"),
        row(2, "2026-03-14T09:05", compound=0.0, content="second"),
        row(3, "2026-03-14T09:10", compound=0.0, content="third"),
        row(4, "2026-03-14T09:15", compound=0.0, content="fourth"),
    ]
    examples = pick_examples(GUILD, rows, "demand")
    assert [(e.reason, e.message_id) for e in examples] == [
        ("most typical", 1),
        ("latest", 4),
        ("latest", 3),
    ]


def test_threads_count_under_their_channel() -> None:
    rows = [
        row(1, "2026-03-14T09:00", channel_id=31),  # a post in the forum #ideas (20)
        row(2, "2026-03-14T09:05", channel_id=32),  # another post
        row(3, "2026-03-14T09:10", channel_id=10),
    ]
    digest = build_digest(
        guild_id=GUILD,
        guild_name="g",
        period=DAY,
        rows=rows,
        volume_hours=[],
        previous_rows=[],
        previous_seen=0,
        places=Places(names={10: "#general", 20: "#ideas"}, parents={31: 20, 32: 20}),
    )
    assert digest.channels == [("#ideas", 2), ("#general", 1)]


def test_examples_skip_rows_without_text_and_never_repeat() -> None:
    rows = [
        row(1, "2026-03-14T09:00", compound=-0.9, content=""),
        row(2, "2026-03-14T09:05", compound=0.0, content="only quotable one"),
    ]
    examples = pick_examples(GUILD, rows, "demand")
    assert [e.message_id for e in examples] == [2]


def test_long_example_is_cut_to_one_line() -> None:
    rows = [row(1, "2026-03-14T09:00", compound=-0.5, content="open it\n" + "x" * 500)]
    (example,) = pick_examples(GUILD, rows, "demand")
    assert "\n" not in example.content
    assert len(example.content) <= 200
    assert example.content.endswith("…")


def test_days_follow_the_timezone() -> None:
    period = Period(date(2026, 3, 13), date(2026, 3, 14), "Europe/Madrid")
    rows = [
        row(1, "2026-03-13T22:30"),  # 23:30 in Madrid, still the 13th
        row(2, "2026-03-13T23:30"),  # 00:30 in Madrid: the 14th
        row(3, "2026-03-14T12:00"),
    ]
    hours = [(int(at("2026-03-13T22:00")), 10), (int(at("2026-03-13T23:00")), 5)]
    digest = build_digest(
        guild_id=GUILD,
        guild_name="g",
        period=period,
        rows=rows,
        volume_hours=hours,
        previous_rows=[],
        previous_seen=0,
    )
    assert [(p.day, p.requests, p.seen) for p in digest.days] == [
        (date(2026, 3, 13), 1, 10),
        (date(2026, 3, 14), 2, 5),
    ]


def test_examples_only_from_quotable_channels() -> None:
    rows = [
        row(1, "2026-03-14T09:00", compound=-0.9, content="from the mod room", channel_id=99),
        row(2, "2026-03-14T09:05", compound=-0.2, content="from general", channel_id=10),
    ]
    everywhere = pick_examples(GUILD, rows, "demand")
    public_only = pick_examples(GUILD, rows, "demand", quotable_channels={10})
    assert 1 in {e.message_id for e in everywhere}
    assert {e.message_id for e in public_only} == {2}
