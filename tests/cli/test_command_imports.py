"""Each command imports only what it needs: no discord.py for `classify`, `analyze` or `digest`
(the bot's library is the largest import of all), and matplotlib only when a chart is drawn.

Every command runs in a fresh interpreter, as a user starts it, and reports `sys.modules` as
it stands once the command has finished."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.chat_import import sample_export_paths

# Runs `clamor ARGV...` and writes the names of the modules imported by then to PATH.
REPORTER = """
import json, sys
from bot.cli import main
status = main(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump(sorted(sys.modules), out)
sys.exit(status)
"""
ROOT = Path(__file__).resolve().parents[2]


def imported_by(tmp_path: Path, *argv: str, stdin: str = "") -> set[str]:
    report = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAMOR_", "DISCORD_"))}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", REPORTER, str(report), *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {name.split(".")[0] for name in json.loads(report.read_text(encoding="utf-8"))}


def test_classify_needs_neither_discord_nor_matplotlib(tmp_path: Path) -> None:
    modules = imported_by(tmp_path, "classify", stdin="OpenAI should open source Sora\n")
    assert "vaderSentiment" in modules  # it did classify
    assert {"discord", "aiohttp", "matplotlib"}.isdisjoint(modules)
    # A shell script may start it once a line: JSON output needs no dataclass (each costs
    # about 0.5 ms to define) and no textwrap (only --human's blocks are wrapped).
    assert {"dataclasses", "textwrap"}.isdisjoint(modules)


def test_analyze_and_digest_need_no_discord(tmp_path: Path) -> None:
    database = tmp_path / "kept.db"
    exports = [str(path) for path in sample_export_paths()]
    analysed = imported_by(tmp_path, "analyze", *exports, "--db", str(database))
    assert {"discord", "aiohttp", "matplotlib"}.isdisjoint(analysed)
    # Any guild the sample logged: the digest reads the database the analysis wrote.
    guild = json.loads(sample_export_paths()[0].read_text(encoding="utf-8"))["guild"]["id"]
    digested = imported_by(tmp_path, "digest", "--db", str(database), "--guild", guild)
    assert "aiosqlite" in digested  # it did read the database
    assert {"discord", "aiohttp", "matplotlib"}.isdisjoint(digested)


@pytest.mark.parametrize("command", ["analyze", "demo"])
def test_matplotlib_comes_with_a_chart(tmp_path: Path, command: str) -> None:
    exports = [str(path) for path in sample_export_paths()] if command == "analyze" else []
    modules = imported_by(tmp_path, command, *exports, "--chart", str(tmp_path / "trend.png"))
    assert (tmp_path / "trend.png").is_file()
    assert "matplotlib" in modules
    assert {"discord", "aiohttp"}.isdisjoint(modules)


def test_a_command_loads_only_its_own_module(tmp_path: Path) -> None:
    report = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAMOR_", "DISCORD_"))}
    env["PYTHONPATH"] = str(ROOT)
    subprocess.run(
        [sys.executable, "-c", REPORTER, str(report), "classify"],
        input=b"hello\n",
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=True,
    )
    loaded = set(json.loads(report.read_text(encoding="utf-8")))
    assert "bot.cli.classify" in loaded
    others = {"bot.cli.run", "bot.cli.analyze", "bot.cli.export", "bot.cli.labels", "bot.store"}
    assert others.isdisjoint(loaded)


def test_help_still_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import COMMANDS, main

    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    assert all(name in listed for name in COMMANDS)
