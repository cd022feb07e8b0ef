"""Interactions the fake sent, and what the bot answered to each of them."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .commands import CHANNEL, MENTIONABLE, ROLE, USER, CommandRegistry, build_invocation
from .entities import FakeChannel, FakeMember, FakeUser
from .messages import EPHEMERAL, LOADING, StoredMessage
from .notify import ChangeNotifier
from .world import FakeGuild, World

Payload = dict[str, Any]

APPLICATION_COMMAND = 2
AUTOCOMPLETE = 4
# Callback types (https://discord.com/developers/docs/interactions/receiving-and-responding)
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


@dataclass
class UploadedFile:
    field: str
    filename: str
    data: bytes
    content_type: str | None = None


@dataclass
class CallbackRecord:
    """One POST /interactions/{id}/{token}/callback as the fake received it."""

    type: int
    data: Payload
    files: list[UploadedFile] = field(default_factory=list)

    @property
    def content(self) -> str | None:
        content = self.data.get("content")
        return None if content is None else str(content)

    @property
    def embeds(self) -> list[Payload]:
        return list(self.data.get("embeds") or [])

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def choices(self) -> list[Payload]:
        return list(self.data.get("choices") or [])


class InteractionHandle:
    """What `invoke_command`/`autocomplete` return: the interaction and the bot's answers."""

    def __init__(self, payload: Payload, notifier: ChangeNotifier) -> None:
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.channel_id = int(payload["channel_id"])
        self.guild_id = int(payload["guild_id"]) if "guild_id" in payload else None
        self.callback: CallbackRecord | None = None
        self.original: StoredMessage | None = None  # the response's message, once there is one
        self.followups: list[StoredMessage] = []
        # The follow-ups' bodies as sent: what the stored message drops (allowed_mentions).
        self.followup_bodies: list[Payload] = []
        self.created = time.monotonic()
        self._notifier = notifier

    def __repr__(self) -> str:
        return f"<InteractionHandle id={self.id} type={self.type} callback={self.callback}>"

    async def response(self) -> CallbackRecord:
        """The initial callback (reply, defer or autocomplete choices)."""
        await self._notifier.wait_for(
            lambda: self.callback is not None, what=f"a callback to {self!r}"
        )
        assert self.callback is not None
        return self.callback

    async def answer(self) -> CallbackRecord:
        """What the user is shown: the reply itself or, after a defer, the first follow-up in the
        reply's shape (its uploaded files stay in `followups[0].attachments`)."""
        reply = await self.response()
        if reply.type != DEFERRED_CHANNEL_MESSAGE:
            return reply
        message = await self.followup(0)
        return CallbackRecord(CHANNEL_MESSAGE, message.payload())

    async def followup(self, index: int = 0) -> StoredMessage:
        await self._notifier.wait_for(
            lambda: len(self.followups) > index, what=f"follow-up #{index}"
        )
        return self.followups[index]

    async def settled_original(self) -> StoredMessage:
        """The original response once it is no longer a "thinking..." placeholder."""

        def settled() -> bool:
            return self.original is not None and not self.original.flags & LOADING

        await self._notifier.wait_for(settled, what="a settled response")
        assert self.original is not None
        return self.original


@dataclass
class CommandUse:
    """Who runs which synced command where: `/name path... options` (focused: autocomplete)."""

    guild: FakeGuild
    channel: FakeChannel
    user: FakeUser
    name: str
    path: Sequence[str] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    focused: str | None = None


def interaction_payload(world: World, commands: CommandRegistry, use: CommandUse) -> Payload:
    """INTERACTION_CREATE for a slash command (type 2) or, with `focused`, its autocomplete (4)."""
    guild, channel = use.guild, use.channel
    command = commands.find(use.name, guild.id)
    if command is None:
        raise LookupError(f"/{use.name} was never synced globally or to guild {guild.name!r}")
    if channel.guild_id != guild.id or use.user.id not in guild.members:
        raise ValueError(f"{channel.name!r} / {use.user.username!r} are not in {guild.name!r}")
    invocation = build_invocation(command, use.path, use.options, focused=use.focused)
    member = guild.members[use.user.id]
    # Discord sends the invoker's and the app's permissions in the channel, overwrites applied.
    here = guild.channel_permissions_of(member.user.id, channel)
    interaction_id = world.ids.now()
    data: Payload = {
        "id": command["id"],
        "name": command["name"],
        "type": command["type"],
        "options": invocation.options,
    }
    if "guild_id" in command:
        # discord.py looks a command up among guild commands only when this is present.
        data["guild_id"] = command["guild_id"]
    resolved = _resolved(world, guild, member, invocation.references)
    if resolved:
        data["resolved"] = resolved
    return {
        "id": str(interaction_id),
        "application_id": str(world.application_id),
        "type": APPLICATION_COMMAND if use.focused is None else AUTOCOMPLETE,
        "token": f"itoken-{interaction_id}",
        "version": 1,
        "data": data,
        "guild_id": str(guild.id),
        "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
        "channel_id": str(channel.id),
        "channel": channel.payload() | {"permissions": str(here)},
        "member": member.payload() | {"permissions": str(here)},
        "app_permissions": str(guild.channel_permissions_of(world.bot.id, channel)),
        "locale": "en-US",
        "guild_locale": guild.locale,
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(guild.id)},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }


def _resolved(
    world: World, guild: FakeGuild, invoker: FakeMember, references: list[tuple[int, int]]
) -> Payload:
    resolved: dict[str, dict[str, Payload]] = {}
    for kind, target in references:
        member = guild.members.get(target)
        channel = world.find_channel(target)
        roles = {role.id: role for role in guild.roles}
        if kind in (USER, MENTIONABLE) and target in world.users:
            resolved.setdefault("users", {})[str(target)] = world.users[target].payload()
            if member is not None:
                resolved.setdefault("members", {})[str(target)] = member.payload(
                    with_user=False
                ) | {"permissions": str(guild.permissions_of(target))}
        elif kind in (ROLE, MENTIONABLE) and target in roles:
            resolved.setdefault("roles", {})[str(target)] = roles[target].payload()
        elif kind == CHANNEL and channel is not None:
            # What the invoking user may do there.
            permissions = str(guild.channel_permissions_of(invoker.user.id, channel))
            resolved.setdefault("channels", {})[str(target)] = channel.payload() | {
                "permissions": permissions
            }
        else:
            raise LookupError(f"option refers to unknown id {target} (option type {kind})")
    return resolved
