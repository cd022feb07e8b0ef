"""`Database`: the Store's one connection (a `Backend`), the lock that keeps coroutines from
interleaving inside it, and the one retry loop.

Every query module of the Store builds on `Database`. A single statement commits on its own;
`_run(work, transaction=True)` makes work that must land together one transaction.

Faults: another writer in the way (SQLite's busy or locked database, PostgreSQL's lock timeout,
deadlock or serialization failure) is retried here with exponential backoff for about ten
seconds in all, so callers never see a transient lock. What remains becomes
`StoreUnavailableError` when the database cannot be used for now (read-only, disk full, I/O
error, lost connection, lock held too long) and `StoreError` for anything else. A failed
transaction is always rolled back before the error leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from time import monotonic
from typing import TypeVar

from bot.store.backend import Backend, Params
from bot.store.dialect import Dialect
from bot.store.errors import StoreError
from bot.store.records import Row

T = TypeVar("T")
Work = Callable[[Backend], Awaitable[T]]

# SQLite's own wait for a lock (PostgreSQL's lock_timeout), per attempt; the Store's backoff
# repeats attempts until the budget is spent, so the total stays near BUSY_BUDGET_SECONDS + one
# BUSY_TIMEOUT_MS.
BUSY_TIMEOUT_MS = 1000
BUSY_BUDGET_SECONDS = 9.0
# How long a stop waits for other processes' readers to let it scrub what deletions owe (the
# next start scrubs it otherwise): well inside a service manager's grace before it kills.
CLOSING_SCRUB_SECONDS = 2.0
FIRST_BACKOFF_SECONDS = 0.05
MAX_BACKOFF_SECONDS = 1.0


def busy_timeout_ms(busy_budget: float) -> int:
    """The engine's per-attempt wait for a budget: a quarter of it, at most BUSY_TIMEOUT_MS."""
    return max(10, min(BUSY_TIMEOUT_MS, int(busy_budget * 1000 / 4)))


class _Backoff:
    """Pauses that double from FIRST_BACKOFF_SECONDS up to MAX_BACKOFF_SECONDS, until `budget`
    seconds have passed since it was made."""

    def __init__(self, budget: float) -> None:
        self._budget = budget
        self._started = monotonic()
        self._delay = FIRST_BACKOFF_SECONDS

    def spent(self) -> bool:
        return monotonic() - self._started >= self._budget

    async def pause(self) -> None:
        left = self._budget - (monotonic() - self._started)
        await asyncio.sleep(max(0.0, min(self._delay, left)))
        self._delay = min(self._delay * 2, MAX_BACKOFF_SECONDS)


