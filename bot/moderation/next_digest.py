"""The next daily digest in words, as moderators are told it in `/clamor-mod digest` and
`/clamor status`. The instant itself comes from `bot.digest_schedule.next_digest`, the function
the posting loop uses, so what a moderator is told and what happens cannot drift apart."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.digest_schedule import NextDigest


def describe_next_digest(upcoming: NextDigest, now: float, timezone: str) -> str:
    """A Discord timestamp of when it is due, or "within a minute" for one owed now (the
    posting loop checks twice a minute)."""
    if not upcoming.due(now):
        due = int(upcoming.at)
        return f"<t:{due}:F> (<t:{due}:R>)"
    today = datetime.fromtimestamp(now, ZoneInfo(timezone)).date()
    whose = "today's" if upcoming.posting_day == today else "yesterday's"
    return f"within a minute ({whose} has not gone out yet)"
