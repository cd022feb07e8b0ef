"""The command line on a PostgreSQL database: `--db postgresql://…` and CLAMOR_DB select it, and
the author key stays a file (CLAMOR_KEY_FILE), never a row of the database."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import asyncpg
import pytest

from bot.chat_import import sample_export_paths
from bot.cli import main
from bot.config import load_settings
from tests.store.conftest import fresh_database
from tests.store.pg_server import PgServer

pytestmark = pytest.mark.postgresql
SAMPLE = sample_export_paths()[0]
SAMPLE_GUILD = int(json.loads(SAMPLE.read_text(encoding="utf-8"))["guild"]["id"])


async def _count_rows(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM request_messages"))
    finally:
        await connection.close()


def test_settings_take_a_url_and_a_key_file() -> None:
    url = "postgresql://clamor:s3cret@db.internal:5432/clamor"
    settings = load_settings({"CLAMOR_DB": url, "CLAMOR_KEY_FILE": "/etc/clamor/key"}, None)
    assert settings.database == url
    assert settings.author_key_path == Path("/etc/clamor/key")
    assert "s3cret" not in repr(settings)
    assert load_settings({"CLAMOR_DB": url}, None).author_key_path == Path("data/clamor.key")
    sqlite = load_settings({"CLAMOR_DB": "var/bot.db"}, None)
    assert sqlite.database == Path("var/bot.db")
    assert sqlite.author_key_path == Path("var/bot.key")


def test_analyze_digest_and_labels_on_postgresql(
    pg_server: PgServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = asyncio.run(fresh_database(pg_server))
    key = tmp_path / "secrets" / "clamor.key"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAMOR_KEY_FILE", str(key))
    monkeypatch.setenv("CLAMOR_DB", url)

    assert main(["analyze", str(SAMPLE), "--db", url]) == 0
    logged = asyncio.run(_count_rows(url))
    assert logged > 0
    assert main(["analyze", str(SAMPLE), "--db", url]) == 0  # same ids: no duplicates
    assert asyncio.run(_count_rows(url)) == logged
    assert key.is_file()
    assert not (tmp_path / "data").exists()  # no SQLite file, no key beside one
    capsys.readouterr()

    # CLAMOR_DB alone is enough for the read-only commands.
    assert main(["digest", "--guild", str(SAMPLE_GUILD), "--days", "366", "--format", "json"]) == 0
    digest = json.loads(capsys.readouterr().out)
    assert digest["totals"]["requests"] > 0
    assert main(["labels", "export"]) == 0


def test_a_missing_database_is_one_line_without_the_password(
    pg_server: PgServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"postgresql://clamor:hunter2@127.0.0.1:{pg_server.port}/nowhere"
    assert main(["digest", "--db", url, "--guild", "1"]) == 2
    error = capsys.readouterr().err
    assert "no such database" in error
    assert "hunter2" not in error


def test_a_process_without_the_key_file_is_refused_on_postgresql(
    pg_server: PgServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A second machine (or another working directory) started without a copy of the key.
    url = asyncio.run(fresh_database(pg_server))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLAMOR_KEY_FILE", str(tmp_path / "first.key"))
    assert main(["analyze", str(SAMPLE), "--db", url]) == 0
    logged = asyncio.run(_count_rows(url))
    capsys.readouterr()

    monkeypatch.delenv("CLAMOR_KEY_FILE")
    assert main(["analyze", str(SAMPLE), "--db", url]) == 2
    error = capsys.readouterr().err
    assert error.startswith("clamor analyze: data/clamor.key: the author key is missing")
    assert error.count("\n") == 1
    assert not (tmp_path / "data").exists()
    assert asyncio.run(_count_rows(url)) == logged


async def test_a_server_that_stops_answering_is_one_line_not_a_hang(
    pg_server: PgServer, tmp_path: Path
) -> None:
    url = await fresh_database(pg_server)
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLAMOR_")}
    # Above the one-second slices in which a lock is waited for, so only the hang runs into it.
    env.update(CLAMOR_DB_TIMEOUT="5", CLAMOR_KEY_FILE=str(tmp_path / "clamor.key"))
    admin = await asyncpg.connect(url)
    stopped: int | None = None
    command: asyncio.subprocess.Process | None = None
    try:
        # Hold the log table so that the command, once connected, waits on this lock...
        async with admin.transaction():
            await admin.execute("LOCK TABLE request_messages IN ACCESS EXCLUSIVE MODE")
            command = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "analyze", str(SAMPLE), "--db", url,
                cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            stopped = await _waiting_backend(admin)
            # ...then freeze the server process serving it, as a hung server would be.
            os.kill(stopped, signal.SIGSTOP)
        _, err = await asyncio.wait_for(command.communicate(), timeout=60)
    finally:
        if stopped is not None:
            os.kill(stopped, signal.SIGCONT)
        if command is not None and command.returncode is None:  # it hung: end it
            command.kill()
            await command.wait()
        await admin.close()
    error = err.decode()
    assert command.returncode == 2, error
    assert error.startswith("clamor analyze: postgresql://")
    assert error.endswith(
        ": the server did not answer in time (CLAMOR_DB_TIMEOUT); the connection was dropped\n"
    )
    assert error.count("\n") == 1


async def _waiting_backend(admin: asyncpg.Connection) -> int:
    """The process id of the server process that waits for a lock on `admin`'s database."""
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        # Inside a transaction the activity view is a snapshot unless cleared.
        await admin.execute("SELECT pg_stat_clear_snapshot()")
        pid = await admin.fetchval(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        if pid is not None:
            return int(pid)
        assert asyncio.get_running_loop().time() < deadline, "the command never waited"
        await asyncio.sleep(0.02)
