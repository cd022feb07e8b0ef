"""The daily digest embed, field by field: a busy day, a quiet day, Discord's limits."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from bot.digest.build import pick_examples
from bot.digest.contents import Digest, Period, Places
from bot.digest.render import (
    EMBED_FIELD_VALUE,
    EMBED_TOTAL,
    REACTION_COLOURS,
    embed_size,
    to_embed,
)
from bot.digest.window import digest_from_window
from bot.store.records import RequestRecord
from tests.digest.factories import GUILD, at, row

DAY = Period.day(date(2026, 3, 14), "UTC")
READ_ON = date(2026, 3, 15)  # the daily digest goes out the morning after
JUMP = re.compile(rf"\]\(https://discord\.com/channels/{GUILD}/(\d+)/(\d+)\) · <t:(\d+):R>")


def busy_rows() -> list[RequestRecord]:
    """A week of 2 a day, then a day of 8 (6 frustrated), 4 the day before."""
    rows = [
        row(100 + n, f"2026-03-{7 + n // 2:02d}T10:00", category="demand", compound=0.2)
        for n in range(12)
    ]  # the 7th..12th: 12 messages
    rows += [row(200 + n, "2026-03-13T10:00", category="demand", compound=0.1) for n in range(4)]
    rows += [
        row(
            300 + n,
            f"2026-03-14T{9 + n:02d}:00",
            category="frustration",
            compound=-0.6,
            content=f"ClosedAI strikes again #{n}",
            targets=("Sora", "OpenAI") if n % 2 else ("Sora",),
            channel_id=31 if n < 2 else 10,
        )
        for n in range(6)
    ]
    rows += [
        row(400, "2026-03-14T16:00", category="optimism", compound=0.7, content="just use LTX",
            alternatives=("LTX-Video",)),
        row(401, "2026-03-14T17:00", category="demand", compound=0.0, content="open it please"),
    ]  # fmt: skip
    return rows


def busy() -> Digest:
    return digest_from_window(
        guild_id=GUILD,
        guild_name="Latent Lounge",
        period=DAY,
        rows=busy_rows(),
        volume_hours=[(int(at("2026-03-14T12:00")), 200), (int(at("2026-03-13T12:00")), 150)],
        places=Places(
            names={10: "#general", 20: "#ideas", 31: "#a post"},
            parents={31: 20},
            public={10, 20, 31},
        ),
        today=READ_ON,
    )


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {field["name"]: field["value"] for field in embed["fields"]}


def test_busy_day_field_by_field() -> None:
    embed = to_embed(busy(), image="trend.png")
    assert embed["title"] == "Clamor digest · Latent Lounge · 2026-03-14"
    assert embed["description"] == (
        "**Open-sourcing talk doubled yesterday: 8 messages, mostly frustration.**"
    )
    assert embed["color"] == REACTION_COLOURS["frustration"]
    assert embed["image"] == {"url": "attachment://trend.png"}
    assert embed["footer"] == {"text": "Days in UTC time · Clamor"}
    assert [(f["name"], f["inline"]) for f in embed["fields"]] == [
        ("Volume", True),
        ("vs the day before", True),
        ("vs 7-day average", True),
        ("Reactions", False),
        ("Targets", True),
        ("Alternatives", True),
        ("Channels", True),
        ("Worth reading", False),
    ]
    shown = fields(embed)
    assert shown["Volume"] == "8 request messages\n4.0% of 200 seen\ntone -0.36 (very negative)"
    assert shown["vs the day before"] == "▲ +4 messages (2.0x)\n▼ tone -0.46\n▲ frustration +6"
    # The 7 days before (the 7th to the 13th) hold 12 + 4 = 16 messages: 2.3 a day.
    assert shown["vs 7-day average"] == (
        "▲ +5.7 messages (avg 2.3)\n▼ tone -0.54 (avg +0.18)\n▼ demands 12% (avg 100%)"
    )
    assert shown["Reactions"].splitlines() == [
        "`frustration` █████████░░░   6  75% (+6)",
        "`demand     ` ██░░░░░░░░░░   1  12% (-3)",
        "`optimism   ` ██░░░░░░░░░░   1  12% (+1)",
        "`skepticism ` ░░░░░░░░░░░░   0   0% (+0)",
        "`defeatism  ` ░░░░░░░░░░░░   0   0% (+0)",
    ]
    assert shown["Targets"] == "Sora · 6\nOpenAI · 3"
    assert shown["Alternatives"] == "LTX-Video · 1"
    # The forum post's messages count under the forum.
    assert shown["Channels"] == "#general · 6\n#ideas · 2"


def test_busy_day_three_messages_with_jump_links_and_timestamps() -> None:
    value = fields(to_embed(busy()))["Worth reading"]
    lines = value.splitlines()
    assert len(lines) == 6  # three messages, two lines each
    headings, quotes = lines[0::2], lines[1::2]
    assert [heading.split(" · ")[0] for heading in headings] == [
        "[most negative",
        "[most positive",
        "[most typical",
    ]
    links = [JUMP.search(heading) for heading in headings]
    assert all(links)
    found = [(int(m[1]), int(m[2]), int(m[3])) for m in links if m]
    assert found == [
        (31, 300, int(at("2026-03-14T09:00"))),
        (10, 400, int(at("2026-03-14T16:00"))),
        (31, 301, int(at("2026-03-14T10:00"))),  # the earliest of the equally typical
    ]
    assert quotes[0] == "> ClosedAI strikes again \\#0"
    assert quotes[1] == "> just use LTX"


def test_private_messages_are_never_quoted() -> None:
    digest = replace(busy(), examples=[])
    assert "Worth reading" not in fields(to_embed(digest))


def test_quiet_day_says_so_with_the_week_in_one_line() -> None:
    digest = digest_from_window(
        guild_id=GUILD,
        guild_name="Latent Lounge",
        period=Period.day(date(2026, 3, 15), "UTC"),
        rows=busy_rows(),
        volume_hours=[(int(at("2026-03-15T12:00")), 40)],
        today=date(2026, 3, 16),
    )
    embed = to_embed(digest, image="trend.png")
    assert embed["fields"] == []
    assert embed["description"].splitlines() == [
        "**Nothing about open-sourcing yesterday.**",
        "40 messages seen, none about it.",
        # The 8th..14th: 10 + 4 + 8 = 22 messages.
        "The 7 days before: 22 messages (3.1 a day), mostly demands.",
    ]
    assert embed["image"] == {"url": "attachment://trend.png"}


def test_quiet_day_after_a_quiet_week() -> None:
    digest = digest_from_window(
        guild_id=GUILD, guild_name="g", period=DAY, rows=[], volume_hours=[], today=DAY.first
    )
    assert to_embed(digest)["description"].splitlines() == [
        "**Nothing about open-sourcing today.**",
        "None in the 7 days before either.",
    ]


def test_quoted_text_cannot_become_markup() -> None:
    hostile = [
        row(1, "2026-03-14T10:00", compound=-0.5, content="[free](https://evil.example) <@1> **x**")
    ]
    digest = digest_from_window(
        guild_id=GUILD, guild_name="g", period=DAY, rows=hostile, volume_hours=[]
    )
    quote = fields(to_embed(digest))["Worth reading"].splitlines()[1]
    assert quote == "> \\[free\\](https://evil.example) \\<@1\\> \\*\\*x\\*\\*"


def test_huge_day_stays_within_discord_limits() -> None:
    rows = [
        row(
            n,
            "2026-03-14T10:00",
            compound=(n % 7 - 3) / 3,
            content="x" * 2000,
            targets=tuple(f"Target{n}-{k}" * 20 for k in range(5)),
            alternatives=tuple(f"Alt{n}-{k}" * 30 for k in range(5)),
            channel_id=n,
        )
        for n in range(1, 400)
    ]
    digest = digest_from_window(
        guild_id=GUILD, guild_name="G" * 300, period=DAY, rows=rows, volume_hours=[]
    )
    embed = to_embed(digest, image="trend.png")
    assert len(embed["title"]) <= 256
    assert all(0 < len(field["value"]) <= EMBED_FIELD_VALUE for field in embed["fields"])
    assert embed_size(embed) <= EMBED_TOTAL
    assert "Worth reading" in fields(embed)


def test_a_quoted_reaction_shows_the_request_it_answers_escaped() -> None:
    request = row(1, "2026-03-14T10:00", compound=0.2, content="please open source **Sora**")
    reaction = replace(
        row(2, "2026-03-14T10:05", compound=-0.7, content="olvídense, jamás va a pasar"),
        replies_to=1,
    )
    digest = digest_from_window(
        guild_id=GUILD, guild_name="g", period=DAY, rows=[request, reaction], volume_hours=[]
    )
    lines = fields(to_embed(digest))["Worth reading"].splitlines()
    at_reaction = lines.index("> olvídense, jamás va a pasar")
    assert lines[at_reaction - 1] == "↪ replying to “please open source \\*\\*Sora\\*\\*”"
    assert not any(line.startswith("↪") for line in lines[: at_reaction - 2])  # the request's own


def test_a_reaction_whose_request_cannot_be_quoted_stands_alone() -> None:
    request = row(1, "2026-03-14T10:00", compound=0.2, content="")  # text not kept
    reaction = replace(row(2, "2026-03-14T10:05", compound=-0.7, content="never"), replies_to=1)
    (example,) = pick_examples(GUILD, [request, reaction], "demand")
    assert example.answers == ""
    other_day = replace(row(3, "2026-03-14T10:05", compound=-0.7, content="never"), replies_to=99)
    (alone,) = pick_examples(GUILD, [other_day], "demand")
    assert alone.answers == ""
