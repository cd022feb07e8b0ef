"""`clamor export`: a real database file in, CSV / JSON Lines out; one-line errors, exit 2."""

from __future__ import annotations

import asyncio
import csv
import gzip
import io
import json
import stat
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.data_export import COLUMNS
from bot.store import LabelCorrection, RequestRecord, Store

GUILD = 1037813696954499072
OTHER = 2
MADRID = ZoneInfo("Europe/Madrid")


def madrid(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=MADRID).timestamp()


def record(message_id: int, at: str, text: str, guild_id: int = GUILD) -> RequestRecord:
    return RequestRecord(
        message_id=message_id,
        guild_id=guild_id,
        channel_id=10,
        author_hash="b" * 64,
        created_at=madrid(at),
        content=text,
        language="en",
        compound=0.3182,
        pos=0.294,
        neu=0.706,
        neg=0.0,
        category="demand",
        targets=("sora",),
        alternatives=(),
        cues=(),
    )


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("CLAMOR_TIMEZONE", "UTC")
    path = tmp_path / "clamor.db"

    async def fill() -> None:
        async with await Store.open(path) as store:
            await store.set_digest_schedule(GUILD, 5, "09:00", "Europe/Madrid")
            await store.upsert_requests(
                [
                    record(1, "2026-03-13T23:59:00", "the day before"),
                    # 00:30 on the 14th in Madrid, 23:30 on the 13th in UTC: the guild's day counts.
                    record(2, "2026-03-14T00:30:00", 'open it, "please"\nnow 🙂'),
                    record(3, "2026-03-15T12:00:00", "=1+1 release the weights"),
                    record(4, "2026-03-16T00:00:00", "the day after"),
                    record(5, "2026-03-14T10:00:00", "other server", guild_id=OTHER),
                ]
            )
            await store.set_label_correction(
                LabelCorrection(GUILD, 3, 10, "skepticism", "", "en", "demand", 1.0)
            )

    asyncio.run(fill())
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["export", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_csv_of_a_period_to_a_private_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.csv"
    status, out, err = run(
        capsys,
        *("--db", str(db), "--guild", str(GUILD), "--since", "2026-03-14"),
        *("--until", "2026-03-15", "--output", str(target)),
    )
    assert (status, out) == (0, "")
    assert err == (
        f"clamor export: 2 request messages logged 2026-03-14 to 2026-03-15 (Europe/Madrid) "
        f"as CSV to {target}, with message text.\n"
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".*partial"))
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8"), newline="")))
    assert [list(row) for row in rows] == [list(COLUMNS)] * 2
    first, second = rows
    assert (first["message_id"], first["text"], first["local_date"]) == (
        "2",
        'open it, "please"\nnow 🙂',
        "2026-03-14",
    )
    assert first["created_at"] == "2026-03-13T23:30:00Z"
    assert first["channel_name"] == ""  # the CLI knows no channel names
    assert (second["text"], second["category"], second["clamor_category"], second["corrected"]) == (
        "'=1+1 release the weights",
        "skepticism",
        "demand",
        "true",
    )


def test_jsonl_to_standard_output(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys,
        *("--db", str(db), "--guild", str(GUILD), "--format", "jsonl"),
        *("--since", "2026-03-01", "--until", "2026-03-31"),
    )
    assert status == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["message_id"] for line in lines] == ["1", "2", "3", "4"]
    assert lines[2]["text"] == "=1+1 release the weights"  # exact: JSON is not a spreadsheet
    assert all(line["guild_id"] == str(GUILD) for line in lines)
    assert "4 request messages" in err
    assert "as JSON Lines," in err


def test_a_gz_output_is_compressed(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.csv.gz"
    status, _, _ = run(
        capsys,
        *("--db", str(db), "--guild", str(GUILD), "--since", "2026-03-14"),
        *("--until", "2026-03-14", "--output", str(target)),
    )
    assert status == 0
    text = gzip.decompress(target.read_bytes()).decode("utf-8")
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == 2  # header + one row


def test_dropped_text_is_not_exported_and_the_line_says_so(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def drop() -> None:
        async with await Store.open(db) as store:
            await store.set_content_mode(GUILD, "drop")

    asyncio.run(drop())
    status, out, err = run(capsys, "--db", str(db), "--guild", str(GUILD), "--since", "2026-03-01")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert len(rows) == 4
    assert {row["text"] for row in rows} == {""}
    assert err.rstrip().endswith("without message text (this server drops it).")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--guild", str(GUILD)], "{db}x: no such database"),
        (["--guild", "3"], "--guild: {db} holds nothing of server 3"),
        (["--guild", "abc"], "--guild: 'abc' is not a server id (digits only)"),
        (["--guild", str(GUILD), "--since", "2026-13-01"], "--since: '2026-13-01' is not a day"),
        (["--guild", str(GUILD), "--until", "soon"], "--until: 'soon' is not a day"),
        (
            ["--guild", str(GUILD), "--since", "2026-03-15", "--until", "2026-03-14"],
            "--since 2026-03-15 is after --until 2026-03-14",
        ),
        (
            ["--guild", str(GUILD), "--days", "3", "--since", "2026-03-14"],
            "--days and --since both say where the export starts: use one",
        ),
        (["--guild", str(GUILD), "--days", "0"], "--days: use a number from 1 to 3650"),
        (["--guild", str(GUILD), "--output", "/nonexistent/dir/x.csv"], "--output: cannot write"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    db_arg = str(db) + ("x" if "no such database" in message else "")
    status, out, err = run(capsys, "--db", db_arg, *args)
    assert status == 2
    assert out == ""
    assert err.startswith("clamor export: " + message.format(db=db))
    assert err.count("\n") == 1


@pytest.mark.parametrize("trailing", ["", "/"])
def test_an_existing_folder_as_output_is_one_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], trailing: str
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    status, out, err = run(
        capsys, "--db", str(db), "--guild", str(GUILD), "--output", f"{folder}{trailing}"
    )
    assert (status, out) == (2, "")
    assert err == f"clamor export: --output: {folder}{trailing} is a folder; name a file in it\n"
    assert list(folder.iterdir()) == []
    assert not list(tmp_path.glob(".*partial"))


def test_the_export_command_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "export" in capsys.readouterr().out
