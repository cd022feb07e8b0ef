"""The SQLite-to-PostgreSQL placeholder and schema rewrites and the URL helpers (pure
functions)."""

from __future__ import annotations

import pytest

from bot.store import Store, StoreError
from bot.store.dialect import is_postgres_url, redact_url, schema_statement, to_postgres


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT 1", "SELECT 1"),
        ("a = ? AND b = ?", "a = $1 AND b = $2"),
        ("VALUES (?1, ?2, ?3, min(?3, ?4 - 1))", "VALUES ($1, $2, $3, min($3, $4 - 1))"),
        ("x = ?2 AND y = ?", "x = $2 AND y = $3"),  # SQLite: a bare ? follows the highest
        ("c <> '?' AND d = ?", "c <> '?' AND d = $1"),
        ("c = 'it''s ?' AND d = ?", "c = 'it''s ?' AND d = $1"),
        ('"odd?name" = ?', '"odd?name" = $1'),
        ("?::jsonb", "$1::jsonb"),
        ("json_extract(value, '$[0]') = ?", "json_extract(value, '$[0]') = $1"),
    ],
)
def test_placeholders_are_rewritten(sqlite: str, postgres: str) -> None:
    assert to_postgres(sqlite) == postgres


SCHEMA_IN_SQLITE = """
    CREATE TABLE t (
        id       INTEGER PRIMARY KEY,
        at       REAL NOT NULL,
        kind     TEXT NOT NULL CHECK (kind GLOB '[a-z][0-9]'),
        content  TEXT NOT NULL,
        level    INTEGER
    ) WITHOUT ROWID
"""
SCHEMA_IN_POSTGRES = """
    CREATE TABLE t (
        id       BIGINT PRIMARY KEY,
        at       DOUBLE PRECISION NOT NULL,
        kind     TEXT COLLATE "C" NOT NULL CHECK (kind ~ '^[a-z][0-9]$'),
        content  TEXT NOT NULL,
        level    BIGINT
    )
"""


def test_schema_statements_are_rewritten_by_the_dialect_table() -> None:
    # The "C" collation only for text that is compared (kind), not for text only shown.
    assert schema_statement(SCHEMA_IN_SQLITE, "sqlite") == SCHEMA_IN_SQLITE
    assert schema_statement(SCHEMA_IN_SQLITE, "postgresql") == SCHEMA_IN_POSTGRES


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://clamor:s3cret@db.example:5432/clamor", "postgresql://clamor@db.example:5432/clamor"),
        ("postgres://u:p@localhost/x?sslmode=require&password=p", "postgres://u@localhost/x"),
        ("postgresql://localhost/x", "postgresql://localhost/x"),
        ("postgresql://u:p@[::1]:5433/x", "postgresql://u@[::1]:5433/x"),
        ("postgresql://u:p@host:notaport/x", "postgresql://…"),
    ],
)  # fmt: skip
def test_urls_are_shown_without_passwords(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    ("location", "postgres"),
    [
        ("postgresql://h/db", True),
        ("POSTGRES://h/db", True),
        ("data/clamor.db", False),
        (":memory:", False),
        ("postgresql.db", False),
    ],
)
def test_postgres_urls_are_told_from_paths(location: str, postgres: bool) -> None:
    assert is_postgres_url(location) is postgres


@pytest.mark.parametrize(
    "url", ["postgresql://u:hunter2@host:notaport/db", "postgresql://[bad", "postgres://h:0/db"]
)
async def test_a_malformed_url_is_a_store_error_without_the_password(url: str) -> None:
    with pytest.raises(StoreError) as raised:
        await Store.open(url)
    assert "is not a valid PostgreSQL URL" in str(raised.value)
    assert "hunter2" not in str(raised.value)
