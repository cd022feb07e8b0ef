"""The daily privacy purge end to end, on the bot's clock: retention, and leaving a server."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.client import ClamorBot
from bot.why import TEXT_ERASED
from tests.digest.factories import row
from tests.e2e.helpers import (
    Clock,
    guild_snapshot,
    other_guild,
    post_logged,
    private_line,
    purge_now,
    request_rows,
    run,
)
from tests.e2e.waiting import eventually
from tests.fakediscord import FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]
IMPORTED_GUILD = 4242
IMPORTED = row(1, "2026-03-01T10:00")


def stored_rows(db_path: Path, guild_id: int) -> int:
    return len(request_rows(db_path, guild_id))


async def flush_activity(bot: ClamorBot) -> None:
    """Write the watcher's buffered volume and cursors now, so snapshots are stable."""
    watcher: Any = bot.get_cog("Watcher")
    await watcher.flush()


async def departed(bot: ClamorBot, guild_id: int, expected: bool) -> None:
    async def check() -> bool:
        return (guild_id in await bot.store.departed_guilds()) is expected

    await eventually(check, f"guild {guild_id} departed={expected}")


def empty(snapshot: dict[str, list[tuple[Any, ...]]]) -> bool:
    return all(rows == [] for rows in snapshot.values())


async def test_retention_erases_old_text_and_authors_but_the_old_day_still_counts(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general, carol, bob = fake.channel("general"), fake.user("carol"), fake.user("bob")
    quiet = other_guild(fake)
    db_path = tmp_path / "clamor.db"
    clock = Clock("2026-03-14T12:00")
    async with clamor(clock) as bot:
        await purge_now(bot, clock.now)  # the start-up purge: nothing is 90 days old
        old = [
            await post_logged(bot, fake, general, carol, when="2026-03-10T10:00"),
            await post_logged(
                bot,
                fake,
                general,
                bob,
                "fingers crossed they release the weights",
                when="2026-03-10T11:00",
            ),
        ]
        fresh = await post_logged(bot, fake, general, carol, when="2026-03-14T10:00")
        await post_logged(bot, fake, fake.channel("general", quiet), fake.user("dave"),
                          when="2026-03-10T10:00")  # fmt: skip
        await flush_activity(bot)
        quiet_before = guild_snapshot(db_path, quiet.id)
        await private_line(fake, "alice", "clamor-mod", ["privacy", "retention"], {"days": 7})

        clock.set("2026-03-20T12:00")  # the 10th is now 10 days old; the 14th only 6
        await purge_now(bot, clock.now)

        rows = {row[0]: row[1:] for row in request_rows(db_path, fake.guild.id)}
        assert [rows[message_id] for message_id in old] == [("", "", "[]"), ("", "", "[]")]
        author, content, _ = rows[fresh]
        assert (len(author), content) == (32, "OpenAI should open source Sora")
        # Quiet Corner keeps the default 90 days: its row of the 10th is untouched.
        assert guild_snapshot(db_path, quiet.id) == quiet_before

        digest = await run(fake, "bob", "clamor", ["digest"], {"day": "2026-03-10"})
        (embed,) = digest.embeds
        assert "2 request messages" in json.dumps(embed)
        assert not [f for f in embed.get("fields", []) if f["name"] == "Worth reading"]
        assert "fingers crossed" not in json.dumps(embed)

        why = await run(fake, "bob", "clamor", ["why"], {"message": str(old[1])})
        assert why.content is not None
        assert TEXT_ERASED in why.content
        assert "fingers crossed" not in why.content


async def test_leaving_then_the_grace_passing_erases_everything_of_that_server(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    quiet = other_guild(fake)
    db_path = tmp_path / "clamor.db"
    clock = Clock("2026-03-14T12:00")
    async with clamor(clock) as bot:
        await post_logged(bot, fake, fake.channel("general"), fake.user("carol"))
        await post_logged(bot, fake, fake.channel("general", quiet), fake.user("dave"))
        await bot.store.set_watch_mode(quiet.id, "all")  # settings are erased too
        await flush_activity(bot)
        main_before = guild_snapshot(db_path, fake.guild.id)
        assert not empty(guild_snapshot(db_path, quiet.id))

        await fake.leave_guild(quiet)
        await departed(bot, quiet.id, True)
        assert (await bot.store.departed_guilds())[quiet.id] == clock.now

        clock.set("2026-04-12T12:00")  # 29 days: still within the grace
        await purge_now(bot, clock.now)
        assert await bot.store.count_requests(quiet.id) == 1

        clock.set("2026-04-14T12:30")  # 31 days
        await purge_now(bot, clock.now)
        assert empty(guild_snapshot(db_path, quiet.id))
        assert await bot.store.departed_guilds() == {}
        await flush_activity(bot)
        assert guild_snapshot(db_path, fake.guild.id) == main_before


async def test_rejoining_before_the_grace_ends_keeps_the_data(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    quiet = other_guild(fake)
    db_path = tmp_path / "clamor.db"
    clock = Clock("2026-03-14T12:00")
    async with clamor(clock) as bot:
        await post_logged(bot, fake, fake.channel("general", quiet), fake.user("dave"))
        await flush_activity(bot)
        before = guild_snapshot(db_path, quiet.id)

        await fake.leave_guild(quiet)
        await departed(bot, quiet.id, True)
        clock.set("2026-03-24T12:00")
        await fake.join_guild(quiet)
        await departed(bot, quiet.id, False)

        clock.set("2026-05-01T12:00")  # long past the grace of the first departure
        await purge_now(bot, clock.now)
        assert guild_snapshot(db_path, quiet.id) == before


async def test_a_grace_of_zero_erases_at_once(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    quiet = other_guild(fake)
    db_path = tmp_path / "clamor.db"
    async with clamor(CLAMOR_LEAVE_GRACE_DAYS="0") as bot:
        await post_logged(bot, fake, fake.channel("general", quiet), fake.user("dave"))
        await flush_activity(bot)
        await fake.leave_guild(quiet)

        async def erased() -> bool:
            return await bot.store.count_requests(quiet.id) == 0

        await eventually(erased, "Quiet Corner's rows to be erased")
        assert empty(guild_snapshot(db_path, quiet.id))


async def test_removed_while_offline_is_noticed_at_start_and_readding_keeps_the_data(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    quiet = other_guild(fake)
    db_path = tmp_path / "clamor.db"
    clock = Clock("2026-03-14T12:00")
    async with clamor(clock) as bot:
        # A server the bot served where no moderator ever saved a setting.
        await post_logged(bot, fake, fake.channel("general", quiet), fake.user("dave"))
        # Rows of a server Clamor never served (`clamor analyze --db` of an export) are not
        # taken for a departure.
        await bot.store.upsert_request(replace(IMPORTED, guild_id=IMPORTED_GUILD))
        await flush_activity(bot)
    before = guild_snapshot(db_path, quiet.id)

    del fake.world.guilds[quiet.id]  # removed while Clamor was down: no GUILD_DELETE
    clock.set("2026-03-15T12:00")
    async with clamor(clock) as bot:
        await departed(bot, quiet.id, True)
        assert await bot.store.departed_guilds() == {quiet.id: clock.now}

    fake.world.guilds[quiet.id] = quiet  # added back, again while Clamor was down
    clock.set("2026-05-01T12:00")
    async with clamor(clock) as bot:
        await purge_now(bot, clock.now)
        assert await bot.store.departed_guilds() == {}
    assert guild_snapshot(db_path, quiet.id) == before
    assert stored_rows(db_path, IMPORTED_GUILD) == 1
