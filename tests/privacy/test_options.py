"""Retention days a moderator types: accepted as is, or refused in one line."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from bot.privacy import CONFIRM_CHOICES, checked_retention_days


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
