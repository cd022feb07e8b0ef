"""`/clamor-mod relabel` end to end: the answer, the rows in SQLite, and the digests after it."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.analysis import Analysis
from bot.client import ClamorBot
from cogs.moderation.relabel import CHANGED_MEANWHILE
from tests.e2e.helpers import Clock, private_line
from tests.e2e.test_backfill import backfill, finished
from tests.e2e.test_moderation import mod
from tests.e2e.test_watcher import Room
from tests.e2e.waiting import eventually
from tests.fakediscord import OTHER_GUILD, FakeChannel, FakeDiscord
from tests.fakediscord.interactions import CallbackRecord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

REQUEST = "OpenAI should open source Sora"
OTHER_REQUEST = "release the weights please"
CHAT = "the loss weights are finally converging"
LABELS = ["demand", "frustration", "optimism", "skepticism", "defeatism", "not-a-request"]


def link(fake: FakeDiscord, channel: FakeChannel, message_id: int, guild_id: int = 0) -> str:
    return f"https://discord.com/channels/{guild_id or fake.guild.id}/{channel.id}/{message_id}"


async def relabel(fake: FakeDiscord, message: str, label: str, *, user: str = "alice") -> str:
    reply = await mod(fake, ["relabel"], {"message": message, "label": label}, user=user)
    assert reply.content is not None
    assert "\n" not in reply.content
    return reply.content


async def digest(fake: FakeDiscord) -> CallbackRecord:
    handle = await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user("bob"), "clamor", ["digest"], {}
    )
    return await handle.answer()


def field(reply: CallbackRecord, name: str) -> str:
    (embed,) = reply.embeds
    return str(next(f["value"] for f in embed["fields"] if f["name"] == name))


def corrections(db_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT guild_id, message_id, channel_id, label, content, original_category "
            "FROM label_corrections ORDER BY corrected_at, message_id"
        ).fetchall()
    db.close()
    return rows


async def post_logged(
    bot: ClamorBot,
    fake: FakeDiscord,
    channel: FakeChannel,
    text: str,
    *,
    at: datetime | None = None,
) -> int:
    posted = await fake.send_user_message(channel, fake.user("carol"), text, at=at)
    message_id = int(posted["id"])
    guild_id = int(posted["guild_id"])

    async def stored() -> bool:
        return await bot.store.get_request(guild_id, message_id) is not None

    await eventually(stored, f"message {message_id} to be logged")
    return message_id


async def test_the_label_option_offers_the_six_labels(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor():
        synced = fake.commands.guild_commands[fake.guild.id]
    [group] = [command for command in synced if command["name"] == "clamor-mod"]
    [command] = [option for option in group["options"] if option["name"] == "relabel"]
    label = next(option for option in command["options"] if option["name"] == "label")
    assert [choice["value"] for choice in label["choices"]] == LABELS


async def test_relabelled_logged_messages_change_the_digest(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    clock = Clock()  # the digests are of today: the day the messages are dated
    async with clamor(clock) as bot:
        first = await post_logged(bot, fake, general, REQUEST, at=clock.tick())
        second = await post_logged(bot, fake, general, OTHER_REQUEST, at=clock.tick())
        before = await digest(fake)
        assert field(before, "Volume").startswith("2 request messages")
        stored = await bot.store.get_request(fake.guild.id, first)
        assert stored is not None

        hidden = await relabel(fake, link(fake, general, first), "not-a-request")
        moved = await relabel(fake, str(second), "defeatism")
        after = await digest(fake)

    assert hidden == (
        f"Relabelled {link(fake, general, first)} as `not-a-request` (Clamor said: "
        f"{stored.category}); it is left out of digests from now on."
    )
    assert moved.endswith("digests count it as defeatism from now on.")
    assert field(after, "Volume").startswith("1 request message")
    reactions = {
        line.split("`")[1].strip(): line for line in field(after, "Reactions").splitlines()
    }
    assert reactions["defeatism"].endswith("  1 100%")
    assert reactions[str(stored.category)].endswith("  0   0%")
    assert [row[:5] for row in corrections(tmp_path / "clamor.db")] == [
        (fake.guild.id, first, general.id, "not-a-request", REQUEST),
        (fake.guild.id, second, general.id, "defeatism", OTHER_REQUEST),
    ]


async def test_an_unlogged_message_relabelled_as_a_category_is_logged_with_it(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    # On Discord, but never sent to the bot (posted while it was offline), earlier today.
    clock, bob = Clock(), fake.user("bob")
    chat = int(fake.user_message(general, bob, CHAT, at=clock.tick())["id"])
    ignored = int(fake.user_message(general, bob, "good morning all", at=clock.tick())["id"])
    async with clamor(clock) as bot:
        answer = await relabel(fake, link(fake, general, chat), "skepticism")
        hidden = await relabel(fake, link(fake, general, ignored), "not-a-request")
        row = await bot.store.get_request(fake.guild.id, chat)
        not_logged = await bot.store.get_request(fake.guild.id, ignored)
        after = await digest(fake)

    assert "(Clamor said: not a request)" in answer
    assert row is not None
    assert (row.content, row.category, row.channel_id) == (CHAT, "skepticism", general.id)
    assert not_logged is None
    assert hidden.endswith("it is left out of digests from now on.")
    assert field(after, "Volume").startswith("1 request message")
    assert corrections(tmp_path / "clamor.db") == [
        (fake.guild.id, chat, general.id, "skepticism", CHAT, None),
        (fake.guild.id, ignored, general.id, "not-a-request", "good morning all", None),
    ]


async def test_members_without_manage_server_cannot_relabel(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        message_id = await post_logged(bot, fake, general, REQUEST)
        answer = await relabel(fake, str(message_id), "not-a-request", user="bob")
    assert "Manage Server" in answer
    assert corrections(tmp_path / "clamor.db") == []


async def test_another_guilds_message_cannot_be_relabelled(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    other = fake.world.guild(OTHER_GUILD)
    elsewhere = other.channel("general")
    async with clamor() as bot:
        theirs = await post_logged(bot, fake, elsewhere, REQUEST)
        answers = [
            await relabel(fake, link(fake, elsewhere, theirs, other.id), "not-a-request"),
            await relabel(fake, link(fake, elsewhere, theirs), "demand"),
            await relabel(fake, str(theirs), "demand"),
        ]
        their_row = await bot.store.get_request(other.id, theirs)
    assert "not to a message in this server" in answers[0]
    assert "I cannot see a text channel" in answers[1]
    assert "not in my log" in answers[2]
    assert corrections(tmp_path / "clamor.db") == []
    assert their_row is not None
    assert their_row.guild_id == other.id


async def test_bot_messages_and_bad_input_are_refused(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    bot_post = int(fake.user_message(general, fake.world.bot, REQUEST)["id"])
    async with clamor():
        from_bot = await relabel(fake, link(fake, general, bot_post), "demand")
        nonsense = await relabel(fake, "that one", "demand")
    assert from_bot.startswith("That message is from a bot")
    assert nonsense.startswith("`that one` is not a message link or id. Paste a message link")
    assert corrections(tmp_path / "clamor.db") == []


async def test_deleting_a_message_removes_its_correction_too(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        message_id = await post_logged(bot, fake, general, REQUEST)
        await relabel(fake, link(fake, general, message_id), "frustration")
        assert len(corrections(tmp_path / "clamor.db")) == 1
        await fake.dispatch("MESSAGE_DELETE", fake.message_delete(message_id))

        async def gone() -> bool:
            return await bot.store.label_correction(fake.guild.id, message_id) is None

        await eventually(gone, "the deleted message's correction to go")
        assert await bot.store.get_request(fake.guild.id, message_id) is None
        assert corrections(tmp_path / "clamor.db") == []


async def test_a_relabel_and_its_undo_wait_for_the_guilds_turn(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    chat = int(fake.user_message(general, fake.user("bob"), "anyone up for lunch")["id"])
    guild_id = fake.guild.id
    where = link(fake, general, chat)
    async with clamor() as bot:
        store = bot.store
        for command, before_done, after_done in (
            (relabel(fake, where, "defeatism"), None, "defeatism"),
            (mod(fake, ["relabel-undo"], {"message": where}), "defeatism", None),
        ):
            # The guild's turn held, as while a history page is read: its rows and relabels
            # are settled together, so the command must wait, whatever it has read.
            async with bot.watch_service.lock(guild_id):
                task = asyncio.ensure_future(command)
                # Bounded: unheld, the command ends in a fraction of this.
                done, _ = await asyncio.wait({task}, timeout=1.0)
                assert not done
                row = await store.get_request(guild_id, chat)
                assert (row.category if row else None) == before_done
            await task
            row = await store.get_request(guild_id, chat)
            assert (row.category if row else None) == after_done
            correction = await store.label_correction(guild_id, chat)
            assert (correction.label if correction else None) == after_done


async def _waiting(task: asyncio.Future[Any]) -> None:
    """Give `task` time to reach the guild's turn, held by the test: it must still wait there."""
    # Bounded: unheld, a command ends in a fraction of this.
    done, _ = await asyncio.wait({task}, timeout=0.5)
    assert not done


