"""The one-line answers of `/clamor-mod alerts`."""

from __future__ import annotations

from bot.alerts.thresholds import COOLDOWN_SECONDS, THRESHOLDS, Sensitivity

_HOURS = COOLDOWN_SECONDS // 3600


def sensitivity_meaning(sensitivity: Sensitivity) -> str:
    limits = THRESHOLDS[sensitivity]
    return (
        f"sensitivity {sensitivity}: at least {limits.min_count} request messages, "
        f"{limits.min_ratio:g}x the usual and {limits.z:g} deviations above it"
    )


def alerts_on_answer(channel: str, sensitivity: Sensitivity) -> str:
    return (
        f"Spike alerts go to {channel} ({sensitivity_meaning(sensitivity)}); at most one per "
        f"kind every {_HOURS} hours."
    )


def alerts_off_answer(was_on: bool) -> str:
    if not was_on:
        return "Spike alerts already are off; nothing changed."
    return "Spike alerts are now off. Pick a channel with `/clamor-mod alerts channel:` to resume."


def alerts_state(
    channel: str | None, sensitivity: Sensitivity, last: tuple[str, int] | None = None
) -> str:
    """The current state; `last` is (kind, unix time) of the latest alert posted."""
    if channel is None:
        return (
            "Spike alerts are off. Turn them on with `/clamor-mod alerts channel:` "
            "(and optionally `sensitivity:`)."
        )
    text = f"Spike alerts go to {channel} ({sensitivity_meaning(sensitivity)})"
    if last is not None:
        kind, at = last
        return f"{text}; the last one ({kind}) was posted <t:{at}:R>."
    return f"{text}; none posted yet."


BOTH_CHANNEL_AND_OFF = "Pick a channel or `off`, not both."
SENSITIVITY_WHILE_OFF = (
    "Spike alerts are off: pick a channel with `channel:` to turn them on at that sensitivity."
)
