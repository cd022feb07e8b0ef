"""Record factories shared by the Store tests, and migrated SQLite files to start a test from."""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.buckets import volume_bucket
from bot.store import DigestRun, RequestRecord, Store

BASE_TIME = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
BASE_BUCKET = volume_bucket(BASE_TIME, "UTC")  # the volume bucket holding BASE_TIME

_REQUEST = RequestRecord(
    message_id=0,
    guild_id=1,
    channel_id=10,
    author_hash="a" * 32,
    created_at=BASE_TIME,
    content="please open source the weights",
    language="en",
    compound=0.3182,
    pos=0.294,
    neu=0.706,
    neg=0.0,
    category="demand",
    targets=("the weights",),
    alternatives=(),
    cues=("request: open source",),
    edited=False,
)


def request(message_id: int, guild_id: int = 1, **changes: Any) -> RequestRecord:
    """A plausible request message, `message_id` seconds after BASE_TIME unless overridden."""
    changes.setdefault("created_at", BASE_TIME + message_id)
    return replace(_REQUEST, message_id=message_id, guild_id=guild_id, **changes)


def digest_run(guild_id: int, local_day: str, **changes: Any) -> DigestRun:
    run = DigestRun(
        guild_id=guild_id,
        local_day=local_day,
        channel_id=500,
        message_id=9000,
        posted_at=BASE_TIME,
        error=None,
    )
    return replace(run, **changes)


def migrate_template(folder: Path) -> Path:
    """A SQLite database in `folder` opened once by the Store (so migrated to the latest version)
    and closed, to copy for each test instead of migrating again.

    Call it outside a running event loop: from a session fixture.
    """

    async def open_and_close(path: Path) -> None:
        async with await Store.open(path):
            pass

    path = folder / "template.db"
    asyncio.run(open_and_close(path))
    # A clean close folds the write-ahead log into the file; a copy of the file alone must be whole.
    leftovers = [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
    assert not leftovers, f"the template left {leftovers}: a copy of its file would be partial"
    return path


def copy_template(template: Path, path: Path) -> Path:
    """`path` as a migrated, empty database: a copy of `template`, private to its owner as the
    Store makes its files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    os.chmod(path, 0o600)
    return path
