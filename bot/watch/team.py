"""Whose messages answer requests rather than make them: a server's team.

In the real corpus's GitHub threads (train and dev) the repositories' own maintainers wrote 515
comments, and 3 of them were requests: they answer ("the weights are up now", "we will release
it after the paper"), and read alone those answers look like requests. A Discord server run by
a project has the same voices; a moderator names their roles (`/clamor-mod team add`), and a
message by a member with one of them is never counted as a request, nor read as one by the
replies to it.

A live message carries its author's roles. A message read from history, or fetched for
`/clamor why`, carries only the user (Clamor has no Server Members intent), so the member is
read from Discord once, and only for a message that would otherwise be logged: a few in a
hundred. What was read is kept for a while, since one author writes many messages.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable

import discord

log = logging.getLogger(__name__)

# Roles change rarely; a backfill of a busy channel asks about the same authors again and again.
MEMBER_ROLES_SECONDS = 600.0
MEMBER_ROLES_KEPT = 4096


def on_team(role_ids: Iterable[int], team: frozenset[int]) -> bool:
    """Whether any of the roles is one of the team's."""
    return not team.isdisjoint(role_ids)


class TeamRoles:
    """Which team a message's author is on, from its member's roles (read from Discord once
    per author and MEMBER_ROLES_SECONDS when the message does not carry them)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._read: OrderedDict[tuple[int, int], tuple[float, frozenset[int]]] = OrderedDict()

    async def by_team(self, message: discord.Message, team: frozenset[int]) -> bool:
        """Whether `message` was written by a member with one of the `team` roles. An author
        Discord cannot tell about (left the server, or an error) is not on the team."""
        if not team or message.guild is None:
            return False
        author = message.author
        if isinstance(author, discord.Member):
            return on_team((role.id for role in author.roles), team)
        roles = await self._roles_read(message.guild, author.id)
        return on_team(roles, team)

    async def _roles_read(self, guild: discord.Guild, user_id: int) -> frozenset[int]:
        key = (guild.id, user_id)
        now = self._clock()
        kept = self._read.get(key)
        if kept is not None and now - kept[0] < MEMBER_ROLES_SECONDS:
            return kept[1]
        try:
            member = await guild.fetch_member(user_id)
        except discord.NotFound:
            roles: frozenset[int] = frozenset()  # no longer a member: nobody's team
        except discord.HTTPException as error:
            log.warning("could not read the roles of member %s: %s", user_id, error)
            return frozenset()
        else:
            roles = frozenset(role.id for role in member.roles)
        self._read[key] = (now, roles)
        self._read.move_to_end(key)
        while len(self._read) > MEMBER_ROLES_KEPT:
            self._read.popitem(last=False)
        return roles
