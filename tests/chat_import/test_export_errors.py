"""Broken exports end in one `ExportError` line naming the file, never in a traceback."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.chat_import import ExportError, ExportMessage, read_export

Doc = dict[str, Any]
DocBuilder = Callable[..., Doc]
Writer = Callable[..., Path]


def _error_of(path: Path, chunk_bytes: int = 7) -> tuple[list[ExportMessage], str]:
    """The messages read before the failure, and the failure's message."""
    messages: list[ExportMessage] = []
    with pytest.raises(ExportError) as caught:
        messages.extend(read_export(path, chunk_bytes=chunk_bytes))
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(f"{path}: ")
    return messages, text


def _without(doc: Doc, key: str) -> Doc:
    return {k: v for k, v in doc.items() if k != key}


def _break_message(field: str, value: object) -> Callable[[Doc], Doc]:
    def edit(doc: Doc) -> Doc:
        if value is None:
            del doc["messages"][1][field]
        else:
            doc["messages"][1][field] = value
        return doc

    return edit


# (case, how to break a valid three-message export, fragment of the error message)
STRUCTURE_CASES: list[tuple[str, Callable[[Doc], Doc | str | bytes], str]] = [
    ("empty file", lambda doc: b"", "is empty"),
    ("only whitespace", lambda doc: " \n\t ", "is empty"),
    ("not json", lambda doc: "Hello, this is a chat log", "is not JSON (starts with 'H')"),
    ("root is array", lambda doc: json.dumps([doc]), "the root is an array, not an object"),
    ("root is number", lambda doc: "42", "the root is a number, not an object"),
    (
        "latin-1 text",
        lambda doc: json.dumps(doc, ensure_ascii=False).replace("🎉", "ñ").encode("latin-1"),
        "not UTF-8",
    ),
    ("utf-16 text", lambda doc: json.dumps(doc).encode("utf-16"), "is UTF-16 text"),
    ("no guild", lambda doc: _without(_without(doc, "guild"), "messages"), "has no 'guild' object"),
    ("no channel", lambda doc: _without(_without(doc, "channel"), "messages"), "no 'channel'"),
    ("no messages", lambda doc: _without(doc, "messages"), "has no 'messages' array"),
    (
        "messages before guild",
        lambda doc: {"messages": doc["messages"], "guild": doc["guild"], "channel": doc["channel"]},
        "has no 'guild' object before 'messages'",
    ),
    (
        "messages before channel",
        lambda doc: {"guild": doc["guild"], "messages": doc["messages"], "channel": doc["channel"]},
        "has no 'channel' object before 'messages'",
    ),
    (
        "messages not array",
        lambda doc: {**doc, "messages": {"0": {}}},
        "'messages' is not an array",
    ),
    ("guild not object", lambda doc: {**doc, "guild": "Lounge"}, "'guild' is not an object"),
    ("guild without id", lambda doc: {**doc, "guild": {"name": "x"}}, "'guild' is missing 'id'"),
    (
        "bad channel id",
        lambda doc: {**doc, "channel": {"id": "12ab"}},
        "'channel.id' is not a Discord id",
    ),
    (
        "second messages array",
        lambda doc: json.dumps(doc)[:-1] + ', "messages": []}',
        "second 'messages'",
    ),
    (
        "data after root",
        lambda doc: json.dumps(doc) + "\n{}",
        "unexpected data after the root object",
    ),
    (
        "missing comma",
        lambda doc: json.dumps(doc).replace('}, {"id"', '} {"id"', 1),
        "expected ','",
    ),
    (
        "trailing comma",
        lambda doc: json.dumps(doc).replace("}], ", "},], ", 1),
        "is not valid JSON at byte",
    ),
    (
        "raw newline in string",
        lambda doc: json.dumps(doc).replace("message 1:", "message\n1:"),
        "Invalid control character",
    ),
    (
        "deep nesting in a message",
        lambda doc: json.dumps(doc).replace('"stickers": []', '"stickers": ' + "[" * 100_000, 1),
        "nested too deeply",
    ),
    ("deep nesting in the header", lambda doc: '{"guild": ' + "[" * 100_000, "nested too deeply"),
]

MESSAGE_CASES: list[tuple[str, Callable[[Doc], Doc], str]] = [
    (
        "message not object",
        lambda doc: {**doc, "messages": [doc["messages"][0], "hi"]},
        "is not an object",
    ),
    ("no id", _break_message("id", None), "missing 'id'"),
    ("no timestamp", _break_message("timestamp", None), "missing 'timestamp'"),
    ("no author", _break_message("author", None), "missing 'author'"),
    ("author not object", _break_message("author", "bob"), "'author' is not an object"),
    ("author without id", _break_message("author", {"name": "bob"}), "'author' is missing 'id'"),
    (
        "bad timestamp",
        _break_message("timestamp", "yesterday at 5"),
        "'timestamp' is not an ISO 8601",
    ),
    ("naive timestamp", _break_message("timestamp", "2024-12-10T18:04:31"), "has no UTC offset"),
    ("timestamp not string", _break_message("timestamp", 1733853871), "not a timestamp string"),
    ("bad edit time", _break_message("timestampEdited", "later"), "'timestampEdited' is not"),
    ("negative id", _break_message("id", -5), "'id' is not a Discord id"),
    ("content not string", _break_message("content", ["a"]), "'content' is not a string"),
]


