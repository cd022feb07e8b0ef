"""Discord's message and embed limits, so a digest that real Discord would reject fails here too."""

from __future__ import annotations

from typing import Any

Payload = dict[str, Any]

EMBED_TEXT_LIMITS = {"title": 256, "description": 4096}
FIELD_LIMITS = {"name": 256, "value": 1024}
EMBED_TOTAL = 6000


def message_problems(content: str, embeds: list[Payload], attachment_count: int) -> dict[str, Any]:
    """Discord-style `errors` for a message as it would be after this request."""
    problems: dict[str, Any] = {}
    if len(content) > 2000:
        problems["content"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    if len(embeds) > 10:
        problems["embeds"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    if attachment_count > 10:
        problems["attachments"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        found, size = _embed_problems(embed)
        total += size
        if found:
            problems.setdefault("embeds", {})[str(index)] = found
    if total > EMBED_TOTAL:
        problems.setdefault("embeds", {})["_errors"] = [
            {
                "code": "MAX_EMBED_SIZE_EXCEEDED",
                "message": "Embed size exceeds maximum size of 6000",
            }
        ]
    return problems


def is_empty(content: str, embeds: list[Payload], attachment_count: int) -> bool:
    return not content and not embeds and not attachment_count


def _error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def _too_long(text: Any, limit: int) -> bool:
    return isinstance(text, str) and len(text) > limit


def _embed_problems(embed: Payload) -> tuple[dict[str, Any], int]:
    """Problems with one embed, and the characters it counts towards the 6000 total."""
    found: dict[str, Any] = {}
    for key, limit in EMBED_TEXT_LIMITS.items():
        if _too_long(embed.get(key), limit):
            found[key] = _error("BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
    fields = embed.get("fields") or []
    if len(fields) > 25:
        found["fields"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for index, field in enumerate(fields):
        for key, limit in FIELD_LIMITS.items():
            text = field.get(key)
            if not text or _too_long(text, limit):
                found.setdefault("fields", {}).setdefault(str(index), {})[key] = _error(
                    "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {limit} in length."
                )
    footer = (embed.get("footer") or {}).get("text")
    author = (embed.get("author") or {}).get("name")
    if _too_long(footer, 2048):
        found["footer"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length.")
    if _too_long(author, 256):
        found["author"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length.")
    texts = [embed.get("title"), embed.get("description"), footer, author]
    texts += [field.get(key) for field in fields for key in FIELD_LIMITS]
    return found, sum(len(text) for text in texts if isinstance(text, str))
