"""Threads remembered by the watcher: after a restart, a channel filter still finds forum posts
and threads archived out of Discord's cache, with no Discord lookup, and never names or quotes
a private one."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import cast

from bot.client import ClamorBot
from bot.digest_service import MAX_THREAD_LOOKUPS
from bot.store.threads import ThreadParent
from cogs.watcher import Watcher
from tests.e2e.helpers import Clock
from tests.e2e.test_digests import digest_reply, field, logged
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_relabel import corrections, link, relabel
from tests.e2e.test_trend import chart_answer, trend
from tests.e2e.test_watcher import REQUEST, Room
from tests.e2e.waiting import eventually
from tests.fakediscord import ChannelType, FakeChannel, FakeDiscord, StoredMessage

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

POSTS = MAX_THREAD_LOOKUPS + 5
SECRET = "mods only: OpenAI should open source Sora, I have a contact"


async def remembered(bot: ClamorBot, fake: FakeDiscord, parent: FakeChannel, count: int) -> None:
    async def enough() -> bool:
        return len(await bot.store.threads_under(fake.guild.id, parent.id)) >= count

    await eventually(enough, f"{count} threads of #{parent.name} in the Store")


def shown(reply: StoredMessage) -> str:
    return json.dumps(reply.embeds)


async def test_a_forum_counts_every_archived_post_and_a_private_thread_stays_unnamed(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    ideas, general = fake.channel("ideas"), fake.channel("general")
    posts = [
        fake.world.add_channel(fake.guild, f"post {n}", ChannelType.PUBLIC_THREAD, parent=ideas)
        for n in range(POSTS)
    ]
    private = fake.world.add_channel(
        fake.guild, "the mods' corner", ChannelType.PRIVATE_THREAD, parent=general
    )
    bob, carol = fake.user("bob"), fake.user("carol")
    clock = Clock()  # the digests below are of today: the day the messages are dated
    async with clamor(clock) as bot:
        for n, post in enumerate(posts):
            await fake.send_user_message(
                post, bob, f"open source Sora please #{n}", at=clock.tick()
            )
        await fake.send_user_message(posts[0], carol, "anyone tried the new 5090?", at=clock.tick())
        await fake.send_user_message(private, carol, SECRET, at=clock.tick())
        await logged(bot, fake, POSTS + 1)
        await remembered(bot, fake, ideas, POSTS)
        await remembered(bot, fake, general, 2)  # with the default world's thread

    # Quiet for a week: every post archives, and the next GUILD_CREATE leaves them out.
    for thread in [*posts, private]:
        thread.archived = True
    async with clamor(clock) as bot:
        guild = bot.get_guild(fake.guild.id)
        assert guild is not None
        archived = {thread.id for thread in [*posts, private]}
        assert not [thread for thread in guild.threads if thread.id in archived]
        await filled(bot)  # its lookups of deleted channels ask about archived threads too
        asked_before = len(fake.requests)

        chart = await chart_answer(await trend(fake, channel=ideas.id))
        assert chart.embeds[0]["description"].startswith(f"{POSTS} request messages")
        forum = await digest_reply(fake, channel=ideas.id)
        volume = field(forum, "Volume")
        assert volume.startswith(f"{POSTS} request messages")
        assert f"of {POSTS + 1} seen" in volume  # the archived posts' volume counts too
        assert "open source Sora please" in field(forum, "Worth reading")  # public posts

        parent = await digest_reply(fake, channel=general.id)
        assert field(parent, "Volume").startswith("1 request message")
        parent_chart = await chart_answer(await trend(fake, channel=general.id))
        assert parent_chart.embeds[0]["description"].startswith("1 request message")
        whole = await digest_reply(fake)
        assert field(whole, "Channels") == f"#ideas · {POSTS}\n#general · 1"
        for reply in (parent, whole, parent_chart):
            assert "mods only" not in shown(reply)
            assert "corner" not in shown(reply)
            assert f"/{private.id}/" not in shown(reply)  # no jump link into it either

        # All from the Store: Discord was never asked about an archived thread.
        paths = {f"/channels/{thread_id}" for thread_id in archived}
        assert not [r for r in fake.requests[asked_before:] if r.path in paths]


async def test_a_thread_is_written_once_per_process(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    guild_id, general = fake.guild.id, fake.channel("general")
    known = fake.channel("will they ever release it")
    async with clamor() as bot:
        watcher = cast(Watcher, bot.get_cog("Watcher"))
        # The threads the gateway announced are remembered at once, before any message.
        await remembered(bot, fake, general, 1)
        # Overwritten behind the watcher's back: a write for the same thread would undo it.
        await bot.store.remember_threads([(guild_id, known.id, 999, True)])
        await fake.send_user_message(known, fake.user("bob"), "open source Sora already")
        await logged(bot, fake, 1)
        await watcher.flush()
        assert await bot.store.thread_parents(guild_id, [known.id]) == {
            known.id: ThreadParent(999, True)
        }

        # A thread created now is written with the flush after its first message.
        fresh = fake.world.add_channel(
            fake.guild, "a new one", ChannelType.PUBLIC_THREAD, parent=general
        )
        await fake.dispatch("THREAD_CREATE", fresh.payload() | {"newly_created": True})
        await fake.send_user_message(fresh, fake.user("bob"), "release the weights please")
        await logged(bot, fake, 2)
        await watcher.flush()
        assert await bot.store.thread_parents(guild_id, [fresh.id]) == {
            fresh.id: ThreadParent(general.id, False)
        }
        await bot.store.remember_threads([(guild_id, fresh.id, 999, False)])
        await fake.send_user_message(fresh, fake.user("carol"), "open source it, OpenAI")
        await logged(bot, fake, 3)
        await watcher.flush()
        assert (await bot.store.thread_parents(guild_id, [fresh.id]))[fresh.id].parent_id == 999


async def test_threads_wait_in_memory_while_the_database_is_read_only(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    guild_id, ideas = fake.guild.id, fake.channel("ideas")
    async with clamor() as bot:
        watcher = cast(Watcher, bot.get_cog("Watcher"))
        await remembered(bot, fake, fake.channel("general"), 1)  # what the gateway announced
        await bot.store.set_read_only(True)
        post = fake.world.add_channel(
            fake.guild, "new post", ChannelType.PUBLIC_THREAD, parent=ideas
        )
        await fake.dispatch("THREAD_CREATE", post.payload() | {"newly_created": True})
        await fake.send_user_message(post, fake.user("bob"), "how was your weekend?")

        async def seen() -> bool:
            return post.id in watcher.threads

        await eventually(seen, "the post seen")
        await watcher.flush()
        assert watcher.threads.pending == 1  # kept for the next flush
        await bot.store.set_read_only(False)
        await watcher.flush()
        assert watcher.threads.pending == 0
        assert await bot.store.threads_under(guild_id, ideas.id) == [post.id]


async def test_a_deleted_thread_takes_its_messages_rows_and_relabels_with_it(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    thread = fake.channel("will they ever release it")
    general = fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        posted = await room.post(thread, REQUEST)
        relabelled = await room.post(thread, REQUEST)
        elsewhere = await room.post(general, REQUEST)
        await relabel(fake, link(fake, thread, relabelled), "frustration")
        # Discord sends THREAD_DELETE, and no MESSAGE_DELETE for the messages in the thread.
        await room.dispatch("THREAD_DELETE", fake.thread_delete(thread))
        await room.settled()
        # A deleted message leaves no trace: neither its row nor a relabel's copy of its text.
        assert await room.logged(posted) is None
        assert await room.logged(relabelled) is None
        assert corrections(tmp_path / "clamor.db") == []
        assert await room.logged(elsewhere) is not None


async def test_a_deleted_channel_takes_its_messages_rows_and_relabels_with_it(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    ideas, general = fake.channel("ideas"), fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        posted = await room.post(ideas, REQUEST)
        relabelled = await room.post(ideas, REQUEST)
        elsewhere = await room.post(general, REQUEST)
        await relabel(fake, link(fake, ideas, relabelled), "frustration")
        # As for a thread: CHANNEL_DELETE, and no MESSAGE_DELETE for the messages in it.
        await room.dispatch("CHANNEL_DELETE", ideas.payload())
        await room.settled()
        assert await room.logged(posted) is None
        assert await room.logged(relabelled) is None
        assert corrections(tmp_path / "clamor.db") == []
        assert await room.logged(elsewhere) is not None
