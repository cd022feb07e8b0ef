"""Application commands the bot synced, checked the way Discord checks them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .snowflakes import SnowflakeFactory

Payload = dict[str, Any]

CHAT_INPUT = 1
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)
# Options whose value is an id that Discord explains in `data.resolved`.
REFERENCE_TYPES = (USER, CHANNEL, ROLE, MENTIONABLE)
_NAME = re.compile(r"[-_'\w]{1,32}")


def validate_commands(commands: Sequence[Payload]) -> dict[str, Any]:
    """Discord-style `errors` tree for an overwrite payload; empty when Discord would accept it.

    Only the rules a bot is likely to break: names, descriptions, option order and counts.
    """
    errors: dict[str, Any] = {}
    seen: set[tuple[str, int]] = set()
    for index, command in enumerate(commands):
        kind = command.get("type", CHAT_INPUT)
        problems = _check_named(command, chat_input=kind == CHAT_INPUT)
        key = (command.get("name", ""), kind)
        if key in seen:
            problems["name"] = _error("APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate name")
        seen.add(key)
        problems |= _check_options(command.get("options") or [], depth=0)
        if problems:
            errors[str(index)] = problems
    return errors


def _error(code: str, message: str) -> dict[str, Any]:
    return {"_errors": [{"code": code, "message": message}]}


def _check_named(item: Payload, *, chat_input: bool) -> dict[str, Any]:
    problems: dict[str, Any] = {}
    name = item.get("name", "")
    # Context-menu names are free text ("Report message"); slash names are lower-case words.
    valid = _NAME.fullmatch(name) and name == name.lower() if chat_input else 1 <= len(name) <= 32
    if not valid:
        problems["name"] = _error("APPLICATION_COMMAND_INVALID_NAME", f"Invalid name {name!r}")
    description = item.get("description", "")
    if chat_input and not 1 <= len(description) <= 100:
        problems["description"] = _error("BASE_TYPE_BAD_LENGTH", "Must be 1-100 characters")
    return problems


def _check_options(options: Sequence[Payload], *, depth: int) -> dict[str, Any]:
    problems: dict[str, Any] = {}
    if len(options) > 25:
        problems["options"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length")
        return problems
    optional_seen = False
    for index, option in enumerate(options):
        found = _check_named(option, chat_input=True)
        kind = option.get("type")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            if depth >= (1 if kind == SUB_COMMAND_GROUP else 2):
                found["type"] = _error("APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Too deep")
            found |= _check_options(option.get("options") or [], depth=depth + 1)
        elif option.get("required", False):
            if optional_seen:
                found["required"] = _error(
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        if len(option.get("choices") or []) > 25:
            found["choices"] = _error("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length")
        if found:
            problems.setdefault("options", {})[str(index)] = found
    return problems


@dataclass
class CommandRegistry:
    """The commands as Discord stores them after `PUT .../commands` (a full overwrite)."""

    ids: SnowflakeFactory
    application_id: int
    global_commands: list[Payload] = field(default_factory=list)
    guild_commands: dict[int, list[Payload]] = field(default_factory=dict)
    syncs: list[int | None] = field(default_factory=list)  # guild id (None = global) per PUT
    _stable_ids: dict[tuple[int | None, str, int], int] = field(default_factory=dict)

    def overwrite(self, guild_id: int | None, commands: Sequence[Payload]) -> list[Payload]:
        stored = [self._store(guild_id, command) for command in commands]
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        self.syncs.append(guild_id)
        return stored

    def listed(self, guild_id: int | None) -> list[Payload]:
        if guild_id is None:
            return list(self.global_commands)
        return list(self.guild_commands.get(guild_id, []))

    def find(self, name: str, guild_id: int | None) -> Payload | None:
        """The command a user in `guild_id` would pick: guild commands shadow global ones."""
        scopes = ([] if guild_id is None else [self.listed(guild_id)]) + [self.global_commands]
        for commands in scopes:
            for command in commands:
                if command["name"] == name and command["type"] == CHAT_INPUT:
                    return command
        return None

    def _store(self, guild_id: int | None, command: Payload) -> Payload:
        kind = command.get("type", CHAT_INPUT)
        # Discord keeps a command's id across overwrites as long as its name and type stay.
        key = (guild_id, command["name"], kind)
        command_id = self._stable_ids.setdefault(key, self.ids.now())
        stored = dict(command) | {
            "id": str(command_id),
            "application_id": str(self.application_id),
            "version": str(self.ids.now()),
            "type": kind,
            "description": command.get("description", ""),
            "options": command.get("options") or [],
            "default_member_permissions": command.get("default_member_permissions"),
            "nsfw": command.get("nsfw", False),
        }
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        return stored


@dataclass
class Invocation:
    """`data.options` for one INTERACTION_CREATE and the ids it mentions (type, id)."""

    options: list[Payload]
    references: list[tuple[int, int]]


def build_invocation(
    command: Payload,
    path: Sequence[str],
    values: Mapping[str, Any],
    *,
    focused: str | None = None,
) -> Invocation:
    """Walk `path` (subcommand group, subcommand) and type `values` by the synced definition.

    Raises LookupError / ValueError on anything Discord's client would never send, so a test
    that calls a command the bot did not sync fails with a clear message.
    """
    definitions: list[Payload] = command["options"]
    trail: list[Payload] = []
    for name in path:
        step = _definition(definitions, name, command["name"])
        if step["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP):
            raise LookupError(f"{name!r} is an option, not a subcommand of {command['name']!r}")
        trail.append({"name": name, "type": step["type"], "options": []})
        definitions = step.get("options") or []
    if any(d["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for d in definitions):
        names = [d["name"] for d in definitions]
        raise LookupError(f"{command['name']} {' '.join(path)}: pick a subcommand from {names}")

    leaf: list[Payload] = []
    references: list[tuple[int, int]] = []
    for name, value in values.items():
        definition = _definition(definitions, name, command["name"])
        option = _typed_option(definition, value, focused=name == focused)
        if definition["type"] in REFERENCE_TYPES:
            references.append((definition["type"], int(option["value"])))
        leaf.append(option)
    missing = [d["name"] for d in definitions if d.get("required") and d["name"] not in values]
    if missing and focused is None:
        raise ValueError(f"required options missing: {missing}")
    if focused is not None and focused not in values:
        raise ValueError(f"the focused option {focused!r} needs a (partial) value")

    options = leaf
    for step in reversed(trail):
        step["options"] = options
        options = [step]
    return Invocation(options, references)


def _definition(definitions: Sequence[Payload], name: str, command: str) -> Payload:
    for definition in definitions:
        if definition["name"] == name:
            return definition
    available = [d["name"] for d in definitions]
    raise LookupError(f"/{command} has no option or subcommand {name!r} here; has {available}")


def _typed_option(definition: Payload, value: Any, *, focused: bool) -> Payload:
    kind = definition["type"]
    option: Payload = {"name": definition["name"], "type": kind}
    if focused:
        # Autocomplete sends whatever the user has typed so far, as a string.
        option |= {"value": str(value), "focused": True}
        return option
    if kind == ATTACHMENT:
        raise ValueError("attachment options are not supported by the fake")
    converters: dict[int, Any] = {STRING: str, INTEGER: int, BOOLEAN: bool, NUMBER: float}
    typed = converters[kind](value) if kind in converters else str(int(value))
    choices = [choice["value"] for choice in definition.get("choices") or []]
    if choices and typed not in choices:
        raise ValueError(f"{definition['name']}={typed!r} is not one of the choices {choices}")
    option["value"] = typed
    return option
