"""REST: who am I, the gateway URL, application commands, guilds and members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from .commands import validate_commands
from .http_util import API_PREFIX, discord_error, json_reply, recorded, snowflake_param

if TYPE_CHECKING:
    from .fake import FakeDiscord

APPLICATION_FLAGS = (1 << 15) | (1 << 19)  # members and message-content intents "limited"
UNKNOWN_APPLICATION = 10002
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
MISSING_ACCESS = 50001
INVALID_FORM_BODY = 50035


class _MetaRoutes:
    """The handlers of meta_routes, sharing the fake they answer for."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    async def current_user(self, request: web.Request) -> web.Response:
        return json_reply(self.world.bot.payload() | {"verified": True, "mfa_enabled": False})

    async def application(self, request: web.Request) -> web.Response:
        owner = self.world.users[next(iter(self.world.guilds.values())).owner_id]
        return json_reply(
            {
                "id": str(self.world.application_id),
                "name": self.world.bot.global_name or self.world.bot.username,
                "icon": None,
                "description": "A fake application on a fake Discord",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": owner.payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": APPLICATION_FLAGS,
                "interactions_endpoint_url": None,
                "bot": self.world.bot.payload(),
            }
        )

    async def gateway(self, request: web.Request) -> web.Response:
        return json_reply({"url": self.fake.gateway_url})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_reply(
            {
                "url": self.fake.gateway_url,
                "shards": self.fake.shard_count,
                "session_start_limit": limit,
            }
        )

    def scope(self, request: web.Request) -> int | web.Response | None:
        """The guild a commands route is about (None = global), or the error to answer."""
        if snowflake_param(request, "application_id") != self.world.application_id:
            return discord_error(404, UNKNOWN_APPLICATION, "Unknown Application")
        if "guild_id" not in request.match_info:
            return None
        guild_id = snowflake_param(request, "guild_id")
        if guild_id not in self.world.guilds:
            return discord_error(404, UNKNOWN_GUILD, "Unknown Guild")
        return guild_id

    async def put_commands(self, request: web.Request) -> web.Response:
        guild_id = self.scope(request)
        if isinstance(guild_id, web.Response):
            return guild_id
        body = recorded(request).json
        if not isinstance(body, list):
            return discord_error(400, INVALID_FORM_BODY, "Invalid Form Body")
        errors = validate_commands(body)
        if errors:
            return discord_error(400, INVALID_FORM_BODY, "Invalid Form Body", errors)
        return json_reply(self.fake.commands.overwrite(guild_id, body))

    async def get_commands(self, request: web.Request) -> web.Response:
        guild_id = self.scope(request)
        if isinstance(guild_id, web.Response):
            return guild_id
        return json_reply(self.fake.commands.listed(guild_id))

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(snowflake_param(request, "guild_id") or 0)
        if guild is None:
            return discord_error(404, UNKNOWN_GUILD, "Unknown Guild")
        return json_reply(guild.rest_payload())

    async def guild_channels(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(snowflake_param(request, "guild_id") or 0)
        if guild is None:
            return discord_error(404, UNKNOWN_GUILD, "Unknown Guild")
        # Threads are not guild channels in this listing, as on Discord.
        return json_reply([c.payload() for c in guild.channels if not c.is_thread])

    async def guild_member(self, request: web.Request) -> web.Response:
        guild = self.world.guilds.get(snowflake_param(request, "guild_id") or 0)
        if guild is None:
            return discord_error(404, UNKNOWN_GUILD, "Unknown Guild")
        if self.fake.member_reads_refused:
            return discord_error(403, MISSING_ACCESS, "Missing Access")
        member = guild.members.get(snowflake_param(request, "user_id") or 0)
        if member is None:
            return discord_error(404, UNKNOWN_MEMBER, "Unknown Member")
        return json_reply(member.payload())


def meta_routes(fake: FakeDiscord) -> list[web.RouteDef]:
    routes = _MetaRoutes(fake)
    api = API_PREFIX
    app_commands = api + "/applications/{application_id}/commands"
    guild_commands = api + "/applications/{application_id}/guilds/{guild_id}/commands"
    return [
        web.get(api + "/users/@me", routes.current_user),
        web.get(api + "/oauth2/applications/@me", routes.application),
        web.get(api + "/gateway", routes.gateway),
        web.get(api + "/gateway/bot", routes.gateway_bot),
        web.put(app_commands, routes.put_commands),
        web.get(app_commands, routes.get_commands),
        web.put(guild_commands, routes.put_commands),
        web.get(guild_commands, routes.get_commands),
        web.get(api + "/guilds/{guild_id}", routes.get_guild),
        web.get(api + "/guilds/{guild_id}/channels", routes.guild_channels),
        web.get(api + "/guilds/{guild_id}/members/{user_id}", routes.guild_member),
    ]
