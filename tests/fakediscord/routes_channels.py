"""REST: channels and their messages (post, edit, delete, history)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import events
from .authoring import apply_edit, new_bot_message
from .entities import MANAGE_MESSAGES, WORLD_CREATED, FakeChannel
from .http_util import (
    API_PREFIX,
    discord_error,
    json_reply,
    no_content,
    recorded,
    snowflake_param,
)
from .limits import is_empty, message_problems
from .messages import StoredMessage
from .snowflakes import iso

if TYPE_CHECKING:
    from .fake import FakeDiscord

UNKNOWN_CHANNEL = 10003
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
EMPTY_MESSAGE = 50006
NOT_AUTHOR = 50005
MISSING_PERMISSIONS = 50013
INVALID_FORM_BODY = 50035


def rejected(message: StoredMessage) -> web.Response | None:
    """The 400 Discord would give for this message, or None if it is acceptable."""
    if is_empty(message.content, message.embeds, len(message.attachments)):
        return discord_error(400, EMPTY_MESSAGE, "Cannot send an empty message")
    problems = message_problems(message.content, message.embeds, len(message.attachments))
    if problems:
        return discord_error(400, INVALID_FORM_BODY, "Invalid Form Body", problems)
    return None


async def publish(fake: FakeDiscord, message: StoredMessage) -> None:
    """Store a bot-made message and echo it on the gateway, as Discord does for own messages."""
    fake.messages.add(message)
    fake.bot_messages.append(message)
    if not message.ephemeral and fake.gateway.current is not None:
        await fake.dispatch("MESSAGE_CREATE", events.gateway_message(fake.world, message))


async def publish_edit(fake: FakeDiscord, message: StoredMessage) -> None:
    if not message.ephemeral and fake.gateway.current is not None:
        await fake.dispatch("MESSAGE_UPDATE", events.gateway_message(fake.world, message))


def edit_rejected(
    fake: FakeDiscord, message: StoredMessage, request: web.Request
) -> web.Response | None:
    """Apply a PATCH body to a copy first, so a rejected edit leaves the message untouched."""
    record = recorded(request)
    trial = dataclasses.replace(message)
    apply_edit(fake.world, trial, record.json or {}, record.files, url_for=fake.attachment_url)
    refusal = rejected(trial)
    if refusal is None:
        vars(message).update(vars(trial))
    return refusal


class _ChannelRoutes:
    """The handlers of channel_routes, sharing the fake they answer for."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    def target(self, request: web.Request) -> FakeChannel | web.Response:
        channel = self.world.find_channel(snowflake_param(request, "channel_id") or 0)
        if channel is None:
            return discord_error(404, UNKNOWN_CHANNEL, "Unknown Channel")
        return channel

    def target_message(self, request: web.Request) -> StoredMessage | web.Response:
        channel = self.target(request)
        if isinstance(channel, web.Response):
            return channel
        message = self.fake.messages.get(snowflake_param(request, "message_id") or 0)
        if message is None or message.deleted or message.channel_id != channel.id:
            return discord_error(404, UNKNOWN_MESSAGE, "Unknown Message")
        return message

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self.target(request)
        return channel if isinstance(channel, web.Response) else json_reply(channel.payload())

    async def post_message(self, request: web.Request) -> web.Response:
        channel = self.target(request)
        if isinstance(channel, web.Response):
            return channel
        if channel.id in self.fake.posting_denied:
            return discord_error(403, MISSING_PERMISSIONS, "Missing Permissions")
        record = recorded(request)
        message = new_bot_message(
            self.world,
            record.json or {},
            record.files,
            channel_id=channel.id,
            guild_id=channel.guild_id,
            url_for=self.fake.attachment_url,
        )
        refusal = rejected(message)
        if refusal is not None:
            return refusal
        await publish(self.fake, message)
        return json_reply(message.payload())

    async def history(self, request: web.Request) -> web.Response:
        channel = self.target(request)
        if isinstance(channel, web.Response):
            return channel
        anchors = {
            name: snowflake_param(request, name)
            for name in ("before", "after", "around")
            if name in request.query
        }
        limit = int(request.query.get("limit", "50"))
        if len(anchors) > 1 or not 1 <= limit <= 100:
            problem = {"limit": {"_errors": [{"code": "NUMBER_TYPE_MAX", "message": "1-100"}]}}
            return discord_error(400, INVALID_FORM_BODY, "Invalid Form Body", problem)
        found = self.fake.messages.history(channel.id, limit=limit, **anchors)
        return json_reply([self.read(message) for message in found])

    def read(self, message: StoredMessage) -> dict[str, Any]:
        """A message as REST returns it: a reply with the message it answers (null once that
        one is deleted)."""
        data = message.payload()
        if message.reference is not None:
            answered = self.fake.messages.get(int(message.reference["message_id"]))
            alive = answered is not None and not answered.deleted
            data["referenced_message"] = answered.payload() if alive and answered else None
        return data

    async def get_message(self, request: web.Request) -> web.Response:
        message = self.target_message(request)
        return message if isinstance(message, web.Response) else json_reply(self.read(message))

    async def edit_message(self, request: web.Request) -> web.Response:
        message = self.target_message(request)
        if isinstance(message, web.Response):
            return message
        if message.author.id != self.world.bot.id:
            return discord_error(403, NOT_AUTHOR, "Cannot edit a message authored by another user")
        refusal = edit_rejected(self.fake, message, request)
        if refusal is not None:
            return refusal
        await publish_edit(self.fake, message)
        return json_reply(message.payload())

    async def delete_message(self, request: web.Request) -> web.Response:
        message = self.target_message(request)
        if isinstance(message, web.Response):
            return message
        guild = self.world.guilds[message.guild_id] if message.guild_id is not None else None
        own = message.author.id == self.world.bot.id
        if not own and (
            guild is None or not guild.permissions_of(self.world.bot.id) & MANAGE_MESSAGES
        ):
            return discord_error(403, MISSING_PERMISSIONS, "Missing Permissions")
        self.fake.messages.delete(message.id)
        if self.fake.gateway.current is not None:
            await self.fake.dispatch("MESSAGE_DELETE", events.deletion(message))
        return no_content()

    async def thread_member(self, request: web.Request) -> web.Response:
        # https://discord.com/developers/docs/resources/channel#get-thread-member: the thread
        # member object, or 404 when the user is not in the thread.
        channel = self.target(request)
        if isinstance(channel, web.Response):
            return channel
        user_id = snowflake_param(request, "user_id") or 0
        if not channel.is_thread or user_id not in channel.member_ids:
            return discord_error(404, UNKNOWN_MEMBER, "Unknown Member")
        return json_reply(
            {
                "id": str(channel.id),
                "user_id": str(user_id),
                "join_timestamp": iso(WORLD_CREATED),
                "flags": 0,
            }
        )

    async def typing(self, request: web.Request) -> web.Response:
        channel = self.target(request)
        return channel if isinstance(channel, web.Response) else no_content()


def channel_routes(fake: FakeDiscord) -> list[web.RouteDef]:
    routes = _ChannelRoutes(fake)
    messages = API_PREFIX + "/channels/{channel_id}/messages"
    one = messages + "/{message_id}"
    return [
        web.get(API_PREFIX + "/channels/{channel_id}", routes.get_channel),
        web.post(API_PREFIX + "/channels/{channel_id}/typing", routes.typing),
        web.get(
            API_PREFIX + "/channels/{channel_id}/thread-members/{user_id}", routes.thread_member
        ),
        web.post(messages, routes.post_message),
        web.get(messages, routes.history),
        web.get(one, routes.get_message),
        web.patch(one, routes.edit_message),
        web.delete(one, routes.delete_message),
    ]
