"""Daily aggregates for trend charts (to be written)."""

from __future__ import annotations

from bot.store.database import Database


class TrendQueries(Database):
    pass