@pytest.mark.parametrize(
    ("breaker", "fragment"),
    [pytest.param(breaker, fragment, id=case) for case, breaker, fragment in STRUCTURE_CASES],
)
def test_malformed_structure(
    breaker: Callable[[Doc], Doc | str | bytes],
    fragment: str,
    make_doc: DocBuilder,
    write_export: Writer,
) -> None:
    _, text = _error_of(write_export(breaker(make_doc(3))))
    assert fragment in text


@pytest.mark.parametrize(
    ("breaker", "fragment"),
    [pytest.param(breaker, fragment, id=case) for case, breaker, fragment in MESSAGE_CASES],
)
def test_malformed_message_fails_after_the_good_ones(
    breaker: Callable[[Doc], Doc], fragment: str, make_doc: DocBuilder, write_export: Writer
) -> None:
    doc = make_doc(3)
    first_id = int(doc["messages"][0]["id"])
    read, text = _error_of(write_export(breaker(doc)))
    assert [m.message_id for m in read] == [first_id]
    assert "message #2 (byte " in text
    assert fragment in text


def test_bad_message_offset_points_at_its_opening_brace(
    make_doc: DocBuilder, write_export: Writer
) -> None:
    doc = make_doc(3)
    doc["messages"][0]["content"] = "ñ🎉 multi-byte text before the bad message"
    del doc["messages"][1]["timestamp"]
    path = write_export(doc)
    data = path.read_bytes()
    second_id = f'"id": "{doc["messages"][1]["id"]}"'.encode()
    start = data.rindex(b"{", 0, data.index(second_id))  # "id" is the first key DCE writes
    _, text = _error_of(path, chunk_bytes=5)
    assert f"message #2 (byte {start}): missing 'timestamp'" in text
    assert data[start : start + 1] == b"{"


def test_truncated_between_messages_says_where(make_doc: DocBuilder, write_export: Writer) -> None:
    data = json.dumps(make_doc(3), indent=2).encode()
    cut = data.index(b'    {\n      "id"', data.index(b'"message 1:'))  # before message 3
    read, text = _error_of(write_export(data[:cut]))
    assert len(read) == 2
    assert f"ends at byte {cut} inside the 'messages' array (truncated?)" in text


def test_truncated_inside_a_message_says_where(make_doc: DocBuilder, write_export: Writer) -> None:
    data = json.dumps(make_doc(3), indent=2).encode()
    cut = data.index(b'"author"', data.index(b'"message 1:'))
    read, text = _error_of(write_export(data[:cut]))
    assert len(read) == 1
    assert f"ends at byte {cut} in the middle of a JSON value (truncated?)" in text


def test_truncated_inside_a_string_names_both_ends(
    make_doc: DocBuilder, write_export: Writer
) -> None:
    data = json.dumps(make_doc(3), indent=2).encode()
    start = data.index(b'"message 2:')
    _, text = _error_of(write_export(data[: start + 5]))
    assert f"ends at byte {start + 5} inside a string that starts at byte {start}" in text


def test_truncated_inside_a_utf8_character(make_doc: DocBuilder, write_export: Writer) -> None:
    data = json.dumps(make_doc(3), ensure_ascii=False).encode()
    emoji = data.index("🎉".encode())
    _, text = _error_of(write_export(data[: emoji + 2]))
    assert "inside a UTF-8 character (truncated?)" in text


def test_invalid_byte_offset_is_exact(make_doc: DocBuilder, write_export: Writer) -> None:
    data = json.dumps(make_doc(3), ensure_ascii=False).encode()
    bad = data.index(b"message 2") + 3
    _, text = _error_of(write_export(data[:bad] + b"\xff" + data[bad + 1 :]))
    assert f"invalid byte sequence at byte {bad}" in text


def test_a_runaway_value_is_refused_instead_of_buffered(
    make_doc: DocBuilder, write_export: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.chat_import.stream.MAX_VALUE_CHARS", 1000)
    doc = make_doc(3)
    doc["messages"][1]["content"] = "x" * 5000
    read, text = _error_of(write_export(doc), chunk_bytes=64)
    assert len(read) == 1
    assert "has a single JSON value of more than 1,000 characters at byte " in text


def test_missing_file_fails_at_the_call(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(ExportError, match=r"nope\.json: no such file$"):
        read_export(path)


def test_directory_fails_at_the_call(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"is a directory, not an export file$"):
        read_export(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_fails_at_the_call(write_export: Writer, make_doc: DocBuilder) -> None:
    path = write_export(make_doc(1))
    path.chmod(0)
    try:
        with pytest.raises(ExportError, match=r"permission denied$"):
            read_export(path)
    finally:
        path.chmod(0o600)


def test_newline_in_file_name_keeps_the_message_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.json"
    with pytest.raises(ExportError) as caught:
        read_export(path)
    assert "\n" not in str(caught.value)
    assert "two\\nlines.json: no such file" in str(caught.value)


def test_quoted_values_are_shortened(make_doc: DocBuilder, write_export: Writer) -> None:
    doc = make_doc(1)
    doc["messages"][0]["timestamp"] = "x" * 5000
    path = write_export(doc)
    _, text = _error_of(path)
    assert len(text) < len(str(path)) + 150
