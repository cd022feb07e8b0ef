"""Spike alerts, pure: today's counts against the guild's own normal level -> what to post.

No discord import, no I/O: the cog (`cogs/spike_alerts.py`) and the command line
(`bot/cli/spikes.py`) read the Store, call in here, and post or print what comes out.
"""

from bot.alerts.baseline import Baseline, count_floor, robust_baseline, share_floor
from bot.alerts.cooldown import LastAlert, may_alert
from bot.alerts.detect import Spike, detect_spikes, rise_start
from bot.alerts.render import alert_embed, to_text
from bot.alerts.report import AlertMessage, AlertReport, pick_messages, spike_report
from bot.alerts.thresholds import (
    BASELINE_DAYS,
    COOLDOWN_SECONDS,
    DEFAULT_SENSITIVITY,
    KINDS,
    MIN_BASELINE_DAYS,
    SENSITIVITIES,
    SOUR_CATEGORIES,
    THRESHOLDS,
    Kind,
    Sensitivity,
    Thresholds,
    checked_sensitivity,
)
from bot.alerts.windows import (
    HourlyCounts,
    Window,
    day_windows,
    hourly_counts,
    on_record,
    today_windows,
)

__all__ = [
    "BASELINE_DAYS",
    "COOLDOWN_SECONDS",
    "DEFAULT_SENSITIVITY",
    "KINDS",
    "MIN_BASELINE_DAYS",
    "SENSITIVITIES",
    "SOUR_CATEGORIES",
    "THRESHOLDS",
    "AlertMessage",
    "AlertReport",
    "Baseline",
    "HourlyCounts",
    "Kind",
    "LastAlert",
    "Sensitivity",
    "Spike",
    "Thresholds",
    "Window",
    "alert_embed",
    "checked_sensitivity",
    "count_floor",
    "day_windows",
    "detect_spikes",
    "hourly_counts",
    "may_alert",
    "on_record",
    "pick_messages",
    "rise_start",
    "robust_baseline",
    "share_floor",
    "spike_report",
    "to_text",
    "today_windows",
]
