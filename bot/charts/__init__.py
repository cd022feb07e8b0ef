"""Charts of a guild's open-sourcing talk, drawn to PNG (matplotlib, Agg backend).

matplotlib is imported only when the first chart is drawn: it costs a noticeable part of a
second, which the bot's start-up must not pay.
"""

from bot.charts.model import TrendSeries

__all__ = ["TrendSeries"]
