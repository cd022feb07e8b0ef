"""The export reader on hostile files: wrong types in every field, deep nesting anywhere, cuts
at every byte, huge strings, arbitrary bytes. The only way out is messages or one ExportError
of one line; the reader never hangs, and what it yields is what the rest of Clamor expects."""

from __future__ import annotations

import contextlib
import copy
import io
import itertools
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.chat_import import ExportError, ExportMessage, read_export
from bot.chat_import import stream as export_stream
from bot.chat_import.fields import MAX_SNOWFLAKE
from bot.cli import main
from tests.hostile.guard import finishes
from tests.hostile.strategies import HOSTILE_TEXT

Doc = dict[str, Any]
CHUNKS = (1, 7, 4096, 1 << 20)


def message(index: int, content: str = "OpenAI should open source Sora 🙏") -> Doc:
    return {
        "id": str(1316000000000000000 + index),
        "type": "Default",
        "timestamp": f"2024-12-10T18:0{index % 10}:31.123+00:00",
        "timestampEdited": None,
        "isPinned": False,
        "content": content,
        "author": {"id": str(605709674741893746 + index), "name": f"user{index}", "isBot": False},
        "attachments": [],
        "reactions": [{"emoji": {"id": "", "name": "😂"}, "count": 2}],
    }


def document(*contents: str) -> Doc:
    return {
        "guild": {"id": "1037813696954499072", "name": "Latent Space Lounge"},
        "channel": {"id": "1097705820520448010", "name": "general", "topic": None},
        "exportedAt": "2024-12-11T09:00:00+01:00",
        "messages": [message(i, text) for i, text in enumerate(contents or ("hi", "🔥" * 3))],
    }


def read_all(path: Path, chunk: int = 1 << 20) -> tuple[list[ExportMessage], ExportError | None]:
    """Everything the reader yields before it stops, and the ExportError it stopped with."""
    messages: list[ExportMessage] = []

    def run() -> ExportError | None:
        try:
            messages.extend(read_export(path, chunk_bytes=chunk))
        except ExportError as err:
            return err
        return None

    error = finishes(run, what=f"reading {path.name}")
    if error is not None:
        text = str(error)
        assert not {"\n", "\r"} & set(text), text
        assert text.startswith(str(path)), text
    return messages, error


def assert_usable(found: ExportMessage) -> None:
    # What the analysis, the Store (SQLite integers) and the digest (local days) rely on.
    for number in (found.message_id, found.guild_id, found.channel_id, found.author_id):
        assert isinstance(number, int)
        assert 0 <= number <= MAX_SNOWFLAKE
    assert math.isfinite(found.created_at)
    for text in (found.content, found.kind, found.author_name, found.channel_name):
        assert isinstance(text, str)
    assert isinstance(found.author_is_bot, bool)
    assert isinstance(found.edited, bool)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Module-scoped, so hypothesis examples can share it; every example rewrites it whole.
    return tmp_path_factory.mktemp("hostile-exports") / "export.json"


# -- wrong types in every field -------------------------------------------------------------

WRONG_VALUES: list[Any] = [
    None, True, False, 0, -1, 1.5, 1e308, float("nan"), float("inf"), 10**30, MAX_SNOWFLAKE + 1,
    "", "x", "-5", "١٢٣", "9" * 5000, "2024-13-45T99:99:99", "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00", "2024-12-10T18:04:31", "\ud800", "\x00", [], [1, "a"], {},
    {"id": "1"}, [[[[[[]]]]]],
]  # fmt: skip


def field_paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and index path in a JSON document, containers included."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        yield (*prefix, key)
        if isinstance(child, (dict, list)):
            yield from field_paths(child, (*prefix, key))


def replaced(doc: Doc, path: tuple[Any, ...], new: Any) -> Doc:
    changed = copy.deepcopy(doc)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return changed


def test_wrong_types_in_every_field(scratch: Path) -> None:
    doc = document("OpenAI should open source Sora", "olvídense, jamás va a pasar")
    paths = list(field_paths(doc))
    assert ("messages", 1, "author", "id") in paths
    for path, value in itertools.product(paths, WRONG_VALUES):
        scratch.write_text(json.dumps(replaced(doc, path, value)), encoding="utf-8")
        messages, _error = read_all(scratch)
        for found in messages:
            assert_usable(found)


