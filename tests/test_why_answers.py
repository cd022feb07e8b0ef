"""The text of `/clamor why` answers (pure), built from hand-made analyses and rows."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.analysis import NEUTRAL_TONE, Analysis, Cue, Tone
from bot.store import LabelCorrection, RequestRecord
from bot.why import (
    MESSAGE_LIMIT,
    NO_REQUEST_CUES,
    never_counted,
    why_fresh,
    why_logged,
    why_not_request,
)

LINK = "https://discord.com/channels/1/2/3"

ROW = RequestRecord(
    message_id=3,
    guild_id=1,
    channel_id=2,
    author_hash="h",
    created_at=1_700_000_000.0,
    content="ClosedAI strikes again, open source Sora @everyone",
    language="en",
    compound=-0.25,
    pos=0.0,
    neu=0.8,
    neg=0.2,
    category="frustration",
    targets=("OpenAI", "Sora"),
    alternatives=(),
    cues=('request: "open source Sora" (open-source a named thing)', 'category: "ClosedAI"'),
)

CORRECTION = LabelCorrection(
    guild_id=1,
    message_id=3,
    channel_id=2,
    label="defeatism",
    content=ROW.content,
    language="en",
    original_category="frustration",
    corrected_at=1_700_000_500.0,
)


def fresh(request: bool, *cues: Cue, category: str | None = None) -> Analysis:
    return Analysis(
        text="I contributed to an open source project",
        clean="I contributed to an open source project",
        language="en",
        request=request,
        category=category,  # type: ignore[arg-type]
        tone=NEUTRAL_TONE if not request else Tone(0.5, 0.3, 0.7, 0.0),
        cues=(Cue("language", "en"), *cues),
    )


def test_a_logged_message_shows_what_was_stored() -> None:
    answer = why_logged(ROW, LINK, None)
    assert answer.startswith(f"**Logged as a request:** {LINK}")
    for fact in ("category **frustration**", "language en", "tone -0.25", "targets OpenAI, Sora"):
        assert fact in answer
    assert '- request: "open source Sora" (open-source a named thing)' in answer
    assert "@\u200beveryone" in answer  # quoted text cannot ping anyone
    assert "Moderator correction" not in answer


def test_a_correction_is_shown_with_clamors_own_verdict() -> None:
    answer = why_logged(ROW, LINK, CORRECTION)
    assert answer.endswith(
        "**Moderator correction:** `defeatism` (Clamor said: frustration), "
        "<t:1700000500:R>. Digests use the moderator's label."
    )


IGNORE = Cue("ignore", "weights room", "guild ignore phrase")
LEARNED_NOT_A_REQUEST = (
    "this server's corrections decided: the model alone said request; not a request by 1 of 1 "
    "similar corrected messages, the most alike (0.92) linked"
)
WHY_NOT = [
    ((IGNORE,), 'an ignore rule vetoed it: ignore: "weights room"'),
    (
        (Cue("request", "model", "learned model: not a request", 0.31),),
        "it is on the topic, but the model's confidence (0.31) stayed under its threshold",
    ),
    (
        (
            Cue("request", "model", "learned model: request", 0.96),
            Cue("learning", LINK, LEARNED_NOT_A_REQUEST, -3.1),
        ),
        f"this server's corrections of messages like it decided; the corrected message most "
        f"like it: {LINK}",
    ),
    (  # corrections that agree with the model: the model's reason stands
        (
            Cue("request", "model", "learned model: not a request", 0.31),
            Cue("learning", LINK, "this server's corrections agree with the model", -1.0),
        ),
        "it is on the topic, but the model's confidence (0.31) stayed under its threshold",
    ),
    ((Cue("request", "topic gate", "no word about opening anything"),), NO_REQUEST_CUES),
    ((), NO_REQUEST_CUES),
]


@pytest.mark.parametrize(("cues", "expected"), WHY_NOT)
def test_why_not_a_request(cues: tuple[Cue, ...], expected: str) -> None:
    assert why_not_request(fresh(False, *cues)).startswith(expected)


def test_a_fresh_non_request_says_why_not() -> None:
    answer = why_fresh(fresh(False, IGNORE), LINK, None)
    lines = answer.splitlines()
    assert lines[0] == f"**Not a request:** {LINK}"
    assert lines[1].startswith("not a request · language en")
    assert lines[2].startswith("**Why not:** an ignore rule vetoed it")
    assert lines[3] == "> I contributed to an open source project"
    assert lines[-1] == '- ignore: "weights room" (guild ignore phrase)'


def test_a_fresh_request_says_it_would_be_logged_now() -> None:
    answer = why_fresh(fresh(True, Cue("request", "open source"), category="demand"), LINK, None)
    assert answer.startswith(f"**Not logged, but it is a request now:** {LINK}\nrequest (demand)")
    assert "Why not" not in answer


def test_many_cues_stay_within_one_discord_message() -> None:
    row = replace(
        ROW, content="x" * 4000, cues=tuple(f"request: rule {n} " * 5 for n in range(300))
    )
    answer = why_logged(row, LINK, CORRECTION)
    assert len(answer) <= MESSAGE_LIMIT
    assert "more" in answer.splitlines()[-2]
    assert answer.splitlines()[-1].startswith("**Moderator correction:**")


@pytest.mark.parametrize(
    ("author_is_bot", "webhook_id", "message_type", "who"),
    [
        (False, None, 0, None),
        (False, None, 19, None),  # a reply
        (True, None, 0, "a bot"),
        (True, 99, 0, "a webhook"),
        (False, None, 7, "Discord itself (a system message)"),  # a member joined
    ],
)
def test_never_counted_names_who_posted(
    author_is_bot: bool, webhook_id: int | None, message_type: int, who: str | None
) -> None:
    reason = never_counted(
        author_is_bot=author_is_bot, webhook_id=webhook_id, message_type=message_type
    )
    if who is None:
        assert reason is None
    else:
        assert reason == (
            f"Posted by {who}: I never count messages from bots, webhooks or Discord itself."
        )
