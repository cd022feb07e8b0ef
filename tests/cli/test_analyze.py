"""`clamor analyze`, `demo`, `digest` and `run`: digests out, one clear line on bad input."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

GUILD = 900000000000000001
CHANNEL = 900000000000000002


def export_doc(messages: list[tuple[str, str]], *, bot_last: bool = False) -> dict[str, Any]:
    """A minimal DiscordChatExporter document: (ISO timestamp, content) per message."""
    listed = []
    for index, (when, content) in enumerate(messages, start=1):
        listed.append(
            {
                "id": str(1_000_000 + index),
                "type": "Default",
                "timestamp": when,
                "timestampEdited": None,
                "isPinned": False,
                "content": content,
                "author": {
                    "id": str(500 + index % 3),
                    "name": f"u{index % 3}",
                    "discriminator": "0000",
                    "nickname": None,
                    "isBot": bot_last and index == len(messages),
                },
                "attachments": [],
                "embeds": [],
                "reactions": [],
                "mentions": [],
            }
        )
    return {
        "guild": {"id": str(GUILD), "name": "Test Lounge", "iconUrl": ""},
        "channel": {
            "id": str(CHANNEL),
            "type": "GuildTextChat",
            "categoryId": None,
            "category": None,
            "name": "general",
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2026-03-15T00:00:00+00:00",
        "messages": listed,
        "messageCount": len(listed),
    }


MESSAGES = [
    ("2026-03-13T10:00:00+00:00", "good morning all"),
    ("2026-03-13T11:00:00+00:00", "when will OpenAI open source sora??"),
    ("2026-03-14T09:00:00+00:00", "ClosedAI strikes again, they never open source anything lol"),
    ("2026-03-14T09:30:00+00:00", "just use LTX-Video instead, open weights and it runs locally"),
    ("2026-03-14T10:00:00+00:00", "my 4090 arrived!!"),
    ("2026-03-14T12:00:00+00:00", "OpenAI, release the weights please"),
]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "general.json"
    path.write_text(json.dumps(export_doc(MESSAGES, bot_last=True)), encoding="utf-8")
    return path


pytestmark = pytest.mark.usefixtures("clean_settings")


def test_analyze_json_digest(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(export), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    digest = json.loads(out)
    assert digest["guild_name"] == "Test Lounge"
    assert digest["period"] == {"first": "2026-03-13", "last": "2026-03-14", "timezone": "UTC"}
    assert digest["totals"]["seen"] == 5  # the bot's message is not counted
    requests = digest["totals"]["requests"]
    assert 2 <= requests <= 4
    assert [day["seen"] for day in digest["days"]] == [2, 3]
    assert "Read 5 messages from people (1 from bots or Discord skipped)" in err


def test_analyze_since_until_and_timezone(export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        [
            "analyze",
            str(export),
            "--format",
            "json",
            "--since",
            "2026-03-14",
            "--until",
            "2026-03-14",
            "--tz",
            "America/Mexico_City",
        ]
    )
    assert status == 0
    digest = json.loads(capsys.readouterr().out)
    assert digest["period"]["timezone"] == "America/Mexico_City"
    # UTC-6: the 14th's messages (03:00-04:00 local) stay on the 14th, the 13th's on the 13th.
    assert digest["totals"]["seen"] == 3
    assert digest["previous"]["seen"] == 2


def test_analyze_keeps_rows_in_db(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "kept.db"
    assert main(["analyze", str(export), "--db", str(db)]) == 0
    assert main(["analyze", str(export), "--db", str(db)]) == 0  # same ids: no duplicates
    with sqlite3.connect(db) as conn:
        count = conn.execute("SELECT COUNT(*) FROM request_messages").fetchone()[0]
    assert 2 <= count <= 4
    assert (tmp_path / "kept.key").is_file()
    capsys.readouterr()
    status = main(
        [
            "digest",
            "--db",
            str(db),
            "--guild",
            str(GUILD),
            "--date",
            "2026-03-14",
            "--format",
            "json",
        ]
    )
    assert status == 0
    digest = json.loads(capsys.readouterr().out)
    assert digest["totals"]["seen"] == 3
    assert digest["previous"]["seen"] == 2


def _row_hashes(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT author_hash FROM request_messages ORDER BY message_id")
        return [row[0] for row in rows]


def test_a_database_copied_without_its_key_is_refused(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["analyze", str(export), "--db", str(tmp_path / "bot.db")])
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(tmp_path / "bot.db", copy / "bot.db")  # the key stays behind
    before = _row_hashes(copy / "bot.db")
    capsys.readouterr()

    assert main(["analyze", str(export), "--db", str(copy / "bot.db")]) == 2
    _, err = capsys.readouterr()
    assert err == (
        f"clamor analyze: {copy / 'bot.key'}: the author key is missing, but "
        f"{copy / 'bot.db'} holds members' rows hashed with it: restore it from a backup "
        "(without it forget-me cannot find those rows), or start a new key on purpose with "
        f"`clamor init --key {copy / 'bot.key'}`\n"
    )
    assert not (copy / "bot.key").exists()
    assert _row_hashes(copy / "bot.db") == before

    # Restored from the backup: the same members keep the same hashes.
    shutil.copy(tmp_path / "bot.key", copy / "bot.key")
    assert main(["analyze", str(export), "--db", str(copy / "bot.db")]) == 0
    assert _row_hashes(copy / "bot.db") == before


def test_a_new_key_is_started_on_purpose_with_init(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bot.db"
    main(["analyze", str(export), "--db", str(db)])
    before = _row_hashes(db)
    (tmp_path / "bot.key").unlink()
    assert main(["init", "--key", str(tmp_path / "bot.key")]) == 0
    assert stat.S_IMODE((tmp_path / "bot.key").stat().st_mode) == 0o600
    assert main(["init", "--key", str(tmp_path / "bot.key")]) == 2  # never overwritten
    assert main(["analyze", str(export), "--db", str(db)]) == 0
    after = _row_hashes(db)
    assert len(after) == len(before)
    assert set(after).isdisjoint(before)  # rewritten under the new key


def test_run_refuses_a_database_without_its_key(export: Path, tmp_path: Path) -> None:
    main(["analyze", str(export), "--db", str(tmp_path / "bot.db")])
    (tmp_path / "bot.key").unlink()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CLAMOR_", "DISCORD_"))
    }
    # Shaped like a token; the refusal comes before any connection to Discord.
    env["DISCORD_TOKEN"] = "x" * 24 + "." + "y" * 6 + "." + "z" * 27
    env["CLAMOR_DB"] = str(tmp_path / "bot.db")
    result = run_module("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    key = tmp_path / "bot.key"
    assert result.stderr.startswith(f"clamor run: {key}: the author key is missing")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "bot.key").exists()


def test_the_same_export_twice_counts_once(
    export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["analyze", str(export), str(export), "--format", "json"]) == 0
    digest = json.loads(capsys.readouterr().out)
    assert digest["totals"]["seen"] == 5


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "no such file"),
        ("", "empty"),
        ('{"guild": {', "truncated"),
        ("[1, 2]", "object"),
        ("not json at all", "JSON"),
    ],
)
def test_bad_export_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, fragment: str
) -> None:
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["analyze", str(path)]) == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1, err
    assert "bad.json" in err
    assert fragment.lower() in err.lower()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--tz", "Mars/Base"], "--tz"),
        (["--since", "2026-13-01"], "--since"),
        (["--since", "2026-03-14", "--until", "2026-03-13"], "before --since"),
        (["--format", "pdf"], "invalid choice"),
    ],
)
def test_bad_options_are_one_line(
    export: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(["analyze", str(export), *argv]))
    assert exited.value.code == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1, err
    assert fragment in err


@pytest.mark.parametrize(
    ("database", "fragment"),
    [
        ("", "an empty path names no database file"),
        (".", "'.' names no file"),
        ("{tmp}", "is a folder, not a database file"),
        ("postgresql://u:hunter2@host:notaport/db", "is not a valid PostgreSQL URL"),
        ("postgresql://[bad", "is not a valid PostgreSQL URL (Invalid IPv6 URL)"),
        ("postgresql://u:hunter2@host:70000/db", "is not a valid PostgreSQL URL"),
    ],
)
def test_an_unusable_db_option_is_one_line(
    export: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    database: str,
    fragment: str,
) -> None:
    database = database.format(tmp=tmp_path)
    for command in (["analyze", str(export)], ["digest", "--guild", "1"]):
        with pytest.raises(SystemExit) as exited:
            raise SystemExit(main([*command, "--db", database]))
        assert exited.value.code == 2
        _, err = capsys.readouterr()
        assert err.count("\n") == 1, err
        assert "argument --db: " in err
        assert fragment in err
        assert "hunter2" not in err


@pytest.mark.parametrize(
    "url", ["postgresql://u:hunter2@host:notaport/db", "postgresql://[bad", "postgres://h:0/db"]
)
def test_a_malformed_clamor_db_url_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    monkeypatch.setenv("CLAMOR_DB", url)
    for command in (["digest", "--guild", "1"], ["export", "--guild", "1"], ["labels", "export"]):
        assert main(command) == 2
        _, err = capsys.readouterr()
        assert err.count("\n") == 1, err
        assert "CLAMOR_DB: " in err
        assert "is not a valid PostgreSQL URL" in err
        assert "hunter2" not in err


def test_digest_of_missing_db_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["digest", "--db", str(tmp_path / "none.db"), "--guild", "1"]) == 2
    _, err = capsys.readouterr()
    assert "no such database" in err
    assert not (tmp_path / "none.db").exists()


def test_digest_bad_guild_and_date(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.db"
    assert main(["analyze", str(export), "--db", str(db)]) == 0
    assert main(["digest", "--db", str(db), "--guild", "abc"]) == 2
    assert main(["digest", "--db", str(db), "--guild", "1", "--date", "someday"]) == 2
    _, err = capsys.readouterr()
    assert "--guild" in err
    assert "--date" in err


def test_demo_prints_a_digest(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Clamor digest · ")
    for heading in ("Reactions", "By day", "Worth reading"):
        assert f"\n{heading}\n" in out
    assert "Clamor demo" in err


def run_module(*argv: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": "oops"}, "does not look like a bot token"),
        ({"CLAMOR_TIMEZONE": "Nowhere/City"}, "CLAMOR_TIMEZONE"),
        ({"CLAMOR_DIGEST_TIME": "noon"}, "CLAMOR_DIGEST_TIME"),
        ({"CLAMOR_DEV_GUILD": "abc"}, "CLAMOR_DEV_GUILD"),
        ({"CLAMOR_DB": "postgresql://u:pw@host:notaport/db"}, "not a valid PostgreSQL URL"),
        ({"CLAMOR_DB": "postgresql://[bad"}, "not a valid PostgreSQL URL"),
    ],
)
def test_run_with_bad_settings_exits_2_without_traceback(
    tmp_path: Path, extra: dict[str, str], fragment: str
) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CLAMOR_", "DISCORD_"))
    }
    env.update(extra)
    result = run_module("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_exports_of_two_servers_print_one_json_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = []
    for guild in (GUILD, GUILD + 1):
        doc = export_doc(MESSAGES)
        doc["guild"]["id"] = str(guild)
        for message in doc["messages"]:
            message["id"] = str(int(message["id"]) + guild % 1000 * 100)
        path = tmp_path / f"{guild}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        paths.append(str(path))
    assert main(["analyze", *paths, "--format", "json"]) == 0
    # A list, one digest per server, so that a reader of stdout parses it in one go.
    digests = json.loads(capsys.readouterr().out)
    assert [digest["guild_id"] for digest in digests] == [GUILD, GUILD + 1]
    assert [digest["totals"]["requests"] for digest in digests] == [4, 4]
