"""Moderator-typed options checked once, with an answer that says what is accepted."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from bot.config import MAX_TERM_CHARS, MIN_TERM_CHARS, check_timezone, parse_hhmm
from bot.errors import UserFacingError
from bot.store import normalize_term

MAX_SUGGESTIONS = 25  # Discord shows at most 25 autocomplete choices
TERM_RULE = (
    f"A term is {MIN_TERM_CHARS} to {MAX_TERM_CHARS} characters once spaces at its ends are "
    "trimmed, e.g. `sora` or `open weights`."
)

# Offered before anything is typed: zones where most of the communities Clamor serves live,
# roughly west to east, so the first screen is useful without scrolling 600 names.
COMMON_TIMEZONES = (
    "UTC",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Mexico_City",
    "America/Bogota",
    "America/Lima",
    "America/Santiago",
    "America/Argentina/Buenos_Aires",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Warsaw",
    "Europe/Kyiv",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)


def checked_term(term: str) -> str:
    """The term as the Store keeps it, or a UserFacingError saying what a term may be."""
    normal = normalize_term(term)
    if not MIN_TERM_CHARS <= len(normal) <= MAX_TERM_CHARS:
        raise UserFacingError(f"That term has {len(normal)} characters. {TERM_RULE}")
    return normal


def checked_digest_time(text: str) -> str:
    """`"7:05"` -> `"07:05"`, the form the Store keeps; anything else is a UserFacingError."""
    try:
        hour, minute = parse_hhmm(text)
    except ValueError:
        raise UserFacingError(
            f"`{_shown(text)}` is not a time: use 24-hour HH:MM, from 00:00 to 23:59, e.g. 18:30."
        ) from None
    return f"{hour:02d}:{minute:02d}"


def checked_timezone(text: str) -> str:
    """The IANA name as spelled in the database; typed case does not matter."""
    name = _zone_names_by_folded_name().get(text.strip().casefold(), text.strip())
    try:
        return check_timezone(name).key
    except ValueError:
        raise UserFacingError(
            f"`{_shown(text)}` is not a timezone: use an IANA name such as Europe/Madrid, "
            "America/New_York or UTC (the list appears as you type)."
        ) from None


def timezone_suggestions(typed: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Zone names containing what was typed (spaces count as underscores), best first.

    Names whose city starts with the text come first ("mad" -> Europe/Madrid), then names that
    start with it ("eur" -> Europe/...), then any other name containing it; alphabetical within.
    """
    needle = "_".join(typed.strip().casefold().split())
    if not needle:
        return list(COMMON_TIMEZONES[:limit])
    ranked: list[tuple[int, str]] = []
    for name in _zone_names():
        folded = name.casefold()
        if needle not in folded:
            continue
        city = folded.rsplit("/", 1)[-1]
        rank = 0 if city.startswith(needle) else 1 if folded.startswith(needle) else 2
        ranked.append((rank, name))
    return [name for _, name in sorted(ranked)[:limit]]


@cache
def _zone_names() -> tuple[str, ...]:
    # Reading the zone list touches the disk once per process; autocomplete runs per keystroke.
    return tuple(sorted(name for name in available_timezones() if name not in ("localtime",)))


@cache
def _zone_names_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in _zone_names()}


def _shown(text: str) -> str:
    # Echo what was typed without letting it break the code span or run on for lines.
    flat = " ".join(text.split()).replace("`", "'")
    return flat if len(flat) <= 40 else flat[:39] + "…"
