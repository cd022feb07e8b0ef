"""Options moderators type into /clamor-mod: accepted forms and the answers for the rest."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from bot.moderation import (
    TERM_RULE,
    checked_digest_time,
    checked_term,
    checked_timezone,
    timezone_suggestions,
)


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
