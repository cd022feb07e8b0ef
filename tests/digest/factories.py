"""Small builders for digest tests."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.store.records import RequestRecord

GUILD = 111


def at(text: str) -> float:
    """Unix time of an ISO moment written in UTC, e.g. '2026-03-14T10:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def row(
    message_id: int,
    when: str,
    *,
    category: str | None = "demand",
    compound: float = 0.0,
    content: str = "please open source it",
    channel_id: int = 10,
    targets: tuple[str, ...] = (),
    alternatives: tuple[str, ...] = (),
    language: str = "en",
) -> RequestRecord:
    return RequestRecord(
        message_id=message_id,
        guild_id=GUILD,
        channel_id=channel_id,
        author_hash="a" * 32,
        created_at=at(when),
        content=content,
        language=language,
        compound=compound,
        pos=max(compound, 0.0),
        neu=1.0 - abs(compound),
        neg=max(-compound, 0.0),
        category=category,
        targets=targets,
        alternatives=alternatives,
        cues=(),
    )
