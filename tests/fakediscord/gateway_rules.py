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


def ready_payload(world: World, session_id: str, resume_url: str, identify: Payload) -> Payload:
    """READY: guilds arrive as unavailable stubs, each followed by its GUILD_CREATE."""
    bot = world.bot
    return {
        "v": 10,
        "user": bot.payload() | {"verified": True, "mfa_enabled": False},
        "guilds": [{"id": str(gid), "unavailable": True} for gid in world.guilds],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_url,
        "shard": identify.get("shard", [0, 1]),
        "application": {"id": str(world.application_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
    }
