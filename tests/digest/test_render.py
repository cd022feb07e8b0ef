"""Renderers: the same content in text, Markdown, JSON and an embed within Discord's limits."""

import json
from dataclasses import replace
from datetime import date

from bot.digest.build import build_digest
from bot.digest.contents import Digest, Period
from bot.digest.render import (
    EMBED_FIELD_VALUE,
    EMBED_FIELDS,
    EMBED_TOTAL,
    embed_size,
    to_embed,
    to_json,
    to_markdown,
    to_text,
)
from tests.digest.factories import GUILD, row

WEEK = Period(date(2026, 3, 8), date(2026, 3, 14), "UTC")


def sample_digest(content: str = "ClosedAI strikes again", targets: int = 3) -> Digest:
    rows = [
        row(
            1,
            "2026-03-14T09:00",
            category="frustration",
            compound=-0.7,
            content=content,
            targets=tuple(f"Target{n}" for n in range(targets)),
        ),
        row(
            2,
            "2026-03-13T09:00",
            category="optimism",
            compound=0.6,
            content="just use LTX",
            alternatives=("LTX-Video",),
        ),
        row(
            3,
            "2026-03-12T09:00",
            category="defeatism",
            compound=-0.3,
            content="olvídense, jamás va a pasar",
            language="es",
        ),
    ]
    return build_digest(
        guild_id=GUILD,
        guild_name="Latent Lounge",
        period=WEEK,
        rows=rows,
        volume_hours=[],
        previous_rows=[],
        previous_seen=0,
        channel_names={10: "#general"},
    )


def test_text_has_headline_sections_and_links() -> None:
    text = to_text(sample_digest())
    assert "Clamor digest · Latent Lounge · 2026-03-08 to 2026-03-14" in text
    assert "Open-sourcing talk over 7 days: 3 messages" in text
    for heading in ("Volume", "Reactions", "Targets", "By day", "Worth reading"):
        assert f"\n{heading}\n" in text
    assert f"<https://discord.com/channels/{GUILD}/10/1>" in text
    assert "“olvídense, jamás va a pasar”" in text
    assert "`" not in text


def test_markdown_uses_headings_and_links() -> None:
    markdown = to_markdown(sample_digest())
    assert markdown.startswith("# Clamor digest")
    assert "## Reactions" in markdown
    assert f"](https://discord.com/channels/{GUILD}/10/1)" in markdown


def test_json_round_trips_the_numbers() -> None:
    payload = json.loads(to_json(sample_digest()))
    assert payload["period"] == {"first": "2026-03-08", "last": "2026-03-14", "timezone": "UTC"}
    assert payload["totals"]["requests"] == 3
    assert payload["totals"]["categories"]["defeatism"] == 1
    assert len(payload["days"]) == 7
    assert payload["days"][-1]["day"] == "2026-03-14"
    assert {e["reason"] for e in payload["examples"]} == {
        "most negative",
        "most positive",
        "most typical",
    }


def test_embed_fields_carry_the_sections() -> None:
    embed = to_embed(sample_digest())
    names = [field["name"] for field in embed["fields"]]
    assert names[:2] == ["Volume", "vs previous 7 days"]
    assert embed["description"].startswith("**Open-sourcing talk")
    reactions = next(f["value"] for f in embed["fields"] if f["name"] == "Reactions")
    assert "frustration" in reactions
    assert "█" in reactions


def test_embed_respects_discord_limits_on_huge_input() -> None:
    huge = [("T" * 700 + str(n), n) for n in range(40)]
    digest = replace(
        sample_digest(content="x" * 4000, targets=400),
        guild_name="G" * 300,
        targets=huge,
        alternatives=huge,
        channels=huge,
        languages=huge,
    )
    embed = to_embed(digest)
    assert len(embed["title"]) <= 256
    assert len(embed["fields"]) <= EMBED_FIELDS
    assert all(len(field["value"]) <= EMBED_FIELD_VALUE for field in embed["fields"])
    assert embed_size(embed) <= EMBED_TOTAL


def test_quiet_day_reads_gracefully() -> None:
    digest = build_digest(
        guild_id=GUILD,
        guild_name="g",
        period=Period.day(date(2026, 3, 14), "UTC"),
        rows=[],
        volume_hours=[],
        previous_rows=[],
        previous_seen=0,
    )
    text = to_text(digest)
    assert "Nothing about open-sourcing on Sat 14 Mar." in text
    assert "Reactions" not in text
    embed = to_embed(digest)
    assert embed["fields"] == []
    assert embed["description"] == "**Nothing about open-sourcing on Sat 14 Mar.**"


def test_text_markdown_json_and_embed_say_the_same() -> None:
    digest = sample_digest()
    text, markdown, embed = to_text(digest), to_markdown(digest), to_embed(digest)
    payload = json.loads(to_json(digest))
    assert digest.headline in text
    assert digest.headline in markdown
    assert digest.headline in embed["description"]
    for field in embed["fields"]:
        assert f"\n{field['name']}\n" in text
        assert f"## {field['name']}" in markdown
    assert payload["examples"][0]["content"] in text
    assert payload["examples"][0]["content"] in markdown
