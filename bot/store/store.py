"""`Store`: the single owner of Clamor's database and of every SQL statement in it. It composes
one backend (bot/store/backend.py): SQLite for a file path, PostgreSQL for a postgresql:// URL."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Self

from bot.config import DEFAULT_DB_TIMEOUT
from bot.store.activity import ActivityQueries
from bot.store.alerts import AlertQueries
from bot.store.backend import Backend
from bot.store.claims import ClaimQueries
from bot.store.database import BUSY_BUDGET_SECONDS
from bot.store.dialect import is_postgres_url
from bot.store.export_rows import ExportQueries
from bot.store.guilds import GuildQueries
from bot.store.labels import LabelQueries
from bot.store.learning import LearningQueries
from bot.store.leases import LeaseQueries
from bot.store.privacy import PrivacyQueries
from bot.store.request_log import RequestQueries
from bot.store.retention import RetentionQueries
from bot.store.sqlite import SqliteBackend
from bot.store.threads import ThreadQueries
from bot.store.trends import TrendQueries


class Store(
    GuildQueries,
    RequestQueries,
    ActivityQueries,
    LabelQueries,
    LearningQueries,
    PrivacyQueries,
    RetentionQueries,
    TrendQueries,
    AlertQueries,
    ExportQueries,
    ClaimQueries,
    ThreadQueries,
    LeaseQueries,
):
    """One database connection, migrated on open. Use `async with await Store.open(path)`
    (or `Store.open("postgresql://…")`); `Store(backend)` composes one already open."""

    @classmethod
    async def open(
        cls,
        path: str | Path,
        *,
        create: bool = True,
        busy_budget: float = BUSY_BUDGET_SECONDS,
        command_timeout: float = DEFAULT_DB_TIMEOUT,
    ) -> Store:
        """Open and migrate the database at `path` (or ":memory:"), creating it unless told not to.

        A `postgresql://user:password@host:port/name` URL opens a PostgreSQL database instead
        (bot.store.postgres.PgBackend; the database itself must exist, `create` does not apply).

        `create=False` suits read-only commands, where a mistyped path should be an error rather
        than a new empty database. `busy_budget` is how long, in seconds, an operation keeps
        retrying while another process holds the database's lock (tests shorten it).
        `command_timeout` is how long, in seconds, a PostgreSQL server may leave one statement
        unanswered before the connection counts as lost (StoreUnavailableError). Raises
        StoreError, with one line naming the path, for anything that makes the database unusable.
        """
        backend: Backend
        if is_postgres_url(path):
            # asyncpg is imported only by those who ask for PostgreSQL.
            from bot.store.postgres import PgBackend

            backend = await PgBackend.connect(
                str(path), busy_budget=busy_budget, command_timeout=command_timeout
            )
        else:
            backend = await SqliteBackend.open(path, create=create, busy_budget=busy_budget)
        return cls(backend, busy_budget=busy_budget)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
