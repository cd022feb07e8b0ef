"""A guild's team and term limits hold across processes: Stores on one database (two shards, or
the CLI beside the bot) adding at once never pass a limit together. (One Store adding at once is
in test_store_guilds.py and test_store_term_cap.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from bot.config import MAX_TEAM_ROLES, MAX_TERMS_PER_KIND
from bot.store import Store, TeamLimitError, TermLimitError
from tests.store.conftest import fresh_database
from tests.store.faults import write_lock_held
from tests.store.pg_server import PgServer

GUILD = 1
WAIT_SECONDS = 10.0
# pg_advisory_lock key of the gate below: "gate" in ASCII.
GATE = int.from_bytes(b"gate", "big")


@dataclass(frozen=True)
class Limited:
    """One limited list of a guild: how a Store adds its `number`th item, and how another
    process's connection does, straight into the table."""

    table: str
    limit: int
    error: type[ValueError]
    add: Callable[[Store, int], Awaitable[bool]]
    insert: str  # SQLite's, with the guild and an item number as parameters

    def count(self) -> str:
        return f"SELECT count(*) FROM {self.table} WHERE guild_id = {GUILD}"


LIMITED = {
    "team": Limited(
        "team_roles",
        MAX_TEAM_ROLES,
        TeamLimitError,
        lambda store, number: store.add_team_role(GUILD, number),
        "INSERT INTO team_roles (guild_id, role_id) VALUES (?, ?)",
    ),
    "terms": Limited(
        "guild_terms",
        MAX_TERMS_PER_KIND,
        TermLimitError,
        lambda store, number: store.add_term(GUILD, "keyword", f"term {number:04d}"),
        "INSERT INTO guild_terms (guild_id, kind, term) VALUES (?, 'keyword', 'term ' || ?)",
    ),
}


async def waiting_for_locks(other: asyncpg.Connection, sessions: int) -> None:
    """Return once `sessions` connections to the database wait for a lock."""
    deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
    while (
        await other.fetchval(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        < sessions
    ):
        assert asyncio.get_running_loop().time() < deadline, f"{sessions} never waited"
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def gate_closed(other: asyncpg.Connection, table: str) -> AsyncIterator[None]:
    """While inside, every row about to go into `table` waits, after its statement counted what
    the table holds, until the block ends: statements that counted at once then all insert
    (the widest window two processes can have between counting and inserting)."""
    await other.execute(
        "CREATE FUNCTION test_gate() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_advisory_xact_lock_shared({GATE}); RETURN NEW; END $$"
    )
    await other.execute(
        f"CREATE TRIGGER test_gate BEFORE INSERT ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION test_gate()"
    )
    await other.execute("SELECT pg_advisory_lock($1)", GATE)
    try:
        yield
    finally:
        await other.execute("SELECT pg_advisory_unlock($1)", GATE)


async def drop_gate(other: asyncpg.Connection, table: str) -> None:
    # The test database outlives the test (conftest empties its rows only).
    await other.execute(f"DROP TRIGGER IF EXISTS test_gate ON {table}")
    await other.execute("DROP FUNCTION IF EXISTS test_gate()")


@pytest.mark.postgresql
@pytest.mark.parametrize("kind", sorted(LIMITED))
@pytest.mark.parametrize(("stores", "room"), [(2, 1), (10, 5)])
async def test_postgresql_stores_adding_at_once_never_pass_the_limit(
    pg_server: PgServer, kind: str, stores: int, room: int
) -> None:
    limited = LIMITED[kind]
    url = await fresh_database(pg_server)
    other = await asyncpg.connect(url)
    try:
        async with contextlib.AsyncExitStack() as stack:
            opened = [await stack.enter_async_context(await Store.open(url)) for _ in range(stores)]
            for number in range(limited.limit - room):
                assert await limited.add(opened[0], number) is True
            async with gate_closed(other, limited.table):
                adding = [
                    asyncio.create_task(limited.add(store, 1000 + index))
                    for index, store in enumerate(opened)
                ]
                # Each Store is either held at the gate, having counted, or waits its turn.
                try:
                    await waiting_for_locks(other, stores)
                except BaseException:
                    for task in adding:
                        task.cancel()
                    raise
            outcomes = await asyncio.gather(*adding, return_exceptions=True)
            in_table = await other.fetchval(limited.count())
    finally:
        await drop_gate(other, limited.table)
        await other.close()
    assert in_table == limited.limit
    assert outcomes.count(True) == room
    refused = [outcome for outcome in outcomes if isinstance(outcome, limited.error)]
    assert len(refused) == stores - room, outcomes


@pytest.mark.sqlite_only
@pytest.mark.parametrize("kind", sorted(LIMITED))
async def test_a_sqlite_store_waits_for_another_writer_and_counts_again(
    store: Store, db_path: Path, kind: str
) -> None:
    # SQLite has one writer at a time per file: an add that comes while another process adds the
    # last item waits for it (busy, retried), then counts it.
    limited = LIMITED[kind]
    for number in range(limited.limit - 1):
        assert await limited.add(store, number) is True
    with write_lock_held(db_path) as other:
        other.execute(limited.insert, (GUILD, 999))
        adding = asyncio.create_task(limited.add(store, 1000))
        deadline = asyncio.get_running_loop().time() + WAIT_SECONDS
        while store.busy_retries == 0:
            assert asyncio.get_running_loop().time() < deadline, "the add never waited"
            await asyncio.sleep(0.01)
        assert not adding.done()
        other.execute("COMMIT")
    with pytest.raises(limited.error):
        await adding
    with contextlib.closing(sqlite3.connect(db_path)) as reader:
        assert reader.execute(limited.count()).fetchone() == (limited.limit,)
