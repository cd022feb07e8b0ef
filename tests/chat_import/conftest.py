"""Builders for DiscordChatExporter-shaped documents, shared by the export reader tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

GUILD_ID = 1037813696954499072
CHANNEL_ID = 1097705820520448010
FIRST_TIME = datetime(2024, 12, 10, 18, 4, 31, 123000, tzinfo=UTC)
# Snowflake of FIRST_TIME, so ids and times agree the way they do in real exports.
FIRST_ID = ((1733853871123 - 1420070400000) << 22) | (1 << 17)

Doc = dict[str, Any]
DocBuilder = Callable[..., Doc]
Writer = Callable[..., Path]


def _message(index: int, content: str = "", **fields: Any) -> Doc:
    message: Doc = {
        "id": str(FIRST_ID + ((index * 1000) << 22)),
        "type": "Default",
        "timestamp": (FIRST_TIME + timedelta(seconds=index)).isoformat(timespec="milliseconds"),
        "timestampEdited": None,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": content or f"message {index}: when are they open-sourcing sora?? 🎉",
        "author": {
            "id": str(605709674741893746 + index % 5),
            "name": f"user{index % 5}",
            "discriminator": "0000",
            "nickname": f"User {index % 5}",
            "color": None,
            "isBot": False,
            "roles": [],
            "avatarUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
        },
        "attachments": [],
        "embeds": [],
        "stickers": [],
        "reactions": [],
        "mentions": [],
    }
    message.update(fields)
    return message


def _doc(messages: list[Doc] | int = 3, **overrides: Any) -> Doc:
    listed = [_message(i) for i in range(messages)] if isinstance(messages, int) else messages
    doc: Doc = {
        "guild": {"id": str(GUILD_ID), "name": "Latent Space Lounge", "iconUrl": ""},
        "channel": {
            "id": str(CHANNEL_ID),
            "type": "GuildTextChat",
            "categoryId": None,
            "category": None,
            "name": "general",
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2024-12-11T09:00:00.1234567+01:00",
        "messages": listed,
        "messageCount": len(listed),
    }
    doc.update(overrides)
    return doc


@pytest.fixture(scope="session")
def make_message() -> Callable[..., Doc]:
    return _message


@pytest.fixture(scope="session")
def make_doc() -> DocBuilder:
    return _doc


@pytest.fixture
def write_export(tmp_path: Path) -> Writer:
    """Write a document (dict, str or raw bytes) to a fresh file and return its path."""
    counter = iter(range(1_000_000))

    def write(content: Doc | str | bytes, *, indent: int | str | None = 2) -> Path:
        path = tmp_path / f"export-{next(counter)}.json"
        if isinstance(content, dict):
            content = json.dumps(content, ensure_ascii=False, indent=indent)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write
