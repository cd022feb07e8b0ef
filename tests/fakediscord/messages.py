"""Messages the fake knows about: stored bodies, attachments and channel history."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .entities import FakeUser
from .snowflakes import iso

Payload = dict[str, Any]

EPHEMERAL = 1 << 6
LOADING = 1 << 7  # "the application is thinking": a deferred interaction response


@dataclass
class StoredAttachment:
    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }
        if self.description is not None:
            data["description"] = self.description
        return data


@dataclass
class StoredMessage:
    id: int
    channel_id: int
    guild_id: int | None
    author: FakeUser
    content: str
    timestamp: datetime
    embeds: list[Payload] = field(default_factory=list)
    attachments: list[StoredAttachment] = field(default_factory=list)
    mentions: list[FakeUser] = field(default_factory=list)
    flags: int = 0
    edited_at: datetime | None = None
    type: int = 0
    webhook_id: int | None = None
    application_id: int | None = None
    interaction: Payload | None = None  # interaction_metadata, for replies to a command
    reference: Payload | None = None  # message_reference, when the message is a reply
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def payload(self) -> Payload:
        """The REST shape; the gateway adds `guild_id` and `member` on top."""
        data: Payload = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.type,
            "author": self.author.payload(),
            "content": self.content,
            "timestamp": iso(self.timestamp),
            "edited_timestamp": None if self.edited_at is None else iso(self.edited_at),
            "tts": False,
            "mention_everyone": False,
            "mentions": [user.payload() for user in self.mentions],
            "mention_roles": [],
            "attachments": [attachment.payload() for attachment in self.attachments],
            "embeds": list(self.embeds),
            "reactions": [],
            "pinned": False,
            "flags": self.flags,
            "components": [],
        }
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction is not None:
            data["interaction_metadata"] = self.interaction
        if self.reference is not None:
            data["message_reference"] = self.reference
        return data


def select_history(
    ids: Sequence[int],
    *,
    before: int | None = None,
    after: int | None = None,
    around: int | None = None,
    limit: int = 50,
) -> list[int]:
    """Discord's GET /channels/{id}/messages on ascending `ids`; the result is newest first.

    `after` is the trap: Discord returns the *oldest* `limit` messages after the id (so paging
    forward works), yet still lists them newest first. At most one anchor may be given.
    """
    if around is not None:
        # The anchor itself plus up to half the window on each side.
        pivot = bisect.bisect_right(ids, around)
        newer = list(ids[pivot : pivot + limit // 2])
        older = list(ids[max(0, pivot - (limit - len(newer))) : pivot])
        window = older + newer
    elif before is not None:
        end = bisect.bisect_left(ids, before)
        window = list(ids[max(0, end - limit) : end])
    elif after is not None:
        start = bisect.bisect_right(ids, after)
        window = list(ids[start : start + limit])
    else:
        window = list(ids[-limit:]) if limit else []
    return window[::-1]


class MessageStore:
    """Every message by id, plus each channel's visible history in id order."""

    def __init__(self) -> None:
        self._by_id: dict[int, StoredMessage] = {}
        self._history: dict[int, list[int]] = {}

    def add(self, message: StoredMessage) -> StoredMessage:
        self._by_id[message.id] = message
        if not message.ephemeral:  # ephemeral replies never show up in channel history
            bisect.insort(self._history.setdefault(message.channel_id, []), message.id)
        return message

    def get(self, message_id: int) -> StoredMessage | None:
        return self._by_id.get(message_id)

    def delete(self, message_id: int) -> StoredMessage | None:
        message = self._by_id.get(message_id)
        if message is None or message.deleted:
            return None
        message.deleted = True
        history = self._history.get(message.channel_id, [])
        index = bisect.bisect_left(history, message_id)
        if index < len(history) and history[index] == message_id:
            del history[index]
        return message

    def in_channel(self, channel_id: int) -> list[StoredMessage]:
        """The channel's current history, oldest first."""
        return [self._by_id[i] for i in self._history.get(channel_id, [])]

    def history(
        self,
        channel_id: int,
        *,
        before: int | None = None,
        after: int | None = None,
        around: int | None = None,
        limit: int = 50,
    ) -> list[StoredMessage]:
        ids = self._history.get(channel_id, [])
        chosen = select_history(ids, before=before, after=after, around=around, limit=limit)
        return [self._by_id[i] for i in chosen]
