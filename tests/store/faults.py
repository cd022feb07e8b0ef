"""Ways to make a real database misbehave, for tests of the Store and of its callers."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from bot.store import Store
from bot.store.backend import Backend
from bot.store.dialect import is_postgres_url

# SQLite's ceiling for max_page_count; asking for it restores "no limit".
NO_PAGE_LIMIT = 4_294_967_294


@asynccontextmanager
async def disk_full(store: Store) -> AsyncIterator[None]:
    """While inside, the Store's database cannot grow by a single page: any write that needs
    one fails exactly as it would on a full disk (SQLITE_FULL). The limit is per connection,
    so it has to be set on the Store's own; `_run` is the only door to it."""

    async def limit(db: Backend) -> None:
        row = await db.fetch_one("PRAGMA page_count")
        assert row is not None
        await db.execute(f"PRAGMA max_page_count = {int(row[0]):d}")

    async def unlimit(db: Backend) -> None:
        await db.execute(f"PRAGMA max_page_count = {NO_PAGE_LIMIT:d}")

    await store._run(limit)
    try:
        yield
    finally:
        await store._run(unlimit)


@contextmanager
def write_lock_held(path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's writer: holds the database's write lock until the block ends (or the
    connection it yields is rolled back)."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


def nobody_holds_the_write_lock(path: Path) -> bool:
    """True if another connection can take the write lock at once: no transaction was left
    open by the Store."""
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


async def no_transaction_left(location: str) -> bool:
    """True if no connection to the database at `location` sits inside a transaction: the Store
    rolled back everything it started. (SQLite: a file path; PostgreSQL: a URL.)"""
    if not is_postgres_url(location):
        return nobody_holds_the_write_lock(Path(location))
    import asyncpg

    other = await asyncpg.connect(location)
    try:
        open_transactions = await other.fetchval(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND state LIKE 'idle in transaction%'"
        )
    finally:
        await other.close()
    return int(open_transactions) == 0
