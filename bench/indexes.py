"""The request table's index sets per schema version, read from `bot.store.migrations`, and a
switch between them on a database file, so a benchmark can show what an index set buys a query
and costs a write. Benchmarks only: the bot never drops an index."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.store.migrations import MIGRATIONS

TABLE = "request_messages"


def _normal(sql: str) -> str:
    return " ".join(sql.split())


def index_sets(table: str = TABLE) -> dict[int, dict[str, str]]:
    """Per schema version, the indexes on `table` that version leaves: name -> DDL."""
    created = re.compile(rf"CREATE INDEX (\w+)\s+ON {table}\b")
    dropped = re.compile(r"DROP INDEX (?:IF EXISTS )?(\w+)")
    current: dict[str, str] = {}
    sets: dict[int, dict[str, str]] = {}
    for version, migration in enumerate(MIGRATIONS, start=1):
        for statement in migration:
            if match := created.search(statement):
                current[match.group(1)] = _normal(statement)
            elif match := dropped.search(statement):
                current.pop(match.group(1), None)
        sets[version] = dict(current)
    return sets


def use_indexes(path: Path, wanted: dict[str, str], table: str = TABLE) -> None:
    """Make `table`'s secondary indexes exactly `wanted` (same names, same definitions)."""
    with sqlite3.connect(path) as db:
        present = {
            name: _normal(sql)
            for name, sql in db.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL",
                (table,),
            )
        }
        for name, sql in present.items():
            if wanted.get(name) != sql:
                db.execute(f"DROP INDEX {name}")
        for name, sql in wanted.items():
            if present.get(name) != sql:
                db.execute(sql)
