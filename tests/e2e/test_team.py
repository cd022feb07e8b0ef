"""The server's team end to end: a moderator names its roles with `/clamor-mod team`, and a team
member's answer ("we plan to open source the weights") is not counted as a request, live or read
from history, while members' requests are; `/clamor why` says why."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.client import ClamorBot
from bot.config import MAX_TEAM_ROLES
from bot.watch.team import MEMBER_ROLES_SECONDS
from bot.why import BY_THE_TEAM
from tests.e2e.helpers import Clock
from tests.e2e.test_backfill import backfill, finished
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_moderation import mod, refused
from tests.e2e.test_relabel import relabel
from tests.e2e.test_watcher import REQUEST, Room
from tests.e2e.test_why import link, why
from tests.e2e.waiting import eventually
from tests.fakediscord import FakeDiscord
from tests.fakediscord.entities import FakeRole

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

# Read alone, Clamor takes this for a request (a demand); it is the team's answer to one.
ANSWER = "We plan to open source the weights after the paper is accepted"
REACTION = "Olvídense eso jamás va a pasar!"  # a request only when it answers one


def member_reads(fake: FakeDiscord, user: str) -> list[str]:
    """The member reads (GET /guilds/{guild}/members/{user}) the bot made for `user`."""
    path = f"/guilds/{fake.guild.id}/members/{fake.user(user).id}"
    return [r.path for r in fake.requests if r.method == "GET" and r.path.endswith(path)]


async def team_named(fake: FakeDiscord, bot: ClamorBot, team: FakeRole) -> Room:
    """The bot's room once a moderator has named `team` the server's team."""
    await mod(fake, ["team", "add"], {"role": str(team.id)})
    return Room(fake, bot)


async def teams_answer(fake: FakeDiscord, bot: ClamorBot, team: FakeRole) -> tuple[Room, int]:
    """Once `team` is named: carol's answer in #general, not logged (the team's)."""
    room = await team_named(fake, bot, team)
    answer = await room.post(fake.channel("general"), ANSWER, "carol")
    assert await room.logged(answer) is None
    return room, answer


async def relabelled_answer(
    fake: FakeDiscord, bot: ClamorBot, team: FakeRole, label: str
) -> tuple[Room, int]:
    """Once `team` is named: carol's answer in #general, which a moderator relabelled."""
    room, answer = await teams_answer(fake, bot, team)
    await relabel(fake, link(fake, fake.channel("general"), answer), label)
    return room, answer


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
        assert await room.logged(before) is not None  # stays until read again
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
        assert len(member_reads(fake, "carol")) == 1
        again = await finished(fake, await backfill(fake, days=3))
        assert "0 requests newly logged, 1 already in the log" in again, again
        assert len(member_reads(fake, "carol")) == 1, "read again within MEMBER_ROLES_SECONDS"


async def test_a_deleted_role_leaves_the_team(fake_discord: FakeDiscord, clamor: Clamor) -> None:
    fake = fake_discord
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        room = await team_named(fake, bot, team)
        fake.guild.roles.remove(team)
        payload = {"guild_id": str(fake.guild.id), "role_id": str(team.id)}
        await room.dispatch("GUILD_ROLE_DELETE", payload)

        async def left() -> bool:
            return await bot.store.team_roles(fake.guild.id) == frozenset()

        await eventually(left, "the deleted role to leave the team")
        assert (await bot.guild_configs.get(fake.guild.id)).team_roles == frozenset()


