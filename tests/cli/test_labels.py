"""`clamor labels export`: corrections out of a real database file as corpus JSON Lines."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.store import LabelCorrection, Store

CORPUS_KEYS = [
    "text",
    "language",
    "request",
    "category",
    "accept",
    "source",
    "thread",
    "origin",
    "needs_context",
    "skip",
    "guild_id",
    "message_id",
]


def correction(guild_id: int, message_id: int, label: str, text: str, at: float) -> LabelCorrection:
    return LabelCorrection(
        guild_id=guild_id,
        message_id=message_id,
        channel_id=10,
        label=label,  # type: ignore[arg-type]
        content=text,
        language="es" if "jamás" in text else "en",
        original_category="demand",
        corrected_at=at,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "clamor.db"

    async def fill() -> None:
        async with await Store.open(path) as store:
            for item in (
                correction(1, 501, "not-a-request", "the loss weights are open 🙂", 300.0),
                correction(2, 900, "defeatism", "olvídense, jamás va a pasar", 100.0),
                correction(1, 502, "skepticism", 'sure, "open" AI\nwill open it', 200.0),
            ):
                await store.set_label_correction(item)

    asyncio.run(fill())
    return path


def export(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    status = main(["labels", "export", *args])
    out, err = capsys.readouterr()
    assert err == ""
    return status, [json.loads(line) for line in out.splitlines()]


def test_every_correction_oldest_first_in_corpus_format(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines = export(capsys, "--db", str(db))
    assert status == 0
    assert [list(line) for line in lines] == [CORPUS_KEYS] * 3
    assert lines == [
        {
            "text": "olvídense, jamás va a pasar",
            "language": "es",
            "request": True,
            "category": "defeatism",
            "accept": ["defeatism"],
            "source": "moderator correction",
            "thread": "discord:2/10/900",
            "origin": "moderator",
            "needs_context": False,
            "skip": False,
            "guild_id": "2",
            "message_id": "900",
        },
        {
            "text": 'sure, "open" AI\nwill open it',
            "language": "en",
            "request": True,
            "category": "skepticism",
            "accept": ["skepticism"],
            "source": "moderator correction",
            "thread": "discord:1/10/502",
            "origin": "moderator",
            "needs_context": False,
            "skip": False,
            "guild_id": "1",
            "message_id": "502",
        },
        {
            "text": "the loss weights are open 🙂",
            "language": "en",
            "request": False,
            "category": None,
            "accept": [],
            "source": "moderator correction",
            "thread": "discord:1/10/501",
            "origin": "moderator",
            "needs_context": False,
            "skip": False,
            "guild_id": "1",
            "message_id": "501",
        },
    ]


def test_one_guild_only(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = export(capsys, "--db", str(db), "--guild", "1")
    assert status == 0
    assert [line["message_id"] for line in lines] == ["502", "501"]
    _, none = export(capsys, "--db", str(db), "--guild", "3")
    assert none == []


def test_a_missing_database_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.db"
    assert main(["labels", "export", "--db", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert str(missing) in err
    assert not missing.exists()  # never created by a read-only command


def test_a_bad_guild_id_is_one_line_and_status_2(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["labels", "export", "--db", str(db), "--guild", "abc"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "clamor labels: --guild: 'abc' is not a server id (digits only)\n"


def test_an_action_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["labels"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_a_correction_whose_text_was_erased_is_marked_skip(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def drop() -> None:
        async with await Store.open(db) as store:
            await store.set_content_mode(1, "drop")

    asyncio.run(drop())
    status, lines = export(capsys, "--db", str(db), "--guild", "1")
    assert status == 0
    assert [(line["text"], line["skip"], line["origin"]) for line in lines] == [
        ("", True, "moderator"),
        ("", True, "moderator"),
    ]
