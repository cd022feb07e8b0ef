"""cogs/watcher end to end: gateway messages in, request rows, volume and cursors in SQLite."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pytest

from bot.analysis import NO_CONTEXT, Analysis, Analyzer, Context
from bot.client import ClamorBot
from bot.store import author_hash
from cogs.watcher import Watcher
from tests.e2e.waiting import eventually
from tests.fakediscord import OTHER_GUILD, ChannelType, FakeChannel, FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]
Payload = dict[str, Any]

REQUEST = "OpenAI should open source Sora"
DEFEATIST = "they will never open source Sora, forget it"
SPANISH = "olvídense, jamás van a liberar los pesos de Sora"
CHAT = "good morning everyone"
DAY = (0.0, 4_000_000_000.0)  # every timestamp a test makes


def watcher_of(bot: ClamorBot) -> Watcher:
    cog = bot.get_cog("Watcher")
    # load_extension imports cogs.watcher afresh, so its class is not the one imported here.
    assert type(cog).__name__ == Watcher.__name__
    return cast(Watcher, cog)


class Room:
    """One running bot with its watcher, and shortcuts to post and wait for handling."""

    def __init__(self, fake: FakeDiscord, bot: ClamorBot) -> None:
        self.fake, self.bot, self.watcher = fake, bot, watcher_of(bot)
        self.guild_id = fake.guild.id
        self.expected = 0  # events the watcher must have handled so far

    async def dispatch(self, event: str, payload: Payload) -> Payload:
        await self.fake.dispatch(event, payload)
        self.expected += 1
        return payload

    async def post(
        self,
        channel: FakeChannel,
        text: str,
        user: str = "bob",
        *,
        at: datetime | None = None,
        reply_to: int | None = None,
    ) -> int:
        payload = self.fake.user_message(
            channel, self.fake.user(user), text, at=at, reply_to=reply_to
        )
        await self.dispatch("MESSAGE_CREATE", payload)
        return int(payload["id"])

    async def edit(self, message_id: int, text: str) -> None:
        await self.dispatch("MESSAGE_UPDATE", self.fake.message_edit(message_id, text))

    async def settled(self) -> None:
        count = self.expected

        async def handled() -> bool:
            return self.watcher.stats.handled >= count

        await eventually(handled, f"the watcher to handle {count} events")

    async def volume(self, guild_id: int | None = None, channel: int | None = None) -> int:
        await self.settled()
        await self.watcher.flush()
        return await self.bot.store.volume_between(guild_id or self.guild_id, *DAY, channel)

    async def logged(self, message_id: int, guild_id: int | None = None) -> Any:
        await self.settled()
        return await self.bot.store.get_request(guild_id or self.guild_id, message_id)

    async def set_rule(self, channel: FakeChannel, rule: Any) -> None:
        await self.bot.store.set_channel_rule(self.guild_id, channel.id, rule)
        self.bot.guild_configs.invalidate(self.guild_id)


@pytest.fixture
async def room(fake_discord: FakeDiscord, clamor: Clamor) -> AsyncIterator[Room]:
    async with clamor() as bot:
        yield Room(fake_discord, bot)


def general(fake: FakeDiscord) -> FakeChannel:
    return fake.channel("general")


async def test_a_request_lands_with_guild_channel_category_language_hash_and_time(
    room: Room, tmp_path: Path
) -> None:
    fake = room.fake
    bob = fake.user("bob")
    payload = fake.user_message(general(fake), bob, REQUEST)
    await room.dispatch("MESSAGE_CREATE", payload)
    spanish = await room.post(general(fake), SPANISH, user="carol")

    row = await room.logged(int(payload["id"]))
    assert row is not None
    assert (row.guild_id, row.channel_id) == (fake.guild.id, general(fake).id)
    assert (row.content, row.category, row.language, row.edited) == (REQUEST, "demand", "en", False)
    assert "Sora" in row.targets
    assert row.author_hash == author_hash(room.bot.author_key, bob.id)
    sent_at = datetime.fromisoformat(payload["timestamp"]).timestamp()
    assert row.created_at == pytest.approx(sent_at, abs=0.001)
    spanish_row = await room.logged(spanish)
    assert spanish_row is not None
    assert (spanish_row.language, spanish_row.category) == ("es", "defeatism")
    # The raw author id is stored nowhere.
    with sqlite3.connect(f"file:{tmp_path / 'clamor.db'}?mode=ro", uri=True) as db:
        cells = [str(cell) for row in db.execute("SELECT * FROM request_messages") for cell in row]
    assert cells
    assert not any(str(bob.id) in cell for cell in cells)


async def test_a_non_request_is_counted_but_not_stored(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    async with clamor() as bot:
        room = Room(fake, bot)
        chat = await room.post(general(fake), CHAT)
        request = await room.post(general(fake), REQUEST)
        assert await room.logged(chat) is None
        assert await room.logged(request) is not None
    # Not flushed by the test: the cog's unload wrote the volume and the cursor on shutdown.
    with sqlite3.connect(f"file:{tmp_path / 'clamor.db'}?mode=ro", uri=True) as db:
        [(volume,)] = db.execute("SELECT sum(messages) FROM message_volume").fetchall()
        cursors = db.execute(
            "SELECT last_message_id FROM channel_cursors WHERE channel_id = ?", (general(fake).id,)
        ).fetchall()
    assert volume == 2
    assert cursors == [(request,)]


def variant(payload: Payload, **changes: Any) -> Payload:
    payload.update(changes)
    return payload


async def test_bots_webhooks_and_system_messages_are_neither_stored_nor_counted(
    room: Room,
) -> None:
    fake, channel = room.fake, general(room.fake)
    bob = fake.user("bob")
    bot_author = fake.user_message(channel, bob, REQUEST)
    bot_author["author"] = {**bot_author["author"], "bot": True}
    skipped = [
        bot_author,
        variant(fake.user_message(channel, bob, REQUEST), webhook_id=str(fake.world.ids.now())),
        variant(fake.user_message(channel, bob, REQUEST), type=7),  # member join
        variant(fake.user_message(channel, bob, REQUEST), type=6),  # pin notice
    ]
    for payload in skipped:
        await room.dispatch("MESSAGE_CREATE", payload)
    reply = variant(fake.user_message(channel, bob, REQUEST), type=19)
    await room.dispatch("MESSAGE_CREATE", reply)
    assert await room.volume() == 1
    for payload in skipped:
        assert await room.logged(int(payload["id"])) is None
    assert await room.logged(int(reply["id"])) is not None
    assert await room.bot.store.count_requests(fake.guild.id) == 1


async def test_edits_update_remove_add_or_leave_rows(room: Room) -> None:
    channel = general(room.fake)
    changed = await room.post(channel, REQUEST)
    stops = await room.post(channel, REQUEST)
    becomes = await room.post(channel, CHAT)
    same = await room.post(channel, REQUEST)
    await room.settled()

    await room.edit(changed, DEFEATIST)
    await room.edit(stops, CHAT)
    await room.edit(becomes, SPANISH)
    await room.edit(same, REQUEST)

    row = await room.logged(changed)
    assert row is not None
    assert (row.content, row.category, row.edited) == (DEFEATIST, "defeatism", True)
    assert await room.logged(stops) is None
    added = await room.logged(becomes)
    assert added is not None
    assert (added.content, added.language, added.edited) == (SPANISH, "es", True)
    untouched = await room.logged(same)
    assert untouched is not None
    assert (untouched.content, untouched.edited) == (REQUEST, False)
    assert room.watcher.stats.failures == 0
    assert await room.volume() == 4  # edits are not new messages


async def test_delete_and_bulk_delete_remove_rows_of_their_guild_only(room: Room) -> None:
    fake, channel = room.fake, general(room.fake)
    single, first, second, kept = [await room.post(channel, REQUEST) for _ in range(4)]
    await room.settled()
    other = fake.world.guild(OTHER_GUILD)
    # The same id announced as deleted in another guild must not touch this guild's row.
    await room.dispatch(
        "MESSAGE_DELETE",
        {
            "id": str(kept),
            "channel_id": str(other.channel("general").id),
            "guild_id": str(other.id),
        },
    )
    await room.dispatch("MESSAGE_DELETE", fake.message_delete(single))
    await room.dispatch("MESSAGE_DELETE_BULK", fake.message_delete_bulk(channel, [first, second]))
    for gone in (single, first, second):
        assert await room.logged(gone) is None
    assert await room.logged(kept) is not None
    assert await room.bot.store.count_requests(room.guild_id) == 1


async def test_threads_and_forum_posts_follow_their_parent(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    post = fake.world.add_channel(
        fake.guild,
        "open the weights already",
        ChannelType.PUBLIC_THREAD,
        parent=fake.channel("ideas"),
    )
    thread = fake.channel("will they ever release it")  # under #general
    async with clamor() as bot:
        room = Room(fake, bot)
        in_thread = await room.post(thread, REQUEST)
        in_post = await room.post(post, REQUEST)
        for message, channel in ((in_thread, thread), (in_post, post)):
            row = await room.logged(message)
            assert row is not None
            assert row.channel_id == channel.id  # the thread's own id, so jump links work
        assert await room.volume(channel=thread.id) == 1

        await room.set_rule(general(fake), "exclude")
        ignored = await room.post(thread, REQUEST)
        assert await room.logged(ignored) is None
        assert await room.volume(channel=thread.id) == 1
        assert await room.volume() == 2


async def test_excluded_channels_and_listed_mode_are_honoured(room: Room) -> None:
    fake = room.fake
    source, digests = fake.channel("open-source"), fake.channel("digests")
    await room.set_rule(source, "exclude")
    excluded = await room.post(source, REQUEST)
    watched = await room.post(general(fake), REQUEST)
    assert await room.logged(excluded) is None
    assert await room.logged(watched) is not None
    assert await room.volume(channel=source.id) == 0

    await room.bot.store.set_watch_mode(room.guild_id, "listed")
    await room.bot.store.remove_channel_rule(room.guild_id, source.id)
    await room.set_rule(digests, "watch")
    unlisted = await room.post(general(fake), REQUEST)
    listed = await room.post(digests, REQUEST)
    assert await room.logged(unlisted) is None
    assert await room.logged(listed) is not None
    assert await room.volume() == 2  # `watched` and `listed`


async def test_cursor_advances_and_flushes_after_n_messages(room: Room) -> None:
    room.watcher.flush_every = 3
    channel = general(room.fake)
    ids = [await room.post(channel, CHAT) for _ in range(3)]
    store = room.bot.store

    async def cursor_at_last() -> bool:
        return await store.cursor(room.guild_id, channel.id) == ids[-1]

    await eventually(cursor_at_last, "the flush after three messages")  # no explicit flush
    later = await room.post(channel, REQUEST)
    assert await room.volume(channel=channel.id) == 4
    assert await store.cursor(room.guild_id, channel.id) == later


async def test_the_flush_loop_writes_on_its_own(room: Room) -> None:
    room.watcher.flusher.change_interval(seconds=0.05)
    channel = general(room.fake)
    message = await room.post(channel, CHAT)
    store = room.bot.store

    async def written() -> bool:
        return await store.volume_between(room.guild_id, *DAY) == 1

    await eventually(written, "the flush loop")
    assert await store.cursor(room.guild_id, channel.id) == message


async def test_the_second_guild_keeps_its_own_rows(room: Room) -> None:
    other = room.fake.world.guild(OTHER_GUILD)
    message = await room.post(other.channel("general"), REQUEST, user="dave")
    row = await room.logged(message, guild_id=other.id)
    assert row is not None
    assert row.channel_id == other.channel("general").id
    assert await room.logged(message) is None
    assert await room.bot.store.count_requests(room.guild_id) == 0
    assert await room.volume(guild_id=other.id) == 1
    assert await room.volume() == 0


async def test_long_and_emoji_heavy_messages_are_analysed_off_the_loop(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: dict[int, bool] = {}
    original = Analyzer.analyze

    def spy(
        self: Analyzer,
        text: str,
        *,
        score_all: bool = True,
        context: Context = NO_CONTEXT,
        message_id: int | None = None,
    ) -> Analysis:
        threads[len(text)] = threading.current_thread() is threading.main_thread()
        return original(self, text, score_all=score_all, context=context, message_id=message_id)

    monkeypatch.setattr(Analyzer, "analyze", spy)
    long_text = ("please open source the weights of Sora, " * 100)[:4000]
    emoji_text = "open source Sora " + "😡" * 2000
    channel = general(room.fake)
    long_id = await room.post(channel, long_text)
    emoji_id = await room.post(channel, emoji_text)
    short_id = await room.post(channel, REQUEST)
    for message, text in ((long_id, long_text), (emoji_id, emoji_text), (short_id, REQUEST)):
        row = await room.logged(message)
        assert row is not None
        assert row.content == text
    assert threads == {len(long_text): False, len(emoji_text): False, len(REQUEST): True}


async def test_a_dropped_connection_loses_and_doubles_nothing(room: Room) -> None:
    fake, channel = room.fake, general(room.fake)
    before = await room.post(channel, REQUEST)
    await room.settled()
    async with fake.connection_dropped():
        during = [await room.post(channel, text) for text in (REQUEST, CHAT, DEFEATIST)]
    await fake.wait_for(lambda: fake.resume_count == 1, what="the resume")
    assert fake.identify_count == 1
    for message in (before, during[0], during[2]):
        assert await room.logged(message) is not None
    assert await room.logged(during[1]) is None
    assert await room.volume() == 4
    assert await room.bot.store.count_requests(room.guild_id) == 3
    assert await room.bot.store.cursor(room.guild_id, channel.id) == during[-1]


async def test_a_replayed_message_is_counted_once(room: Room) -> None:
    payload = room.fake.user_message(general(room.fake), room.fake.user("bob"), REQUEST)
    await room.dispatch("MESSAGE_CREATE", payload)
    await room.dispatch("MESSAGE_CREATE", dict(payload))
    assert await room.logged(int(payload["id"])) is not None
    assert await room.volume() == 1


async def test_a_database_error_is_logged_and_the_watcher_goes_on(
    room: Room, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    channel = general(room.fake)
    with sqlite3.connect(tmp_path / "clamor.db") as db:
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON request_messages "
            "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        )
    with caplog.at_level(logging.ERROR, logger="cogs.watcher"):
        refused = await room.post(channel, REQUEST)
        await room.settled()
    assert room.watcher.stats.failures == 1
    [record] = [r for r in caplog.records if r.name == "cogs.watcher"]
    assert record.exc_info is not None
    assert "disk on fire" in str(record.exc_info[1])
    with sqlite3.connect(tmp_path / "clamor.db") as db:
        db.execute("DROP TRIGGER refuse")
    accepted = await room.post(channel, REQUEST)
    assert await room.logged(accepted) is not None
    assert await room.logged(refused) is None
    assert await room.volume() == 2  # the refused message still counts as traffic


async def test_volume_of_a_guild_in_india_lands_in_buckets_on_its_local_hours(
    room: Room,
) -> None:
    await room.bot.store.set_digest_schedule(room.guild_id, None, "09:00", "Asia/Kolkata")
    room.bot.guild_configs.invalidate(room.guild_id)
    channel, bob = general(room.fake), room.fake.user("bob")
    # 23:50 and 00:05 in India (+5:30): two local days, so two buckets, split at 18:30 UTC.
    for sent in ("2024-03-10T18:20:00+00:00", "2024-03-10T18:35:00+00:00"):
        at = datetime.fromisoformat(sent)
        await room.dispatch("MESSAGE_CREATE", room.fake.user_message(channel, bob, CHAT, at=at))
    assert await room.volume() == 2
    midnight = datetime.fromisoformat("2024-03-10T18:30:00+00:00").timestamp()
    hours = await room.bot.store.volume_hours(room.guild_id, *DAY)
    assert hours == [(midnight - 3600, 1), (midnight, 1)]
