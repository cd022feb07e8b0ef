"""Learning from moderators end to end (issue 16), the real client against the fake Discord: a
relabel changes how the next similar message is counted in that server and not in another,
`/clamor why` says the corrections decided, and `/clamor-mod learning` shows and switches it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta

from bot.client import ClamorBot
from bot.watch.service import RESCORE_IN_OUTAGE
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_moderation import mod
from tests.e2e.test_relabel import REQUEST, link, post_logged, relabel
from tests.e2e.test_why import why
from tests.e2e.waiting import eventually
from tests.fakediscord import EPHEMERAL, OTHER_GUILD, FakeChannel, FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

GYM = "open the weights room at the gym please"
GYM_AGAIN = "open the weights room at the gym please, again"
SENTINEL = "OpenAI should open source Sora"


async def mod_command(fake: FakeDiscord, path: list[str], options: dict[str, str]) -> str:
    return str((await mod(fake, path, options)).content)


async def logged_after(
    bot: ClamorBot, fake: FakeDiscord, channel: FakeChannel, text: str
) -> tuple[int, bool]:
    """Post `text`, then a request message after it; once the later one is logged the first was
    read too: (its id, whether it was logged)."""
    posted = await fake.send_user_message(channel, fake.user("carol"), text)
    await post_logged(bot, fake, channel, SENTINEL)
    message_id = int(posted["id"])
    guild_id = int(posted["guild_id"])
    return message_id, await bot.store.get_request(guild_id, message_id) is not None


async def test_a_relabel_changes_the_next_similar_message_in_that_server_only(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    elsewhere = fake.world.guild(OTHER_GUILD).channel("general")
    async with clamor() as bot:
        corrected = await post_logged(bot, fake, general, GYM)
        await relabel(fake, link(fake, general, corrected), "not-a-request")

        here, counted_here = await logged_after(bot, fake, general, GYM_AGAIN)
        _there, counted_there = await logged_after(bot, fake, elsewhere, GYM_AGAIN)
        explained = await why(fake, link(fake, general, here))
        shown = await mod_command(fake, ["learning", "show"], {})

        await mod_command(fake, ["learning", "off"], {})
        _later, counted_when_off = await logged_after(bot, fake, general, GYM_AGAIN + "!")

    assert not counted_here
    assert counted_there
    assert "corrections decided" in explained
    assert link(fake, general, corrected) in explained
    assert "Learned from 1 correction(s)" in shown
    assert "0 request(s), 1 not-a-request" in shown
    assert counted_when_off


async def test_an_undone_relabel_teaches_nothing(fake_discord: FakeDiscord, clamor: Clamor) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        corrected = await post_logged(bot, fake, general, GYM)
        await relabel(fake, link(fake, general, corrected), "not-a-request")
        undone = await mod_command(
            fake, ["relabel-undo"], {"message": link(fake, general, corrected)}
        )
        _next, counted = await logged_after(bot, fake, general, GYM_AGAIN)
        correction = await bot.store.label_correction(fake.guild.id, corrected)
    assert undone.startswith("Undid the relabel")
    assert correction is None
    assert counted


async def test_rescore_reads_the_log_again_with_the_servers_corrections(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        corrected = await post_logged(bot, fake, general, GYM)
        similar = await post_logged(bot, fake, general, GYM_AGAIN)
        kept = await post_logged(bot, fake, general, SENTINEL)
        await relabel(fake, link(fake, general, corrected), "not-a-request")
        handle = await fake.invoke_command(
            fake.guild, general, fake.user("alice"), "clamor-mod", ["rescore"], {"days": 1}
        )
        reply = await handle.answer()
        guild_id = fake.guild.id
        similar_row = await bot.store.get_request(guild_id, similar)
        corrected_row = await bot.store.get_request(guild_id, corrected)
        kept_row = await bot.store.get_request(guild_id, kept)
    assert reply.flags & EPHEMERAL, reply
    assert "Re-read 2 logged message(s) of the last 1 day(s)" in str(reply.content)
    assert "Requests removed (no longer read as requests): 1." in str(reply.content)
    assert "1 relabelled message(s) keep the moderator's label." in str(reply.content)
    assert similar_row is None
    assert corrected_row is not None  # the relabel decides it; the row keeps Clamor's verdict
    assert kept_row is not None


async def test_why_says_when_the_corrections_kept_a_message_out(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    then = datetime.now(UTC) - timedelta(hours=3)
    # The same words said before Clamor came: never logged, read afresh by /clamor why.
    old = int(fake.user_message(general, fake.user("carol"), REQUEST, at=then)["id"])
    async with clamor() as bot:
        corrected = await post_logged(bot, fake, general, REQUEST)
        await relabel(fake, link(fake, general, corrected), "not-a-request")
        answer = await why(fake, link(fake, general, old))
        (why_not,) = [line for line in answer.splitlines() if line.startswith("**Why not:**")]
        # Not the model's threshold: the model said request, the corrections decided.
        assert "corrections of messages like it decided" in why_not
        assert link(fake, general, corrected) in why_not


async def test_rescore_while_the_database_takes_no_writes_says_so(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        await filled(bot)
        bot.request_writer.retry_first = bot.request_writer.retry_max = 0.02
        await post_logged(bot, fake, general, GYM)
        await bot.store.set_read_only(True)
        await fake.send_user_message(general, fake.user("carol"), REQUEST)  # waits in memory

        async def waiting() -> bool:
            return bot.request_writer.pending > 0

        await eventually(waiting, "a write to wait for the database")
        handle = await fake.invoke_command(
            fake.guild, general, fake.user("alice"), "clamor-mod", ["rescore"], {"days": 1}
        )
        reply = await handle.answer()
        assert reply.flags & EPHEMERAL, reply
        assert reply.content == RESCORE_IN_OUTAGE
        await bot.store.set_read_only(False)
