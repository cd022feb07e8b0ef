"""Cut or corrupt a valid export anywhere: a prefix of the messages, then ExportError, or success.

Nothing else may escape (no JSONDecodeError, UnicodeDecodeError, RecursionError, KeyError...).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.chat_import import ExportError, ExportMessage, read_export

CHUNK_SIZES = [1, 7, 64, 1 << 20]


def _read_until_failure(path: Path, chunk: int) -> tuple[list[ExportMessage], ExportError | None]:
    messages: list[ExportMessage] = []
    try:
        messages.extend(read_export(path, chunk_bytes=chunk))
    except ExportError as err:
        return messages, err
    return messages, None


@pytest.fixture(scope="module")
def export_bytes(make_doc: Callable[..., dict[str, Any]]) -> bytes:
    doc = make_doc(8)
    doc["messages"][2]["content"] = 'olvídense 🐸🎉 «jamás» \\ " \u2028 ' + "ü" * 30
    doc["messages"][5]["content"] = 'code:\n```py\nprint("release the weights")\n```'
    doc["messages"][6]["reactions"] = [{"emoji": {"id": "", "name": "😂"}, "count": 12}]
    doc["messageCount"] = 8
    return json.dumps(doc, ensure_ascii=False, indent=2).encode()


@pytest.fixture(scope="module")
def full_messages(
    export_bytes: bytes, tmp_path_factory: pytest.TempPathFactory
) -> list[ExportMessage]:
    path = tmp_path_factory.mktemp("full") / "export.json"
    path.write_bytes(export_bytes)
    return list(read_export(path))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cut") / "export.json"


def _check_prefix(
    data: bytes, cut: int, chunk: int, scratch: Path, full: list[ExportMessage]
) -> None:
    scratch.write_bytes(data[:cut])
    messages, error = _read_until_failure(scratch, chunk)
    assert messages == full[: len(messages)]
    if data[cut:].strip():
        # Anything that removes part of the document must be noticed, never read as complete.
        assert error is not None
    else:
        assert error is None
        assert messages == full


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_truncating_anywhere_gives_a_prefix_then_export_error(
    data: st.DataObject, export_bytes: bytes, full_messages: list[ExportMessage], scratch: Path
) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(export_bytes)), label="cut")
    chunk = data.draw(st.sampled_from(CHUNK_SIZES), label="chunk")
    _check_prefix(export_bytes, cut, chunk, scratch, full_messages)


def test_every_cut_of_a_small_export(
    make_doc: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    doc = make_doc(1)
    doc["messages"][0]["content"] = "¿é🎉?"
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    scratch = tmp_path / "cut.json"
    scratch.write_bytes(data)
    full = list(read_export(scratch))
    for cut in range(len(data) + 1):
        _check_prefix(data, cut, 7, scratch, full)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_corrupting_a_byte_never_escapes_as_another_exception(
    data: st.DataObject, export_bytes: bytes, full_messages: list[ExportMessage], scratch: Path
) -> None:
    where = data.draw(st.integers(min_value=0, max_value=len(export_bytes) - 1), label="where")
    byte = data.draw(st.integers(min_value=0, max_value=255), label="byte")
    chunk = data.draw(st.sampled_from(CHUNK_SIZES), label="chunk")
    scratch.write_bytes(export_bytes[:where] + bytes([byte]) + export_bytes[where + 1 :])
    messages, _ = _read_until_failure(scratch, chunk)
    assert len(messages) <= len(full_messages)
