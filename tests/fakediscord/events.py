"""Gateway payloads for what users do: post, edit, delete, bulk delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .authoring import UrlFor, mentioned_users
from .entities import FakeChannel, FakeUser
from .messages import MessageStore, StoredAttachment, StoredMessage
from .snowflakes import utcnow
from .world import World

Payload = dict[str, Any]


REPLY = 19  # MessageType REPLY


def gateway_message(
    world: World, message: StoredMessage, referenced: StoredMessage | None = None
) -> Payload:
    """MESSAGE_CREATE / MESSAGE_UPDATE data: the full message plus guild id and member. A reply
    carries the message it answers as `referenced_message` (null once that one is deleted), as
    Discord sends it."""
    data = message.payload()
    if message.reference is not None:
        data["referenced_message"] = None if referenced is None else referenced.payload()
    if message.guild_id is not None:
        data["guild_id"] = str(message.guild_id)
        member = world.guilds[message.guild_id].members.get(message.author.id)
        if member is not None:
            data["member"] = member.payload(with_user=False)
    return data


def store_user_message(
    world: World,
    store: MessageStore,
    channel: FakeChannel,
    author: FakeUser,
    content: str,
    *,
    at: datetime | None,
    embeds: list[Payload] | None,
    files: dict[str, bytes] | None,
    url_for: UrlFor,
    reply_to: int | None = None,
) -> StoredMessage:
    moment = at or utcnow()
    # Back-dated messages get back-dated ids, as they would have had on Discord.
    message_id = world.ids.now() if at is None else world.ids.at(moment)
    attachments = []
    for filename, data in (files or {}).items():
        attachment_id = world.ids.now()
        url = url_for(channel.id, attachment_id, filename)
        attachments.append(StoredAttachment(attachment_id, filename, data, url))
    message = StoredMessage(
        id=message_id,
        channel_id=channel.id,
        guild_id=channel.guild_id,
        author=author,
        content=content,
        timestamp=moment,
        embeds=list(embeds or []),
        attachments=attachments,
        mentions=mentioned_users(world, content),
    )
    if reply_to is not None:
        message.type = REPLY
        message.reference = {
            "type": 0,
            "message_id": str(reply_to),
            "channel_id": str(channel.id),
            "guild_id": str(channel.guild_id),
        }
    return store.add(message)


def edited(world: World, message: StoredMessage, content: str, at: datetime | None) -> Payload:
    message.content = content
    message.mentions = mentioned_users(world, content)
    message.edited_at = at or utcnow()
    return gateway_message(world, message)


def deletion(message: StoredMessage) -> Payload:
    data: Payload = {"id": str(message.id), "channel_id": str(message.channel_id)}
    if message.guild_id is not None:
        data["guild_id"] = str(message.guild_id)
    return data


def bulk_deletion(channel: FakeChannel, message_ids: list[int]) -> Payload:
    return {
        "ids": [str(message_id) for message_id in message_ids],
        "channel_id": str(channel.id),
        "guild_id": str(channel.guild_id),
    }
