"""The pure side of `/clamor-mod`: options checked once with an answer that says what is
accepted, what `watch add|remove` does to a channel's rule, and the answers of `watch list`,
`terms list` and the next digest, within Discord's message limit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

from bot.config import (
    MAX_TEAM_ROLES,
    MAX_TERM_CHARS,
    MAX_TERMS_PER_KIND,
    MIN_TERM_CHARS,
    check_timezone,
    parse_hhmm,
)
from bot.digest_schedule import NextDigest
from bot.errors import UserFacingError
from bot.store import normalize_term
from bot.store.records import TERM_KINDS, ChannelRule, TermKind, WatchMode

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


WatchAction = Literal["add", "remove"]


@dataclass(frozen=True, slots=True)
class WatchChange:
    """The channel's rule after the command (None: no rule) and whether it differs from before."""

    rule: ChannelRule | None
    changed: bool
    message: str


def plan_watch_change(
    mode: WatchMode, action: WatchAction, current: ChannelRule | None, mention: str
) -> WatchChange:
    """What `/clamor-mod watch add|remove` does to a channel's rule, in either watch mode.

    In mode `all` every readable channel is watched unless excluded, so `remove` excludes and
    `add` lifts an exclusion. In mode `listed` only listed channels are watched, so `add` lists
    and `remove` unlists. The latest command wins over a rule left from the other mode.
    """
    if mode == "all":
        if action == "add":
            if current == "exclude":
                return WatchChange(None, True, f"{mention} is watched again.")
            return WatchChange(
                current,
                False,
                f"{mention} is already watched: in mode `all` every channel I can read is, "
                "unless excluded.",
            )
        if current == "exclude":
            return WatchChange(current, False, f"{mention} is already excluded.")
        return WatchChange(
            "exclude", True, f"{mention} is now excluded: I will not log messages there."
        )
    if action == "add":
        if current == "watch":
            return WatchChange(current, False, f"{mention} is already on the watch list.")
        return WatchChange("watch", True, f"{mention} is now on the watch list.")
    if current == "watch":
        return WatchChange(None, True, f"{mention} is off the watch list: no longer watched.")
    return WatchChange(
        current,
        False,
        f"{mention} is not on the watch list, so it is not watched (mode `listed`).",
    )


MESSAGE_LIMIT = 2000  # characters in one Discord message
LIST_BUDGET = 800  # per list, so a few lists and their headings stay under the limit
EMPTY_WATCH_LIST = "empty (add channels with /clamor-mod watch add)"

TERM_KIND_MEANINGS: dict[TermKind, str] = {
    "target": "what people want opened, beyond the built-in names",
    "keyword": "words that make a message a request",
    "ignore": "phrases that keep a message out of the log",
}


def bounded_list(items: Sequence[str], budget: int = LIST_BUDGET, empty: str = "none") -> str:
    """`items` joined by commas, cut to `budget` characters with "and N more" at the end."""
    if not items:
        return empty
    everything = ", ".join(items)
    if len(everything) <= budget:
        return everything
    shown: list[str] = []
    used = 0
    for index, item in enumerate(items):
        cost = len(item) + (2 if shown else 0)
        tail = len(f" and {len(items) - index - 1} more")
        if used + cost + tail > budget:
            break
        shown.append(item)
        used += cost
    if not shown:
        return f"{len(items)} in all (too long to show)"
    return ", ".join(shown) + f" and {len(items) - len(shown)} more"


def describe_watch(mode: WatchMode, ruled: Sequence[str], watched: Sequence[str]) -> str:
    """`ruled`: mentions of the excluded (mode all) or listed (mode listed) channels;
    `watched`: mentions of the channels I can read whose messages are logged now."""
    if mode == "all":
        lines = [
            "Mode **all**: every text, news and forum channel I can read is watched, "
            "except excluded ones.",
            f"Excluded: {bounded_list(ruled)}",
        ]
    else:
        lines = [
            "Mode **listed**: only channels on the watch list are watched.",
            f"Watch list: {bounded_list(ruled, empty=EMPTY_WATCH_LIST)}",
        ]
    lines.append(f"Watched now: {bounded_list(watched, empty='nothing')}")
    lines.append("Threads and forum posts follow their parent channel.")
    return "\n".join(lines)


def describe_terms(terms: Mapping[TermKind, Sequence[str]]) -> str:
    budget = (MESSAGE_LIMIT - 200) // len(TERM_KINDS) - 80
    lines = []
    for kind in TERM_KINDS:
        shown = [_code(term) for term in terms.get(kind, ())]
        lines.append(f"**{kind}** ({TERM_KIND_MEANINGS[kind]}): {bounded_list(shown, budget)}")
    return "\n".join(lines)


def term_limit_reached(kind: TermKind) -> str:
    return (
        f"This server already has {MAX_TERMS_PER_KIND} {kind} terms, the most it may have: "
        f"remove one with `/clamor-mod terms remove` to add another."
    )


ANSWERS_NOT_REQUESTS = "their messages answer requests and are not counted as requests"


def describe_team(role_ids: frozenset[int]) -> str:
    """The team's roles (`/clamor-mod team list`)."""
    if not role_ids:
        return (
            "No team roles: every member's messages can count as requests. Add the roles of "
            "this server's own team (maintainers, staff) with `/clamor-mod team add`."
        )
    names = ", ".join(f"<@&{role_id}>" for role_id in sorted(role_ids))
    return f"Team roles: {names}. Members with one of them: {ANSWERS_NOT_REQUESTS}."


def team_limit_reached() -> str:
    return (
        f"The team already has {MAX_TEAM_ROLES} roles, the most it may have: remove one "
        "first (`/clamor-mod team list` shows them)."
    )


def _code(term: str) -> str:
    # A backtick inside would end the code span early and garble the rest of the line.
    return "`" + term.replace("`", "'") + "`"


def describe_next_digest(upcoming: NextDigest, now: float, timezone: str) -> str:
    """The next daily digest in words, as `/clamor-mod digest` and `/clamor status` tell it: a
    Discord timestamp of when it is due, or "within a minute" for one owed now (the posting
    loop checks twice a minute). `upcoming` comes from `bot.digest_schedule.next_digest`, the
    function the posting loop uses, so what a moderator is told and what happens cannot drift
    apart."""
    if not upcoming.due(now):
        due = int(upcoming.at)
        return f"<t:{due}:F> (<t:{due}:R>)"
    today = datetime.fromtimestamp(now, ZoneInfo(timezone)).date()
    whose = "today's" if upcoming.posting_day == today else "yesterday's"
    return f"within a minute ({whose} has not gone out yet)"