async def test_a_reply_to_the_teams_message_after_a_restart_answers_no_request(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        room, answer = await teams_answer(fake, bot, team)
    async with clamor() as bot:  # a new process: its memory does not hold the answer's verdict
        room = Room(fake, bot)
        reaction = await room.post(general, REACTION, "bob", reply_to=answer)
        assert await room.logged(reaction) is None, "read as answering a request"
        request = await room.post(general, REQUEST, "bob")
        counted = await room.post(general, REACTION, "dave", reply_to=request)
        assert await room.logged(counted) is not None  # a reply to a member's request counts


async def test_a_post_the_team_opened_before_the_bot_came_is_no_request_to_answer(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    team = maintainers(fake, "carol")
    post = fake.old_thread(fake.channel("ideas"), "Open weights?", fake.user("carol"), ANSWER)
    async with clamor() as bot:
        room = await team_named(fake, bot, team)
        reaction = await room.post(post, REACTION, "bob")
        assert await room.logged(reaction) is None, "read as answering a request"


async def test_an_undone_relabel_of_the_teams_answer_leaves_it_uncounted(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        room, answer = await teams_answer(fake, bot, team)
        where = link(fake, general, answer)
        relabelled = await relabel(fake, where, "demand")
        assert "Clamor said: not a request" in relabelled, relabelled
        assert await room.logged(answer) is not None  # the moderator's word counts
        await mod(fake, ["relabel-undo"], {"message": where})
        # The message counts as Clamor reads it: the team's answer, never counted.
        assert await room.logged(answer) is None


@pytest.mark.parametrize(
    "steps",
    [
        # Kept ten minutes, then read again.
        [(MEMBER_ROLES_SECONDS - 1, True), (2, False)],
        # The machine's clock corrected an hour back, ten minutes ago: what was read held ten
        # minutes from then at most, not seventy.
        [(-3600 + MEMBER_ROLES_SECONDS + 1, False)],
    ],
)
async def test_a_members_roles_are_read_again_after_ten_minutes(
    fake_discord: FakeDiscord, clamor: Clamor, steps: list[tuple[float, bool]]
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    team = maintainers(fake, "carol")
    carol = fake.guild.members[fake.user("carol").id]
    answer = int(fake.user_message(general, fake.user("carol"), ANSWER)["id"])  # not dispatched
    clock = Clock()
    async with clamor(clock=clock):
        await mod(fake, ["team", "add"], {"role": str(team.id)})
        where = link(fake, general, answer)
        assert BY_THE_TEAM in await why(fake, where)
        carol.role_ids.remove(team.id)  # she leaves the team; Clamor keeps what it read
        for step, still_known in steps:
            clock.now += step
            assert (BY_THE_TEAM in await why(fake, where)) is still_known
        assert len(member_reads(fake, "carol")) == 2


async def test_roles_discord_will_not_give_are_not_asked_for_each_message(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    team = maintainers(fake, "carol")
    then = datetime.now(UTC) - timedelta(days=2)
    for _ in range(3):
        fake.user_message(general, fake.user("carol"), ANSWER, at=then)
    fake.member_reads_refused = True
    async with clamor() as bot:
        await filled(bot)
        await mod(fake, ["team", "add"], {"role": str(team.id)})
        summary = await finished(fake, await backfill(fake, days=3))
        # Not known to be the team's: read as anyone's, and Discord asked once, not per message.
        assert "3 requests newly logged" in summary, summary
        assert len(member_reads(fake, "carol")) == 1


async def test_a_role_deleted_while_away_leaves_the_team_when_the_server_is_back(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        await mod(fake, ["team", "add"], {"role": str(team.id)})
    fake.guild.roles.remove(team)  # deleted while the bot is stopped: no event will say so
    async with clamor() as bot:

        async def left() -> bool:
            return await bot.store.team_roles(fake.guild.id) == frozenset()

        await eventually(left, "the role deleted meanwhile to leave the team")
        listed = await mod(fake, ["team", "list"])
        assert "No team roles" in str(listed.content), listed.content


async def test_the_team_is_kept_while_the_server_is_not_cached_yet(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        await mod(fake, ["team", "add"], {"role": str(team.id)})
        cached = bot.get_guild(fake.guild.id)
        assert cached is not None
        # As between READY and the server's GUILD_CREATE: the interaction's server knows no roles.
        bot._connection._remove_guild(cached)
        await mod(fake, ["team", "list"])
        assert await bot.store.team_roles(fake.guild.id) == {team.id}


async def test_a_team_has_at_most_25_roles(fake_discord: FakeDiscord, clamor: Clamor) -> None:
    fake = fake_discord
    roles = [fake.world.add_role(fake.guild, f"Team {n}", 0) for n in range(MAX_TEAM_ROLES + 1)]
    async with clamor() as bot:
        for role in roles[:MAX_TEAM_ROLES]:
            await mod(fake, ["team", "add"], {"role": str(role.id)})
        await refused(fake, ["team", "add"], {"role": str(roles[-1].id)}, "remove one first")
        again = await mod(fake, ["team", "add"], {"role": str(roles[0].id)})
        assert "already is a team role" in str(again.content)
        assert len(await bot.store.team_roles(fake.guild.id)) == MAX_TEAM_ROLES
        listed = await mod(fake, ["team", "list"])
        assert len(str(listed.content)) <= 2000


async def test_a_backfill_keeps_a_moderators_relabel_of_the_teams_message(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        room, answer = await relabelled_answer(fake, bot, team, "demand")
        assert await room.logged(answer) is not None
        await finished(fake, await backfill(fake, days=1))
        assert await bot.store.label_correction(fake.guild.id, answer) is not None
        assert await room.logged(answer) is not None  # the moderator's word stands
        await room.dispatch("MESSAGE_DELETE", fake.message_delete(answer))
        await room.settled()
        assert await room.logged(answer) is None  # deleted: no trace, correction included
        assert await bot.store.label_correction(fake.guild.id, answer) is None


# A member read Discord holds back longer than the 3 s it gives a command's first answer.
SLOW_MEMBER_READ = 3.5


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        (["clamor-mod", "relabel"], {"label": "demand"}, "Relabelled "),
        (["clamor", "why"], {}, BY_THE_TEAM),
    ],
)
async def test_a_slow_read_of_the_authors_roles_still_gets_an_answer(
    fake_discord: FakeDiscord,
    clamor: Clamor,
    command: list[str],
    options: dict[str, str],
    expected: str,
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    team = maintainers(fake, "carol")
    answer = int(fake.user_message(general, fake.user("carol"), ANSWER)["id"])  # not dispatched
    fake.callback_deadline = 3.0
    async with clamor() as bot:
        await team_named(fake, bot, team)
        carol = fake.user("carol").id
        fake.queue_rate_limit("GET", rf"/guilds/{fake.guild.id}/members/{carol}", SLOW_MEMBER_READ)
        group, name = command
        handle = await fake.invoke_command(
            fake.guild,
            general,
            fake.user("alice"),
            group,
            [name],
            {"message": link(fake, general, answer), **options},
        )
        assert (await handle.response()).type == 5  # "thinking", at once
        assert expected in str((await handle.answer()).content)


async def test_an_edit_keeps_a_moderators_relabel_of_the_teams_message(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        room, answer = await relabelled_answer(fake, bot, team, "demand")
        await room.edit(answer, ANSWER + ", promise")  # a typo fixed, say
        await room.settled()
        # As a backfill over it keeps them: the moderator's word stands, the text follows.
        assert await bot.store.label_correction(fake.guild.id, answer) is not None
        row = await room.logged(answer)
        assert row is not None
        assert (row.content, row.edited) == (ANSWER + ", promise", True)


async def test_a_backfill_brings_a_relabelled_rows_text_up_to_date(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        room, answer = await relabelled_answer(fake, bot, team, "demand")
        fake.message_edit(answer, "never mind, the text is gone")  # edited while unseen
        await finished(fake, await backfill(fake, days=1))
        row = await room.logged(answer)
        assert row is not None
        assert row.content == "never mind, the text is gone"
        assert row.category == "demand"


async def test_a_backfill_drops_the_correction_of_a_message_deleted_unseen(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    team = maintainers(fake, "carol")
    async with clamor() as bot:
        room = await team_named(fake, bot, team)
        answer = await room.post(general, ANSWER, "carol")  # the team's: no row
        kept = await room.post(general, ANSWER, "carol")
        for message in (answer, kept):
            where = link(fake, general, message)
            await relabel(fake, where, "not-a-request")
        fake.messages.delete(answer)  # deleted while Clamor did not see it
        await finished(fake, await backfill(fake, days=1))
        # A deleted message leaves no trace: its correction holds its text.
        assert await bot.store.label_correction(fake.guild.id, answer) is None
        assert await bot.store.label_correction(fake.guild.id, kept) is not None


@pytest.mark.parametrize("label", ["not-a-request", "defeatism"])
async def test_a_relabel_made_during_a_backfill_survives_it(
    fake_discord: FakeDiscord, clamor: Clamor, monkeypatch: pytest.MonkeyPatch, label: str
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    then = datetime.now(UTC) - timedelta(hours=3)
    ids = [
        int(
            fake.user_message(
                general, fake.user("bob"), f"chat {n}", at=then + timedelta(seconds=n)
            )["id"]
        )
        for n in range(150)  # two pages of history
    ]
    async with clamor() as bot:
        service = bot.watch_service
        take_page, pages = service._take_page, 0

        async def page_then_relabel(*args: Any, **kwargs: Any) -> None:
            nonlocal pages
            await take_page(*args, **kwargs)
            pages += 1
            if pages == 1:  # a moderator relabels a message of the page just read
                await relabel(fake, link(fake, general, ids[0]), label)

        monkeypatch.setattr(service, "_take_page", page_then_relabel)
        await finished(fake, await backfill(fake, days=1))
        assert pages == 2
        # The message is on Discord: the moderator's word stands, with the row it wrote.
        assert await bot.store.label_correction(fake.guild.id, ids[0]) is not None
        row = await bot.store.get_request(fake.guild.id, ids[0])
        assert (row.category if row else "not-a-request") == label


async def test_an_undone_relabel_leaves_no_row_an_edit_kept_only_for_it(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        asked = await room.post(general, REQUEST, "bob")
        assert await room.logged(asked) is not None
        where = link(fake, general, asked)
        await relabel(fake, where, "optimism")
        await room.edit(asked, "thanks, never mind")  # no request any more
        await room.settled()
        assert await room.logged(asked) is not None  # kept for the moderator's word
        undone = await mod(fake, ["relabel-undo"], {"message": where})
        assert "counts as Clamor read it" in str(undone.content)
        assert await room.logged(asked) is None  # as Clamor reads it now: no request
