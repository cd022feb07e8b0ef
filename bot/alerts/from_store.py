"""Store -> spike reports: the queries a check needs, then the pure steps of this package.

The one module of `bot.alerts` that awaits anything (Store methods: no SQL, no discord), like
`bot.digest.from_store` for the digest. `bot.alerts` itself does not import it, so the pure
modules stay importable without a database. The bot checks today so far; the command line checks
whole past days; both are the same comparison over different windows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from bot.alerts.detection import MIN_BASELINE_DAYS, Sensitivity, detect_spikes
from bot.alerts.render import AlertReport, rise_time, spike_report
from bot.alerts.windows import Window, day_windows, hourly_counts, on_record, today_windows
from bot.store import Store


async def spike_reports(
    store: Store,
    *,
    guild_id: int,
    windows: Sequence[Window],
    timezone: str,
    sensitivity: Sensitivity,
    whole_day: bool,
    quotable_channels: Collection[int] | None,
) -> list[AlertReport]:
    """The spikes of `windows[0]` against the windows after it that Clamor has on record."""
    known = on_record(windows, await store.alert_history_start(guild_id), timezone)
    if known < MIN_BASELINE_DAYS:
        return []
    windows = windows[: 1 + known]
    rows = await store.alert_hour_counts(guild_id, [(w.start, w.end) for w in windows])
    counts = hourly_counts(windows, ((r.window, r.hour, r.requests, r.sour) for r in rows))
    reports = []
    for spike in detect_spikes(counts[0], counts[1:], sensitivity):
        since, end, sour_only = rise_time(windows[0], spike), windows[0].end, spike.kind == "share"
        targets = await store.alert_top_targets(guild_id, since, end, sour_only=sour_only)
        candidates = await store.alert_candidates(
            guild_id, since, end, channel_ids=quotable_channels, sour_only=sour_only
        )
        reports.append(
            spike_report(
                guild_id=guild_id,
                window=windows[0],
                whole_day=whole_day,
                spike=spike,
                targets=targets,
                candidates=candidates,
                quotable_channels=quotable_channels,
            )
        )
    return reports


async def todays_spikes(
    store: Store,
    *,
    guild_id: int,
    now: float,
    timezone: str,
    sensitivity: Sensitivity,
    quotable_channels: Collection[int] | None,
) -> tuple[Window, list[AlertReport]]:
    """Today so far (local day in `timezone`) against the same hours of the 14 days before."""
    windows = today_windows(now, timezone)
    reports = await spike_reports(
        store,
        guild_id=guild_id,
        windows=windows,
        timezone=timezone,
        sensitivity=sensitivity,
        whole_day=False,
        quotable_channels=quotable_channels,
    )
    return windows[0], reports


async def day_spikes(
    store: Store,
    *,
    guild_id: int,
    day: date,
    timezone: str,
    sensitivity: Sensitivity,
    quotable_channels: Collection[int] | None = None,
) -> list[AlertReport]:
    """The whole local `day` against the 14 whole days before it."""
    return await spike_reports(
        store,
        guild_id=guild_id,
        windows=day_windows(day, timezone),
        timezone=timezone,
        sensitivity=sensitivity,
        whole_day=True,
        quotable_channels=quotable_channels,
    )
