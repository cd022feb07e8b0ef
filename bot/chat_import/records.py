"""What the export reader hands out: one flat message record, or one clear error."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

SNIPPET_CHARS = 40


class ExportError(Exception):
    """A DiscordChatExporter file that cannot be read; the message is one line naming the file."""

    @classmethod
    def at(cls, path: Path | str, problem: str) -> ExportError:
        return cls(one_line(f"{path}: {problem}"))


class ExportRole(NamedTuple):
    """One of a message author's roles, as DiscordChatExporter writes it beside the author."""

    role_id: int
    name: str


class ExportMessage(NamedTuple):
    """One message of an export, flattened with the guild and channel it was exported from (a
    named tuple: one is built per message read, at a quarter of a frozen dataclass's cost)."""

    message_id: int
    guild_id: int
    guild_name: str
    channel_id: int
    channel_name: str
    author_id: int
    author_name: str
    author_is_bot: bool
    created_at: float  # unix seconds UTC
    edited: bool
    kind: str  # DCE "type": "Default", "Reply", "GuildMemberJoin", ...
    content: str
    replies_to: int | None = None  # the message a reply answers
    # The author's roles, read only when asked for (a team is named, or kept for the export's
    # guild): None when not read, or when the export has no `roles` (DiscordChatExporter
    # before roles were exported; since, a member without any has `"roles": []`).
    author_roles: tuple[ExportRole, ...] | None = None


def one_line(text: str) -> str:
    # Error messages end up in a terminal or a log line; a newline in a file name or a quoted
    # value must not split them.
    return text.replace("\r", "\\r").replace("\n", "\\n")


def snippet(value: object) -> str:
    """A short, quoted rendering of a value from the file, for error messages."""
    shown = repr(value)
    return shown if len(shown) <= SNIPPET_CHARS else shown[: SNIPPET_CHARS - 1] + "…"
