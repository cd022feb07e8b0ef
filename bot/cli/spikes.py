"""The spikes `clamor analyze` reports: each day of an export against the 14 days before it.

    scans = await spikes_in_store(store, guilds=summary.guilds, period=period)
    print(format_spikes(scans, period))

The same detector as the bot's alerts (`bot.alerts`), on whole local days; no cooldown (each
day is reported once per kind). Days without MIN_BASELINE_DAYS days of history before them
in the store are not judged: the export's first week is the baseline of the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.alerts import DEFAULT_SENSITIVITY, MIN_BASELINE_DAYS, AlertReport, Sensitivity, to_text
from bot.alerts.from_store import day_spikes
from bot.digest.contents import Period
from bot.store import Store


@dataclass(slots=True)
class SpikeScan:
    """One guild's days judged, and the spikes found on them (in day order)."""

    guild_id: int
    guild_name: str
    judged: list[date] = field(default_factory=list)
    spikes: list[AlertReport] = field(default_factory=list)


async def spikes_in_store(
    store: Store,
    *,
    guilds: Mapping[int, str],
    period: Period,
    sensitivity: Sensitivity = DEFAULT_SENSITIVITY,
) -> list[SpikeScan]:
    """Judge each local day of `period`, per guild, against the 14 whole days before it."""
    scans = []
    for guild_id, name in guilds.items():
        scan = SpikeScan(guild_id, name)
        start = await store.alert_history_start(guild_id)
        if start is not None:
            first = period.local_day(start) + timedelta(days=MIN_BASELINE_DAYS)
            for day in period.each_day():
                if day < first:
                    continue
                scan.judged.append(day)
                scan.spikes += await day_spikes(
                    store,
                    guild_id=guild_id,
                    day=day,
                    timezone=period.timezone,
                    sensitivity=sensitivity,
                )
        scans.append(scan)
    return scans


def format_spikes(
    scans: list[SpikeScan], period: Period, sensitivity: Sensitivity = DEFAULT_SENSITIVITY
) -> str:
    """What a terminal shows: the spikes of each guild, or why there were none."""
    lines = [f"Spikes ({period.label()}, each day against the 14 days before it, {sensitivity}):"]
    for scan in scans:
        if not scan.judged:
            lines.append(
                f"{scan.guild_name}: not judged; a day needs {MIN_BASELINE_DAYS} days of "
                "history before it, and the data is shorter."
            )
            continue
        judged = f"{scan.judged[0]} to {scan.judged[-1]}" if len(scan.judged) > 1 else ""
        judged = judged or str(scan.judged[0])
        if not scan.spikes:
            lines.append(f"{scan.guild_name}: none ({judged} judged).")
            continue
        lines.append(f"{scan.guild_name} ({judged} judged):")
        for report in scan.spikes:
            lines.extend(to_text(report, period.timezone))
    return "\n".join(lines)
