"""`clamor analyze --db`: what a run logs and counts, whatever else the database holds."""

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.cli.test_analyze import GUILD, MESSAGES, export_doc


@pytest.fixture(autouse=True)
def _clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("CLAMOR_TIMEZONE", "CLAMOR_DB", "DISCORD_TOKEN", "CLAMOR_DIGEST_TIME"):
        monkeypatch.delenv(name, raising=False)


def test_requests_already_logged_under_another_guild_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.db"
    first = tmp_path / "first.json"
    first.write_text(json.dumps(export_doc(MESSAGES)), encoding="utf-8")
    other = export_doc(MESSAGES)  # the same message ids, under another guild
    other["guild"] = {"id": str(GUILD + 1), "name": "Elsewhere", "iconUrl": ""}
    second = tmp_path / "second.json"
    second.write_text(json.dumps(other), encoding="utf-8")
    assert main(["analyze", str(first), "--db", str(db), "--format", "json"]) == 0
    logged = json.loads(capsys.readouterr().out)["totals"]["requests"]
    assert logged > 0

    assert main(["analyze", str(second), "--db", str(db), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["totals"]["requests"] == 0
    assert f"Not logged: {logged} of them" in err
    assert "already logged under another server" in err
