"""Reading well-formed exports: field mapping, timestamps, and chunk boundaries anywhere."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.chat_import import ExportMessage, read_export

DocBuilder = Callable[..., dict[str, Any]]
Writer = Callable[..., Path]

EMOJI = "🎉"  # four bytes in UTF-8


def _read_all(path: Path, chunk_bytes: int = 1 << 20) -> list[ExportMessage]:
    return list(read_export(path, chunk_bytes=chunk_bytes))


def test_maps_every_field(
    make_doc: DocBuilder, make_message: Callable[..., Any], write_export: Writer
) -> None:
    reply = make_message(
        0,
        content="olvídense, jamás va a pasar <:pepe_cry:1043722854727811150>",
        type="Reply",
        timestampEdited="2024-12-10T18:06:00.5+00:00",
        reference={"messageId": "1", "channelId": "2", "guildId": "3"},
    )
    reply["author"].update(id="718946571386880837", name="tensor_tomas", isBot=False)
    doc = make_doc([reply])
    doc["guild"].update(id="1037813696954499072", name="Latent Space Lounge")
    doc["channel"].update(id="1097705820520448010", name="español")
    [message] = _read_all(write_export(doc))
    assert message == ExportMessage(
        message_id=int(reply["id"]),
        guild_id=1037813696954499072,
        guild_name="Latent Space Lounge",
        channel_id=1097705820520448010,
        channel_name="español",
        author_id=718946571386880837,
        author_name="tensor_tomas",
        author_is_bot=False,
        created_at=1733853871.123,
        edited=True,
        kind="Reply",
        content="olvídense, jamás va a pasar <:pepe_cry:1043722854727811150>",
        replies_to=1,
    )


@pytest.mark.parametrize(
    ("timestamp", "unix_seconds"),
    [
        ("2024-12-10T18:04:31.123+00:00", 1733853871.123),
        ("2024-12-10T19:04:31.123+01:00", 1733853871.123),  # DCE writes the exporter's offset
        ("2024-12-10T12:04:31.123-06:00", 1733853871.123),
        ("2024-12-10T18:04:31+00:00", 1733853871.0),  # .NET drops a zero fraction
        ("2024-12-10T18:04:31.1234567+00:00", 1733853871.123456),  # .NET's seven digits
        ("2024-12-10T18:04:31.12Z", 1733853871.12),
    ],
)
def test_timestamps_become_utc_unix_seconds(
    timestamp: str,
    unix_seconds: float,
    make_doc: DocBuilder,
    make_message: Callable[..., Any],
    write_export: Writer,
) -> None:
    [message] = _read_all(write_export(make_doc([make_message(0, timestamp=timestamp)])))
    assert message.created_at == pytest.approx(unix_seconds, abs=1e-6)


def test_yields_bot_and_system_messages_for_the_caller_to_judge(
    make_doc: DocBuilder, make_message: Callable[..., Any], write_export: Writer
) -> None:
    bot = make_message(0, content="GG <@1>, you just advanced to level 12!")
    bot["author"]["isBot"] = True
    join = make_message(1, content="Joined the server.", type="GuildMemberJoin")
    messages = _read_all(write_export(make_doc([bot, join])))
    assert [(m.author_is_bot, m.kind) for m in messages] == [
        (True, "Default"),
        (False, "GuildMemberJoin"),
    ]


def test_integer_ids_and_missing_optional_fields_are_accepted(
    make_doc: DocBuilder, write_export: Writer
) -> None:
    bare = {"id": 42, "timestamp": "2024-12-10T18:04:31+00:00", "author": {"id": 7}}
    doc = make_doc([bare], guild={"id": 1, "name": "G"}, channel={"id": 2, "name": "c"})
    [message] = _read_all(write_export(doc))
    assert (message.message_id, message.author_id, message.guild_id, message.channel_id) == (
        42,
        7,
        1,
        2,
    )
    assert (message.kind, message.content, message.author_name, message.edited) == (
        "Default",
        "",
        "",
        False,
    )


@pytest.mark.parametrize(
    ("field", "unusual", "usual"),
    [
        ("id", 2**63 - 1, str(2**63 - 1)),
        ("id", "000123", "123"),
        ("author", {"id": 7, "name": None}, {"id": "7", "name": "", "isBot": False}),
        ("type", None, "Default"),
        ("content", None, ""),
        ("reference", {"messageId": None}, None),
        ("reference", {"messageId": 2**63 - 1}, {"messageId": str(2**63 - 1)}),
    ],
)
def test_unusual_but_valid_values_read_as_their_usual_form(
    make_doc: DocBuilder,
    make_message: Callable[..., Any],
    write_export: Writer,
    field: str,
    unusual: object,
    usual: object,
) -> None:
    """DCE's own shape is read on a short path; what a hand-made file may hold instead (ids as
    numbers, nulls, leading zeros) is read the careful way, to the same message."""
    odd, plain = make_message(0), make_message(0)
    odd[field], plain[field] = unusual, usual
    [read_odd] = _read_all(write_export(make_doc([odd])))
    [read_plain] = _read_all(write_export(make_doc([plain])))
    assert read_odd == read_plain


def _straddling_export(make_doc: DocBuilder, make_message: Callable[..., Any], chunk: int) -> bytes:
    """An export in which the first emoji's four bytes are split 2 + 2 across chunks."""
    for padding in range(chunk):
        doc = make_doc([make_message(0, content="x" * padding + EMOJI + " open the weights")])
        data = json.dumps(doc, ensure_ascii=False, indent=2).encode()
        if data.index(EMOJI.encode()) % chunk == chunk - 2:
            return data
    raise AssertionError("no padding puts the emoji across a chunk boundary")


