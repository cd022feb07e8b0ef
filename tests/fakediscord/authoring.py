"""Turning message bodies (create or edit, JSON or multipart) into stored messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .entities import FakeUser
from .interactions import UploadedFile
from .messages import EPHEMERAL, LOADING, StoredAttachment, StoredMessage
from .snowflakes import SnowflakeFactory, snowflake_time, utcnow
from .world import World

Payload = dict[str, Any]
UrlFor = Callable[[int, int, str], str]  # (channel id, attachment id, filename) -> download URL
_FILE_FIELD = re.compile(r"files\[(\d+)\]|file")
_USER_MENTION = re.compile(r"<@!?(\d+)>")


def mentioned_users(world: World, content: str) -> list[FakeUser]:
    ids = dict.fromkeys(int(raw) for raw in _USER_MENTION.findall(content))
    return [world.users[user_id] for user_id in ids if user_id in world.users]


def _uploads_by_index(files: list[UploadedFile]) -> dict[int, UploadedFile]:
    by_index: dict[int, UploadedFile] = {}
    for upload in files:
        match = _FILE_FIELD.fullmatch(upload.field)
        if match is not None:
            by_index[int(match.group(1) or 0)] = upload
    return by_index


def attachments_from(
    body: Payload,
    files: list[UploadedFile],
    *,
    channel_id: int,
    ids: SnowflakeFactory,
    url_for: UrlFor,
    existing: list[StoredAttachment] | None = None,
) -> list[StoredAttachment]:
    """The message's attachments after this body: kept ones (by id) plus new uploads.

    In a multipart body, `attachments[i].id` is the index n of the `files[n]` part for a new
    upload, or the snowflake of an attachment the message already has.
    """
    uploads = _uploads_by_index(files)
    kept = {attachment.id: attachment for attachment in existing or []}
    listed: list[Payload] | None = body.get("attachments")
    if listed is None:  # no list: keep everything and add every upload
        ids_in_order = [a.id for a in existing or []] + sorted(uploads)
        listed = [{"id": ref} for ref in ids_in_order]
    result: list[StoredAttachment] = []
    for entry in listed:
        ref = int(entry["id"])
        if ref in kept:
            result.append(kept[ref])
        elif ref in uploads:
            upload = uploads[ref]
            new_id = ids.now()
            filename = entry.get("filename") or upload.filename
            result.append(
                StoredAttachment(
                    id=new_id,
                    filename=filename,
                    data=upload.data,
                    url=url_for(channel_id, new_id, filename),
                    content_type=upload.content_type,
                    description=entry.get("description"),
                )
            )
    return result


def new_bot_message(
    world: World,
    body: Payload,
    files: list[UploadedFile],
    *,
    channel_id: int,
    guild_id: int | None,
    url_for: UrlFor,
    extra_flags: int = 0,
) -> StoredMessage:
    """A message the bot creates (channel post, interaction reply or follow-up)."""
    message_id = world.ids.now()
    content = str(body.get("content") or "")
    return StoredMessage(
        id=message_id,
        channel_id=channel_id,
        guild_id=guild_id,
        author=world.bot,
        content=content,
        timestamp=snowflake_time(message_id),
        embeds=list(body.get("embeds") or []),
        attachments=attachments_from(
            body, files, channel_id=channel_id, ids=world.ids, url_for=url_for
        ),
        mentions=mentioned_users(world, content),
        flags=int(body.get("flags") or 0) | extra_flags,
        reference=body.get("message_reference"),
    )


def apply_edit(
    world: World,
    message: StoredMessage,
    body: Payload,
    files: list[UploadedFile],
    *,
    url_for: UrlFor,
) -> None:
    """PATCH semantics: only the fields present change; editing settles a deferred reply."""
    if "content" in body:
        message.content = str(body["content"] or "")
        message.mentions = mentioned_users(world, message.content)
    if "embeds" in body:
        message.embeds = list(body["embeds"] or [])
    if "attachments" in body or files:
        message.attachments = attachments_from(
            body,
            files,
            channel_id=message.channel_id,
            ids=world.ids,
            url_for=url_for,
            existing=message.attachments,
        )
    if "flags" in body:
        # Ephemerality is fixed at creation; only the other flags can be edited.
        message.flags = (message.flags & EPHEMERAL) | (int(body["flags"] or 0) & ~EPHEMERAL)
    message.flags &= ~LOADING
    message.edited_at = utcnow()
