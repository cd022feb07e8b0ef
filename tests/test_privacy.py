"""The pure side of the privacy commands and purge: retention days a moderator types (accepted as
is, or refused in one line), what the commands answer by input, and when the purge runs and
the log line it leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.errors import UserFacingError
from bot.privacy import (
    CONFIRM_CHOICES,
    FORGET_ME_DECLINED,
    checked_retention_days,
    content_mode_answer,
    describe_privacy,
    describe_purge,
    forget_me_answer,
    forget_member_answer,
    grace_phrase,
    grace_seconds,
    privacy_status_line,
    purge_due,
    remember_me_answer,
    retention_answer,
    utc_day,
)
from bot.store.records import PrivacySettings


@pytest.mark.parametrize("days", [7, 8, 30, 90, 365, 3650])
def test_allowed_retention_is_returned(days: int) -> None:
    assert checked_retention_days(days) == days


@pytest.mark.parametrize("days", [-1, 0, 6, 3651, 100_000])
def test_retention_outside_7_to_3650_is_refused_in_one_line(days: int) -> None:
    with pytest.raises(UserFacingError) as caught:
        checked_retention_days(days)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{days} days is not a retention period")
    assert "7 to 3650 days" in message


def test_forget_me_offers_yes_and_no_within_discords_choice_limits() -> None:
    assert list(CONFIRM_CHOICES) == ["yes", "no"]
    assert all(1 <= len(name) <= 100 for name in CONFIRM_CHOICES.values())


MESSAGE_LIMIT = 2000


@pytest.mark.parametrize(
    ("erased", "already", "start"),
    [
        (0, False, "Done: I erased what I had logged of you in this server (0 messages)"),
        (1, False, "Done: I erased what I had logged of you in this server (1 message)"),
        (1234, False, "Done: I erased what I had logged of you in this server (1,234 messages)"),
        (0, True, "You had already opted out; I erased anything left in this server (0 messages)"),
    ],
)
def test_forget_me_answer_counts_and_offers_the_way_back(
    erased: int, already: bool, start: str
) -> None:
    answer = forget_me_answer(erased, already=already)
    assert answer.startswith(start)
    assert "I will not log you here from now on" in answer
    assert "`/clamor remember-me`" in answer
    assert "\n" not in answer


def test_declining_changes_nothing_and_says_how_to_confirm() -> None:
    assert FORGET_ME_DECLINED.startswith("Nothing changed")
    assert "confirm:yes" in FORGET_ME_DECLINED


@pytest.mark.parametrize(
    ("changed", "start"), [(True, "I count your request"), (False, "You had not opted out")]
)
def test_remember_me_answer(changed: bool, start: str) -> None:
    assert remember_me_answer(changed).startswith(start)


@pytest.mark.parametrize(
    ("erased", "already", "expected"),
    [
        (
            2,
            False,
            "Erased 2 logged messages of <@5> in this server; I will not log them here from "
            "now on. They can undo the opt-out with `/clamor remember-me`.",
        ),
        (
            0,
            True,
            "Erased 0 logged messages of <@5> in this server; I will not log them here from "
            "now on (they had already opted out). They can undo the opt-out with "
            "`/clamor remember-me`.",
        ),
    ],
)
def test_forget_member_answer(erased: int, already: bool, expected: str) -> None:
    assert forget_member_answer("<@5>", erased, already=already) == expected


@pytest.mark.parametrize(
    ("days", "previous", "expected"),
    [
        (90, 90, "The retention period already is 90 days; nothing changed."),
        (
            30,
            90,
            "Message text, cues and author hashes are now kept for 30 days (was 90), then "
            "erased; counts and tone stay in the daily totals. Older text is erased at the "
            "next daily purge.",
        ),
        (
            365,
            90,
            "Message text, cues and author hashes are now kept for 365 days (was 90), then "
            "erased; counts and tone stay in the daily totals.",
        ),
    ],
)
def test_retention_answer(days: int, previous: int, expected: str) -> None:
    assert retention_answer(days, previous) == expected


def test_dropping_content_warns_that_stored_text_is_gone_and_digests_quote_nothing() -> None:
    answer = content_mode_answer("drop", "keep", 3)
    assert answer.startswith("I no longer store message text here. Warning:")
    assert "the text of 3 logged messages was erased just now and cannot come back" in answer
    assert "digests will quote no messages" in answer


@pytest.mark.parametrize(
    ("mode", "previous", "start"),
    [
        ("keep", "drop", "I store the text of new request messages again"),
        ("drop", "drop", "Message text already is dropped (`drop`); nothing changed."),
        ("keep", "keep", "Message text already is kept (`keep`); nothing changed."),
    ],
)
def test_content_mode_answer(mode: str, previous: str, start: str) -> None:
    assert content_mode_answer(mode, previous, 0).startswith(start)  # type: ignore[arg-type]


def test_privacy_show_names_every_setting_and_what_is_stored() -> None:
    text = describe_privacy(PrivacySettings(1, 30, "drop"), 2, 30)
    lines = text.split("\n")
    assert [line.split(":**")[0] for line in lines] == [
        "**Retention",
        "**Message text",
        "**Opted out",
        "**Stored",
        "**If I am removed from this server",
    ]
    assert lines[0].startswith("**Retention:** 30 days: text, cues and author hashes")
    assert "not stored (`drop`)" in lines[1]
    assert lines[2].startswith("**Opted out:** 2 members")
    assert "keyed hash of its author (never the Discord id)" in lines[3]
    assert lines[4].endswith("30 days later, unless I am added back before that.")
    assert len(text) < MESSAGE_LIMIT


@pytest.mark.parametrize(
    ("days", "phrase"),
    [(0, "at once"), (1, "1 day later, unless I am added back before that")],
)
def test_grace_phrase(days: int, phrase: str) -> None:
    assert grace_phrase(days) == phrase


@pytest.mark.parametrize(
    ("settings", "opted_out", "expected"),
    [
        (
            PrivacySettings(1),
            0,
            "**Privacy:** message text kept 90 days · `/clamor forget-me` erases what I "
            "logged of you",
        ),
        (
            PrivacySettings(1, 7, "drop"),
            1,
            "**Privacy:** message text not stored · 1 member opted out · `/clamor forget-me` "
            "erases what I logged of you",
        ),
    ],
)
def test_status_line(settings: PrivacySettings, opted_out: int, expected: str) -> None:
    assert privacy_status_line(settings, opted_out) == expected


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("last", "now", "due"),
    [
        (None, "2026-03-14T10:00", True),  # start-up
        (date(2026, 3, 14), "2026-03-14T00:00", False),
        (date(2026, 3, 14), "2026-03-14T23:59:59", False),
        (date(2026, 3, 14), "2026-03-15T00:00", True),  # a new UTC day
        (date(2026, 3, 14), "2026-04-20T12:00", True),  # back after weeks away
        (date(2026, 3, 15), "2026-03-14T12:00", True),  # the clock went back: run, harmless
    ],
)
def test_purge_runs_at_start_up_then_once_per_utc_day(
    last: date | None, now: str, due: bool
) -> None:
    assert purge_due(last, at(now)) is due


def test_utc_day_ignores_the_hosts_timezone() -> None:
    assert utc_day(at("2026-03-14T23:30")) == date(2026, 3, 14)


@pytest.mark.parametrize(("days", "seconds"), [(0, 0.0), (1, 86_400.0), (30, 2_592_000.0)])
def test_grace_days_in_seconds(days: int, seconds: float) -> None:
    assert grace_seconds(days) == seconds


@pytest.mark.parametrize(
    ("expired", "departed", "line"),
    [
        ({}, [], "privacy purge: nothing to erase"),
        (
            {22: 3, 11: 2},
            [],
            "privacy purge: erased text and authors of 5 rows (11: 2, 22: 3)",
        ),
        (
            {},
            [9, 4],
            "privacy purge: erased every row of 2 departed guilds (4, 9)",
        ),
        (
            {11: 1},
            [4],
            "privacy purge: erased text and authors of 1 row (11: 1); "
            "erased every row of 1 departed guild (4)",
        ),
    ],
)
def test_purge_log_line(expired: dict[int, int], departed: list[int], line: str) -> None:
    assert describe_purge(expired, departed) == line
