"""The embed that carries a trend chart, as the dict `discord.Embed.from_dict` takes. Pure."""

from __future__ import annotations

from typing import Any

from bot.charts import labels
from bot.charts.trend_series import TrendSeries

CHART_FILENAME = "trend.png"
EMBED_COLOUR = 0x5B8DEF
TITLE_LIMIT = 256  # Discord's limit for an embed title


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def trend_title(guild_name: str, channel_name: str | None = None, *, public: bool = True) -> str:
    """What a chart is of: the guild, and the channel by name only when every member can read
    it (a trend is answered in public; a private channel's name must not leak)."""
    if channel_name is None:
        return guild_name
    return f"{guild_name} \u00b7 " + (f"#{channel_name}" if public else "a private channel")


def trend_description(series: TrendSeries) -> str:
    days = len(series.days)
    if labels.total_requests(series) == 0:
        return f"Nothing about open-sourcing in these {labels.plural(days, 'day')}."
    lines = [f"{labels.summary_line(series)} in {labels.plural(days, 'day')}."]
    busiest = labels.busiest_day(series)
    if busiest is not None and days > 1:
        day, count = busiest
        lines.append(f"Busiest day: {labels.short_day(day)} ({labels.plural(count, 'request')}).")
    return "\n".join(lines)


def trend_embed(series: TrendSeries, *, filename: str = CHART_FILENAME) -> dict[str, Any]:
    """Title, a two-line summary, the chart as the embed's image and the period in the footer."""
    name = f" \u00b7 {series.title}" if series.title else ""
    return {
        "title": _clip(f"Open-sourcing trend{name}", TITLE_LIMIT),
        "description": trend_description(series),
        "color": EMBED_COLOUR,
        "image": {"url": f"attachment://{filename}"},
        "footer": {"text": f"{labels.period_text(series.days)} \u00b7 days in {series.timezone}"},
    }
