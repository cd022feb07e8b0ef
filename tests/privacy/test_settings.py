"""CLAMOR_LEAVE_GRACE_DAYS: how long a removed bot keeps a server's data."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_LEAVE_GRACE_DAYS, SettingsError, load_settings


def test_the_default_grace_is_30_days() -> None:
    assert DEFAULT_LEAVE_GRACE_DAYS == 30
    assert load_settings({}, env_file=None).leave_grace_days == 30


@pytest.mark.parametrize(("raw", "days"), [("0", 0), ("7", 7), (" 45 ", 45), ("3650", 3650)])
def test_grace_days_are_read(raw: str, days: int) -> None:
    assert load_settings({"CLAMOR_LEAVE_GRACE_DAYS": raw}, env_file=None).leave_grace_days == days


@pytest.mark.parametrize("raw", ["-1", "3651", "thirty", "1.5", "²", "9" * 5000])
def test_a_bad_grace_is_one_line_naming_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"CLAMOR_LEAVE_GRACE_DAYS": raw}, env_file=None)
    message = str(caught.value)
    assert message.startswith("CLAMOR_LEAVE_GRACE_DAYS=")
    assert "\n" not in message
