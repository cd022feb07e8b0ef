"""Whose messages answer requests rather than make them: a server's team.

In the real corpus's GitHub threads (train and dev) the repositories' own maintainers wrote 705
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

import aiohttp
import discord

log = logging.getLogger(__name__)

# Roles change rarely; a backfill of a busy channel asks about the same authors again and again.
MEMBER_ROLES_SECONDS = 600.0
MEMBER_ROLES_KEPT = 4096
# While Discord fails to answer, an author is taken as not on the team for this long rather
# than asked again for each message (discord.py retries a failing call for many seconds, and
# the guild's other messages wait meanwhile).
FAILED_READ_SECONDS = 60.0


def on_team(role_ids: Iterable[int], team: frozenset[int]) -> bool:
    """Whether any of the roles is one of the team's."""
    return not team.isdisjoint(role_ids)


class MemberRoles:
    """The roles of messages' authors, for telling the team's messages: a live message carries
    them; otherwise they are read from Discord once per author for MEMBER_ROLES_SECONDS."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        # (guild, user) -> (until when it holds, the roles)
        self._read: OrderedDict[tuple[int, int], tuple[float, frozenset[int]]] = OrderedDict()

    async def in_team(self, message: discord.Message, team: frozenset[int]) -> bool:
        """Whether `message` was written by a member with one of the `team` roles. An author
        Discord cannot tell about (left the server, or an error) is not on the team."""
        if not team or message.guild is None:
            return False
        author = message.author
        if isinstance(author, discord.Member):
            return on_team((role.id for role in author.roles), team)
        return on_team(await self._roles_read(message.guild, author.id), team)

    async def _roles_read(self, guild: discord.Guild, user_id: int) -> frozenset[int]:
        key = (guild.id, user_id)
        now = self._clock()
        kept = self._read.pop(key, None)
        # Bounded on both sides: a wall clock set back must not keep an answer longer.
        if kept is not None and now < kept[0] <= now + MEMBER_ROLES_SECONDS:
            self._read[key] = kept
            return kept[1]
        roles: frozenset[int] = frozenset()
        try:
            member = await guild.fetch_member(user_id)
        except discord.NotFound:
            until = now + MEMBER_ROLES_SECONDS  # no longer a member: nobody's team
        except (discord.HTTPException, OSError, aiohttp.ClientError, TimeoutError) as error:
            log.warning("could not read the roles of member %s: %s", user_id, error)
            until = now + FAILED_READ_SECONDS
        else:
            roles = frozenset(role.id for role in member.roles)
            until = now + MEMBER_ROLES_SECONDS
        self._read[key] = (until, roles)
        while len(self._read) > MEMBER_ROLES_KEPT:
            self._read.popitem(last=False)
        return roles
