"""REST: interaction callbacks and the interaction webhook (follow-ups, @original)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import events
from .authoring import new_bot_message
from .http_util import API_PREFIX, discord_error, json_reply, no_content, recorded
from .interactions import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    CallbackRecord,
    InteractionHandle,
)
from .messages import EPHEMERAL, LOADING, StoredMessage
from .routes_channels import edit_rejected, publish, publish_edit, rejected

if TYPE_CHECKING:
    from .fake import FakeDiscord

Payload = dict[str, Any]
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060
INVALID_FORM_BODY = 50035
CHAT_INPUT_COMMAND_MESSAGE = 20


class _InteractionRoutes:
    """The handlers of interaction_routes, sharing the fake they answer for."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    def by_token(self, token: str) -> InteractionHandle | None:
        return next((h for h in self.fake.interactions.values() if h.token == token), None)

    def reply_message(
        self, handle: InteractionHandle, data: Payload, request: web.Request
    ) -> StoredMessage:
        message = new_bot_message(
            self.world,
            data,
            recorded(request).files,
            channel_id=handle.channel_id,
            guild_id=handle.guild_id,
            url_for=self.fake.attachment_url,
        )
        message.webhook_id = message.application_id = self.world.application_id
        message.interaction = {
            "id": str(handle.id),
            "type": handle.type,
            "user": handle.payload["member"]["user"],
            "authorizing_integration_owners": handle.payload["authorizing_integration_owners"],
        }
        return message

    def _late(self, handle: InteractionHandle) -> bool:
        deadline = self.fake.callback_deadline
        return deadline is not None and time.monotonic() - handle.created > deadline

    async def callback(self, request: web.Request) -> web.Response:
        handle = self.fake.interactions.get(int(request.match_info["interaction_id"]))
        if handle is None or handle.token != request.match_info["token"] or self._late(handle):
            return discord_error(404, UNKNOWN_INTERACTION, "Unknown interaction")
        if handle.callback is not None:
            return discord_error(
                400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged."
            )
        body = recorded(request).json or {}
        kind, data = int(body.get("type", 0)), body.get("data") or {}
        message: StoredMessage | None = None
        if kind == CHANNEL_MESSAGE:
            message = self.reply_message(handle, data, request)
            message.type = CHAT_INPUT_COMMAND_MESSAGE
            refusal = rejected(message)
            if refusal is not None:
                return refusal
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            # Discord shows a "thinking..." placeholder until the bot edits or follows up.
            placeholder = {"flags": LOADING | (int(data.get("flags") or 0) & EPHEMERAL)}
            message = self.reply_message(handle, placeholder, request)
            message.type = CHAT_INPUT_COMMAND_MESSAGE
        elif kind == AUTOCOMPLETE_RESULT and len(data.get("choices") or []) > 25:
            problem = {"choices": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH"}]}}
            return discord_error(400, INVALID_FORM_BODY, "Invalid Form Body", problem)
        handle.callback = CallbackRecord(kind, data, recorded(request).files)
        if message is not None:
            handle.original = message
            await publish(self.fake, message)
        if recorded(request).query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        return json_reply(_callback_response(handle, kind, message))

    def webhook_target(self, request: web.Request) -> InteractionHandle | web.Response:
        handle = self.by_token(request.match_info["token"])
        app_matches = request.match_info["application_id"] == str(self.world.application_id)
        if handle is None or not app_matches or handle.callback is None:
            return discord_error(404, UNKNOWN_WEBHOOK, "Unknown Webhook")
        return handle

    def webhook_message(
        self,
        request: web.Request,
    ) -> tuple[InteractionHandle, StoredMessage] | web.Response:
        handle = self.webhook_target(request)
        if isinstance(handle, web.Response):
            return handle
        wanted = request.match_info["message_id"]
        if wanted == "@original":
            message = handle.original
        else:
            message = next((m for m in handle.followups if str(m.id) == wanted), None)
        if message is None or message.deleted:
            return discord_error(404, UNKNOWN_MESSAGE, "Unknown Message")
        return handle, message

    async def followup(self, request: web.Request) -> web.Response:
        handle = self.webhook_target(request)
        if isinstance(handle, web.Response):
            return handle
        record = recorded(request)
        original = handle.original
        if original is not None and original.flags & LOADING:
            # The first follow-up after a defer replaces the "thinking..." placeholder.
            refusal = edit_rejected(self.fake, original, request)
            if refusal is not None:
                return refusal
            message = original
            await publish_edit(self.fake, message)
        else:
            message = self.reply_message(handle, record.json or {}, request)
            refusal = rejected(message)
            if refusal is not None:
                return refusal
            await publish(self.fake, message)
        handle.followups.append(message)
        handle.followup_bodies.append(record.json or {})
        if record.query.get("wait") in ("1", "true", "True"):
            return json_reply(message.payload())
        return no_content()

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        found = self.webhook_message(request)
        return found if isinstance(found, web.Response) else json_reply(found[1].payload())

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        found = self.webhook_message(request)
        if isinstance(found, web.Response):
            return found
        refusal = edit_rejected(self.fake, found[1], request)
        if refusal is not None:
            return refusal
        await publish_edit(self.fake, found[1])
        return json_reply(found[1].payload())

    async def delete_webhook_message(self, request: web.Request) -> web.Response:
        found = self.webhook_message(request)
        if isinstance(found, web.Response):
            return found
        message = found[1]
        self.fake.messages.delete(message.id)
        if not message.ephemeral and self.fake.gateway.current is not None:
            await self.fake.dispatch("MESSAGE_DELETE", events.deletion(message))
        return no_content()


def interaction_routes(fake: FakeDiscord) -> list[web.RouteDef]:
    routes = _InteractionRoutes(fake)
    hook = API_PREFIX + "/webhooks/{application_id}/{token}"
    hook_message = hook + "/messages/{message_id}"
    return [
        web.post(API_PREFIX + "/interactions/{interaction_id}/{token}/callback", routes.callback),
        web.post(hook, routes.followup),
        web.get(hook_message, routes.get_webhook_message),
        web.patch(hook_message, routes.edit_webhook_message),
        web.delete(hook_message, routes.delete_webhook_message),
    ]


def _callback_response(
    handle: InteractionHandle, kind: int, message: StoredMessage | None
) -> Payload:
    """The `?with_response=1` body discord.py 2.7 turns into InteractionCallbackResponse."""
    response: Payload = {
        "interaction": {
            "id": str(handle.id),
            "type": handle.type,
            "activity_instance_id": None,
            "response_message_id": None if message is None else str(message.id),
            "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": message is not None and message.ephemeral,
        }
    }
    if message is not None:
        response["resource"] = {"type": kind, "message": message.payload()}
    return response
