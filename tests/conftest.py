"""Fixtures for every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.store.store_factory import migrate_template


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once per test run (per xdist worker), for fixtures to copy.

    Migrating costs far more than copying a file, and most tests start from an empty database;
    the tests about migrating open their own files from nothing.
    """
    return migrate_template(tmp_path_factory.mktemp("sqlite-template"))
