"""Shared steps of the end-to-end tests: the bot's clock and messages dated by it, commands,
logged posts, the purge, and raw database snapshots (first written for tests/e2e/test_privacy*.py
and tests/e2e/test_isolation.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.client import ClamorBot
from bot.privacy import utc_day
from tests.e2e.waiting import eventually
from tests.fakediscord import OTHER_GUILD, FakeChannel, FakeDiscord, FakeGuild, FakeUser
from tests.fakediscord.interactions import CallbackRecord

REQUEST = "OpenAI should open source Sora"
FAST_TICK = 0.02
# "Now" for a test that asks about today, a trend or an export: noon UTC, hours from midnight
# in UTC and in the zones the tests use, so "today" cannot change while the test runs (as it
# could with the real clock, on a run that crosses midnight).
NOON = "2026-03-14T12:00"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Clock:
    """A settable 'now' handed to the bot."""

    def __init__(self, text: str = NOON) -> None:
        self.now = at(text).timestamp()

    def set(self, text: str) -> None:
        self.now = at(text).timestamp()

    def __call__(self) -> float:
        return self.now

    def tick(self) -> datetime:
        """One second on, the new now: the time of a message posted now (`at=clock.tick()`).

        Each message gets its own second, so message ids keep the order of posting."""
        self.now += 1
        return datetime.fromtimestamp(self.now, UTC)


def other_guild(fake: FakeDiscord) -> FakeGuild:
    return fake.world.guild(OTHER_GUILD)


async def run(
    fake: FakeDiscord,
    user: str,
    name: str,
    path: list[str],
    options: Mapping[str, Any] | None = None,
) -> CallbackRecord:
    """`/name path options` typed by `user` in the main guild's #general; the bot's answer."""
    handle = await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user(user), name, path, options or {}
    )
    reply = await handle.answer()
    assert reply.type == 4, reply
    return reply


async def private_line(
    fake: FakeDiscord,
    user: str,
    name: str,
    path: list[str],
    options: Mapping[str, Any] | None = None,
) -> str:
    """An ephemeral answer of exactly one line."""
    reply = await run(fake, user, name, path, options)
    assert reply.ephemeral, reply
    assert reply.content, reply
    assert "\n" not in reply.content, reply.content
    return reply.content


async def post_logged(
    bot: ClamorBot,
    fake: FakeDiscord,
    channel: FakeChannel,
    user: FakeUser,
    text: str = REQUEST,
    *,
    when: str | datetime | None = None,
) -> int:
    """Post `text` (dated `when`, else now) and wait until its row is in the log; its id."""
    posted = await fake.send_user_message(
        channel, user, text, at=at(when) if isinstance(when, str) else when
    )
    message_id, guild_id = int(posted["id"]), int(posted["guild_id"])

    async def stored() -> bool:
        return await bot.store.get_request(guild_id, message_id) is not None

    await eventually(stored, f"message {message_id} to be logged")
    return message_id


async def purge_now(bot: ClamorBot, now: float) -> None:
    """Let the real upkeep loop run its purge for the UTC day of `now` (the bot's clock)."""
    cog: Any = bot.get_cog("PrivacyUpkeep")  # loaded as an extension: not this module's class
    cog.tick.change_interval(seconds=FAST_TICK)

    async def purged() -> bool:
        return bool(cog.last_purge_day == utc_day(now))

    await eventually(purged, f"the privacy purge of {utc_day(now)}")


def guild_tables(db_path: Path) -> list[str]:
    """Every table with a guild_id column, read from the schema itself (new tables included)."""
    with _read_only(db_path) as db:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return sorted(
            name
            for name in names
            if any(col[1] == "guild_id" for col in db.execute(f"PRAGMA table_info('{name}')"))
        )


def guild_snapshot(db_path: Path, guild_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of `guild_id` in every per-guild table, exactly as SQLite holds it."""
    snapshot: dict[str, list[tuple[Any, ...]]] = {}
    tables = guild_tables(db_path)
    with _read_only(db_path) as db:
        for table in tables:
            rows = db.execute(f"SELECT * FROM {table} WHERE guild_id = ?", (guild_id,)).fetchall()
            snapshot[table] = sorted(rows, key=repr)
    return snapshot


def request_rows(db_path: Path, guild_id: int) -> list[tuple[Any, ...]]:
    """(message_id, author_hash, content, cues) of the guild's log, by message id."""
    with _read_only(db_path) as db:
        return db.execute(
            "SELECT message_id, author_hash, content, cues FROM request_messages "
            "WHERE guild_id = ? ORDER BY message_id",
            (guild_id,),
        ).fetchall()


def _read_only(db_path: Path) -> closing[sqlite3.Connection]:
    # Beside the running bot: a WAL reader sees the last commit and never blocks its writes.
    return closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True))
