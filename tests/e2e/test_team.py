"""The server's team end to end: a moderator names its roles with `/clamor-mod team`, and a team
member's answer ("we plan to open source the weights") is not counted as a request, live or read
from history, while members' requests are; `/clamor why` says why."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta

from bot.client import ClamorBot
from bot.why import BY_THE_TEAM
from tests.e2e.test_backfill import backfill, finished
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_moderation import mod, refused
from tests.e2e.test_watcher import REQUEST, Room
from tests.e2e.test_why import link, why
from tests.e2e.waiting import eventually
from tests.fakediscord import FakeDiscord
from tests.fakediscord.entities import FakeRole

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

# Read alone, Clamor takes this for a request (a demand); it is the team's answer to one.
ANSWER = "We plan to open source the weights after the paper is accepted"


def maintainers(fake: FakeDiscord, *members: str) -> FakeRole:
    """A role the server's team has, given to `members` (before the bot starts)."""
    role = fake.world.add_role(fake.guild, "Maintainers", 0)
    for name in members:
        fake.guild.members[fake.user(name).id].role_ids.append(role.id)
    return role


async def test_the_teams_answers_are_not_counted_and_members_requests_are(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        room = Room(fake, bot)
        before = await room.post(general, ANSWER, "carol")
        assert await room.logged(before) is not None  # no team yet: read as anyone's

        added = await mod(fake, ["team", "add"], {"role": str(team.id)})
        assert f"<@&{team.id}> is on the team" in str(added.content)
        listed = await mod(fake, ["team", "list"])
        assert f"<@&{team.id}>" in str(listed.content)
        again = await mod(fake, ["team", "add"], {"role": str(team.id)})
        assert "already is a team role" in str(again.content)

        answer = await room.post(general, ANSWER, "carol")
        request = await room.post(general, REQUEST, "bob")
        await room.settled()
        assert await room.logged(answer) is None
        assert await room.logged(request) is not None
        assert await room.logged(before) is not None  # rows logged before stay
        explained = await why(fake, link(fake, general, answer))
        assert BY_THE_TEAM in explained

        removed = await mod(fake, ["team", "remove"], {"role": str(team.id)})
        assert "no longer a team role" in str(removed.content)
        after = await room.post(general, ANSWER, "carol")
        assert await room.logged(after) is not None
        gone = await mod(fake, ["team", "remove"], {"role": str(team.id)})
        assert "is not a team role" in str(gone.content)
        assert "No team roles" in str((await mod(fake, ["team", "list"])).content)


async def test_everyone_cannot_be_the_team(fake_discord: FakeDiscord, clamor: Clamor) -> None:
    fake = fake_discord
    async with clamor() as bot:
        everyone = fake.guild.role("@everyone")
        await refused(fake, ["team", "add"], {"role": str(everyone.id)}, "Every member has")
        assert (await bot.guild_configs.get(fake.guild.id)).team_roles == frozenset()


async def test_history_reads_the_authors_roles_once(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    team = maintainers(fake, "carol")
    then = datetime.now(UTC) - timedelta(days=2)
    answers = [
        int(fake.user_message(general, fake.user("carol"), ANSWER, at=then)["id"]) for _ in range(3)
    ]
    request = int(fake.user_message(general, fake.user("bob"), REQUEST, at=then)["id"])
    async with clamor() as bot:
        room = Room(fake, bot)
        await filled(bot)
        await mod(fake, ["team", "add"], {"role": str(team.id)})
        summary = await finished(fake, await backfill(fake, days=3))
        assert "4 messages read, 1 request newly logged" in summary, summary
        assert await room.logged(request) is not None
        for answer in answers:
            assert await room.logged(answer) is None
        # History pages carry users, not members: carol's roles were asked for once.
        carol = fake.user("carol").id
        asked = [r for r in fake.requests if r.method == "GET" and r.path.endswith(f"/{carol}")]
        assert len(asked) == 1, [r.path for r in asked]
        again = await finished(fake, await backfill(fake, days=3))
        assert "0 requests newly logged, 1 already in the log" in again, again
        asked = [r for r in fake.requests if r.method == "GET" and r.path.endswith(f"/{carol}")]
        assert len(asked) == 1, "read again within MEMBER_ROLES_SECONDS"


async def test_a_deleted_role_leaves_the_team(fake_discord: FakeDiscord, clamor: Clamor) -> None:
    fake = fake_discord
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        room = Room(fake, bot)
        await mod(fake, ["team", "add"], {"role": str(team.id)})
        fake.guild.roles.remove(team)
        payload = {"guild_id": str(fake.guild.id), "role_id": str(team.id)}
        await room.dispatch("GUILD_ROLE_DELETE", payload)

        async def left() -> bool:
            return await bot.store.team_roles(fake.guild.id) == frozenset()

        await eventually(left, "the deleted role to leave the team")
        assert (await bot.guild_configs.get(fake.guild.id)).team_roles == frozenset()