def test_multibyte_character_split_across_chunks(
    make_doc: DocBuilder, make_message: Callable[..., Any], write_export: Writer
) -> None:
    path = write_export(_straddling_export(make_doc, make_message, chunk=7))
    [message] = _read_all(path, chunk_bytes=7)
    assert message.content.startswith("x")
    assert message.content.endswith(EMOJI + " open the weights")


@pytest.mark.parametrize(
    "layout",
    ["indent=2", "compact", "tabs-crlf", "spaces-everywhere", "bom"],
)
@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 13, 64, 1 << 20])
def test_same_messages_whatever_the_layout_and_chunk_size(
    layout: str, chunk: int, make_doc: DocBuilder, write_export: Writer
) -> None:
    doc = make_doc(12)
    doc["messages"][3]["content"] = "ñandú 🐸 <:kekw:1> «¿liberar memoria?» " + "é" * 40
    doc["messageCount"] = 1234567  # a number long enough to be cut by small chunks
    layouts = {
        "indent=2": json.dumps(doc, ensure_ascii=False, indent=2),
        "compact": json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
        "tabs-crlf": json.dumps(doc, ensure_ascii=False, indent="\t").replace("\n", "\r\n"),
        "spaces-everywhere": json.dumps(doc, ensure_ascii=False, separators=(" , ", " : ")),
        "bom": json.dumps(doc, indent=1),  # ASCII-escaped text after a BOM
    }
    bom = "\ufeff" if layout == "bom" else ""
    text = f"{bom}\n \t{layouts[layout]}\r\n  \n"
    expected = [(int(m["id"]), m["content"]) for m in doc["messages"]]
    messages = _read_all(write_export(text), chunk_bytes=chunk)
    assert [(m.message_id, m.content) for m in messages] == expected


def test_unknown_keys_and_keys_after_messages_are_ignored(
    make_doc: DocBuilder, write_export: Writer
) -> None:
    doc = {"formatVersion": [1, {"x": None}], **make_doc(2), "trailer": {"a": [1, 2.5e3]}}
    assert len(_read_all(write_export(doc), chunk_bytes=5)) == 2


def test_progress_is_reported_per_chunk_up_to_the_file_size(
    make_doc: DocBuilder, write_export: Writer
) -> None:
    path = write_export(make_doc(40))
    size = path.stat().st_size
    calls: list[tuple[int, int]] = []
    messages = list(
        read_export(
            path, chunk_bytes=256, on_progress=lambda done, total: calls.append((done, total))
        )
    )
    assert len(messages) == 40
    assert len(calls) <= math.ceil(size / 256)
    assert [total for _, total in calls] == [size] * len(calls)
    assert [done for done, _ in calls] == sorted({done for done, _ in calls})
    assert calls[-1][0] == size


def test_stopping_early_reads_only_the_start(make_doc: DocBuilder, write_export: Writer) -> None:
    path = write_export(make_doc(200))
    calls: list[int] = []
    stream = read_export(path, chunk_bytes=512, on_progress=lambda done, _total: calls.append(done))
    first = next(stream)
    stream.close()
    assert first.message_id == int(make_doc(1)["messages"][0]["id"])
    assert calls[-1] < path.stat().st_size / 4
