"""One error handler for every slash command: human, ephemeral, and the traceback only in logs."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from bot.client import UNEXPECTED, ClamorBot
from tests.fakediscord import EPHEMERAL, FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]


async def test_unexpected_failure_is_a_generic_ephemeral_answer(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_discord
    async with clamor():
        # A real fault: someone broke the database under the running bot.
        with sqlite3.connect(tmp_path / "clamor.db") as db:
            db.execute("DROP TABLE request_messages")
        with caplog.at_level(logging.ERROR, logger="bot.client"):
            handle = await fake.invoke_command(
                fake.guild, fake.channel("general"), fake.user("bob"), "clamor", ["status"], {}
            )
            reply = await handle.response()
    assert reply.flags & EPHEMERAL
    assert reply.content == UNEXPECTED
    assert "request_messages" not in (reply.content or "")
    (record,) = [r for r in caplog.records if r.name == "bot.client"]
    assert record.exc_info is not None  # the operator gets the traceback
    assert "/clamor status failed" in record.getMessage()
