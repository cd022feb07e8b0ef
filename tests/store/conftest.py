"""Fixtures for Store tests: every test of `store` runs on a real SQLite file in a temporary
folder AND on a fresh database of a throwaway PostgreSQL server (tests/store/pg_server.py).

Tests about what only SQLite has (file modes, PRAGMAs, WAL, page limits, another process's
write lock) are marked `sqlite_only` and run once. Without PostgreSQL binaries on the machine the
PostgreSQL half is left out with one message saying so.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.store import Store
from tests.store.pg_server import PgServer, find_binaries
from tests.store.store_factory import copy_template

BACKENDS = ("sqlite", "postgresql")
TEST_DATABASE = "clamor_test"
NO_POSTGRES = (
    "PostgreSQL Store tests left out: no PostgreSQL binaries (initdb, pg_ctl) found in "
    "/usr/lib/postgresql/*/bin, $CLAMOR_PG_BIN or PATH"
)
_created: list[str] = []  # the test database, once created and migrated


BINARIES = find_binaries()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: the test is about SQLite itself; no PostgreSQL run"
    )
    config.addinivalue_line("markers", "postgresql: the test needs the PostgreSQL server")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize(
            "backend", BACKENDS[:1] if only_sqlite or BINARIES is None else BACKENDS
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Without a server the PostgreSQL tests are left out and said so once (terminal summary),
    # rather than skipped one by one.
    if BINARIES is not None:
        return
    left_out = [item for item in items if item.get_closest_marker("postgresql") is not None]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item.get_closest_marker("postgresql") is None]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if BINARIES is None:
        terminalreporter.write_line(NO_POSTGRES, yellow=True)


def _start_server(binaries: Path, attempts: int = 3) -> PgServer:
    """Start a server, again on a new port if the free port it was given was taken meanwhile
    (under pytest-xdist each worker starts its own server at about the same time)."""
    for _ in range(attempts - 1):
        with contextlib.suppress(subprocess.CalledProcessError):
            return PgServer.start(binaries)
    return PgServer.start(binaries)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One server for the session (of each xdist worker, so workers never share a database); its
    first test creates and migrates the test database."""
    if BINARIES is None:
        pytest.skip(NO_POSTGRES)
    server = _start_server(BINARIES)
    try:
        yield server
    finally:
        server.stop()


async def fresh_database(server: PgServer) -> str:
    """The URL of the migrated test database on `server`, emptied of every row.

    One database emptied between tests costs milliseconds; a new database per test
    (CREATE DATABASE ... TEMPLATE) costs most of a second on PostgreSQL 15.
    """
    import asyncpg

    url = server.url(TEST_DATABASE)
    if not _created:
        admin = await asyncpg.connect(server.url())
        try:
            await admin.execute(f"CREATE DATABASE {TEST_DATABASE}")
        finally:
            await admin.close()
        async with await Store.open(url):
            pass  # opening migrates
        _created.append(TEST_DATABASE)
    connection = await asyncpg.connect(url)
    try:
        tables = await connection.fetch(
            "SELECT quote_ident(tablename) FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'clamor_schema'"
        )
        # DELETE, not TRUNCATE: a handful of rows go faster than new files for every table.
        await connection.execute("; ".join(f"DELETE FROM {row[0]}" for row in tables))
    finally:
        await connection.close()
    return url


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "clamor.db"


@pytest.fixture
async def db_location(backend: str, request: pytest.FixtureRequest, db_path: Path) -> str:
    """Where the test's database lives: a SQLite file path, or a PostgreSQL URL."""
    if backend == "sqlite":
        return str(db_path)
    server: PgServer = request.getfixturevalue("pg_server")
    return await fresh_database(server)


@pytest.fixture
async def store(db_location: str, backend: str, sqlite_template: Path) -> AsyncIterator[Store]:
    """The Store on `db_location`, empty and migrated; on SQLite a copy of the migrated template."""
    if backend == "sqlite":
        copy_template(sqlite_template, Path(db_location))
    async with await Store.open(db_location) as opened:
        yield opened
