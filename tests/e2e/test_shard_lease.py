"""Two `clamor run` processes for the same shard on one database (SQLite file or PostgreSQL):
the second is refused with one line and exit status 2 while the first lives; a hung process's
successor takes the shard over once the lease has run out, a crashed one's at once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from tests.e2e.test_crash import until
from tests.fakediscord import FakeDiscord, default_world
from tests.store.pg_server import PgServer, find_binaries

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
LEASE_SECONDS = 3
EXIT_SECONDS = 60.0  # a fresh interpreter imports discord.py before it can be refused


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PgServer]:
    binaries = find_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL binaries (initdb, pg_ctl) on this machine")
    server = PgServer.start(binaries)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "clamor.db")
    server: PgServer = request.getfixturevalue("pg_server")
    name = f"lease_{os.getpid()}_{tmp_path.name.lower().replace('-', '_')}"[:60]
    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return server.url(name)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(default_world(), token=TOKEN, shard_count=2) as started:
        yield started


async def start(
    fake: FakeDiscord,
    database: str,
    tmp_path: Path,
    shard_ids: str,
    extra: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": TOKEN,
        "CLAMOR_DB": database,
        "CLAMOR_KEY_FILE": str(tmp_path / "clamor.key"),
        "CLAMOR_DEV_GUILD": str(fake.guild.id),
        "CLAMOR_SHARDS": "2",
        "CLAMOR_SHARD_IDS": shard_ids,
        "CLAMOR_SHARD_LEASE_SECONDS": str(LEASE_SECONDS),
        "LOG_LEVEL": "WARNING",
        **(extra or {}),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.e2e.cli_process",
        str(fake.port),
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


def identified(fake: FakeDiscord, shard: int) -> int:
    return sum(1 for shard_id, count in fake.identified_shards if (shard_id, count) == (shard, 2))


async def last_line(process: asyncio.subprocess.Process) -> str:
    async with asyncio.timeout(EXIT_SECONDS):
        _, err = await process.communicate()
    return err.decode().strip().splitlines()[-1]


async def test_a_shard_held_by_a_live_process_is_refused_until_its_lease_ends(
    fake: FakeDiscord, database: str, tmp_path: Path
) -> None:
    first = await start(fake, database, tmp_path, "0")
    try:
        await until(lambda: identified(fake, 0) == 1, "the first process to connect shard 0")

        second = await start(fake, database, tmp_path, "0")
        async with asyncio.timeout(EXIT_SECONDS):
            _, err = await second.communicate()
        lines = err.decode().strip().splitlines()
        assert second.returncode == 2, lines
        assert len(lines) == 1, lines
        assert lines[0].startswith("clamor run: shard 0 is already run by another Clamor process")
        assert "CLAMOR_SHARD_IDS" in lines[0]
        # Shard 1 is free: a process for it starts beside the first.
        other = await start(fake, database, tmp_path, "1")
        await until(lambda: identified(fake, 1) == 1, "a process for shard 1 to connect")
        other.send_signal(signal.SIGTERM)
        async with asyncio.timeout(EXIT_SECONDS):
            await other.communicate()
        assert other.returncode == 0
        assert identified(fake, 0) == 1  # the refused process never connected

        # The first hangs (alive, renewing nothing): as systemd would, start again until its
        # lease has run out and the successor takes shard 0 over.
        first.send_signal(signal.SIGSTOP)
        successor = await start(fake, database, tmp_path, "0")
        try:
            refused = 0
            while identified(fake, 0) == 1:
                # Polled within this iteration only: the late binding B023 warns of cannot bite.
                await until(
                    lambda: identified(fake, 0) == 2 or successor.returncode is not None,  # noqa: B023
                    "the successor to connect or be refused",
                )
                if successor.returncode is not None:
                    line = await last_line(successor)
                    assert successor.returncode == 2, line
                    assert "shard 0 is already run by another Clamor process" in line, line
                    refused += 1
                    assert refused < 30
                    successor = await start(fake, database, tmp_path, "0")
            # The first wakes up, finds its shard taken over and stops with one line.
            first.send_signal(signal.SIGCONT)
            line = await last_line(first)
            assert first.returncode == 2, line
            assert line.startswith("clamor run: stopped: another process took over (shard 0 ")
        finally:
            if successor.returncode is None:
                successor.send_signal(signal.SIGTERM)
            line = await last_line(successor)
        assert successor.returncode == 0, line
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()


async def test_a_crashed_process_is_taken_over_at_once_on_its_machine(
    fake: FakeDiscord, database: str, tmp_path: Path
) -> None:
    first = await start(fake, database, tmp_path, "0")
    await until(lambda: identified(fake, 0) == 1, "the first process to connect shard 0")
    first.kill()  # gone, its lease left behind for minutes
    await first.wait()
    env = {"CLAMOR_SHARD_LEASE_SECONDS": "3600"}
    successor = await start(fake, database, tmp_path, "0", env)
    try:
        await until(
            lambda: identified(fake, 0) == 2 or successor.returncode is not None,
            "the successor to connect",
        )
        assert identified(fake, 0) == 2
    finally:
        if successor.returncode is None:
            successor.send_signal(signal.SIGTERM)
        line = await last_line(successor)
    assert successor.returncode == 0, line
