"""A lone surrogate in a server or channel name (issue 11, item 15): JSON can carry "\\ud800",
UTF-8 cannot write it. `clamor analyze` keeps the rows and prints the digest in every format, on
SQLite and PostgreSQL, with the half character shown as U+FFFD; run as a user runs it, in a
process whose standard output is strict UTF-8."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.store import Store
from tests.cli.test_analyze import GUILD, MESSAGES, export_doc


async def _requests_logged(location: str) -> int:
    async with await Store.open(location) as store:
        return await store.count_requests(GUILD)


@pytest.mark.parametrize("output_format", ["text", "markdown", "json"])
async def test_a_lone_surrogate_in_names_is_printed_not_a_crash(
    db_location: str, tmp_path: Path, output_format: str
) -> None:
    doc = export_doc(MESSAGES)
    doc["guild"]["name"] = "\ud800g"
    doc["channel"]["name"] = "gen\udfff"
    export = tmp_path / "export.json"
    export.write_text(json.dumps(doc), encoding="utf-8")  # as "\ud800g": valid JSON
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAMOR_", "DISCORD_"))}
    env.update(PYTHONIOENCODING="utf-8", CLAMOR_KEY_FILE=str(tmp_path / "clamor.key"))
    command = [sys.executable, "-m", "bot", "analyze", str(export), "--db", db_location]
    result = await asyncio.to_thread(
        subprocess.run,
        [*command, "--format", output_format, "--chart", str(tmp_path / "trend.png")],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 0, stderr
    assert "Traceback" not in stderr
    out = result.stdout.decode("utf-8")
    if output_format == "json":
        digest = json.loads(out)
        assert digest["guild_name"] == "\ufffdg"
        assert [name for name, _ in digest["channels"]] == ["#gen\ufffd"]
    else:
        assert "\ufffdg" in out
        assert "#gen\ufffd" in out
    assert (tmp_path / "trend.png").stat().st_size > 0
    assert await _requests_logged(db_location) == 4
