"""When the privacy purge runs, and what it reports. Pure: the cog passes the clock in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from bot.digest.headline import plural

DAY_SECONDS = 86_400.0


def utc_day(now: float) -> date:
    return datetime.fromtimestamp(now, UTC).date()


def purge_due(last_purge_day: date | None, now: float) -> bool:
    """At start-up (nothing run yet) and then once per UTC day.

    Keyed on the day rather than "24 hours since" so a purge that ran late (the bot was down)
    does not push every later purge late too.
    """
    return last_purge_day is None or utc_day(now) != last_purge_day


def grace_seconds(grace_days: int) -> float:
    return grace_days * DAY_SECONDS


def describe_purge(expired: Mapping[int, int], departed: Sequence[int]) -> str:
    """One log line: rows erased per guild by retention, and guilds erased after leaving."""
    if not expired and not departed:
        return "privacy purge: nothing to erase"
    parts: list[str] = []
    if expired:
        per_guild = ", ".join(f"{guild}: {rows}" for guild, rows in sorted(expired.items()))
        parts.append(
            f"erased text and authors of {plural(sum(expired.values()), 'row')} ({per_guild})"
        )
    if departed:
        guilds = ", ".join(str(guild) for guild in sorted(departed))
        parts.append(f"erased every row of {plural(len(departed), 'departed guild')} ({guilds})")
    return "privacy purge: " + "; ".join(parts)
