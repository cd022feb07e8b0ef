"""CSV and JSON Lines writers: quoting, line breaks, emoji, formula neutralising, dropped text."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.data_export import COLUMNS, CsvEncoder, ExportContext, JsonLinesEncoder, export_record
from bot.data_export.columns import Value
from bot.data_export.formats import csv_cell, encoder_for, neutralised
from tests.data_export.rows import export_row

UTC_CONTEXT = ExportContext("UTC", {})


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1 open source it", "'+1 open source it"),
        ("-1 never happening", "'-1 never happening"),
        ("@everyone release it", "'@everyone release it"),
        ("\tindented", "'\tindented"),
        ("\r=1+1", "'\r=1+1"),
        ("open source it = good", "open source it = good"),  # only the first character counts
        (" =1+1", " =1+1"),
        ("'=already quoted", "'=already quoted"),
        ("", ""),
        ("🙂 release it", "🙂 release it"),
    ],
)
def test_formula_starts_get_an_apostrophe(cell: str, expected: str) -> None:
    assert neutralised(cell) == expected


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (1350000000000000001, "1350000000000000001"),
        (-0.4767, "-0.4767"),  # a number of ours is never a formula
        (0.0, "0.0"),
        ([], ""),
        (["openai", "sora"], "openai; sora"),
        (["-weights"], "'-weights"),
        ("=cmd", "'=cmd"),
    ],
)
def test_csv_cells(value: Value, cell: str) -> None:
    assert csv_cell(value) == cell


def parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def test_the_csv_header_names_the_columns() -> None:
    assert CsvEncoder().header() == (",".join(COLUMNS) + "\r\n").encode()


@pytest.mark.parametrize(
    ("text", "raw_cell"),
    [
        ("plain words", "plain words"),
        ("open it, please", '"open it, please"'),
        ('they said "open", sure', '"they said ""open"", sure"'),
        ("line one\nline two", '"line one\nline two"'),
        ("windows\r\nbreak", '"windows\r\nbreak"'),
        ("olvídense, jamás 🙃", '"olvídense, jamás 🙃"'),
        ("=1+1", "'=1+1"),
        ('-,"', '"\'-,"""'),
    ],
)
def test_csv_rows_quote_as_rfc_4180_says_and_read_back(text: str, raw_cell: str) -> None:
    row = CsvEncoder().encode(export_record(export_row(content=text), UTC_CONTEXT))
    assert row.endswith(("," + raw_cell + "\r\n").encode())
    [cells] = parse_csv(row)
    assert len(cells) == len(COLUMNS)
    assert cells[-1] == neutralised(text)


def test_a_whole_csv_file_reads_back_cell_for_cell() -> None:
    encoder = CsvEncoder()
    rows = [
        export_row(message_id=1, content="a\nb", targets=("x",), edited=True),
        export_row(message_id=2, content="@here 🙂", label="not-a-request"),
    ]
    data = encoder.header() + b"".join(
        encoder.encode(export_record(row, UTC_CONTEXT)) for row in rows
    )
    header, first, second = parse_csv(data)
    assert header == list(COLUMNS)
    named = dict(zip(header, first, strict=True))
    assert {
        key: named[key] for key in ("message_id", "text", "targets", "edited", "corrected")
    } == {
        "message_id": "1",
        "text": "a\nb",
        "targets": "x",
        "edited": "true",
        "corrected": "false",
    }
    assert named["channel_name"] == ""
    named = dict(zip(header, second, strict=True))
    assert (named["text"], named["category"], named["clamor_category"], named["corrected"]) == (
        "'@here 🙂",
        "not-a-request",
        "demand",
        "true",
    )
    assert data.decode("utf-8").count("\r\n") == 3  # the break inside "a\nb" is not a record


def test_json_lines_carry_exact_values_with_ids_as_strings() -> None:
    row = export_row(content='=1+1 "quoted"\nand 🙂', alternatives=("mistral",))
    line = JsonLinesEncoder().encode(
        export_record(row, ExportContext("UTC", {row.channel_id: "g"}))
    )
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert "🙂".encode() in line  # UTF-8, not \\u escapes
    parsed = json.loads(line)
    assert list(parsed) == list(COLUMNS)
    assert parsed["text"] == '=1+1 "quoted"\nand 🙂'  # no apostrophe: JSON is not a spreadsheet
    assert parsed["message_id"] == str(row.message_id)
    assert parsed["guild_id"] == str(row.guild_id)
    assert parsed["channel_id"] == str(row.channel_id)
    assert parsed["channel_name"] == "g"
    assert parsed["targets"] == ["openai", "sora"]
    assert parsed["alternatives"] == ["mistral"]
    assert parsed["compound"] == -0.4767
    assert parsed["corrected"] is False
    assert parsed["clamor_category"] == "demand"
    assert JsonLinesEncoder().header() == b""


def test_json_lines_escape_a_lone_surrogate_instead_of_failing() -> None:
    record = export_record(export_row(content="half \ud83d"), UTC_CONTEXT)
    line = JsonLinesEncoder().encode(record)
    assert json.loads(line)["text"] == "half \ud83d"


@pytest.mark.parametrize("export_format", ["csv", "jsonl"])
def test_dropped_content_leaves_the_text_empty_in_both_formats(export_format: str) -> None:
    encoder = encoder_for(export_format)  # type: ignore[arg-type]
    dropping = ExportContext("UTC", include_text=False)
    data = encoder.encode(export_record(export_row(content="secret words"), dropping))
    assert b"secret" not in data
    if export_format == "csv":
        assert parse_csv(data)[0][-1] == ""
    else:
        assert json.loads(data)["text"] == ""


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="xlsx"):
        encoder_for("xlsx")  # type: ignore[arg-type]
