"""Request bodies in, Discord-shaped responses out, and the record of every REST call."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .interactions import UploadedFile

API_PREFIX = "/api/v10"


@dataclass
class RecordedRequest:
    """One REST call as the fake saw it; `path` is relative to /api/v10."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile] = field(default_factory=list)
    status: int = 0

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


RECORD_KEY = web.RequestKey("fakediscord.record", RecordedRequest)


def recorded(request: web.Request) -> RecordedRequest:
    """The record (with the parsed body) the middleware made for this request."""
    return request[RECORD_KEY]


def json_reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses a body as JSON only if Content-Type is exactly "application/json";
    # aiohttp's json_response appends "; charset=utf-8", so it is not used here.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def discord_error(
    status: int, code: int, message: str, errors: dict[str, Any] | None = None
) -> web.Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors:
        body["errors"] = errors
    return json_reply(body, status)


def no_content() -> web.Response:
    return web.Response(status=204)


def snowflake_param(request: web.Request, name: str) -> int | None:
    """A path or query snowflake; None when absent or not a number."""
    raw = request.match_info.get(name, request.query.get(name))
    return int(raw) if raw is not None and raw.isdigit() else None


async def read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """The JSON payload (also from multipart `payload_json`) and any uploaded files."""
    if request.content_type == "application/json":
        text = await request.text()
        return (json.loads(text) if text else None), []
    if request.content_type != "multipart/form-data":
        return None, []
    form = await request.post()
    payload: Any = None
    files: list[UploadedFile] = []
    for name, value in form.items():
        if isinstance(value, web.FileField):
            with value.file:  # a spooled temp file; closing it avoids ResourceWarnings
                files.append(
                    UploadedFile(name, value.filename, value.file.read(), value.content_type)
                )
        elif name == "payload_json":
            payload = json.loads(str(value))
    return payload, files
