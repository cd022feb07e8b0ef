"""Logged request messages as an export reads them (to be written)."""

from __future__ import annotations

from bot.store.database import Database


class ExportQueries(Database):
    pass
