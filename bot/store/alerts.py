"""Spike-alert settings and the alerts posted (to be written)."""

from __future__ import annotations

from bot.store.database import Database


class AlertQueries(Database):
    pass
