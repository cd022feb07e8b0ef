"""The token never reaches a log line, an error message or an export (issue 5, point 8).

The bot runs on the fake Discord at DEBUG level (discord.py then logs every gateway event) with
the same redaction `clamor run` installs, and is made to fail with the token inside the error.
The rejected-token case runs `clamor run` itself in a subprocess and reads its stderr.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.cli.run import TOKEN_HELP
from bot.client import UNEXPECTED
from bot.config import configure_logging, load_settings
from bot.redaction import REDACTED, remove_redaction
from bot.store import LabelCorrection, Store
from tests.fakediscord import EPHEMERAL, FakeDiscord, connect_discord_py

from .conftest import running_clamor
from .waiting import eventually

TOKEN = "MTMxNjAwMDAwMDAwMDAwMDAwMA.GhIjKl.s3cr3t-T0ken_abcdefghijklmnopqrstuvwxyz01"
# Another token-shaped string: what a member might paste in chat by mistake.
PASTED = "OTk5OTk5OTk5OTk5OTk5OTk5OQ.XyZ123.pasted_token_ABCDEFGHIJKLMNOPQRSTUVWX"


@pytest.fixture
def redacted_logging() -> Iterator[None]:
    """What `clamor run` sets up, undone afterwards so other tests see plain logging."""
    configure_logging("DEBUG", secrets=[TOKEN])
    yield
    remove_redaction()


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    rendered = [formatter.format(record) for record in caplog.records]
    exceptions = [record.exc_text or "" for record in caplog.records]
    return "\n".join([caplog.text, *rendered, *exceptions])


async def test_debug_logs_of_a_failing_bot_never_hold_the_token(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    redacted_logging: None,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeDiscord(token=TOKEN) as fake:
        connect_discord_py(monkeypatch, fake)
        async with running_clamor(fake, tmp_path / "c.db") as bot:

            async def leaky_failure(guild_id: int) -> Any:
                # The worst case: an error that carries the token in its own text.
                raise RuntimeError(
                    f"could not load guild {guild_id} with Authorization: Bot {TOKEN}"
                )

            monkeypatch.setattr(bot.guild_configs, "get", leaky_failure)
            handle = await fake.invoke_command(
                fake.guild, fake.channel("general"), fake.user("bob"), "clamor", ["status"], {}
            )
            reply = await handle.response()
            # A member pastes the token (and another one) in chat; the watcher fails on it too.
            await fake.send_user_message(
                fake.channel("general"),
                fake.user("carol"),
                f"oops, is this secret? {TOKEN} and {PASTED}, open source it",
            )

            async def watcher_failed() -> bool:
                return any(r.name == "cogs.watcher" and r.exc_text for r in caplog.records)

            await eventually(watcher_failed, "the watcher to log its failure")
    assert reply.flags & EPHEMERAL
    assert reply.content == UNEXPECTED
    logged = everything_logged(caplog)
    assert TOKEN not in logged
    assert PASTED not in logged
    # The failures were logged, with their tracebacks, only with the secret cut out.
    failure = next(r for r in caplog.records if "/clamor status failed" in r.getMessage())
    assert failure.exc_text is not None
    assert "RuntimeError" in failure.exc_text
    assert f"Authorization: Bot {REDACTED}" in failure.exc_text
    assert REDACTED in logged.split("WebSocket Event", 1)[-1]  # discord.py's own event log


async def test_rejected_token_in_a_real_clamor_run_keeps_stderr_clean(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={TOKEN}\nLOG_LEVEL=DEBUG\nCLAMOR_DB=data/c.db\n")
    env_file.chmod(0o644)  # as `cp .env.example .env` leaves it under a common umask
    launcher = (
        "import sys, yarl\n"
        "from discord.gateway import DiscordWebSocket\n"
        "from discord.http import Route\n"
        "Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = sys.argv[1], yarl.URL(sys.argv[2])\n"
        "from bot.cli import main\n"
        "sys.exit(main(['run']))\n"
    )
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "CLAMOR_", "LOG_"))
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        launcher,
        fake_discord.api_base,
        fake_discord.gateway_url,
        cwd=tmp_path,
        env=environ,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    stderr = err.decode()
    assert process.returncode == 2, stderr
    assert TOKEN not in stderr
    assert TOKEN not in out.decode()
    assert stderr.splitlines()[-1] == f"clamor run: {TOKEN_HELP}"
    assert "DEBUG" in stderr  # the run really logged at DEBUG before it stopped
    (warning,) = [line for line in stderr.splitlines() if "chmod 600" in line]
    assert "WARNING" in warning
    assert ".env (mode 644)" in warning


def test_settings_never_show_the_token() -> None:
    settings = load_settings({"DISCORD_TOKEN": TOKEN}, env_file=None)
    for shown in (repr(settings), str(settings), f"{settings}", repr([settings])):
        assert TOKEN not in shown
        assert "discord_token=<set>" in shown
    assert settings.require_token() == TOKEN


def test_a_token_pasted_into_another_setting_is_not_echoed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("LOG_LEVEL", TOKEN)  # pasted on the wrong line of .env
    assert main(["run"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("clamor run: LOG_LEVEL=")
    assert TOKEN not in captured.err
    assert TOKEN.upper() not in captured.err
    assert REDACTED in captured.err


async def test_labels_export_never_holds_the_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n")
    database = tmp_path / "c.db"
    async with await Store.open(database) as store:
        await store.set_label_correction(
            LabelCorrection(1, 2, 3, "demand", "open source it", "en", None, 1.7e9)
        )
    monkeypatch.setenv("CLAMOR_DB", str(database))
    assert await asyncio.to_thread(main, ["labels", "export"]) == 0
    exported = capsys.readouterr()
    assert [json.loads(line)["text"] for line in exported.out.splitlines()] == ["open source it"]
    assert await asyncio.to_thread(main, ["labels", "export", "--db", "missing.db"]) == 2
    failed = capsys.readouterr()
    assert failed.err.startswith("clamor labels: ")
    for text in (exported.out, exported.err, failed.out, failed.err):
        assert TOKEN not in text
