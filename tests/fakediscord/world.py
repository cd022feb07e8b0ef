"""The fake's guilds and the world that holds them (what exists before a test adds messages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .entities import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    THREAD_TYPES,
    WORLD_CREATED,
    ChannelType,
    FakeChannel,
    FakeMember,
    FakeRole,
    FakeUser,
)
from .snowflakes import SnowflakeFactory, iso

Payload = dict[str, Any]


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: list[FakeRole] = field(default_factory=list)
    channels: list[FakeChannel] = field(default_factory=list)
    members: dict[int, FakeMember] = field(default_factory=dict)
    locale: str = "en-US"

    def channel(self, name: str) -> FakeChannel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(f"no channel named {name!r} in guild {self.name!r}")

    def role(self, name: str) -> FakeRole:
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(f"no role named {name!r} in guild {self.name!r}")

    def permissions_of(self, user_id: int) -> int:
        """Guild-level permissions (a channel's overwrites: `channel_permissions_of`)."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members[user_id]
        held = {self.id, *member.role_ids}  # the @everyone role's id is the guild's id
        bits = 0
        for role in self.roles:
            if role.id in held:
                bits |= role.permissions
        return ALL_PERMISSIONS if bits & ADMINISTRATOR else bits

    def channel_permissions_of(self, user_id: int, channel: FakeChannel) -> int:
        """Permissions in `channel` as Discord computes them: the guild's, then the channel's
        overwrites for @everyone, for the member's roles together, then for the member. A
        thread follows its parent."""
        bits = self.permissions_of(user_id)
        if bits & ADMINISTRATOR:
            return bits
        if channel.parent_id is not None and channel.is_thread:
            parent = next((c for c in self.channels if c.id == channel.parent_id), None)
            if parent is not None:
                channel = parent
        member = self.members[user_id]
        by_id = {overwrite.id: overwrite for overwrite in channel.overwrites}
        everyone = by_id.get(self.id)
        if everyone is not None and not everyone.for_member:
            bits = (bits & ~everyone.deny) | everyone.allow
        roles = [by_id[r] for r in member.role_ids if r in by_id and not by_id[r].for_member]
        denied = allowed = 0
        for overwrite in roles:
            denied |= overwrite.deny
            allowed |= overwrite.allow
        bits = (bits & ~denied) | allowed
        own = by_id.get(user_id)
        if own is not None and own.for_member:
            bits = (bits & ~own.deny) | own.allow
        return bits

    def rest_payload(self) -> Payload:
        """GET /guilds/{id}: the guild without gateway-only lists."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": None,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "preferred_locale": self.locale,
            "features": [],
            "roles": [role.payload() for role in self.roles],
            "emojis": [],
            "stickers": [],
            "max_members": 500000,
            "approximate_member_count": len(self.members),
        }

    def gateway_payload(self, *, newly_joined: bool = False) -> Payload:
        """GUILD_CREATE: everything, so discord.py's cache is complete without chunking.

        `unavailable: false` marks a guild from READY becoming available; a guild the bot
        has just joined comes without the key (discord.py then fires on_guild_join).
        """
        availability: Payload = {} if newly_joined else {"unavailable": False}
        return (
            self.rest_payload()
            | availability
            | {
                "large": False,
                "joined_at": iso(WORLD_CREATED),
                "member_count": len(self.members),
                "members": [member.payload() for member in self.members.values()],
                "channels": [c.payload() for c in self.channels if not c.is_thread],
                "threads": [c.payload() for c in self.channels if c.is_thread and not c.archived],
                "presences": [],
                "voice_states": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
            }
        )


@dataclass
class World:
    """Everything that exists on the fake Discord before a test adds messages."""

    ids: SnowflakeFactory
    application_id: int
    bot: FakeUser
    users: dict[int, FakeUser] = field(default_factory=dict)
    guilds: dict[int, FakeGuild] = field(default_factory=dict)

    def user(self, username: str) -> FakeUser:
        for user in self.users.values():
            if user.username == username:
                return user
        raise KeyError(f"no user named {username!r}")

    def guild(self, name: str) -> FakeGuild:
        for guild in self.guilds.values():
            if guild.name == name:
                return guild
        raise KeyError(f"no guild named {name!r}")

    def find_channel(self, channel_id: int) -> FakeChannel | None:
        for guild in self.guilds.values():
            for channel in guild.channels:
                if channel.id == channel_id:
                    return channel
        return None

    def add_user(self, username: str, *, bot: bool = False) -> FakeUser:
        user = FakeUser(self.ids.at(WORLD_CREATED), username, bot=bot, global_name=username.title())
        self.users[user.id] = user
        return user

    def add_guild(
        self, name: str, *, owner: FakeUser, created: datetime = WORLD_CREATED
    ) -> FakeGuild:
        """A guild; its id encodes `created`, which also decides its shard (id >> 22)."""
        guild = FakeGuild(self.ids.at(created), name, owner.id)
        guild.roles.append(FakeRole(guild.id, "@everyone", EVERYONE_PERMISSIONS, 0))
        bot_role = FakeRole(
            self.ids.at(WORLD_CREATED), self.bot.username, EVERYONE_PERMISSIONS, 1, self.bot.id
        )
        guild.roles.append(bot_role)
        guild.members[self.bot.id] = FakeMember(self.bot, [bot_role.id])
        guild.members[owner.id] = FakeMember(owner, [])
        self.guilds[guild.id] = guild
        return guild

    def add_role(self, guild: FakeGuild, name: str, permissions: int) -> FakeRole:
        role = FakeRole(self.ids.at(WORLD_CREATED), name, permissions, len(guild.roles))
        guild.roles.append(role)
        return role

    def add_member(self, guild: FakeGuild, user: FakeUser, *roles: FakeRole) -> FakeMember:
        member = FakeMember(user, [role.id for role in roles])
        guild.members[user.id] = member
        return member

    def add_channel(
        self,
        guild: FakeGuild,
        name: str,
        kind: ChannelType = ChannelType.TEXT,
        *,
        parent: FakeChannel | None = None,
        topic: str | None = None,
        new: bool = False,
    ) -> FakeChannel:
        """A channel of `guild`, made with the world unless `new` (made now: a fresh id)."""
        channel = FakeChannel(
            self.ids.now() if new else self.ids.at(WORLD_CREATED),
            guild.id,
            name,
            kind,
            position=len(guild.channels),
            parent_id=None if parent is None else parent.id,
            topic=topic,
            owner_id=guild.owner_id if kind in THREAD_TYPES else None,
            member_ids={guild.owner_id} if kind in THREAD_TYPES else set(),
        )
        guild.channels.append(channel)
        return channel
