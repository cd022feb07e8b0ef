"""The next digest in words, as `/clamor-mod digest` and `/clamor status` say it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.digest_schedule import NextDigest
from bot.moderation import describe_next_digest


def utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_a_digest_to_come_is_a_discord_timestamp() -> None:
    upcoming = NextDigest(posting_day=date(2026, 3, 15), at=utc("2026-03-15T09:00"))
    due = int(utc("2026-03-15T09:00"))
    text = describe_next_digest(upcoming, utc("2026-03-14T12:00"), "UTC")
    assert text == f"<t:{due}:F> (<t:{due}:R>)"


def test_a_digest_owed_now_comes_within_a_minute() -> None:
    today = NextDigest(posting_day=date(2026, 3, 14), at=utc("2026-03-14T09:00"))
    assert describe_next_digest(today, utc("2026-03-14T09:00"), "UTC") == (
        "within a minute (today's has not gone out yet)"
    )
    # Before today's time, yesterday's missed one is owed (05:00 on the 14th in Los Angeles).
    missed = NextDigest(posting_day=date(2026, 3, 13), at=utc("2026-03-13T16:00"))
    assert describe_next_digest(missed, utc("2026-03-14T12:00"), "America/Los_Angeles") == (
        "within a minute (yesterday's has not gone out yet)"
    )
