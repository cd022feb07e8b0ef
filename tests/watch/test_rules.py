"""The watcher's pure decisions, as tables."""

from __future__ import annotations

import discord
import pytest

from bot.watch import (
    INLINE_MAX_CHARS,
    EditOutcome,
    analyse_off_loop,
    edit_needs_analysis,
    edit_outcome,
    is_member_post,
    posted_at,
    watch_key,
)


@pytest.mark.parametrize(
    ("author_is_bot", "webhook_id", "message_type", "counted"),
    [
        (False, None, 0, True),  # default
        (False, None, 19, True),  # reply
        (True, None, 0, False),  # a bot, Clamor included
        (False, 99, 0, False),  # a webhook (its author is not flagged as a bot)
        (False, None, 7, False),  # member join
        (False, None, 6, False),  # pin notice
        (False, None, 8, False),  # boost
        (False, None, 20, False),  # slash command response
        (False, None, 21, False),  # thread starter
    ],
)
def test_member_posts(
    author_is_bot: bool, webhook_id: int | None, message_type: int, counted: bool
) -> None:
    assert (
        is_member_post(
            author_is_bot=author_is_bot, webhook_id=webhook_id, message_type=message_type
        )
        is counted
    )


@pytest.mark.parametrize(
    ("channel_id", "parent_id", "key"), [(10, None, 10), (11, 10, 10), (12, 15, 15)]
)
def test_threads_follow_their_parent(channel_id: int, parent_id: int | None, key: int) -> None:
    assert watch_key(channel_id, parent_id) == key


@pytest.mark.parametrize(
    ("text", "off_loop"),
    [
        ("", False),
        ("open source Sora", False),
        ("x" * INLINE_MAX_CHARS, False),
        ("x" * (INLINE_MAX_CHARS + 1), True),
        ("open source it " + "😡" * 2000, True),
        ("please open source the weights, " * 125, True),
    ],
)
def test_long_text_leaves_the_loop(text: str, off_loop: bool) -> None:
    assert analyse_off_loop(text) is off_loop


@pytest.mark.parametrize(
    ("stored", "cached", "new", "needed"),
    [
        (None, None, None, False),  # an update without content (embed unfurl)
        ("open it", "open it", None, False),
        ("open it", None, "open it", False),  # same as the row
        ("open it", "open it", "open it now", True),
        ("open it", "stale cache", "open it", False),  # the row is the reference
        (None, None, "anything", True),  # nothing known: analyse
        (None, "hello", "hello", False),  # cached and unchanged
        (None, "hello", "open source it", True),
    ],
)
def test_edit_needs_analysis(
    stored: str | None, cached: str | None, new: str | None, needed: bool
) -> None:
    assert edit_needs_analysis(stored, cached, new) is needed


@pytest.mark.parametrize(
    ("logged", "is_request", "outcome"),
    [
        (True, True, "write"),  # still a request: rewritten, edited
        (False, True, "write"),  # became a request: inserted, edited
        (True, False, "remove"),  # stopped being one
        (False, False, "nothing"),
    ],
)
def test_edit_outcome(logged: bool, is_request: bool, outcome: EditOutcome) -> None:
    assert edit_outcome(logged=logged, request=is_request) == outcome


@pytest.mark.parametrize(
    "message_id",
    [
        0,  # the Discord epoch itself
        175928847299117063,  # Discord's documentation example (2016-04-30)
        1180000000000000001,
        (1_700_000_000_123 - 1420070400000) << 22 | 0x3FFFFF,  # milliseconds kept, low bits ignored
        (4_102_444_800_999 - 1420070400000) << 22,  # the year 2100
    ],
)
def test_posted_at_is_discords_snowflake_time(message_id: int) -> None:
    assert posted_at(message_id) == discord.utils.snowflake_time(message_id).timestamp()


def test_posted_at_keeps_milliseconds() -> None:
    assert posted_at((1_700_000_000_123 - 1420070400000) << 22) == 1_700_000_000.123