@pytest.mark.parametrize("erasure", ["forget-me", "content drop"])
async def test_a_relabel_waiting_for_its_turn_keeps_no_text_an_erasure_took(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path, erasure: str
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        request = await post_logged(bot, fake, general, REQUEST)  # carol's
        async with bot.watch_service.lock(fake.guild.id):  # the guild busy (a history page)
            relabelled = asyncio.ensure_future(
                mod(fake, ["relabel"], {"message": link(fake, general, request), "label": "demand"})
            )
            await _waiting(relabelled)
            if erasure == "forget-me":
                erased = asyncio.ensure_future(
                    private_line(fake, "carol", "clamor", ["forget-me"], {"confirm": "yes"})
                )
            else:
                erased = asyncio.ensure_future(
                    mod(fake, ["privacy", "content"], {"mode": "drop"}, user="alice")
                )
            await _waiting(erased)
        await relabelled
        await erased
        # Whichever took its turn first, no text the erasure took is stored after it.
        texts = [row[4] for row in corrections(tmp_path / "clamor.db")]
        assert texts in ([], [""])
        row = await bot.store.get_request(fake.guild.id, request)
        assert row is None if erasure == "forget-me" else row is not None and row.content == ""


async def test_a_relabel_of_a_row_a_history_page_removed_meanwhile_says_so(
    fake_discord: FakeDiscord, clamor: Clamor, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        guild_id = fake.guild.id
        request = await post_logged(bot, fake, general, REQUEST)
        # Edited while Clamor did not see it: a backfill takes its row out.
        fake.message_edit(request, "anyone up for lunch")
        where = link(fake, general, request)
        service = bot.watch_service
        take_page, page_read = service._take_page, asyncio.Event()

        async def page(*args: Any, **kwargs: Any) -> None:
            page_read.set()  # read from Discord: next, the page waits for the guild's turn
            await take_page(*args, **kwargs)

        monkeypatch.setattr(service, "_take_page", page)
        async with service.lock(guild_id):
            handle = await backfill(fake, days=1)
            await asyncio.wait_for(page_read.wait(), 5)
            relabelled = asyncio.ensure_future(relabel(fake, where, "optimism"))
            await _waiting(relabelled)
        answer = await relabelled
        await finished(fake, handle)
        row = await bot.store.get_request(guild_id, request)
        correction = await bot.store.label_correction(guild_id, request)
        if answer == CHANGED_MEANWHILE:  # the page took its turn first
            assert (row, correction) == (None, None)
            answer = await relabel(fake, where, "optimism")  # once more, as it asks
            row = await bot.store.get_request(guild_id, request)
            correction = await bot.store.label_correction(guild_id, request)
        # The moderator's word stands, with a row that counts it.
        assert "digests count it as optimism" in answer
        assert row is not None
        assert correction is not None


async def test_an_undone_relabel_of_a_request_never_logged_counts_as_clamor_read_it(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    then = datetime.now(UTC) - timedelta(hours=3)
    old = int(fake.user_message(general, fake.user("bob"), REQUEST, at=then)["id"])
    async with clamor() as bot:
        guild_id = fake.guild.id
        assert await bot.store.get_request(guild_id, old) is None  # before Clamor came
        where = link(fake, general, old)
        assert "Clamor said: demand" in await relabel(fake, where, "frustration")
        undo = await mod(fake, ["relabel-undo"], {"message": where})
        assert "it counts as Clamor read it" in str(undo.content)
        assert await bot.store.label_correction(guild_id, old) is None
        row = await bot.store.get_request(guild_id, old)
        assert row is not None
        assert row.category == "demand"


async def test_a_rescore_that_waited_behind_a_relabel_keeps_that_relabel(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    chat = int(fake.user_message(general, fake.user("bob"), "anyone up for lunch")["id"])
    async with clamor() as bot:
        guild_id = fake.guild.id
        async with bot.watch_service.lock(guild_id):  # the guild busy
            relabelled = asyncio.ensure_future(relabel(fake, link(fake, general, chat), "demand"))
            await _waiting(relabelled)
            rescored = asyncio.ensure_future(mod(fake, ["rescore"], {"days": 1}))
            await _waiting(rescored)
        await relabelled
        await rescored
        # The rescore read which messages are relabelled in its turn, after the relabel's: the
        # row the relabel wrote is the moderator's, not a verdict of Clamor's to take back.
        assert await bot.store.label_correction(guild_id, chat) is not None
        assert await bot.store.get_request(guild_id, chat) is not None


@pytest.mark.parametrize("read", ["live", "by a backfill"])
async def test_an_undone_relabel_keeps_a_message_edited_into_a_request_since(
    fake_discord: FakeDiscord, clamor: Clamor, read: str
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    chat = int(fake.user_message(general, fake.user("bob"), "anyone up for lunch")["id"])
    async with clamor() as bot:
        guild_id = fake.guild.id
        where = link(fake, general, chat)
        assert "Clamor said: not a request" in await relabel(fake, where, "demand")
        # Edited into a request: Clamor now reads it as one, and logs it as its own.
        edit = fake.message_edit(chat, OTHER_REQUEST)
        if read == "live":
            await fake.dispatch("MESSAGE_UPDATE", edit)
        else:
            await finished(fake, await backfill(fake, days=1))

        async def rewritten() -> bool:
            row = await bot.store.get_request(guild_id, chat)
            return row is not None and row.content == OTHER_REQUEST

        await eventually(rewritten, "the edit to be read")
        await mod(fake, ["relabel-undo"], {"message": where})
        # "It counts as Clamor read it": a request.
        row = await bot.store.get_request(guild_id, chat)
        assert row is not None
        assert row.category == "demand"


@pytest.mark.parametrize(
    ("change", "label", "seen"),
    [
        ("deleted", "frustration", True),
        ("deleted", "not-a-request", True),
        ("edited into chat", "optimism", True),
        # Unseen: its event lost in a reconnect; a history read finds nothing of it to take
        # out (it was never logged).
        ("deleted", "frustration", False),
        ("edited into chat", "frustration", False),
    ],
)
async def test_a_message_changed_while_a_relabel_waits_is_not_written_as_it_was(
    fake_discord: FakeDiscord,
    clamor: Clamor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: str,
    label: str,
    seen: bool,
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    then = datetime.now(UTC) - timedelta(hours=3)
    old = int(fake.user_message(general, fake.user("bob"), REQUEST, at=then)["id"])  # unlogged
    fake.user_message(general, fake.user("carol"), "later chatter", at=then + timedelta(hours=1))
    async with clamor() as bot:
        room, service = Room(fake, bot), bot.watch_service
        counted = service.counted

        async def changed_meanwhile(config: Any, message: Any, analysis: Analysis) -> Analysis:
            # The relabel has read the message from Discord; its author changes it now, before
            # the relabel's turn.
            if message.id == old and message.content == REQUEST:
                if change == "deleted":
                    payload = fake.message_delete(old)
                    event = "MESSAGE_DELETE"
                else:
                    payload = fake.message_edit(old, "anyone up for lunch")
                    event = "MESSAGE_UPDATE"
                if seen:
                    await room.dispatch(event, payload)
                    await room.settled()
                else:
                    await finished(fake, await backfill(fake, days=1))
            return await counted(config, message, analysis)

        monkeypatch.setattr(service, "counted", changed_meanwhile)
        assert await relabel(fake, link(fake, general, old), label) == CHANGED_MEANWHILE
        # Nothing written from what was read before: no row, no text kept.
        assert await bot.store.get_request(fake.guild.id, old) is None
        assert corrections(tmp_path / "clamor.db") == []


async def test_an_undone_relabel_in_an_unwatched_channel_counts_nothing(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        await mod(fake, ["watch", "remove"], {"channel": general.id})
        posted = await room.post(general, REQUEST)
        assert await room.logged(posted) is None  # a channel Clamor does not watch
        where = link(fake, general, posted)
        assert "Clamor said: not a request" in await relabel(fake, where, "frustration")
        undo = await mod(fake, ["relabel-undo"], {"message": where})
        assert "counts as Clamor read it" in str(undo.content)
        assert await room.logged(posted) is None


@pytest.mark.parametrize("read", ["live", "by a backfill"])
@pytest.mark.parametrize(
    ("text", "label", "counted_after_undo"),
    [(CHAT, "demand", False), (OTHER_REQUEST, "not-a-request", True)],
)
async def test_an_undone_relabel_of_a_message_edited_a_little_counts_as_clamor_reads_it(
    fake_discord: FakeDiscord,
    clamor: Clamor,
    read: str,
    text: str,
    label: str,
    counted_after_undo: bool,
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    posted = int(fake.user_message(general, fake.user("bob"), text)["id"])
    async with clamor() as bot:
        room = Room(fake, bot)
        if counted_after_undo:  # a request: logged when it is posted
            posted = await room.post(general, text)
            assert await room.logged(posted) is not None
        where = link(fake, general, posted)
        await relabel(fake, where, label)
        # A typo fixed: Clamor reads the message as before, its own correction no vote on it.
        if read == "live":
            await room.edit(posted, text + "!")
            await room.settled()
        else:
            fake.message_edit(posted, text + "!")
            await finished(fake, await backfill(fake, days=1))
        await mod(fake, ["relabel-undo"], {"message": where})
        assert (await room.logged(posted) is not None) is counted_after_undo


async def test_an_undone_relabel_in_an_unwatched_channel_counts_nothing_after_an_edit(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        await mod(fake, ["watch", "remove"], {"channel": general.id})
        posted = await room.post(general, REQUEST)
        where = link(fake, general, posted)
        assert "Clamor said: not a request" in await relabel(fake, where, "frustration")
        # A typo fixed: the row the relabel wrote is read again, in a channel still unwatched.
        await room.edit(posted, REQUEST + "!")
        await room.settled()
        await mod(fake, ["relabel-undo"], {"message": where})
        assert await room.logged(posted) is None


@pytest.mark.parametrize("watched", [True, False])
async def test_a_second_relabel_keeps_what_clamor_read_and_its_undo_counts_nothing(
    fake_discord: FakeDiscord, clamor: Clamor, watched: bool
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        room = Room(fake, bot)
        if not watched:
            await mod(fake, ["watch", "remove"], {"channel": general.id})
        posted = await room.post(general, CHAT if watched else REQUEST)
        assert await room.logged(posted) is None  # chat, or a channel Clamor does not watch
        where = link(fake, general, posted)
        assert "Clamor said: not a request" in await relabel(fake, where, "demand")
        # The moderator changes their mind about the category: Clamor's verdict is the same.
        assert "Clamor said: not a request" in await relabel(fake, where, "frustration")
        await mod(fake, ["relabel-undo"], {"message": where})
        assert await room.logged(posted) is None


async def test_an_update_that_leaves_the_text_as_it_was_does_not_stop_a_relabel(
    fake_discord: FakeDiscord, clamor: Clamor, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    then = datetime.now(UTC) - timedelta(hours=3)
    old = int(fake.user_message(general, fake.user("bob"), CHAT, at=then)["id"])  # unlogged
    async with clamor() as bot:
        room, service = Room(fake, bot), bot.watch_service
        counted = service.counted

        async def pinned_meanwhile(config: Any, message: Any, analysis: Analysis) -> Analysis:
            if message.id == old and message.edited_at is None:
                # Discord sends the whole message again on a pin or an embed change.
                await room.dispatch("MESSAGE_UPDATE", fake.message_edit(old, CHAT))
                await room.settled()
            return await counted(config, message, analysis)

        monkeypatch.setattr(service, "counted", pinned_meanwhile)
        answer = await relabel(fake, link(fake, general, old), "demand")
        assert "digests count it as demand" in answer


async def test_a_rate_limited_re_read_does_not_hold_the_guilds_live_messages_back(
    fake_discord: FakeDiscord, clamor: Clamor, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_discord
    general, ideas = fake.channel("general"), fake.channel("ideas")
    then = datetime.now(UTC) - timedelta(hours=3)
    old = int(fake.user_message(general, fake.user("bob"), REQUEST, at=then)["id"])  # unlogged
    async with clamor() as bot:
        room, service = Room(fake, bot), bot.watch_service
        counted = service.counted

        async def then_limited(config: Any, message: Any, analysis: Analysis) -> Analysis:
            if message.id == old:  # read once; the re-read in the guild's turn meets a 429
                fake.queue_rate_limit("GET", rf"/channels/{general.id}/messages/{old}", 30.0)
            return await counted(config, message, analysis)

        monkeypatch.setattr(service, "counted", then_limited)
        relabelling = asyncio.ensure_future(relabel(fake, link(fake, general, old), "demand"))
        await _waiting(relabelling)  # in the guild's turn, its re-read waiting out the 429
        live = await room.post(ideas, OTHER_REQUEST, user="carol")
        # Logged within the waiting's bound (seconds), not after Discord's 30.
        assert await room.logged(live) is not None
        assert "Discord was slow" in await relabelling
        assert await bot.store.label_correction(fake.guild.id, old) is None
