"""CSV and JSON Lines encodings of export records, one row at a time (pure).

CSV follows RFC 4180: UTF-8, a header row, CRLF between records, a field quoted when it holds a
comma, a quote or a line break (line breaks inside the text stay in the quoted field). A
spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a formula, so
such text cells get a leading apostrophe: a message saying "=HYPERLINK(...)" must not become a
live link in a moderator's spreadsheet. Numbers are written by us and never need it. JSON Lines
carries the values exactly (no apostrophes), with Discord ids as strings because JavaScript
numbers cannot hold them.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Protocol

from bot.data_export.columns import COLUMNS, ExportFormat, ExportRecord, Value

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "
_ID_COLUMNS = ("message_id", "guild_id", "channel_id")


class RowEncoder(Protocol):
    """Turns records into the bytes of one file; `header` starts every file (or part)."""

    @property
    def extension(self) -> str: ...

    def header(self) -> bytes: ...

    def encode(self, record: ExportRecord) -> bytes: ...


def neutralised(cell: str) -> str:
    """`cell`, with an apostrophe in front if a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # before int: a bool is an int to Python
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return neutralised(LIST_SEPARATOR.join(value))
    return neutralised(value)


class CsvEncoder:
    extension = "csv"

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def _line(self, cells: list[str]) -> bytes:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        return self._buffer.getvalue().encode("utf-8")

    def header(self) -> bytes:
        return self._line(list(COLUMNS))

    def encode(self, record: ExportRecord) -> bytes:
        return self._line([csv_cell(record[column]) for column in COLUMNS])


class JsonLinesEncoder:
    extension = "jsonl"

    def header(self) -> bytes:
        return b""

    def encode(self, record: ExportRecord) -> bytes:
        line = {column: record[column] for column in COLUMNS}
        for column in _ID_COLUMNS:
            line[column] = str(line[column])
        if line["replies_to"] is not None:
            line["replies_to"] = str(line["replies_to"])
        text = json.dumps(line, ensure_ascii=False)
        try:
            return (text + "\n").encode("utf-8")
        except UnicodeEncodeError:
            # A lone surrogate has no UTF-8 form; escaped JSON still carries it.
            return (json.dumps(line, ensure_ascii=True) + "\n").encode("ascii")


def encoder_for(export_format: ExportFormat) -> RowEncoder:
    if export_format == "csv":
        return CsvEncoder()
    if export_format == "jsonl":
        return JsonLinesEncoder()
    raise ValueError(f"{export_format!r} is not an export format (csv, jsonl)")
