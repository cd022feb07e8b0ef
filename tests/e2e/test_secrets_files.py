"""`.env`, the database and the author key are created readable by their owner only; `clamor
init` writes `.env` that way and never overwrites one; `clamor run` warns, in one log line,
about any of them that other users can open (issue 5, point 8)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import init as init_command
from bot.cli import main
from bot.cli.common import key_path_for
from bot.cli.run import warn_if_shared
from bot.store import Store, load_or_create_key

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
REPO = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The worst umask: without care, every new file would be readable and writable by all."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_init_writes_the_example_privately(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    open_umask: None,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    env = tmp_path / ".env"
    assert mode(env) == 0o600
    assert env.read_text(encoding="utf-8") == (REPO / ".env.example").read_text(encoding="utf-8")
    assert "DISCORD_TOKEN=" in env.read_text(encoding="utf-8")
    assert ".env" in capsys.readouterr().out


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env = tmp_path / "custom.env"
    env.write_text("DISCORD_TOKEN=keep-me\n")
    assert main(["init", "--env", str(env)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith(f"clamor init: {env} already exists")
    assert env.read_text() == "DISCORD_TOKEN=keep-me\n"


def test_init_into_a_missing_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--env", str(tmp_path / "nowhere" / ".env")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "cannot be created" in error


def test_init_without_a_checkout_uses_the_built_in_template(tmp_path: Path) -> None:
    text = init_command.template(tmp_path / "no-such-example")
    assert text == init_command.FALLBACK_TEMPLATE
    assert "DISCORD_TOKEN=" in text
    assert "CLAMOR_DB=" in text


def database_files(folder: Path) -> dict[str, int]:
    return {path.name: mode(path) for path in folder.iterdir()}


async def test_database_wal_and_key_are_private_whatever_the_umask(
    tmp_path: Path, open_umask: None
) -> None:
    database = tmp_path / "data" / "clamor.db"
    key = load_or_create_key(key_path_for(database))
    async with await Store.open(database) as store:
        await store.add_term(1, "target", "sora")  # something in the write-ahead log
        files = database_files(database.parent)  # -wal and -shm exist while the store is open
    assert set(files) >= {"clamor.db", "clamor.key", "clamor.db-wal", "clamor.db-shm"}
    assert files == dict.fromkeys(files, 0o600)
    assert len(key) == 32


def test_run_warns_once_about_files_others_can_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env, database, key = tmp_path / ".env", tmp_path / "c.db", tmp_path / "c.key"
    for path, permissions in ((env, 0o644), (database, 0o600), (key, 0o640)):
        path.write_text("x")
        path.chmod(permissions)
    with caplog.at_level(logging.WARNING, logger="bot.cli.run"):
        warn_if_shared([env, database, key, tmp_path / "missing.db"])
    (record,) = caplog.records
    line = record.getMessage()
    assert "\n" not in line
    assert f"{env} (mode 644)" in line
    assert f"{key} (mode 640)" in line
    assert str(database) not in line.split("chmod")[0]
    assert f"chmod 600 {env} {key}" in line


def test_run_says_nothing_when_every_file_is_private(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = tmp_path / ".env"
    env.write_text("x")
    env.chmod(0o600)
    with caplog.at_level(logging.DEBUG, logger="bot.cli.run"):
        warn_if_shared([env, tmp_path / "missing.db"])
    assert caplog.records == []
