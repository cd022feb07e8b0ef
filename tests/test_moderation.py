"""The pure side of /clamor-mod: options moderators type (accepted forms, and the answers for the
rest), what watch add/remove do to a channel's rule in each watch mode, lists in the answers
(complete when short, cut with a count when long), and the next digest in words."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.digest_schedule import NextDigest
from bot.errors import UserFacingError
from bot.moderation import (
    MESSAGE_LIMIT,
    TERM_RULE,
    WatchAction,
    bounded_list,
    checked_digest_time,
    checked_term,
    checked_timezone,
    describe_next_digest,
    describe_terms,
    describe_watch,
    plan_watch_change,
    timezone_suggestions,
)
from bot.store import ChannelRule, WatchMode


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("09:00", "09:00"),
        ("7:05", "07:05"),
        (" 23:59 ", "23:59"),
        ("00:00", "00:00"),
    ],
)
def test_digest_times_accepted(typed: str, stored: str) -> None:
    assert checked_digest_time(typed) == stored


@pytest.mark.parametrize("typed", ["25:00", "24:00", "6pm", "9", "09:60", "09-00", "", "9:5"])
def test_digest_times_refused_with_the_accepted_form(typed: str) -> None:
    with pytest.raises(UserFacingError, match=r"is not a time: use 24-hour HH:MM, from 00:00"):
        checked_digest_time(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Europe/Madrid", "Europe/Madrid"),
        ("europe/madrid", "Europe/Madrid"),
        ("  America/New_York ", "America/New_York"),
        ("utc", "UTC"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_timezones_accepted_in_any_case(typed: str, stored: str) -> None:
    assert checked_timezone(typed) == stored


@pytest.mark.parametrize("typed", ["Mars/Olympus", "", "../../etc/passwd", "/etc/localtime", "+02"])
def test_timezones_refused_with_examples(typed: str) -> None:
    with pytest.raises(UserFacingError, match=r"is not a timezone: use an IANA name such as"):
        checked_timezone(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sora", "sora"),
        ("  Open   Weights ", "open weights"),
        ("ab", "ab"),
        ("x" * 100, "x" * 100),
        (" " + "y" * 100 + "  ", "y" * 100),
        ("Olvídense", "olvídense"),
    ],
)
def test_terms_accepted_are_stored_normalised(typed: str, stored: str) -> None:
    assert checked_term(typed) == stored


@pytest.mark.parametrize(("typed", "length"), [("a", 1), ("  b  ", 1), ("", 0), ("z" * 101, 101)])
def test_terms_refused_say_what_is_accepted(typed: str, length: int) -> None:
    with pytest.raises(UserFacingError) as refused:
        checked_term(typed)
    assert str(refused.value) == f"That term has {length} characters. {TERM_RULE}"
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("typed", "expected_first"),
    [
        ("mad", ["Atlantic/Madeira", "Europe/Madrid"]),  # cities beginning with it come first
        ("MADR", ["Europe/Madrid"]),
        ("new york", ["America/New_York"]),
        ("buenos", ["America/Argentina/Buenos_Aires"]),
        ("europe/ber", ["Europe/Berlin"]),
        ("zzzz", []),
    ],
)
def test_timezone_suggestions_rank_cities_first(typed: str, expected_first: list[str]) -> None:
    suggestions = timezone_suggestions(typed)
    assert suggestions[: len(expected_first)] == expected_first
    needle = "_".join(typed.casefold().split())
    assert all(needle in name.casefold() for name in suggestions)


def test_timezone_suggestions_are_capped_and_common_first_when_empty() -> None:
    assert len(timezone_suggestions("a")) == 25
    assert len(timezone_suggestions("a", limit=3)) == 3
    empty = timezone_suggestions("   ")
    assert len(empty) == 25
    assert empty[:2] == ["UTC", "America/Los_Angeles"]
    assert all(checked_timezone(name) == name for name in empty)


C = "<#1>"
EXCLUDED = f"{C} is now excluded: I will not log messages there."
ALREADY_WATCHED = (
    f"{C} is already watched: in mode `all` every channel I can read is, unless excluded."
)
LISTED = f"{C} is now on the watch list."
NOT_LISTED = f"{C} is not on the watch list, so it is not watched (mode `listed`)."


@pytest.mark.parametrize(
    ("mode", "action", "current", "rule", "changed", "message"),
    [
        ("all", "remove", None, "exclude", True, EXCLUDED),
        ("all", "remove", "watch", "exclude", True, EXCLUDED),
        ("all", "remove", "exclude", "exclude", False, f"{C} is already excluded."),
        ("all", "add", "exclude", None, True, f"{C} is watched again."),
        ("all", "add", None, None, False, ALREADY_WATCHED),
        ("all", "add", "watch", "watch", False, ALREADY_WATCHED),
        ("listed", "add", None, "watch", True, LISTED),
        ("listed", "add", "exclude", "watch", True, LISTED),
        ("listed", "add", "watch", "watch", False, f"{C} is already on the watch list."),
        ("listed", "remove", "watch", None, True, f"{C} is off the watch list: no longer watched."),
        ("listed", "remove", None, None, False, NOT_LISTED),
        ("listed", "remove", "exclude", "exclude", False, NOT_LISTED),
    ],
)  # fmt: skip
def test_watch_changes(
    mode: WatchMode,
    action: WatchAction,
    current: ChannelRule | None,
    rule: ChannelRule | None,
    changed: bool,
    message: str,
) -> None:
    change = plan_watch_change(mode, action, current, C)
    assert (change.rule, change.changed, change.message) == (rule, changed, message)
    assert change.changed == (change.rule != current)


@pytest.mark.parametrize(
    ("items", "budget", "expected"),
    [
        ([], 100, "none"),
        (["a"], 100, "a"),
        (["a", "b", "c"], 100, "a, b, c"),
        (["aaaa", "bbbb", "cccc"], 14, "3 in all (too long to show)"),
        (["aaaa", "bbbb", "cccc"], 16, "aaaa, bbbb, cccc"),
        (["aaaa", "bbbb", "cccc"], 15, "aaaa and 2 more"),
        (["aaaaaaaaaaaa"], 5, "1 in all (too long to show)"),
    ],
)
def test_bounded_list(items: list[str], budget: int, expected: str) -> None:
    assert bounded_list(items, budget) == expected


def test_bounded_list_stays_within_budget_for_many_mentions() -> None:
    mentions = [f"<#{1_200_000_000_000_000_000 + n}>" for n in range(500)]
    text = bounded_list(mentions, 800)
    assert len(text) <= 800
    assert text.endswith(" more")
    shown = text.split(" and ")[0].split(", ")
    assert text.endswith(f" and {500 - len(shown)} more")
    assert shown == mentions[: len(shown)]


@pytest.mark.parametrize(
    ("mode", "ruled", "watched", "lines"),
    [
        ("all", [], ["<#1>"], [
            "Mode **all**: every text, news and forum channel I can read is watched, "
            "except excluded ones.",
            "Excluded: none",
            "Watched now: <#1>",
        ]),
        ("listed", [], [], [
            "Mode **listed**: only channels on the watch list are watched.",
            "Watch list: empty (add channels with /clamor-mod watch add)",
            "Watched now: nothing",
        ]),
        ("listed", ["<#2>", "<#3>"], ["<#2>"], [
            "Mode **listed**: only channels on the watch list are watched.",
            "Watch list: <#2>, <#3>",
            "Watched now: <#2>",
        ]),
    ],
)  # fmt: skip
def test_describe_watch(mode: str, ruled: list[str], watched: list[str], lines: list[str]) -> None:
    text = describe_watch(mode, ruled, watched)  # type: ignore[arg-type]
    assert text.splitlines() == [*lines, "Threads and forum posts follow their parent channel."]


def test_describe_terms_fits_one_message_and_defuses_backticks() -> None:
    many = {"target": ["t" * 100] * 60, "keyword": ["`odd` term"], "ignore": []}
    text = describe_terms(many)  # type: ignore[arg-type]
    assert len(text) <= MESSAGE_LIMIT
    lines = text.splitlines()
    assert lines[0].startswith("**target** (")
    assert lines[0].endswith(" more")
    assert lines[1].endswith(": `'odd' term`")
    assert lines[2].endswith(": none")


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
