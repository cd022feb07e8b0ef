"""What the command-line tests share."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The user's own .env or environment must not change what a command's test sees."""
    monkeypatch.chdir(tmp_path)
    for name in ("CLAMOR_TIMEZONE", "CLAMOR_DB", "DISCORD_TOKEN", "CLAMOR_DIGEST_TIME"):
        monkeypatch.delenv(name, raising=False)