class Database:
    def __init__(self, backend: Backend, *, busy_budget: float = BUSY_BUDGET_SECONDS) -> None:
        self._backend = backend
        self._busy_budget = busy_budget
        # One connection is shared by every coroutine; without the lock a statement from one
        # coroutine could land inside another's open transaction and share its fate.
        self._lock = asyncio.Lock()
        self._closed = False
        self._busy_retries = 0
        self._scrub_owed = False
        self._debts = 0  # deletions that owed a scrub, counted: one pays those before it

    @property
    def dialect(self) -> Dialect:
        """Which SQL the query modules pick where the two databases truly differ."""
        return self._backend.dialect

    @property
    def busy_retries(self) -> int:
        """How many times an operation found the database locked by someone else and tried
        again (for a status line, and for tests to see the waiting happen)."""
        return self._busy_retries

    @property
    def path(self) -> str:
        """The database file, ":memory:", or the PostgreSQL URL without its password."""
        return self._backend.name

    async def close(self) -> None:
        """Scrub what deletions owe (the tick that would have will not come), finish queued
        work and close the connection; closing twice is harmless."""
        if self._scrub_owed and not self._closed:
            # Else the next start's first tick does it. Bounded as a whole: a VACUUM aside
            # waits SCRUB_TIMEOUT_SECONDS for a server that stopped answering.
            with contextlib.suppress(StoreError, TimeoutError):
                async with asyncio.timeout(2 * CLOSING_SCRUB_SECONDS):
                    await self.finish_scrub(budget=CLOSING_SCRUB_SECONDS)
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            await self._backend.close()

    async def set_read_only(self, on: bool) -> None:
        """Refuse (or allow again) every write on this connection, for maintenance; tests use it
        to play a read-only database. Writes then raise StoreUnavailableError."""
        await self._run(lambda db: db.set_read_only(on))

    async def schema_version(self) -> int:
        return await self._run(lambda db: db.schema_version())

    async def diagnostics(self) -> dict[str, int | str]:
        """The connection's settings and size, for a status command and for tests."""
        return await self._run(lambda db: db.diagnostics())

    async def _run(self, work: Work[T], *, transaction: bool = False) -> T:
        """Run `work` with exclusive use of the connection, retrying while the database is busy.

        The lock is held through the backoff on purpose: callers' operations then reach the
        database in the order they were made (an edit never overtakes its message's insert).
        `work` may run more than once, so it must not consume its inputs (no generators).
        """
        async with self._lock:
            backoff = _Backoff(self._busy_budget)
            while True:
                if self._closed:
                    raise StoreError(f"{self._backend.name}: the store is closed")
                try:
                    if not transaction:
                        return await work(self._backend)
                    async with self._backend.transaction():
                        return await work(self._backend)
                except Exception as exc:
                    kind = self._backend.classify(exc)
                    if kind is None:
                        raise
                    if kind != "retry" or backoff.spent():
                        raise self._backend.error(exc) from exc
                self._busy_retries += 1
                await backoff.pause()

    async def _scrub_erased(self) -> None:
        """Leave no copy of just-erased rows in the database's files (see the backends'
        `scrub_erased`). Readers of other connections can hold it back; that wait is bounded
        like a busy lock, after which it stays owed to `finish_scrub` (the hourly privacy
        upkeep calls it) or a clean close. The lock is let go between attempts, so other
        operations are not held up meanwhile."""
        self._scrub_later()
        await self.finish_scrub()

    def _scrub_later(self) -> None:
        """Owe the scrub of just-deleted rows to the next `finish_scrub` (the hourly privacy
        upkeep), a later erasure or a clean close: messages are deleted on Discord far more
        often than members ask to be forgotten, and a deletion must not wait for other
        connections' readers (nor PostgreSQL's VACUUM) on the way of every write."""
        self._scrub_owed = True
        self._debts += 1

    async def scrub_now(self) -> bool:
        """Scrub now whatever copies of deleted text the database's files may hold, owed or
        not: at start-up, for a process that stopped without its close (a crash) with a
        deletion's scrub owed. True when done; False when readers held it back (then owed)."""
        self._scrub_later()
        return await self.finish_scrub()

    @property
    def scrub_owed(self) -> bool:
        """Whether copies of erased or deleted text may still be in the database's files: a
        deletion's scrub waits for the next `finish_scrub`, or another connection's reader
        held back an erasure's."""
        return self._scrub_owed

    async def finish_scrub(self, *, budget: float | None = None) -> bool:
        """Scrub what deletions owe and erasures that readers held back, for at most `budget`
        seconds of their holding it back (the busy budget by default); True when what was owed
        at the call is paid (deletions that landed during a scrub aside may stay owed:
        `scrub_owed`), False when readers held it back."""
        if not self._scrub_owed:
            return True
        backoff = _Backoff(self._busy_budget if budget is None else budget)
        owed_at_call = self._debts
        while True:
            debts = self._debts
            # A scrub aside (PostgreSQL) lets deletions land while it runs: only those before
            # it are paid by it.
            if await self._scrub_once():
                if debts == self._debts:
                    self._scrub_owed = False
                    return True
                if debts > owed_at_call:
                    # What was owed at the call is paid, and a round more was made for the
                    # deletions during it: newer ones stay owed to the next tick or the close
                    # (steady deletions must not turn every round into "held back").
                    return True
                continue  # not held back: at once for those that landed meanwhile
            if backoff.spent():
                return False
            self._busy_retries += 1
            await backoff.pause()

    async def _scrub_once(self) -> bool:
        if not self._backend.scrubs_aside:
            return await self._run(lambda db: db.scrub_erased())
        if self._closed:
            raise StoreError(f"{self._backend.name}: the store is closed")
        return await self._backend.scrub_erased()

    async def _fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._run(lambda db: db.fetch_all(sql, params))

    async def _fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        return await self._run(lambda db: db.fetch_one(sql, params))

    async def _write(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""
        return await self._run(lambda db: db.execute(sql, params))

    async def _write_many(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement per row in a single transaction; the number of rows changed."""
        batch = list(rows)
        if not batch:
            return 0
        return await self._run(lambda db: db.executemany(sql, batch), transaction=True)
