"""FakeDiscord: one loopback Discord (REST v10 + gateway v10) per test, and its controls."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from . import events
from .app import QueuedRateLimit, build_app
from .commands import CommandRegistry
from .default_world import default_world
from .entities import ChannelType, FakeChannel, FakeUser
from .gateway import Gateway
from .gateway_rules import PRIVILEGED_INTENTS
from .http_util import RecordedRequest
from .interactions import CommandUse, InteractionHandle, interaction_payload
from .messages import MessageStore, StoredMessage
from .notify import ChangeNotifier
from .snowflakes import snowflake_time
from .world import FakeGuild, World

Payload = dict[str, Any]


class FakeDiscord:
    """Start with `async with FakeDiscord() as fake:`; see tests/e2e/conftest.py for wiring."""

    def __init__(
        self,
        world: World | None = None,
        *,
        token: str = "fake-bot-token",
        heartbeat_interval_ms: int = 41_250,
        allowed_intents: int = PRIVILEGED_INTENTS,
        shard_count: int = 1,
    ) -> None:
        self.world = world or default_world()
        self.token = token
        # What GET /gateway/bot recommends; bots may still IDENTIFY any [id, count].
        self.shard_count = shard_count
        self.notifier = ChangeNotifier()
        self.messages = MessageStore()
        self.commands = CommandRegistry(self.world.ids, self.world.application_id)
        self.interactions: dict[int, InteractionHandle] = {}
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[RecordedRequest] = []
        self.bot_messages: list[StoredMessage] = []  # everything the bot created, in order
        self.rate_limits: list[QueuedRateLimit] = []
        # Channels where the bot's posts are refused with 403 Missing Permissions.
        self.posting_denied: set[int] = set()
        # GET /guilds/{id}/members/{user} answers 403 Missing Access (a member's roles unread).
        self.member_reads_refused = False
        # Discord refuses an interaction's first callback after 3 s (10062 Unknown interaction).
        # Off unless a test sets it: a loaded test machine must not make other tests flaky.
        self.callback_deadline: float | None = None
        self.gateway = Gateway(
            self.world,
            token,
            self.notifier,
            heartbeat_interval_ms=heartbeat_interval_ms,
            allowed_intents=allowed_intents,
        )
        self.port = 0
        self._runner: web.AppRunner | None = None

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        self._runner = web.AppRunner(build_app(self), handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)  # port 0: the OS picks a free one
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.gateway.resume_url = f"ws://127.0.0.1:{self.port}/resume/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self.gateway.close_all()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def attachment_url(self, channel_id: int, attachment_id: int, filename: str) -> str:
        return f"http://127.0.0.1:{self.port}/attachments/{channel_id}/{attachment_id}/{filename}"

    # -- the world ----------------------------------------------------------------------------

    @property
    def guild(self) -> FakeGuild:
        """The main guild (the first one in the world)."""
        return next(iter(self.world.guilds.values()))

    def channel(self, name: str, guild: FakeGuild | None = None) -> FakeChannel:
        return (guild or self.guild).channel(name)

    def user(self, username: str) -> FakeUser:
        return self.world.user(username)

    def posted_in(self, channel: FakeChannel) -> list[StoredMessage]:
        """What the bot has in the channel's history now (no ephemeral or deleted messages)."""
        return [m for m in self.messages.in_channel(channel.id) if m.author.id == self.world.bot.id]

    # -- gateway controls ---------------------------------------------------------------------

    @property
    def identify_count(self) -> int:
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        return self.gateway.resume_count

    @property
    def heartbeat_count(self) -> int:
        return self.gateway.heartbeat_count

    async def dispatch(self, event: str, data: Payload) -> int | None:
        """Send one gateway event; returns its sequence, or None if intents filtered it out."""
        return await self.gateway.dispatch(event, data)

    @property
    def identified_shards(self) -> list[tuple[int, int]]:
        """Every IDENTIFY's [shard id, shard count], in order."""
        return self.gateway.identified_shards

    async def drop_connection(self, code: int = 4000, *, shard_id: int | None = None) -> None:
        """Close the bot's gateway socket (of one shard, or the one identified last);
        discord.py then RESUMEs on the resume URL."""
        await self.gateway.drop(code, shard_id)

    @asynccontextmanager
    async def connection_dropped(self, code: int = 4000) -> AsyncIterator[None]:
        """Drop the connection and keep the bot out until the block ends; dispatches made
        inside the block are delivered by the resume's replay."""
        self.gateway.hold_reconnects()
        try:
            await self.gateway.drop(code)
            yield
        finally:
            self.gateway.release_reconnects()

    async def invalidate_session(
        self, *, resumable: bool = False, shard_id: int | None = None
    ) -> None:
        await self.gateway.invalidate(resumable=resumable, shard_id=shard_id)

    def queue_rate_limit(
        self, method: str, path_regex: str, retry_after: float, *, is_global: bool = False
    ) -> None:
        """Answer the next `method` request whose path (after /api/v10) fully matches with 429."""
        limit = QueuedRateLimit(method.upper(), re.compile(path_regex), retry_after, is_global)
        self.rate_limits.append(limit)

    async def wait_for(self, predicate: Callable[[], bool], *, what: str = "a condition") -> None:
        """Wait (at most notify.WAIT_SECONDS) until `predicate()` holds; it is re-checked after
        every request, gateway frame or dispatch the fake sees."""
        await self.notifier.wait_for(predicate, what=what)

    async def join_guild(self, guild: FakeGuild) -> None:
        """The bot was added to `guild` (already in the world): GUILD_CREATE -> on_guild_join."""
        self.world.guilds[guild.id] = guild
        await self.dispatch("GUILD_CREATE", guild.gateway_payload(newly_joined=True))

    async def leave_guild(self, guild: FakeGuild) -> None:
        """The bot was removed from `guild`: GUILD_DELETE -> on_guild_remove."""
        self.world.guilds.pop(guild.id, None)
        await self.dispatch("GUILD_DELETE", {"id": str(guild.id)})

    # -- what users do --------------------------------------------------------------------------

    def user_message(
        self,
        channel: FakeChannel,
        author: FakeUser,
        content: str,
        *,
        at: datetime | None = None,
        embeds: list[Payload] | None = None,
        files: dict[str, bytes] | None = None,
        reply_to: int | None = None,
    ) -> Payload:
        """Store a message from `author` and return its MESSAGE_CREATE data (not sent yet);
        `reply_to`: the id of the message it replies to."""
        message = events.store_user_message(
            self.world,
            self.messages,
            channel,
            author,
            content,
            at=at,
            embeds=embeds,
            files=files,
            url_for=self.attachment_url,
            reply_to=reply_to,
        )
        referenced = None if reply_to is None else self.messages.get(reply_to)
        if referenced is not None and referenced.deleted:
            referenced = None
        return events.gateway_message(self.world, message, referenced)

    def old_thread(
        self, parent: FakeChannel, title: str, author: FakeUser, text: str
    ) -> FakeChannel:
        """A thread or forum post opened before the bot came: its opening message is stored but
        never sent over the gateway."""
        return self._open_thread(parent, title, author, text)[0]

    def forum_post(
        self, forum: FakeChannel, title: str, author: FakeUser, text: str
    ) -> tuple[FakeChannel, Payload]:
        """A member opens a post in `forum`: the post (a thread, known to the bot from its next
        GUILD_CREATE, as from THREAD_CREATE on Discord) and its opening message's
        MESSAGE_CREATE data (not sent yet)."""
        post, message = self._open_thread(forum, title, author, text, new=True)
        return post, events.gateway_message(self.world, message, None)

    def _open_thread(
        self, parent: FakeChannel, title: str, author: FakeUser, text: str, *, new: bool = False
    ) -> tuple[FakeChannel, StoredMessage]:
        """As on Discord, the opening message has the thread's id, in the post itself under a
        forum and in the parent channel for a thread started from a message."""
        kind = ChannelType.PUBLIC_THREAD
        guild = self.world.guilds[parent.guild_id]
        thread = self.world.add_channel(guild, title, kind, parent=parent, new=new)
        in_post = parent.type is ChannelType.FORUM
        message = self.messages.add(
            StoredMessage(
                id=thread.id,
                channel_id=thread.id if in_post else parent.id,
                guild_id=parent.guild_id,
                author=author,
                content=text,
                timestamp=snowflake_time(thread.id),
            )
        )
        return thread, message

    async def send_user_message(
        self, channel: FakeChannel, author: FakeUser, content: str, **extra: Any
    ) -> Payload:
        """`user_message` + dispatch MESSAGE_CREATE."""
        data = self.user_message(channel, author, content, **extra)
        await self.dispatch("MESSAGE_CREATE", data)
        return data

    def message_edit(self, message_id: int, content: str, *, at: datetime | None = None) -> Payload:
        """Edit a stored message; returns MESSAGE_UPDATE data (a full message, as Discord sends)."""
        return events.edited(self.world, self._message(message_id), content, at)

    def message_delete(self, message_id: int) -> Payload:
        message = self._message(message_id)
        self.messages.delete(message_id)
        return events.deletion(message)

    def message_delete_bulk(self, channel: FakeChannel, message_ids: Sequence[int]) -> Payload:
        for message_id in message_ids:
            self.messages.delete(message_id)
        return events.bulk_deletion(channel, list(message_ids))

    def thread_delete(self, thread: FakeChannel) -> Payload:
        """THREAD_DELETE's payload. Discord sends no MESSAGE_DELETE for the messages in it."""
        return {
            "id": str(thread.id),
            "guild_id": str(thread.guild_id),
            "parent_id": str(thread.parent_id),
            "type": int(thread.type),
        }

    def _message(self, message_id: int) -> StoredMessage:
        message = self.messages.get(message_id)
        if message is None:
            raise KeyError(f"the fake has no message {message_id}")
        return message

    # -- slash commands -----------------------------------------------------------------------

    async def invoke_command(
        self,
        guild: FakeGuild,
        channel: FakeChannel,
        user: FakeUser,
        name: str,
        path: Sequence[str] = (),
        options: Mapping[str, Any] | None = None,
    ) -> InteractionHandle:
        """Dispatch INTERACTION_CREATE for `/name path... options` as the bot synced it."""
        return await self._interact(CommandUse(guild, channel, user, name, path, options or {}))

    async def autocomplete(
        self,
        guild: FakeGuild,
        channel: FakeChannel,
        user: FakeUser,
        name: str,
        path: Sequence[str],
        options: Mapping[str, Any],
        focused: str,
    ) -> InteractionHandle:
        """Dispatch an autocomplete interaction; the handle's response carries `choices`."""
        return await self._interact(CommandUse(guild, channel, user, name, path, options, focused))

    async def _interact(self, use: CommandUse) -> InteractionHandle:
        payload = interaction_payload(self.world, self.commands, use)
        handle = InteractionHandle(payload, self.notifier)
        self.interactions[handle.id] = handle
        await self.dispatch("INTERACTION_CREATE", payload)
        return handle
