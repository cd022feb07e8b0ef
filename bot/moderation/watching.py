"""What `/clamor-mod watch add|remove` does to a channel's rule, in either watch mode.

In mode `all` every readable channel is watched unless excluded, so `remove` excludes and `add`
lifts an exclusion. In mode `listed` only listed channels are watched, so `add` lists and
`remove` unlists. The latest command wins over a rule left from the other mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.store.records import ChannelRule, WatchMode

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
