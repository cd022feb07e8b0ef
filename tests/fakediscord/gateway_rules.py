"""What the gateway sends a session: intent filtering, privileged content, READY."""

from __future__ import annotations

from typing import Any

from .world import World

Payload = dict[str, Any]

GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
MESSAGE_EVENTS = frozenset(
    {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"}
)


def visible_to(intents: int, event: str, data: Payload, bot_id: int) -> Payload | None:
    """What Discord would send this session: message events need intents, content is privileged."""
    if event not in MESSAGE_EVENTS:
        return data
    in_guild = "guild_id" in data
    if not intents & (GUILD_MESSAGES if in_guild else DIRECT_MESSAGES):
        return None
    if event == "MESSAGE_DELETE" or event == "MESSAGE_DELETE_BULK":
        return data
    mentioned = any(int(user["id"]) == bot_id for user in data.get("mentions", []))
    own = int(data.get("author", {}).get("id", 0)) == bot_id
    if in_guild and not intents & MESSAGE_CONTENT and not (mentioned or own):
        return data | {"content": "", "embeds": [], "attachments": [], "components": []}
    return data


# Events about a guild name it in "guild_id", except the guild's own events, which use "id".
GUILD_OWN_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (guild_id >> 22) % shard_count


def event_guild(event: str, data: Payload) -> int | None:
    """The guild an event belongs to; None for events outside guilds (DMs, READY...)."""
    raw = data.get("id") if event in GUILD_OWN_EVENTS else data.get("guild_id")
    return None if raw is None else int(raw)


def is_for_shard(event: str, data: Payload, shard: tuple[int, int]) -> bool:
    """Whether shard [id, count] gets the event: its guilds' events; the rest go to shard 0."""
    guild_id = event_guild(event, data)
    shard_id, count = shard
    return shard_id == (0 if guild_id is None else shard_of(guild_id, count))


def valid_shard(value: object) -> tuple[int, int] | None:
    """IDENTIFY's `shard: [id, count]`, or None when malformed (Discord closes with 4010)."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    shard_id, count = value
    if not (isinstance(shard_id, int) and isinstance(count, int) and 0 <= shard_id < count):
        return None
    return shard_id, count


def ready_payload(
    world: World, session_id: str, resume_url: str, shard: tuple[int, int]
) -> Payload:
    """READY: the shard's guilds arrive as unavailable stubs, each followed by its GUILD_CREATE."""
    bot = world.bot
    guilds = [gid for gid in world.guilds if shard_of(gid, shard[1]) == shard[0]]
    return {
        "v": 10,
        "user": bot.payload() | {"verified": True, "mfa_enabled": False},
        "guilds": [{"id": str(gid), "unavailable": True} for gid in guilds],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_url,
        "shard": list(shard),
        "application": {"id": str(world.application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
    }
