"""The one aiosqlite connection, and the lock that keeps coroutines from interleaving inside it.

Every query mixin of the Store builds on `Database`. The connection runs in autocommit mode
(isolation_level=None): a single statement commits on its own, and `_transaction()` opens an
explicit BEGIN IMMEDIATE ... COMMIT for work that must land together.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite

from bot.store.errors import StoreError

Params = Sequence[Any]


class Database:
    def __init__(self, db: aiosqlite.Connection, path: str) -> None:
        self._db = db
        self._path = path
        # One connection is shared by every coroutine; without the lock a statement from one
        # coroutine could land inside another's open transaction and share its fate.
        self._lock = asyncio.Lock()
        self._closed = False

    @property
    def path(self) -> str:
        """The database file, or ":memory:"."""
        return self._path

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[aiosqlite.Connection]:
        """Exclusive use of the connection; sqlite3 errors leave as one-line StoreErrors."""
        async with self._lock:
            if self._closed:
                raise StoreError(f"{self._path}: the store is closed")
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise StoreError(f"{self._path}: {exc}") from exc

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._session() as db:
            await db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                # SQLite may already have rolled back on its own (e.g. disk full).
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                raise
            await db.execute("COMMIT")

    async def _fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._session() as db:
            return list(await db.execute_fetchall(sql, params))

    async def _fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._session() as db, db.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def _write(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""
        async with self._session() as db, db.execute(sql, params) as cursor:
            return max(cursor.rowcount, 0)

    async def _write_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement per row in a single transaction; the number of rows changed."""
        batch = list(rows)
        if not batch:
            return 0
        async with self._transaction() as db, db.executemany(sql, batch) as cursor:
            return max(cursor.rowcount, 0)
