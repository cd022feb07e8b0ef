"""Record factories shared by the Store tests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.buckets import volume_bucket
from bot.store import DigestRun, RequestRecord

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
