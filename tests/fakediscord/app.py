"""The aiohttp application: recording, injected rate limits, auth, and Discord-style 404s."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .http_util import (
    API_PREFIX,
    RECORD_KEY,
    RecordedRequest,
    discord_error,
    json_reply,
    read_body,
)
from .routes_channels import channel_routes
from .routes_interactions import interaction_routes
from .routes_meta import meta_routes

if TYPE_CHECKING:
    from .fake import FakeDiscord

# Interaction callbacks and webhooks authenticate with the token in the URL, not a header.
_TOKEN_IN_URL = re.compile(r"/(interactions|webhooks)/")


@dataclass
class QueuedRateLimit:
    method: str
    path: re.Pattern[str]
    retry_after: float
    is_global: bool = False


def build_app(fake: FakeDiscord) -> web.Application:
    app = web.Application(middlewares=[_api_middleware(fake)])
    app.router.add_get("/", fake.gateway.handle)
    app.router.add_get("/resume/", fake.gateway.handle)
    app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", _file_server(fake))
    app.add_routes(meta_routes(fake) + channel_routes(fake) + interaction_routes(fake))
    return app


def _file_server(fake: FakeDiscord) -> Handler:
    """Attachment downloads (`Attachment.read()`), from the URLs the fake put in messages."""

    async def serve(request: web.Request) -> web.StreamResponse:
        wanted = int(request.match_info["attachment_id"])
        for message in fake.messages.in_channel(int(request.match_info["channel_id"])):
            for attachment in message.attachments:
                if attachment.id == wanted:
                    return web.Response(body=attachment.data)
        return web.Response(status=404)

    return serve


def _api_middleware(fake: FakeDiscord) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        payload, files = await read_body(request)
        path = request.path.removeprefix(API_PREFIX)
        record = RecordedRequest(request.method, path, dict(request.query), payload, files)
        request[RECORD_KEY] = record
        fake.requests.append(record)
        try:
            response = await _answer(fake, request, handler, record)
            record.status = response.status
            return response
        finally:
            fake.notifier.changed()

    return middleware


async def _answer(
    fake: FakeDiscord, request: web.Request, handler: Handler, record: RecordedRequest
) -> web.StreamResponse:
    limited = _take_rate_limit(fake.rate_limits, record)
    if limited is not None:
        # discord.py retries a 429 only when a proxy (`Via`) answered and the body is JSON.
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(limited.retry_after),
            "X-RateLimit-Scope": "global" if limited.is_global else "user",
        }
        if limited.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": limited.retry_after,
            "global": limited.is_global,
        }
        return json_reply(body, 429, headers)
    authorized = request.headers.get("Authorization") == f"Bot {fake.token}"
    if not authorized and not _TOKEN_IN_URL.match(record.path):
        return discord_error(401, 0, "401: Unauthorized")
    try:
        return await handler(request)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as exc:
        fake.unhandled.append(record)
        return discord_error(exc.status, 0, f"{exc.status}: {exc.reason}")


def _take_rate_limit(
    queue: list[QueuedRateLimit], record: RecordedRequest
) -> QueuedRateLimit | None:
    for index, limit in enumerate(queue):
        if limit.method == record.method and limit.path.fullmatch(record.path):
            return queue.pop(index)
    return None
