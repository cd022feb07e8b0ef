"""Users, roles, channels and members of the fake, with their Discord payloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from .snowflakes import iso

Payload = dict[str, Any]

# Permission bits the fake hands out (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | ADD_REACTIONS
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
)

# Fixed creation time for the static world, so every message id a test makes is newer.
WORLD_CREATED = datetime(2024, 1, 1, tzinfo=UTC)


class ChannelType(IntEnum):
    TEXT = 0
    CATEGORY = 4
    NEWS = 5
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    FORUM = 15


THREAD_TYPES = (ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD)


@dataclass
class FakeUser:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int
    bot_id: int | None = None

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.bot_id is not None,
            "mentionable": False,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class FakeOverwrite:
    """One permission overwrite of a channel: for a role (the @everyone role's id is the
    guild's) or for one member."""

    id: int
    allow: int = 0
    deny: int = 0
    for_member: bool = False

    def payload(self) -> Payload:
        return {
            "id": str(self.id),
            "type": 1 if self.for_member else 0,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass
class FakeChannel:
    id: int
    guild_id: int
    name: str
    type: ChannelType
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    owner_id: int | None = None  # threads only
    # An archived thread is left out of GUILD_CREATE, as on Discord: only asking finds it.
    archived: bool = False
    # Who joined the thread (threads only). A private thread is readable by its members and by
    # those with Manage Threads, whatever its parent channel allows.
    member_ids: set[int] = field(default_factory=set)
    # Permission overwrites (not threads: they follow their parent), as Discord sends them.
    overwrites: list[FakeOverwrite] = field(default_factory=list)

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    def payload(self) -> Payload:
        data: Payload = {
            "id": str(self.id),
            "type": int(self.type),
            "guild_id": str(self.guild_id),
            "name": self.name,
            "parent_id": None if self.parent_id is None else str(self.parent_id),
            "flags": 0,
            "nsfw": False,
            "rate_limit_per_user": 0,
            "last_message_id": None,
        }
        if self.is_thread:
            data |= {
                "owner_id": str(self.owner_id),
                "message_count": 0,
                "member_count": len(self.member_ids),
                "total_message_sent": 0,
                "thread_metadata": {
                    "archived": self.archived,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso(WORLD_CREATED),
                    "locked": False,
                    "create_timestamp": iso(WORLD_CREATED),
                },
            }
            return data
        data |= {
            "position": self.position,
            "permission_overwrites": [overwrite.payload() for overwrite in self.overwrites],
        }
        if self.type in (ChannelType.TEXT, ChannelType.NEWS, ChannelType.FORUM):
            data |= {"topic": self.topic, "default_auto_archive_duration": 1440}
        if self.type is ChannelType.FORUM:
            data |= {
                "available_tags": [],
                "default_reaction_emoji": None,
                "default_sort_order": None,
                "default_forum_layout": 0,
                "default_thread_rate_limit_per_user": 0,
            }
        return data


@dataclass
class FakeMember:
    user: FakeUser
    role_ids: list[int]
    nick: str | None = None
    joined_at: datetime = WORLD_CREATED

    def payload(self, *, with_user: bool = True) -> Payload:
        data: Payload = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(role_id) for role_id in self.role_ids],
            "joined_at": iso(self.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data