def test_every_field_missing(scratch: Path) -> None:
    doc = document("release the weights")
    for path in field_paths(doc):
        changed = copy.deepcopy(doc)
        parent: Any = changed
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
        scratch.write_text(json.dumps(changed), encoding="utf-8")
        messages, _error = read_all(scratch)
        for found in messages:
            assert_usable(found)


# -- nesting, truncation, huge values, noise --------------------------------------------------

NESTING_SPOTS = ["guild", "root-value", "messages-array", "message", "content", "reactions"]


def nested(depth: int, opener: str) -> str:
    closer = "]" if opener == "[" else "}"
    inner = '{"a":' if opener == "{" else "["
    return inner * depth + ("1" if opener == "{" else "") + closer * depth


@settings(max_examples=40, deadline=None)
@given(
    spot=st.sampled_from(NESTING_SPOTS),
    depth=st.one_of(st.integers(1, 2000), st.sampled_from([990, 1000, 1010, 100_000])),
    opener=st.sampled_from(["[", "{"]),
    chunk=st.sampled_from(CHUNKS),
)
def test_deep_nesting_anywhere(
    scratch: Path, spot: str, depth: int, opener: str, chunk: int
) -> None:
    deep = nested(depth, opener)
    one = json.dumps(message(0))
    texts = {
        "guild": f'{{"guild":{deep},"channel":{{"id":"1"}},"messages":[]}}',
        "root-value": f'{{"dateRange":{deep},"guild":{{"id":"1"}},"channel":{{"id":"2"}},'
        '"messages":[]}',
        "messages-array": f'{{"guild":{{"id":"1"}},"channel":{{"id":"2"}},"messages":{deep}}}',
        "message": f'{{"guild":{{"id":"1"}},"channel":{{"id":"2"}},"messages":[{one},{deep}]}}',
        "content": f'{{"guild":{{"id":"1"}},"channel":{{"id":"2"}},"messages":[{one[:-1]},'
        f'"content":{deep}}}]}}',
        "reactions": f'{{"guild":{{"id":"1"}},"channel":{{"id":"2"}},"messages":[{one[:-1]},'
        f'"reactions":{deep}}}]}}',
    }
    scratch.write_text(texts[spot], encoding="utf-8")
    messages, error = read_all(scratch, chunk)
    for found in messages:
        assert_usable(found)
    empty_messages = spot == "messages-array" and depth == 1 and opener == "["
    if spot in ("content", "messages-array", "message") and not empty_messages:
        assert error is not None  # a container is never a message or its text


def hostile_export_bytes() -> bytes:
    doc = document(
        'olvídense 🐸 «jamás» \\ " \u2028 \x00 \u202e‮ RTL \ud83d lone',
        "z̸̢̛̺a̵̝̿l̷̰̈g̶̱̓o̵̪͠ release the weights 👨‍👩‍👧‍👦🇪🇸",
        "```py\nprint('open source it')\n```",
    )
    for extra in doc["messages"]:
        del extra["attachments"], extra["isPinned"], extra["timestampEdited"]
    doc["messages"][2]["reactions"] = [[[[{"deep": [1, 2.5e-3, None, True]}]]]]
    # ensure_ascii=False keeps the multi-byte characters multi-byte (cuts land inside them),
    # and the lone surrogate stays a \\ud83d escape, since it has no UTF-8 form.
    return json.dumps(doc, ensure_ascii=False).encode("utf-8", "backslashreplace")


def test_cut_at_every_byte_is_a_prefix_then_one_export_error(scratch: Path) -> None:
    data = hostile_export_bytes()
    scratch.write_bytes(data)
    full, error = read_all(scratch)
    assert error is None
    assert len(full) == 3
    assert full[0].content.endswith("\ud83d lone")  # read as written; analysis replaces it
    for cut in range(len(data)):
        scratch.write_bytes(data[:cut])
        messages, error = read_all(scratch, CHUNKS[cut % len(CHUNKS)])
        assert messages == full[: len(messages)]
        if data[cut:].strip():
            assert error is not None, f"a cut at byte {cut} went unnoticed"


