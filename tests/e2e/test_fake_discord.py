"""Smoke tests: the real discord.py 2.7 client against the fake, end to end over loopback."""

from __future__ import annotations

import io

import discord
import pytest

from tests.fakediscord import EPHEMERAL, OTHER_GUILD, FakeDiscord, running_bot

from .smoke_bot import CHART_BYTES, SmokeBot


async def test_ready_fills_the_guild_cache(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    async with running_bot(SmokeBot(fake.guild, members=True), fake) as bot:
        await fake.wait_for(lambda: fake.heartbeat_count >= 1, what="a first heartbeat")
        await bot.until(lambda: bot.ready_count == 1, "on_ready")
        guild = bot.get_guild(fake.guild.id)
        assert guild is not None
        assert {g.name for g in bot.guilds} == {fake.guild.name, OTHER_GUILD}
        assert {"general", "open-source", "digests", "announcements", "ideas"} <= {
            c.name for c in guild.channels
        }
        assert isinstance(guild.get_channel(fake.channel("ideas").id), discord.ForumChannel)
        assert [t.name for t in guild.threads] == ["will they ever release it"]
        alice = guild.get_member(fake.user("alice").id)
        assert alice is not None
        assert [r.name for r in alice.roles] == ["@everyone", "Moderator"]
        assert guild.me is not None
        assert guild.default_role.id == guild.id
    assert fake.identify_count == 1
    assert fake.gateway.connections[0].query["v"] == "10"
    assert fake.gateway.connections[0].query["encoding"] == "json"


async def test_message_create_reaches_on_message(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        await fake.send_user_message(general, fake.user("bob"), "OpenAI should open source Sora")
        await bot.until(lambda: bool(bot.contents_from("bob")), "bob's message")
        message = bot.messages[-1]
        assert message.content == "OpenAI should open source Sora"
        assert message.channel.id == general.id
        assert message.guild is not None
        assert message.guild.id == fake.guild.id
        assert isinstance(message.author, discord.Member)


async def test_content_is_hidden_without_the_message_content_intent(
    fake_discord: FakeDiscord,
) -> None:
    fake = fake_discord
    general, bob = fake.channel("general"), fake.user("bob")
    async with running_bot(SmokeBot(fake.guild, message_content=False), fake) as bot:
        await fake.send_user_message(general, bob, "release the weights")
        await fake.send_user_message(general, bob, f"<@{fake.world.bot.id}> release them")
        await bot.until(lambda: len(bot.contents_from("bob")) == 2, "both messages")
        # Discord blanks content unless the bot is mentioned; a bot must not rely on it.
        assert bot.contents_from("bob") == ["", f"<@{fake.world.bot.id}> release them"]


async def test_edit_delete_and_bulk_delete_reach_their_events(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, carol = fake.channel("general"), fake.user("carol")
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        first = await fake.send_user_message(general, carol, "they will never open it")
        second = await fake.send_user_message(general, carol, "olvídense")
        third = await fake.send_user_message(general, carol, "just use LTX")
        await bot.until(lambda: len(bot.messages) == 3, "three messages")

        edit = fake.message_edit(int(first["id"]), "maybe they will")
        await fake.dispatch("MESSAGE_UPDATE", edit)
        await bot.until(lambda: bool(bot.edits), "on_message_edit")
        before, after = bot.edits[0]
        assert (before.content, after.content) == ("they will never open it", "maybe they will")
        assert after.edited_at is not None

        await fake.dispatch("MESSAGE_DELETE", fake.message_delete(int(second["id"])))
        await bot.until(lambda: bool(bot.deleted), "on_message_delete")
        assert bot.deleted[0].content == "olvídense"

        ids = [int(first["id"]), int(third["id"])]
        await fake.dispatch("MESSAGE_DELETE_BULK", fake.message_delete_bulk(general, ids))
        await bot.until(lambda: bool(bot.bulk_deleted), "on_raw_bulk_message_delete")
        assert bot.bulk_deleted == [set(ids)]
    assert fake.messages.in_channel(general.id) == []


async def test_slash_command_synced_to_dev_guild_answers_ephemerally(
    fake_discord: FakeDiscord,
) -> None:
    fake = fake_discord
    async with running_bot(SmokeBot(fake.guild), fake):
        synced = fake.commands.guild_commands[fake.guild.id]
        assert [c["name"] for c in synced] == ["clamor"]
        assert fake.commands.global_commands == []

        handle = await fake.invoke_command(
            fake.guild, fake.channel("general"), fake.user("alice"), "clamor", ["ping"],
            {"text": "weights"},
        )  # fmt: skip
        reply = await handle.response()
    assert reply.type == 4
    assert reply.content == "pong: weights"
    assert reply.flags & EPHEMERAL
    callbacks = [r for r in fake.requests if r.path.endswith("/callback")]
    assert [(r.status, r.query.get("with_response")) for r in callbacks] == [(200, "1")]
    assert fake.posted_in(fake.channel("general")) == []  # ephemeral: not in channel history


async def test_autocomplete_round_trip(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    async with running_bot(SmokeBot(fake.guild), fake):
        handle = await fake.autocomplete(
            fake.guild, fake.channel("general"), fake.user("bob"), "clamor", ["ping"],
            {"text": "we"}, focused="text",
        )  # fmt: skip
        reply = await handle.response()
    assert reply.type == 8
    assert [choice["value"] for choice in reply.choices] == ["weights", "west"]


async def test_deferred_command_is_settled_by_editing_the_original(
    fake_discord: FakeDiscord,
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with running_bot(SmokeBot(fake.guild), fake):
        alice = fake.user("alice")
        handle = await fake.invoke_command(fake.guild, general, alice, "clamor", ["slow"])
        assert (await handle.response()).type == 5
        original = await handle.settled_original()
    assert original.content == "thought about it"
    assert not original.ephemeral
    assert [m.content for m in fake.posted_in(general)] == ["thought about it"]


async def test_ephemeral_defer_then_follow_up_in_a_subcommand_group(
    fake_discord: FakeDiscord,
) -> None:
    fake = fake_discord
    general, alice = fake.channel("general"), fake.user("alice")
    async with running_bot(SmokeBot(fake.guild), fake):
        handle = await fake.invoke_command(
            fake.guild, general, alice, "clamor", ["admin", "report"]
        )
        deferred = await handle.response()
        follow_up = await handle.followup()
    assert (deferred.type, deferred.ephemeral) == (5, True)
    assert follow_up.content == "here you go"
    assert follow_up.embeds[0]["title"] == "Report"
    assert follow_up.ephemeral  # a follow-up to an ephemeral defer stays private
    assert fake.posted_in(general) == []
    [webhook_post] = [r for r in fake.requests if r.path.startswith("/webhooks/")]
    assert (webhook_post.method, webhook_post.query["wait"]) == ("POST", "1")


async def test_a_channel_option_arrives_resolved(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general, source = fake.channel("general"), fake.channel("open-source")
    async with running_bot(SmokeBot(fake.guild), fake):
        handle = await fake.invoke_command(
            fake.guild, general, fake.user("alice"), "clamor", ["admin", "watch"],
            {"channel": source.id},
        )  # fmt: skip
        reply = await handle.response()
    assert reply.content == f"watching <#{source.id}>"
    assert [m.content for m in fake.posted_in(general)] == [f"watching <#{source.id}>"]


async def test_a_command_reply_with_a_file_is_stored_with_its_bytes(
    fake_discord: FakeDiscord,
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with running_bot(SmokeBot(fake.guild), fake):
        handle = await fake.invoke_command(
            fake.guild, general, fake.user("bob"), "clamor", ["chart"]
        )
        reply = await handle.response()
    assert [(f.filename, f.data) for f in reply.files] == [("trend.png", CHART_BYTES)]
    assert handle.original is not None
    assert [a.filename for a in handle.original.attachments] == ["trend.png"]
    assert reply.embeds[0]["image"]["url"] == "attachment://trend.png"


async def test_a_reply_keeps_its_reference(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        asked = await fake.send_user_message(general, fake.user("bob"), "when open weights?")
        await bot.until(lambda: bool(bot.messages), "bob's question")
        await bot.messages[0].reply("noted")
    [reply] = fake.posted_in(general)
    assert reply.reference is not None
    assert reply.reference["message_id"] == int(asked["id"])


async def test_guild_join_and_removal_reach_the_bot(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        newcomer = fake.world.add_guild("Late Arrivals", owner=fake.user("carol"))
        await fake.join_guild(newcomer)
        await bot.until(lambda: bot.joined == [newcomer.id], "on_guild_join")
        await fake.leave_guild(fake.guild)
        await bot.until(lambda: bool(bot.removed), "on_guild_remove")
        assert {g.name for g in bot.guilds} == {OTHER_GUILD, "Late Arrivals"}


async def test_bot_posts_an_embed_and_a_file(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    digests = fake.channel("digests")
    chart = b"\x89PNG\r\n\x1a\nnot really a chart"
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        channel = bot.get_channel(digests.id)
        assert isinstance(channel, discord.TextChannel)
        embed = discord.Embed(title="Daily digest", description="12 requests, mostly demand")
        sent = await channel.send(
            "Today", embed=embed, file=discord.File(io.BytesIO(chart), "chart.png")
        )
        downloaded = await sent.attachments[0].read()
    [stored] = fake.posted_in(digests)
    assert stored.content == "Today"
    assert stored.embeds[0]["title"] == "Daily digest"
    assert [(a.filename, a.data) for a in stored.attachments] == [("chart.png", chart)]
    assert downloaded == chart


async def test_an_oversized_embed_is_rejected_like_discord_does(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        channel = bot.get_channel(fake.channel("digests").id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as refused:
            await channel.send(embed=discord.Embed(description="x" * 4097))
    assert refused.value.status == 400
    assert refused.value.code == 50035
    assert fake.posted_in(fake.channel("digests")) == []


async def test_history_pages_forward_with_after(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    source, bob = fake.channel("open-source"), fake.user("bob")
    seeded = [int(fake.user_message(source, bob, f"message {n}")["id"]) for n in range(120)]
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        channel = bot.get_channel(source.id)
        assert isinstance(channel, discord.TextChannel)
        read = [m.id async for m in channel.history(after=discord.Object(seeded[9]), limit=None)]
    assert read == seeded[10:]  # oldest first, nothing skipped or repeated across pages
    pages = [r for r in fake.requests if r.method == "GET" and r.path.endswith("/messages")]
    assert [r.query["after"] for r in pages] == [str(seeded[9]), str(seeded[109])]


async def test_a_dropped_connection_is_resumed_and_missed_events_replayed(
    fake_discord: FakeDiscord,
) -> None:
    fake = fake_discord
    general, bob = fake.channel("general"), fake.user("bob")
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        await fake.send_user_message(general, bob, "before the drop")
        await bot.until(lambda: bool(bot.contents_from("bob")), "the first message")
        async with fake.connection_dropped(code=4000):
            missed = await fake.dispatch(
                "MESSAGE_CREATE", fake.user_message(general, bob, "sent while you were away")
            )
        await fake.wait_for(lambda: fake.resume_count == 1, what="a RESUME")
        # A later message proves nothing replayed will arrive a second time.
        await fake.send_user_message(general, bob, "after the resume")
        await bot.until(lambda: "after the resume" in bot.contents_from("bob"), "the marker")
        assert bot.contents_from("bob") == [
            "before the drop",
            "sent while you were away",
            "after the resume",
        ]
    assert fake.gateway.replayed == [missed]
    assert fake.identify_count == 1
    assert [c.path for c in fake.gateway.connections] == ["/", "/resume/"]


async def test_an_invalid_session_makes_the_bot_identify_again(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        await fake.invalidate_session(resumable=False)
        await bot.until(lambda: bot.ready_count == 2, "a second on_ready")
    assert (fake.identify_count, fake.resume_count) == (2, 0)


async def test_a_rate_limited_post_is_retried(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    digests = fake.channel("digests")
    fake.queue_rate_limit("POST", r"/channels/\d+/messages", retry_after=0.01)
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        channel = bot.get_channel(digests.id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("after a 429")
    posts = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert [r.status for r in posts] == [429, 200]
    assert [m.content for m in fake.posted_in(digests)] == ["after a 429"]


async def test_unknown_routes_answer_404_and_are_recorded(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    async with running_bot(SmokeBot(fake.guild), fake) as bot:
        with pytest.raises(discord.NotFound):
            await bot.fetch_invite("clamor")
    assert [(r.method, r.path) for r in fake.unhandled] == [("GET", "/invites/clamor")]
