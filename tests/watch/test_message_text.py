"""Telling a message that arrived without its text (the Message Content intent off) from one
that has something in it, and saying each change once."""

from __future__ import annotations

import pytest

from bot.watch.rules import MessageTextWatch, arrived_without_text

NONE = {"attachments": 0, "embeds": 0, "stickers": 0, "polls": 0, "forwards": 0}


@pytest.mark.parametrize(
    ("content", "counts", "without_text"),
    [
        ("", {}, True),
        ("hi", {}, False),
        ("", {"attachments": 1}, False),
        ("", {"embeds": 1}, False),
        ("", {"stickers": 1}, False),  # stickers come even without the intent
        ("", {"polls": 1}, False),
        ("", {"forwards": 1}, False),
    ],
)
def test_only_a_message_with_nothing_in_it_lacks_its_text(
    content: str, counts: dict[str, int], without_text: bool
) -> None:
    assert arrived_without_text(content=content, **(NONE | counts)) is without_text


def test_each_change_is_reported_once() -> None:
    watch = MessageTextWatch()
    seen = [
        watch.observe(without_text=flag, at=float(n))
        for n, flag in enumerate([False, True, True, True, False, False, True])
    ]
    assert seen == [None, "missing", None, None, "back", None, "missing"]
    assert watch.missing_since == 6.0
