"""Privacy commands end to end: forget-me, remember-me, forget user:, privacy retention|content|
show, and the privacy line of /clamor status, checked in the answers and in SQLite."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from bot.client import ClamorBot
from bot.store import author_hash
from tests.e2e.helpers import (
    REQUEST,
    Clock,
    other_guild,
    post_logged,
    private_line,
    request_rows,
    run,
)
from tests.fakediscord import CallbackRecord, FakeDiscord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]
Payload = dict[str, Any]
SUB_COMMAND, SUB_COMMAND_GROUP, INTEGER, USER = 1, 2, 4, 6


def option(command: Payload, *path: str) -> Payload:
    for name in path:
        command = next(o for o in command["options"] if o["name"] == name)
    return command


def quoted(reply: CallbackRecord) -> str:
    """The digest's "Worth reading" field: the only place a digest quotes messages."""
    (embed,) = reply.embeds
    fields = [f["value"] for f in embed.get("fields", []) if f["name"] == "Worth reading"]
    return "\n".join(fields)


async def test_the_privacy_commands_are_synced_with_their_options(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor():
        synced = {c["name"]: c for c in fake.commands.guild_commands[fake.guild.id]}
    member, mod = synced["clamor"], synced["clamor-mod"]
    confirm = option(member, "forget-me", "confirm")
    assert confirm["required"] is True
    assert [choice["value"] for choice in confirm["choices"]] == ["yes", "no"]
    assert option(member, "remember-me").get("options", []) == []
    assert option(mod, "forget", "user")["type"] == USER
    privacy = option(mod, "privacy")
    assert privacy["type"] == SUB_COMMAND_GROUP
    assert [o["name"] for o in privacy["options"]] == ["retention", "content", "show"]
    days = option(privacy, "retention", "days")
    assert (days["type"], days["min_value"], days["max_value"]) == (INTEGER, 7, 3650)
    modes = option(privacy, "content", "mode")["choices"]
    assert [choice["value"] for choice in modes] == ["keep", "drop"]


async def test_forget_me_erases_only_the_callers_rows_here_and_stops_logging_them(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    quiet = other_guild(fake)
    bob, carol = fake.user("bob"), fake.user("carol")
    fake.world.add_member(quiet, bob)  # bob is in both servers
    general, quiet_general = fake.channel("general"), fake.channel("general", quiet)
    db_path = tmp_path / "clamor.db"
    async with clamor() as bot:
        for _ in range(2):
            await post_logged(bot, fake, general, bob)
        carol_here = await post_logged(bot, fake, general, carol, "release the weights please")
        bob_there = await post_logged(bot, fake, quiet_general, bob)
        quiet_before = request_rows(db_path, quiet.id)

        declined = await private_line(fake, "bob", "clamor", ["forget-me"], {"confirm": "no"})
        assert declined.startswith("Nothing changed")
        assert len(request_rows(db_path, fake.guild.id)) == 3

        answer = await private_line(fake, "bob", "clamor", ["forget-me"], {"confirm": "yes"})
        assert answer.startswith("Done: I erased what I had logged of you in this server (2 ")
        assert [row[0] for row in request_rows(db_path, fake.guild.id)] == [carol_here]
        assert request_rows(db_path, quiet.id) == quiet_before  # the other server: untouched
        hashed = author_hash(bot.author_key, bob.id)
        assert await bot.store.opted_out_authors(fake.guild.id) == frozenset({hashed})
        assert await bot.store.opted_out_authors(quiet.id) == frozenset()

        # Events of one guild are handled in order: once carol's later message is in, bob's
        # earlier one has been decided, and it was not logged.
        muted = await fake.send_user_message(general, bob, "open source it already")
        await post_logged(bot, fake, general, carol, "please release Sora's weights")
        assert await bot.store.get_request(fake.guild.id, int(muted["id"])) is None
        # The opt-out is per server: bob is still logged where he did not ask.
        await post_logged(bot, fake, quiet_general, bob, "release the weights please")

        again = await private_line(fake, "bob", "clamor", ["forget-me"], {"confirm": "yes"})
        assert again.startswith("You had already opted out;")

        back = await private_line(fake, "bob", "clamor", ["remember-me"])
        assert back.startswith("I count your request messages in this server again")
        assert await bot.store.opted_out_authors(fake.guild.id) == frozenset()
        await post_logged(bot, fake, general, bob, "when will they open source it?")
        twice = await private_line(fake, "bob", "clamor", ["remember-me"])
        assert twice.startswith("You had not opted out")
        assert await bot.store.get_request(quiet.id, bob_there) is not None


async def test_forget_user_needs_manage_server_and_names_without_pinging(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general, carol = fake.channel("general"), fake.user("carol")
    db_path = tmp_path / "clamor.db"
    async with clamor() as bot:
        await post_logged(bot, fake, general, carol)
        await post_logged(bot, fake, general, carol, "release the weights please")
        kept = await post_logged(bot, fake, general, fake.user("bob"))

        refused = await private_line(fake, "bob", "clamor-mod", ["forget"], {"user": carol.id})
        assert refused == "You need the Manage Server permission to change Clamor's settings."
        assert len(request_rows(db_path, fake.guild.id)) == 3

        alice, options = fake.user("alice"), {"user": carol.id}
        handle = await fake.invoke_command(
            fake.guild, general, alice, "clamor-mod", ["forget"], options
        )
        reply = await handle.answer()  # a follow-up: an erasure may outlast Discord's 3 s
        assert reply.ephemeral
        assert reply.content == (
            f"Erased 2 logged messages of <@{carol.id}> in this server; I will not log them "
            "here from now on. They can undo the opt-out with `/clamor remember-me`."
        )
        assert handle.followup_bodies[0]["allowed_mentions"] == {"parse": []}
        assert [row[0] for row in request_rows(db_path, fake.guild.id)] == [kept]
        hashed = author_hash(bot.author_key, carol.id)
        assert hashed in await bot.store.opted_out_authors(fake.guild.id)

        # A former member (here: someone never in this server) can be forgotten too.
        dave = fake.user("dave")
        gone = await private_line(fake, "alice", "clamor-mod", ["forget"], {"user": dave.id})
        assert gone.startswith(f"Erased 0 logged messages of <@{dave.id}> in this server")


async def test_retention_accepts_7_to_3650_days_and_refuses_the_rest_in_one_line(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    path = ["privacy", "retention"]
    async with clamor() as bot:

        async def retention() -> int:
            return (await bot.store.privacy_settings(fake.guild.id)).retention_days

        for days in (6, 0, 3651):
            refused = await private_line(fake, "alice", "clamor-mod", path, {"days": days})
            assert refused.startswith(f"{days} days is not a retention period I keep: pick 7")
            assert await retention() == 90

        answer = await private_line(fake, "alice", "clamor-mod", path, {"days": 30})
        assert answer.startswith("Message text, cues and author hashes are now kept for 30 days")
        assert await retention() == 30
        assert (await bot.guild_configs.get(fake.guild.id)).privacy.retention_days == 30
        same = await private_line(fake, "alice", "clamor-mod", path, {"days": 30})
        assert same == "The retention period already is 30 days; nothing changed."

        member = await private_line(fake, "bob", "clamor-mod", path, {"days": 7})
        assert member.startswith("You need the Manage Server permission")
        assert await retention() == 30


async def test_content_drop_erases_stored_text_and_digests_then_quote_nothing(
    fake_discord: FakeDiscord, clamor: Clamor, tmp_path: Path
) -> None:
    fake = fake_discord
    general, carol = fake.channel("general"), fake.user("carol")
    db_path = tmp_path / "clamor.db"
    path = ["privacy", "content"]
    clock = Clock()  # the digests are of today: the day the messages are dated
    async with clamor(clock) as bot:
        texts = ("ClosedAI will never open source Sora", "fingers crossed they release the weights")
        for text in texts:
            await post_logged(bot, fake, general, carol, text, when=clock.tick())
        before = await run(fake, "bob", "clamor", ["digest"])
        assert any(text in quoted(before) for text in texts)  # quoted while text is kept

        answer = await private_line(fake, "alice", "clamor-mod", path, {"mode": "drop"})
        assert answer.startswith("I no longer store message text here. Warning: the text of 2 ")
        assert "digests will quote no messages" in answer
        rows = request_rows(db_path, fake.guild.id)
        assert [(content, cues) for _, _, content, cues in rows] == [("", "[]"), ("", "[]")]
        assert (await bot.store.privacy_settings(fake.guild.id)).content_mode == "drop"

        # New messages are counted without their text (the watcher's writer drops it).
        later = await post_logged(
            bot, fake, general, carol, "please open source Sora", when=clock.tick()
        )
        stored = await bot.store.get_request(fake.guild.id, later)
        assert stored is not None
        assert stored.content == ""

        after = await run(fake, "bob", "clamor", ["digest"])
        assert "3 request messages" in json.dumps(after.embeds)
        assert quoted(after) == ""
        for text in ("fingers crossed", "ClosedAI", "please open source"):
            assert text not in json.dumps(after.embeds)

        # A relabelled message Clamor had not logged is stored without its text too.
        chat = await fake.send_user_message(
            general, carol, "the loss weights are converging", at=clock.tick()
        )
        await private_line(fake, "alice", "clamor-mod", ["relabel"],
                           {"message": chat["id"], "label": "demand"})  # fmt: skip
        relabelled = await bot.store.get_request(fake.guild.id, int(chat["id"]))
        correction = await bot.store.label_correction(fake.guild.id, int(chat["id"]))
        assert relabelled is not None
        assert correction is not None
        assert (relabelled.content, correction.content) == ("", "")

        same = await private_line(fake, "alice", "clamor-mod", path, {"mode": "drop"})
        assert same == "Message text already is dropped (`drop`); nothing changed."
        keep = await private_line(fake, "alice", "clamor-mod", path, {"mode": "keep"})
        assert keep.startswith("I store the text of new request messages again")
        kept = await post_logged(
            bot, fake, general, carol, "release the weights please", when=clock.tick()
        )
        stored = await bot.store.get_request(fake.guild.id, kept)
        assert stored is not None
        assert stored.content == "release the weights please"


async def test_privacy_show_and_the_status_line(fake_discord: FakeDiscord, clamor: Clamor) -> None:
    fake = fake_discord
    async with clamor(CLAMOR_LEAVE_GRACE_DAYS="12") as bot:
        await post_logged(bot, fake, fake.channel("general"), fake.user("carol"), REQUEST)
        await private_line(fake, "carol", "clamor", ["forget-me"], {"confirm": "yes"})
        assert await bot.store.count_requests(fake.guild.id) == 0
        await private_line(fake, "alice", "clamor-mod", ["privacy", "retention"], {"days": 14})

        shown = await run(fake, "alice", "clamor-mod", ["privacy", "show"])
        assert shown.ephemeral
        assert shown.content is not None
        lines = shown.content.split("\n")
        assert lines[0].startswith("**Retention:** 14 days:")
        assert lines[1].startswith("**Message text:** kept")
        assert lines[2].startswith("**Opted out:** 1 member ")
        assert lines[4].endswith("12 days later, unless I am added back before that.")

        status = await run(fake, "bob", "clamor", ["status"])
        assert status.content is not None
        assert status.content.split("\n")[-1] == (
            "**Privacy:** message text kept 14 days · 1 member opted out · "
            "`/clamor forget-me` erases what I logged of you"
        )


async def test_relabel_keeps_the_author_hash_and_never_logs_an_opted_out_member(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, carol = fake.channel("general"), fake.user("carol")
    relabel = ["relabel"]
    async with clamor() as bot:
        logged = await post_logged(bot, fake, general, carol)
        await private_line(fake, "alice", "clamor-mod", relabel,
                           {"message": str(logged), "label": "defeatism"})  # fmt: skip
        correction = await bot.store.label_correction(fake.guild.id, logged)
        assert correction is not None
        assert correction.author_hash == author_hash(bot.author_key, carol.id)

        await private_line(fake, "carol", "clamor", ["forget-me"], {"confirm": "yes"})
        assert await bot.store.label_correction(fake.guild.id, logged) is None  # went with her

        # Her later message is not logged, and a moderator cannot log it by relabelling it.
        later = await fake.send_user_message(general, carol, "please open source it")
        await post_logged(bot, fake, general, fake.user("bob"), "release the weights please")
        refused = await private_line(fake, "alice", "clamor-mod", relabel,
                                     {"message": later["id"], "label": "demand"})  # fmt: skip
        assert refused.startswith("Its author asked me not to log them in this server")
        assert await bot.store.get_request(fake.guild.id, int(later["id"])) is None
        assert await bot.store.label_correction(fake.guild.id, int(later["id"])) is None
