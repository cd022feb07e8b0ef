"""The thin layer that lets the Store's SQL, written once for SQLite, run on PostgreSQL.

Most statements need only their placeholders rewritten: SQLite's `?` and `?N` become `$N`. The
few that truly differ (JSON table functions, scalar min/max with SQLite's NULL rules, reserved
words) are kept side by side in their query module, chosen by `Database.dialect`. Schema DDL is
written once too (bot/store/migrations.py): `schema_statement` rewrites it by the table below.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from bot.config import is_postgres_url, url_without_password

# Where CLAMOR_DB is read, and used by the CLI too; re-exported for the Store's own use.
redact_url = url_without_password
__all__ = [
    "POSTGRES_TYPES",
    "Dialect",
    "in_id_list",
    "is_postgres_url",
    "postgres_type",
    "redact_url",
    "schema_statement",
    "to_postgres",
]

Dialect = Literal["sqlite", "postgresql"]

# Schema DDL in SQLite's words -> PostgreSQL's, so the two stores return the same records:
# - ids, hours and counts are BIGINT (Discord ids need 64 bits; SQLite's INTEGER has them);
# - SQLite's REAL is an 8-byte float: DOUBLE PRECISION (PostgreSQL's REAL has only 4 bytes);
# - text columns that are compared or sorted (`BYTEWISE_TEXT_COLUMNS`) use the "C" collation,
#   SQLite's byte order; text that is only stored and shown keeps the database's default;
# - GLOB checks become anchored regular expressions (the patterns use only [...] classes and
#   plain characters, which mean the same in both);
# - WITHOUT ROWID has no counterpart.
POSTGRES_TYPES = {"INTEGER": "BIGINT", "REAL": "DOUBLE PRECISION", "TEXT": "TEXT"}
BYTEWISE_TEXT_COLUMNS = frozenset(
    {
        "author_hash",
        "category",
        "claimed_by",
        "content_mode",
        "digest_time",
        "kind",
        "label",
        "language",
        "local_day",
        "original_category",
        "rule",
        "sensitivity",
        "term",
        "timezone",
        "watch_mode",
    }
)
_POSTGRES_DDL: tuple[tuple[re.Pattern[str], str], ...] = (
    *((re.compile(rf"\b{old}\b"), new) for old, new in POSTGRES_TYPES.items() if old != new),
    (
        re.compile(rf"\b({'|'.join(sorted(BYTEWISE_TEXT_COLUMNS))})(\s+)TEXT\b"),
        r'\1\2TEXT COLLATE "C"',
    ),
    (re.compile(r"\bGLOB '([^']*)'"), r"~ '^\1$'"),
    (re.compile(r"\s*\bWITHOUT ROWID\b"), ""),
)


def postgres_type(sqlite_type: str) -> str:
    """The PostgreSQL column type of a column SQLite declares as `sqlite_type`."""
    return POSTGRES_TYPES[sqlite_type.upper()]


def schema_statement(sql: str, dialect: Dialect) -> str:
    """A schema statement written in SQLite's words, as `dialect` runs it."""
    if dialect == "sqlite":
        return sql
    for pattern, replacement in _POSTGRES_DDL:
        sql = pattern.sub(replacement, sql)
    return sql


def in_id_list(column: str, dialect: str) -> str:
    """`column IN (...)` against ONE parameter, a JSON array of ids: the statement is the same
    for any number of them, and a forum's tens of thousands of threads stay under both
    databases' limits on bound parameters (about 32,000)."""
    if dialect == "postgresql":
        return f"{column} IN (SELECT value::bigint FROM jsonb_array_elements_text(?::jsonb))"
    return f"{column} IN (SELECT value FROM json_each(?))"


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """`sql` with SQLite placeholders (`?`, `?N`) as PostgreSQL's `$N`, string literals and
    quoted names untouched. A bare `?` takes the number after the highest seen so far, as in
    SQLite."""
    out: list[str] = []
    highest = 0
    i = 0
    length = len(sql)
    while i < length:
        char = sql[i]
        if char in "'\"":
            end = sql.find(char, i + 1)
            while end != -1 and end + 1 < length and sql[end + 1] == char:  # '' escapes '
                end = sql.find(char, end + 2)
            end = length - 1 if end == -1 else end
            out.append(sql[i : end + 1])
            i = end + 1
            continue
        if char == "?":
            j = i + 1
            while j < length and sql[j].isdigit():
                j += 1
            number = int(sql[i + 1 : j]) if j > i + 1 else highest + 1
            highest = max(highest, number)
            out.append(f"${number}")
            i = j
            continue
        out.append(char)
        i += 1
    return "".join(out)
