"""Fixtures for the chart tests: a real SQLite Store in a temporary folder (a copy of the
migrated template)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store
from tests.store.store_factory import copy_template


@pytest.fixture
async def store(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Store]:
    path = copy_template(sqlite_template, tmp_path / "clamor.db")
    async with await Store.open(path) as opened:
        yield opened
