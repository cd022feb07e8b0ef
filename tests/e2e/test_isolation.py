"""Isolation (issue 5, point 5): nothing typed in one server reads, changes or deletes another's.

Quiet Corner (B) is filled with data in every per-guild table; then every command is run in the
main server (A), aimed at B where it takes a message or a member, followed by a purge on a
moved clock. B's rows must be exactly as they were, byte for byte, and no answer may show B's
text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from bot.client import ClamorBot
from bot.store import LabelCorrection, author_hash
from tests.e2e.helpers import (
    Clock,
    guild_snapshot,
    other_guild,
    post_logged,
    purge_now,
    request_rows,
    run,
)
from tests.fakediscord import FakeDiscord
from tests.fakediscord.interactions import CallbackRecord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]
B_TEXT = "Quiet Corner secret: open source the Llama weights"
B_OTHER = "Quiet Corner secret two: release the weights please"


def shown(reply: CallbackRecord) -> str:
    return json.dumps(reply.data, ensure_ascii=False)


async def test_no_command_in_one_server_reads_changes_or_deletes_anothers_data(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    b = other_guild(fake)
    bob, carol, dave = fake.user("bob"), fake.user("carol"), fake.user("dave")
    fake.world.add_member(b, bob)  # a member of both servers
    a_general, b_general = fake.channel("general"), fake.channel("general", b)
    db_path = tmp_path / "clamor.db"
    clock = Clock("2026-03-14T12:00")
    async with clamor(clock) as bot:
        # B's data, in every per-guild table.
        b_old = await post_logged(bot, fake, b_general, bob, B_TEXT, when="2026-03-10T10:00")
        b_new = await post_logged(bot, fake, b_general, dave, B_OTHER, when="2026-03-14T10:00")
        store = bot.store
        await store.add_term(b.id, "target", "llama")
        await store.set_channel_rule(b.id, b_general.id, "watch")
        await store.set_retention_days(b.id, 365)
        await store.opt_out_author(b.id, author_hash(bot.author_key, carol.id), clock.now)
        await store.set_label_correction(
            LabelCorrection(
                guild_id=b.id, message_id=b_new, channel_id=b_general.id, label="defeatism",
                content=B_OTHER, language="en", original_category="demand",
                corrected_at=clock.now, author_hash=author_hash(bot.author_key, dave.id),
            )
        )  # fmt: skip
        await store.mark_guild_left(b.id, clock.now)
        await store.mark_guild_present(b.id)
        # A's data.
        await post_logged(bot, fake, a_general, bob, when="2026-03-10T10:00")
        a_carol = await post_logged(
            bot, fake, a_general, carol, "release the weights", when="2026-03-14T10:00"
        )
        watcher: Any = bot.get_cog("Watcher")
        await watcher.flush()
        bot.guild_configs.invalidate(b.id)
        before = guild_snapshot(db_path, b.id)
        filled = [table for table, rows in before.items() if rows]
        assert set(filled) >= {
            "request_messages", "message_volume", "guild_terms", "channel_rules",
            "guild_privacy", "opted_out_authors", "label_corrections",
        }  # fmt: skip

        b_link = f"https://discord.com/channels/{b.id}/{b_general.id}/{b_old}"
        b_pair = f"{b_general.id}-{b_old}"
        replies: list[CallbackRecord] = []

        async def member(path: list[str], **options: Any) -> str:
            replies.append(await run(fake, "bob", "clamor", path, options))
            return shown(replies[-1])

        async def moderator(path: list[str], **options: Any) -> str:
            replies.append(await run(fake, "alice", "clamor-mod", path, options))
            return shown(replies[-1])

        digest = await member(["digest"], day="2026-03-10")
        assert "1 request message" in digest  # A's own message of that day only
        await member(["digest"], day="2026-03-14")
        await member(["status"])
        assert "That link is not to a message in this server" in await member(
            ["why"], message=b_link
        )
        assert "is not in my log" in await member(["why"], message=str(b_old))
        assert "I cannot see a text channel" in await member(["why"], message=b_pair)
        for target in (b_link, str(b_new), b_pair):
            await moderator(["relabel"], message=target, label="not-a-request")
            await moderator(["relabel"], message=target, label="optimism")
        await moderator(["forget"], user=dave.id)
        forgot = await moderator(["forget"], user=bob.id)
        assert "Erased 1 logged message of" in forgot  # A's one row of bob, not B's
        await member(["forget-me"], confirm="yes")
        await member(["remember-me"])
        await moderator(["privacy", "retention"], days=7)
        await moderator(["privacy", "content"], mode="drop")
        await moderator(["privacy", "content"], mode="keep")
        await moderator(["privacy", "show"])
        await moderator(["terms", "add"], kind="target", term="llama")
        await moderator(["terms", "remove"], kind="target", term="llama")
        await moderator(["terms", "list"])
        await moderator(["watch", "remove"], channel=a_general.id)
        await moderator(["watch", "mode"], mode="listed")
        await moderator(["watch", "list"])

        clock.set("2026-03-20T12:00")  # A keeps 7 days, B 365: only A's old text goes
        await purge_now(bot, clock.now)
        await watcher.flush()

        after = guild_snapshot(db_path, b.id)
        assert after == before
        assert [row[0] for row in request_rows(db_path, fake.guild.id)] == [a_carol]
        for reply in replies:
            assert "Quiet Corner secret" not in shown(reply), reply
