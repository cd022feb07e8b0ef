"""A server's team in exports: members whose messages answer requests rather than make them.

In the real corpus's GitHub threads (train and dev) the repositories' maintainers wrote 705
comments and 3 were requests; their answers ("we plan to open source the weights after the
paper") read alone like requests. `clamor analyze --team-role` names the team's roles, by id or
by name as the export writes them, and a guild's stored team (`/clamor-mod team add`) joins
them; the bot's side of the same rule is `bot/watch/team.py`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from contextlib import suppress
from dataclasses import dataclass

from bot.chat_import.fields import FieldError, snowflake
from bot.chat_import.records import ExportRole


def role_name_key(name: str) -> str:
    """How a role's name is compared: `--team-role maintainers` finds "Maintainers "."""
    return name.strip().casefold()


@dataclass(frozen=True, slots=True)
class Team:
    """Roles whose members answer requests: by id, and by name (as `role_name_key`)."""

    ids: frozenset[int] = frozenset()
    names: frozenset[str] = frozenset()

    @classmethod
    def named(cls, values: Iterable[str]) -> Team:
        """The team named on the command line. A number is a role id, and is also tried as a
        name: nothing stops a server from naming a role "2024"."""
        ids: set[int] = set()
        names: set[str] = set()
        for value in values:
            names.add(role_name_key(value))
            with suppress(FieldError):  # a name
                ids.add(snowflake(value.strip(), "role"))
        return cls(frozenset(ids), frozenset(names))

    def __bool__(self) -> bool:
        return bool(self.ids or self.names)

    def joined(self, ids: Iterable[int]) -> Team:
        """This team with more roles by id (a guild's stored team)."""
        return Team(self.ids | frozenset(ids), self.names)

    def wrote(self, roles: Iterable[ExportRole] | None) -> bool:
        """Whether an author with `roles` is on the team (unknown roles: not on it)."""
        if not roles:
            return False
        ids, names = self.ids, self.names
        return any(role.role_id in ids or role_name_key(role.name) in names for role in roles)


NO_TEAM = Team()


def roles_nobody_has(values: Iterable[str], seen: Collection[ExportRole]) -> list[str]:
    """The `--team-role` values no role in `seen` answers to, in the order given: a typo
    would otherwise leave the team empty without a word."""
    seen_ids = {role.role_id for role in seen}
    seen_names = {role_name_key(role.name) for role in seen}
    return [
        value
        for value in values
        if role_name_key(value) not in seen_names and not Team.named([value]).ids & seen_ids
    ]
