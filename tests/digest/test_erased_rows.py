"""Rows whose text was erased (retention, content drop): never quoted, still explained."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.digest.build import build_digest, pick_examples
from bot.digest.contents import Period
from bot.store.records import RequestRecord
from bot.why import CUES_ERASED, TEXT_ERASED, why_logged
from tests.digest.factories import GUILD, row

LINK = "https://discord.com/channels/1/2/3"


def erased(record: RequestRecord) -> RequestRecord:
    return replace(record, content="", cues=(), author_hash="")


def test_rows_without_text_are_counted_but_never_quoted() -> None:
    rows = [
        erased(row(1, "2026-03-14T10:00", compound=-0.9, category="frustration")),
        erased(row(2, "2026-03-14T11:00", compound=0.8, category="optimism")),
        row(3, "2026-03-14T12:00", compound=0.1, content="please release the weights"),
        erased(row(4, "2026-03-14T13:00", compound=0.0, content="   ")),
    ]
    digest = build_digest(
        guild_id=GUILD,
        guild_name="g",
        period=Period.day(date(2026, 3, 14), "UTC"),
        rows=rows,
        volume_hours=[],
        previous_rows=[],
        previous_seen=0,
    )
    assert digest.totals.requests == 4
    assert digest.totals.categories["frustration"] == 1
    assert [example.message_id for example in digest.examples] == [3]


def test_a_day_whose_text_is_all_erased_quotes_nothing() -> None:
    rows = [erased(row(n, "2026-03-14T10:00", compound=0.5 - n / 10)) for n in range(6)]
    assert pick_examples(GUILD, rows, "demand") == []


def test_why_on_an_erased_row_says_the_text_is_gone_and_explains_with_what_is_left() -> None:
    record = erased(
        row(3, "2026-03-14T10:00", category="defeatism", compound=-0.5, targets=("Sora",))
    )
    answer = why_logged(record, LINK, None)
    lines = answer.split("\n")
    assert lines[0] == f"**Logged as a request:** {LINK}"
    assert lines[1].startswith("category **defeatism** · language en · tone -0.50")
    assert "targets Sora" in lines[1]
    assert lines[2] == f"{TEXT_ERASED} {CUES_ERASED}"
    assert "> " not in answer  # nothing is quoted, not even an empty quote


def test_why_on_a_row_whose_text_was_dropped_but_cues_kept_lists_the_cues() -> None:
    record = replace(row(3, "2026-03-14T10:00"), content="", cues=('request: "open source"',))
    lines = why_logged(record, LINK, None).split("\n")
    assert lines[2:] == [TEXT_ERASED, "**Why:**", '- request: "open source"']


def test_why_on_a_row_with_text_still_quotes_it() -> None:
    answer = why_logged(row(3, "2026-03-14T10:00", content="open source it"), LINK, None)
    assert "> open source it" in answer
    assert TEXT_ERASED not in answer
