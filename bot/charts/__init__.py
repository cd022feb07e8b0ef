"""Charts of a guild's open-sourcing talk, drawn to PNG (matplotlib, Agg backend).

matplotlib is imported only when the first chart is drawn: it costs a noticeable part of a
second, which the bot's start-up must not pay. `render_trend` and `trend_from_store` are
resolved on first use for the same reason (and because `bot.trends` imports this package).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.charts.trend_series import TrendSeries

if TYPE_CHECKING:
    from bot.charts.render import render_trend
    from bot.trends import trend_from_store

__all__ = ["TrendSeries", "render_trend", "trend_from_store"]


def __getattr__(name: str) -> Any:
    if name == "render_trend":
        from bot.charts.render import render_trend

        return render_trend
    if name == "trend_from_store":
        from bot.trends import trend_from_store

        return trend_from_store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
