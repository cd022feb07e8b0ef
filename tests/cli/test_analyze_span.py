"""A digest covers at most MAX_DIGEST_DAYS local days (issue 11, item 19): an export whose two
messages are 125 years apart is digested over its last year, and the output says so; --since or
--until alone move that year; both spanning more are refused with one line."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.common import MAX_DIGEST_DAYS
from tests.cli.test_analyze import export_doc

FIRST, LAST = date(2025, 1, 1), date(2150, 6, 1)  # message ids allow dates up to 2154
NOTE = (
    "Note: the export's messages span 2025-01-01 to 2150-06-01 (45,807 days); "
    "a digest covers at most 366, so this one is of {first} to {last}. "
    "Pick other days with --since and --until."
)


pytestmark = pytest.mark.usefixtures("clean_settings")


@pytest.fixture
def century(tmp_path: Path) -> Path:
    doc = export_doc(
        [
            (f"{FIRST}T10:00:00+00:00", "release the weights please"),
            (f"{LAST}T10:00:00+00:00", "OpenAI should open source sora"),
        ]
    )
    path = tmp_path / "century.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_the_last_year_of_a_long_export_and_a_note(
    century: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = LAST - timedelta(days=MAX_DIGEST_DAYS - 1)
    assert main(["analyze", str(century), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    digest = json.loads(out)
    assert digest["period"] == {"first": str(first), "last": str(LAST), "timezone": "UTC"}
    assert len(digest["days"]) == MAX_DIGEST_DAYS
    assert digest["totals"]["requests"] == 1
    assert NOTE.format(first=first, last=LAST) in err

    assert main(["analyze", str(century)]) == 0
    out, _ = capsys.readouterr()
    assert NOTE.format(first=first, last=LAST) in out  # beside the text digest
    by_day = out.split("\nBy day\n")[1].split("\n\n")[0]
    assert len(by_day.splitlines()) == MAX_DIGEST_DAYS


@pytest.mark.parametrize(
    ("option", "first", "last"),
    [
        (["--since", "2025-01-01"], FIRST, FIRST + timedelta(days=MAX_DIGEST_DAYS - 1)),
        (["--until", "2100-01-01"], date(2099, 1, 1), date(2100, 1, 1)),
    ],
)
def test_one_open_end_takes_a_year_from_the_other(
    century: Path,
    capsys: pytest.CaptureFixture[str],
    option: list[str],
    first: date,
    last: date,
) -> None:
    assert main(["analyze", str(century), "--format", "json", *option]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["period"] == {"first": str(first), "last": str(last), "timezone": "UTC"}
    assert NOTE.format(first=first, last=last) in err


def test_both_ends_spanning_more_are_one_line(
    century: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    days = ["--since", "2025-01-01", "--until", "2026-01-02"]
    assert main(["analyze", str(century), *days]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "clamor analyze: --since 2025-01-01 to --until 2026-01-02 is 367 days; "
        "a digest covers at most 366 (digest the days in parts)\n"
    )
    # A year exactly is a digest, without a note.
    assert main(["analyze", str(century), "--since", "2025-01-01", "--until", "2026-01-01"]) == 0
    out, err = capsys.readouterr()
    assert "Note:" not in out + err
