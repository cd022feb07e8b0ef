"""What watch add/remove do to a channel's rule in each watch mode."""

from __future__ import annotations

import pytest

from bot.moderation import WatchAction, plan_watch_change
from bot.store import ChannelRule, WatchMode

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