@settings(max_examples=15, deadline=None)
@given(content=HOSTILE_TEXT, repeat=st.integers(1, 400), chunk=st.sampled_from(CHUNKS[2:]))
def test_huge_strings_come_back_whole(scratch: Path, content: str, repeat: int, chunk: int) -> None:
    # Up to ~2 M characters (~10 MB once escaped). Tiny chunks are left to the smaller tests:
    # the buffer grows by one chunk per copy, which is quadratic in value size / chunk size.
    huge = content * repeat
    scratch.write_text(json.dumps(document(huge, "ok")), encoding="utf-8")
    messages, error = read_all(scratch, chunk)
    assert error is None
    # JSON's own reading of the text (a surrogate pair written as two escapes is one character).
    assert [m.content for m in messages] == [json.loads(json.dumps(huge)), "ok"]


def test_a_value_past_the_size_cap_is_refused(
    scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real cap is 64 M characters; the same code path, shrunk to keep the test small.
    monkeypatch.setattr(export_stream, "MAX_VALUE_CHARS", 50_000)
    scratch.write_text(json.dumps(document("🔥" * 200_000)), encoding="utf-8")
    messages, error = read_all(scratch, 4096)
    assert messages == []
    assert error is not None
    assert "more than 50,000 characters" in str(error)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(
    noise=st.one_of(
        st.binary(max_size=300),
        JSON_VALUES.map(lambda v: json.dumps(v).encode()),
        st.dictionaries(
            st.sampled_from(["guild", "channel", "messages", "x"]), JSON_VALUES, max_size=4
        ).map(lambda v: json.dumps(v).encode()),
    ),
    chunk=st.sampled_from(CHUNKS),
)
def test_arbitrary_bytes_and_json(scratch: Path, noise: bytes, chunk: int) -> None:
    scratch.write_bytes(noise)
    messages, _error = read_all(scratch, chunk)
    for found in messages:
        assert_usable(found)


# -- the command line on hostile exports ------------------------------------------------------


@settings(max_examples=12, deadline=None)
@given(
    path=st.sampled_from(list(field_paths(document("x")))),
    value=st.sampled_from(WRONG_VALUES),
    content=HOSTILE_TEXT,
)
def test_clamor_analyze_reports_one_line_or_succeeds(
    tmp_path_factory: pytest.TempPathFactory, path: tuple[Any, ...], value: Any, content: str
) -> None:
    folder = tmp_path_factory.mktemp("cli")
    export = folder / "export.json"
    doc = replaced(document(content, "open source the weights please"), path, value)
    export.write_text(json.dumps(doc), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    argv = ["analyze", str(export), "--db", str(folder / "c.db"), "--format", "json"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = finishes(lambda: main(argv), what="clamor analyze")
    assert status in (0, 2), err.getvalue()
    if status == 2:
        assert err.getvalue().count("\n") == 1, err.getvalue()
        assert err.getvalue().startswith("clamor analyze: ")
    else:
        json.loads(out.getvalue())


# -- bugs these tests found (bot/chat_import/fields.py, bot/chat_import/stream.py) ----------------


@pytest.mark.parametrize(
    ("field", "raw_value", "phrase"),
    [
        # Was a bare ValueError from int(): more than 4,300 digits.
        ("id", '"' + "9" * 5000 + '"', "'id' is not a Discord id"),
        # Was a bare ValueError from the JSON decoder, for the same reason.
        ("id", "9" * 5000, "has a number too long to read"),
        # Was accepted, then OverflowError in SQLite (`clamor analyze`).
        ("id", str(MAX_SNOWFLAKE + 1), "'id' is not a Discord id"),
        # Were accepted, then "year 0 is out of range" when the digest computed local days.
        ("timestamp", '"0001-01-01T00:00:00+14:00"', "not a time a Discord message can have"),
        ("timestamp", '"9999-12-31T23:59:59-14:00"', "not a time a Discord message can have"),
        ("timestampEdited", '"0001-01-01T00:00:00Z"', "not a time a Discord message can have"),
    ],
)
def test_out_of_range_values_are_one_export_error(
    scratch: Path, field: str, raw_value: str, phrase: str
) -> None:
    doc = document("open source it")
    doc["messages"][0][field] = "PLACEHOLDER"
    scratch.write_text(json.dumps(doc).replace('"PLACEHOLDER"', raw_value), encoding="utf-8")
    messages, error = read_all(scratch)
    assert messages == []
    assert error is not None
    assert phrase in str(error)
