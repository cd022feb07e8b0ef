"""`/clamor-mod export` end to end: the attached files parsed and compared with the database."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, closing
from dataclasses import replace
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest

import tests.fakediscord.interactions as fake_interactions
from bot.client import ClamorBot
from bot.data_export import COLUMNS
from bot.store import LabelCorrection, RequestRecord
from tests.e2e.helpers import NOON, Clock, at
from tests.e2e.waiting import eventually
from tests.fakediscord import EPHEMERAL, OTHER_GUILD, FakeDiscord
from tests.fakediscord.messages import StoredMessage

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]
DAY = 86400.0
# The bot's clock in these tests (`Clock()`): the export's days end on its today, 2026-03-14.
NOW = at(NOON).timestamp()

TEXTS = [
    "OpenAI should open source Sora 🙏",
    'they said "open", sure, open\nwhen pigs fly',
    '=HYPERLINK("http://x","release the weights")',
    "@everyone release the weights already",
    "olvídense, jamás va a pasar",
]


def logged(message_id: int, guild_id: int, channel_id: int, text: str, age: float) -> RequestRecord:
    """A row as the watcher writes it, for a message posted `age` seconds before NOW."""
    return RequestRecord(
        message_id=message_id,
        guild_id=guild_id,
        channel_id=channel_id,
        author_hash="f" * 64,
        created_at=NOW - age,
        content=text,
        language="es" if "jamás" in text else "en",
        compound=-0.25,
        pos=0.1,
        neu=0.6,
        neg=0.3,
        category="frustration",
        targets=("openai",),
        alternatives=("mistral",),
        cues=("request: open source",),
    )


async def export(
    fake: FakeDiscord, options: dict[str, Any], *, user: str = "alice", messages: int = 1
) -> list[StoredMessage]:
    """Run the command; every message of the answer once `messages` have arrived."""
    handle = await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user(user), "clamor-mod", ["export"], options
    )
    first = await handle.response()
    assert first.type == 5, first  # deferred: the file is built off the event loop
    assert first.flags & EPHEMERAL
    answers = [await handle.followup(i) for i in range(messages)]
    assert all(answer.ephemeral for answer in answers)
    return answers


def database_rows(db_path: Path, guild_id: int) -> list[dict[str, Any]]:
    """What the export should say, straight from SQLite (oldest first)."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(
            "SELECT r.*, c.label FROM request_messages AS r LEFT JOIN label_corrections AS c "
            "ON c.guild_id = r.guild_id AND c.message_id = r.message_id "
            "WHERE r.guild_id = ? ORDER BY r.created_at, r.message_id",
            (guild_id,),
        ).fetchall()
    return [dict(row) for row in rows]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def assert_matches_database(exported: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert [str(row["message_id"]) for row in exported] == [
        str(row["message_id"]) for row in expected
    ]
    for got, want in zip(exported, expected, strict=True):
        assert str(got["channel_id"]) == str(want["channel_id"])
        assert got["clamor_category"] == want["category"]
        assert got["category"] == (want["label"] or want["category"])
        assert str(got["corrected"]).lower() == str(want["label"] is not None).lower()
        assert float(got["compound"]) == round(want["compound"], 4)


async def test_a_moderator_gets_the_logged_messages_as_csv(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general, thread = fake.channel("general"), fake.channel("will they ever release it")
    clock = Clock()
    async with clamor(clock) as bot:
        # One message logged by the running watcher, the rest written as the watcher would.
        posted = await fake.send_user_message(
            general, fake.user("carol"), "open source Sora now", at=clock.tick()
        )
        posted_id = int(posted["id"])

        async def stored() -> bool:
            return await bot.store.get_request(fake.guild.id, posted_id) is not None

        await eventually(stored, "the posted request to be logged")
        records = [
            logged(100 + n, fake.guild.id, (thread if n == 1 else general).id, text, DAY * n)
            for n, text in enumerate(TEXTS)
        ]
        old = logged(99, fake.guild.id, general.id, "from before the period", DAY * 40)
        quiet = fake.world.guild(OTHER_GUILD)
        elsewhere = logged(98, quiet.id, quiet.channels[0].id, "another server's", DAY)
        await bot.store.upsert_requests([*records, old, elsewhere])
        await bot.store.set_label_correction(
            LabelCorrection(
                fake.guild.id, 102, general.id, "defeatism", "", "en", "frustration", 1.0
            )
        )
        [answer] = await export(fake, {})

    [attachment] = answer.attachments
    # The last 30 days by default, today included.
    assert attachment.filename == f"clamor-export-{fake.guild.id}-2026-02-13-to-2026-03-14.csv"
    assert attachment.description is None
    rows = csv_rows(attachment.data)
    expected = [
        row
        for row in database_rows(tmp_path / "clamor.db", fake.guild.id)
        if row["message_id"] != 99
    ]
    assert len(rows) == 6
    assert_matches_database(rows, expected)
    by_id = {row["message_id"]: row for row in rows}
    assert by_id[str(posted_id)]["text"] == "open source Sora now"
    assert by_id["100"]["text"] == TEXTS[0]  # emoji intact
    assert by_id["101"]["text"] == TEXTS[1]  # quotes and the line break survive
    assert by_id["101"]["channel_name"] == "will they ever release it"
    assert by_id["100"]["channel_name"] == "general"
    assert by_id["102"]["text"] == "'" + TEXTS[2]  # no live formula in a spreadsheet
    assert by_id["103"]["text"] == "'" + TEXTS[3]
    assert (by_id["102"]["category"], by_id["102"]["clamor_category"]) == (
        "defeatism",
        "frustration",
    )
    assert by_id["100"]["jump_url"] == (
        f"https://discord.com/channels/{fake.guild.id}/{general.id}/100"
    )
    assert "f" * 64 not in attachment.data.decode()  # no author hash leaves
    assert answer.content == (
        "Exported 6 request messages logged 2026-02-13 to 2026-03-14 (UTC) as CSV, "
        "with message text."
    )


async def test_jsonl_over_a_chosen_number_of_days(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor(Clock()) as bot:
        await bot.store.upsert_requests(
            [
                logged(200 + n, fake.guild.id, general.id, f"release it #{n}", DAY * n * 3)
                for n in range(5)
            ]
        )
        [answer] = await export(fake, {"days": 7, "format": "jsonl"})
    [attachment] = answer.attachments
    assert attachment.filename.endswith(".jsonl")
    lines = [json.loads(line) for line in attachment.data.decode().splitlines()]
    # 0, 3 and 6 days old fall in the last 7 local days; 9 and 12 do not.
    assert [line["message_id"] for line in lines] == ["202", "201", "200"]  # oldest first
    assert_matches_database(lines, database_rows(tmp_path / "clamor.db", fake.guild.id)[-3:])
    assert lines[0]["targets"] == ["openai"]
    assert answer.content.startswith("Exported 3 request messages logged 2026-03-08 to 2026-03-14")
    assert "as JSON Lines, with message text." in answer.content


async def test_a_server_that_drops_text_gets_none_and_is_told(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor(Clock()) as bot:
        await bot.store.upsert_requests(
            [logged(300 + n, fake.guild.id, general.id, text, DAY) for n, text in enumerate(TEXTS)]
        )
        drop = await fake.invoke_command(
            fake.guild,
            general,
            fake.user("alice"),
            "clamor-mod",
            ["privacy", "content"],
            {"mode": "drop"},
        )
        assert (await drop.answer()).type == 4  # a follow-up after "thinking"
        # Even a row that still had text (written straight to the Store) goes out without it.
        await bot.store.upsert_request(logged(399, fake.guild.id, general.id, "kept?", DAY))
        [answer] = await export(fake, {})
    [attachment] = answer.attachments
    rows = csv_rows(attachment.data)
    assert len(rows) == 6
    assert {row["text"] for row in rows} == {""}
    assert answer.content.endswith("as CSV, without message text (this server drops it).")
    assert attachment.description == (
        "Message text not included: this server drops it (the text column is empty)."
    )


async def test_an_empty_period_says_so_without_a_file(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor():
        [answer] = await export(fake, {"days": 1})
    assert answer.attachments == []
    assert answer.content.startswith("No request messages were logged here from ")
    assert answer.content.endswith("; there is nothing to export.")


async def test_members_without_manage_server_are_refused(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor() as bot:
        await bot.store.upsert_request(logged(1, fake.guild.id, fake.channel("general").id, "x", 1))
        handle = await fake.invoke_command(
            fake.guild, fake.channel("general"), fake.user("bob"), "clamor-mod", ["export"], {}
        )
        reply = await handle.response()
    assert reply.type == 4
    assert reply.ephemeral
    assert reply.content == "You need the Manage Server permission to change Clamor's settings."
    assert reply.files == []
    assert handle.followups == []


async def test_a_large_export_comes_as_gzip_parts_under_the_limit_over_several_messages(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = 2500
    monkeypatch.setattr(fake_interactions, "ATTACHMENT_SIZE_LIMIT", limit)
    fake = fake_discord
    general = fake.channel("general")
    async with clamor(Clock()) as bot:
        base = logged(0, fake.guild.id, general.id, "", DAY)
        # Distinct texts so gzip cannot fold them into one small part.
        await bot.store.upsert_requests(
            replace(
                base,
                message_id=1000 + n,
                created_at=base.created_at + n,
                content=f"release the weights {sha256(str(n).encode()).hexdigest()} 🙂",
            )
            for n in range(600)
        )
        handle = await fake.invoke_command(
            fake.guild, general, fake.user("alice"), "clamor-mod", ["export"], {}
        )
        first = await handle.followup(0)
        found = re.search(r" in (\d+) gzip parts", first.content)
        assert found is not None, first.content
        parts = int(found.group(1))
        assert parts > 10  # more than one message can carry
        answers = [await handle.followup(i) for i in range((parts + 9) // 10)]

    assert len(handle.followups) == len(answers)  # no stray extra messages
    files = [attachment for answer in answers for attachment in answer.attachments]
    assert len(files) == parts
    assert len(answers[0].attachments) == 10
    assert answers[1].content.startswith("Parts 11-")
    assert all(len(file.data) < limit for file in files)
    assert files[0].filename.endswith(f"-part01-of-{parts:02d}.csv.gz")
    rows = [row for file in files for row in csv_rows(gzip.decompress(file.data))]
    assert_matches_database(rows, database_rows(tmp_path / "clamor.db", fake.guild.id))
    assert rows[5]["text"] == f"release the weights {sha256(b'5').hexdigest()} 🙂"


async def test_the_command_is_synced_with_its_two_options(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor():
        synced = fake.commands.guild_commands[fake.guild.id]
    [group] = [command for command in synced if command["name"] == "clamor-mod"]
    [command] = [option for option in group["options"] if option["name"] == "export"]
    days, export_format = command["options"]
    assert (days["name"], days["min_value"], days["max_value"], days["required"]) == (
        "days",
        1,
        365,
        False,
    )
    assert export_format["name"] == "format"
    assert [choice["value"] for choice in export_format["choices"]] == ["csv", "jsonl"]


async def test_relabelled_messages_show_both_verdicts(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, carol = fake.channel("general"), fake.user("carol")
    clock = Clock()
    async with clamor(clock) as bot:
        request = await fake.send_user_message(general, carol, "open source Sora", at=clock.tick())
        chat = await fake.send_user_message(
            general, carol, "the loss weights are finally converging", at=clock.tick()
        )
        request_id, chat_id = int(request["id"]), int(chat["id"])

        async def stored() -> bool:
            return await bot.store.get_request(fake.guild.id, request_id) is not None

        await eventually(stored, "the request to be logged")
        assert await bot.store.get_request(fake.guild.id, chat_id) is None
        for message_id, label in ((chat_id, "demand"), (request_id, "skepticism")):
            link = f"https://discord.com/channels/{fake.guild.id}/{general.id}/{message_id}"
            relabel = await fake.invoke_command(
                fake.guild,
                general,
                fake.user("alice"),
                "clamor-mod",
                ["relabel"],
                {"message": link, "label": label},
            )
            assert str((await relabel.answer()).content).startswith("Relabelled ")
        logged_request = await bot.store.get_request(fake.guild.id, request_id)
        [answer] = await export(fake, {"format": "jsonl"})

    assert logged_request is not None
    lines = {
        line["message_id"]: line
        for line in map(json.loads, answer.attachments[0].data.decode().splitlines())
    }
    verdicts = {
        message_id: (line["category"], line["clamor_category"], line["corrected"])
        for message_id, line in lines.items()
    }
    assert verdicts == {
        # Logged only because a moderator said so: Clamor had not taken it for a request.
        str(chat_id): ("demand", None, True),
        str(request_id): ("skepticism", logged_request.category, True),
    }
