"""`clamor analyze --chart FILE.png [--days N]` (and `demo --chart`): the trend chart of an
export written beside the digest; one line and exit status 2 when it cannot be written."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from bot.cli import main
from tests.cli.test_analyze import MESSAGES, export_doc

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "general.json"
    path.write_text(json.dumps(export_doc(MESSAGES)), encoding="utf-8")
    return path


pytestmark = pytest.mark.usefixtures("clean_settings")


def test_chart_is_written_beside_the_digest(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = tmp_path / "trend.png"
    assert main(["analyze", str(export), "--chart", str(chart), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["guild_name"] == "Test Lounge"  # the digest is still printed
    assert png_size(chart.read_bytes()) == (1000, 500)
    # The export spans two days: by default the chart covers the digest's days.
    assert f"Chart: {chart} (2 days)" in err


def test_days_and_a_kept_database_give_the_same_chart(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    assert main(["analyze", str(export), "--chart", str(first), "--days", "14"]) == 0
    db = tmp_path / "kept.db"
    status = main(["analyze", str(export), "--db", str(db), "--chart", str(second), "--days", "14"])
    assert status == 0
    assert "(14 days)" in capsys.readouterr().err
    # The same export through a temporary or a kept Store draws the same bytes.
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("missing/trend.png", "no such folder"),
        ("general.json/trend.png", "no such folder"),  # a file where a folder should be
        (".", "is a folder"),
    ],
)
def test_an_unwritable_chart_path_is_one_line(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, reason: str
) -> None:
    assert main(["analyze", str(export), "--chart", str(tmp_path / target)]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # checked before the export is read, not after the digest
    assert err.count("\n") == 1
    assert err.startswith("clamor analyze: --chart ")
    assert reason in err


@pytest.mark.parametrize("days", ["0", "367", "ten"])
def test_days_out_of_range_is_a_usage_error(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], days: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["analyze", str(export), "--chart", str(tmp_path / "t.png"), "--days", days])
    assert stopped.value.code == 2
    assert "--days" in capsys.readouterr().err


def test_several_servers_get_a_chart_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exports = []
    for guild in (1001, 1002):
        doc = export_doc(MESSAGES)
        doc["guild"]["id"] = str(guild)
        for message in doc["messages"]:
            message["id"] = str(int(message["id"]) + guild * 1000)
        path = tmp_path / f"g{guild}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        exports.append(str(path))
    assert main(["analyze", *exports, "--chart", str(tmp_path / "trend.png")]) == 0
    capsys.readouterr()
    for guild in (1001, 1002):
        assert png_size((tmp_path / f"trend-{guild}.png").read_bytes()) == (1000, 500)
    assert not (tmp_path / "trend.png").exists()


def test_demo_draws_its_chart_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = tmp_path / "demo.png"
    assert main(["demo", "--chart", str(chart)]) == 0
    assert "Chart: " in capsys.readouterr().err
    assert png_size(chart.read_bytes()) == (1000, 500)
