"""Settings: defaults, .env loading, precedence, and one clear line per invalid value."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_DB,
    DEFAULT_LEAVE_GRACE_DAYS,
    LOG_FORMAT,
    OneLineFormatter,
    SettingsError,
    load_settings,
    parse_hhmm,
)

GOOD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_defaults_without_env_file(tmp_path: Path) -> None:
    settings = load_settings({}, env_file=tmp_path / "missing.env")
    assert settings.discord_token is None
    assert settings.db_path == Path(DEFAULT_DB)
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None
    assert (settings.digest_time, settings.timezone) == ("09:00", "UTC")
    assert settings.db_timeout == 60


def test_the_database_timeout_is_a_setting() -> None:
    assert load_settings({"CLAMOR_DB_TIMEOUT": "5"}, env_file=None).db_timeout == 5


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"DISCORD_TOKEN={GOOD_TOKEN}\nCLAMOR_DB=/srv/clamor.db\nCLAMOR_TIMEZONE=Europe/Madrid\n"
        "CLAMOR_DIGEST_TIME=7:05\n",
        encoding="utf-8",
    )
    settings = load_settings({"CLAMOR_TIMEZONE": "America/Mexico_City"}, env_file=env_file)
    assert settings.discord_token == GOOD_TOKEN
    assert settings.db_path == Path("/srv/clamor.db")
    assert settings.timezone == "America/Mexico_City"
    assert settings.digest_time == "07:05"


def test_settings_are_frozen() -> None:
    settings = load_settings({}, env_file=None)
    with pytest.raises(AttributeError):
        settings.log_level = "DEBUG"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("CLAMOR_TIMEZONE", "Mars/Olympus", "CLAMOR_TIMEZONE"),
        ("CLAMOR_TIMEZONE", "../../etc/passwd", "CLAMOR_TIMEZONE"),
        ("CLAMOR_TIMEZONE", "localtime", "CLAMOR_TIMEZONE"),
        ("CLAMOR_DIGEST_TIME", "25:00", "CLAMOR_DIGEST_TIME"),
        ("CLAMOR_DIGEST_TIME", "6pm", "CLAMOR_DIGEST_TIME"),
        ("CLAMOR_DEV_GUILD", "my-server", "CLAMOR_DEV_GUILD"),
        ("CLAMOR_DEV_GUILD", "12.5", "CLAMOR_DEV_GUILD"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("CLAMOR_DB_TIMEOUT", "0", "CLAMOR_DB_TIMEOUT"),
        ("CLAMOR_DB_TIMEOUT", "1.5", "CLAMOR_DB_TIMEOUT"),
        ("CLAMOR_DB_TIMEOUT", "3601", "CLAMOR_DB_TIMEOUT"),
        ("CLAMOR_DB", "postgresql://[bad", "CLAMOR_DB"),
        ("CLAMOR_DB", ".", "CLAMOR_DB"),
    ],
)
def test_invalid_values_name_the_variable(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value}, env_file=None)
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message


@pytest.mark.parametrize(
    ("token", "fragment"),
    [(None, "not set"), ("", "not set"), ("hunter2", "does not look like")],
)
def test_require_token_explains(token: str | None, fragment: str) -> None:
    environ = {} if token is None else {"DISCORD_TOKEN": token}
    settings = load_settings(environ, env_file=None)
    with pytest.raises(SettingsError, match=fragment):
        settings.require_token()


def test_token_never_in_repr() -> None:
    settings = load_settings({"DISCORD_TOKEN": GOOD_TOKEN}, env_file=None)
    assert settings.require_token() == GOOD_TOKEN
    assert GOOD_TOKEN not in repr(settings)
    assert GOOD_TOKEN not in str(settings)


@pytest.mark.parametrize(
    ("text", "expected"), [("00:00", (0, 0)), ("23:59", (23, 59)), (" 09:30 ", (9, 30))]
)
def test_parse_hhmm_accepts(text: str, expected: tuple[int, int]) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9:30pm", "0930", "12:60", ""])
def test_parse_hhmm_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_hhmm(text)


# -- sharding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "count", "ids", "served"),
    [
        ({}, None, None, None),  # Discord's recommended count, all in this process
        ({"CLAMOR_SHARDS": "4"}, 4, None, (0, 1, 2, 3)),
        ({"CLAMOR_SHARDS": "1", "CLAMOR_SHARD_IDS": "0"}, 1, (0,), (0,)),
        ({"CLAMOR_SHARDS": "8", "CLAMOR_SHARD_IDS": "7, 0-3"}, 8, (0, 1, 2, 3, 7), None),
        ({"CLAMOR_SHARDS": "8", "CLAMOR_SHARD_IDS": "5-5"}, 8, (5,), None),
        ({"CLAMOR_SHARDS": " 2 ", "CLAMOR_SHARD_IDS": ""}, 2, None, (0, 1)),  # empty = unset
    ],
)
def test_shard_settings(
    environ: dict[str, str],
    count: int | None,
    ids: tuple[int, ...] | None,
    served: tuple[int, ...] | None,
) -> None:
    settings = load_settings(environ, env_file=None)
    assert (settings.shard_count, settings.shard_ids) == (count, ids)
    assert settings.served_shards() == (served if served is not None else ids)


@pytest.mark.parametrize(
    ("environ", "fragment"),
    [
        ({"CLAMOR_SHARD_IDS": "0"}, "CLAMOR_SHARD_IDS='0' needs CLAMOR_SHARDS"),
        ({"CLAMOR_SHARDS": "0"}, "CLAMOR_SHARDS='0' is not a whole number from 1"),
        ({"CLAMOR_SHARDS": "two"}, "CLAMOR_SHARDS='two'"),
        ({"CLAMOR_SHARDS": "-2"}, "CLAMOR_SHARDS='-2'"),
        ({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "4"}, "shard 4 does not exist"),
        ({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "2-9"}, "shard 9 does not exist"),
        ({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "3-1"}, "runs backwards"),
        ({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "0-2,1"}, "shard 1 is listed twice"),
        ({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "0,,1"}, "'' is not a shard id"),
        ({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "one"}, "'one' is not a shard id"),
        ({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "0;1"}, "'0;1' is not a shard id"),
        ({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "-1"}, "'-1' is not a shard id"),
        ({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "١"}, "is not a shard id"),  # Arabic 1
        ({"CLAMOR_SHARD_LEASE_SECONDS": "2"}, "CLAMOR_SHARD_LEASE_SECONDS='2' is not a whole"),
    ],
)
def test_inconsistent_shard_settings_are_one_line(environ: dict[str, str], fragment: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(environ, env_file=None)
    message = str(caught.value)
    assert fragment in message
    assert message.startswith(("CLAMOR_SHARDS", "CLAMOR_SHARD_IDS", "CLAMOR_SHARD_LEASE"))
    assert "\n" not in message


def test_shard_settings_are_in_repr() -> None:
    settings = load_settings({"CLAMOR_SHARDS": "4", "CLAMOR_SHARD_IDS": "1,3"}, env_file=None)
    assert "shard_count=4, shard_ids=(1, 3)" in repr(settings)
    assert "shard_lease_seconds=60" in repr(settings)


# -- CLAMOR_LEAVE_GRACE_DAYS: how long a removed bot keeps a server's data ---------------------


def test_the_default_grace_is_30_days() -> None:
    assert DEFAULT_LEAVE_GRACE_DAYS == 30
    assert load_settings({}, env_file=None).leave_grace_days == 30


@pytest.mark.parametrize(("raw", "days"), [("0", 0), ("7", 7), (" 45 ", 45), ("3650", 3650)])
def test_grace_days_are_read(raw: str, days: int) -> None:
    assert load_settings({"CLAMOR_LEAVE_GRACE_DAYS": raw}, env_file=None).leave_grace_days == days


@pytest.mark.parametrize("raw", ["-1", "3651", "thirty", "1.5", "²", "9" * 5000])
def test_a_bad_grace_is_one_line_naming_the_variable(raw: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"CLAMOR_LEAVE_GRACE_DAYS": raw}, env_file=None)
    message = str(caught.value)
    assert message.startswith("CLAMOR_LEAVE_GRACE_DAYS=")
    assert "\n" not in message


# -- log lines ----------------------------------------------------------------------------------


def _formatted(message: str, *args: object, exc: bool = False) -> str:
    exc_info = None
    if exc:
        try:
            raise ValueError("boom")
        except ValueError:
            exc_info = sys.exc_info()
    record = logging.LogRecord("bot.test", logging.WARNING, __file__, 1, message, args, exc_info)
    return OneLineFormatter(LOG_FORMAT).format(record)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("general\nERROR   bot: forged", "general\\x0aERROR   bot: forged"),
        ("red\x1b[31malert", "red\\x1b[31malert"),
        ("carriage\rreturn", "carriage\\x0dreturn"),
        ("c1\x9bcsi", "c1\\x9bcsi"),
        ("line\u2028separator", "line\\u2028separator"),
        ("tab\tand café 🎉", "tab\tand café 🎉"),
    ],
)
def test_a_log_line_stays_one_line(name: str, shown: str) -> None:
    line = _formatted("gap filling skipped #%s in guild %s", name, 42)
    assert "\n" not in line
    assert line.endswith(f"gap filling skipped #{shown} in guild 42")


def test_a_traceback_keeps_its_own_lines() -> None:
    text = _formatted("digest for guild %s failed", "a\nb", exc=True)
    first, *rest = text.split("\n")
    assert first.endswith("digest for guild a\\x0ab failed")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ValueError: boom"


def test_the_bot_logs_through_the_one_line_formatter() -> None:
    script = (
        "import logging\n"
        "from bot.config import configure_logging\n"
        "configure_logging('INFO')\n"
        "logging.getLogger('bot.test').warning('skipped #%s', 'general\\nERROR forged')\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert run.stderr.count("\n") == 1
    assert run.stderr.rstrip("\n").endswith("bot.test: skipped #general\\x0aERROR forged")
