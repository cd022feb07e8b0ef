"""`/clamor why` end to end: logged rows, messages analysed on the spot, and what is refused."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from bot.client import ClamorBot
from bot.store import LabelCorrection, RequestRecord
from tests.e2e.waiting import eventually
from tests.fakediscord import EPHEMERAL, OTHER_GUILD, ChannelType, FakeChannel, FakeDiscord
from tests.fakediscord.entities import READ_MESSAGE_HISTORY

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

REQUEST = "OpenAI should open source Sora"
CHAT = "anyone up for pizza tonight?"
ACCEPTED = "Paste a message link"


def link(fake: FakeDiscord, channel: FakeChannel, message_id: int, guild_id: int = 0) -> str:
    return f"https://discord.com/channels/{guild_id or fake.guild.id}/{channel.id}/{message_id}"


async def why(fake: FakeDiscord, message: str, *, user: str = "bob", where: str = "general") -> str:
    handle = await fake.invoke_command(
        fake.guild, fake.channel(where), fake.user(user), "clamor", ["why"], {"message": message}
    )
    first = await handle.response()  # the answer, or (a message read from Discord) "thinking"
    assert first.type in (4, 5), first
    assert first.flags & EPHEMERAL, first
    reply = await handle.answer()
    assert reply.content
    sent = first.data if first.type == 4 else handle.followup_bodies[0]
    assert sent.get("allowed_mentions") == {"parse": []}
    return reply.content


async def logged(bot: ClamorBot, fake: FakeDiscord, message_id: int) -> RequestRecord:
    async def stored() -> bool:
        return await bot.store.get_request(fake.guild.id, message_id) is not None

    await eventually(stored, f"message {message_id} to be logged")
    row = await bot.store.get_request(fake.guild.id, message_id)
    assert row is not None
    return row


async def test_a_logged_message_shows_its_stored_cues(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        posted = await fake.send_user_message(general, fake.user("carol"), REQUEST)
        row = await logged(bot, fake, int(posted["id"]))
        answer = await why(fake, link(fake, general, row.message_id))
        by_id = await why(fake, str(row.message_id), where="open-source")  # logged: any channel

    assert answer == by_id
    assert answer.startswith(f"**Logged as a request:** {link(fake, general, row.message_id)}")
    assert f"category **{row.category}**" in answer
    assert f"language {row.language}" in answer
    assert f"tone {row.compound:+.2f}" in answer
    assert row.cues
    for cue in row.cues:
        assert f"- {cue}" in answer
    assert "Moderator correction" not in answer


async def test_a_logged_message_shows_the_moderators_correction(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    async with clamor() as bot:
        posted = await fake.send_user_message(general, fake.user("carol"), REQUEST)
        row = await logged(bot, fake, int(posted["id"]))
        await bot.store.set_label_correction(
            LabelCorrection(
                fake.guild.id, row.message_id, general.id, "skepticism", REQUEST, "en",
                row.category, 1_800_000_000.0,
            )
        )  # fmt: skip
        answer = await why(fake, link(fake, general, row.message_id))
    assert answer.splitlines()[-1] == (
        f"**Moderator correction:** `skepticism` (Clamor said: {row.category}), "
        "<t:1800000000:R>. Digests use the moderator's label."
    )


async def test_an_unlogged_message_is_fetched_and_analysed_now(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    # Stored on the fake but never sent to the bot: posted while Clamor was offline.
    chat = int(fake.user_message(general, fake.user("bob"), CHAT)["id"])
    missed = int(fake.user_message(general, fake.user("bob"), REQUEST)["id"])
    async with clamor() as bot:
        not_request = await why(fake, link(fake, general, chat))
        by_id_here = await why(fake, str(chat))
        is_request = await why(fake, f"<{link(fake, general, missed)}>")
        assert await bot.store.get_request(fake.guild.id, missed) is None  # why only reads
        gets = [r for r in fake.requests if r.method == "GET" and "/messages/" in r.path]

    assert not_request == by_id_here
    lines = not_request.splitlines()
    assert lines[0] == f"**Not a request:** {link(fake, general, chat)}"
    assert lines[1].startswith("not a request · language en · tone ")
    assert lines[2].startswith("**Why not:** ")
    assert f"> {CHAT}" in lines
    assert is_request.startswith(
        f"**Not logged, but it is a request now:** {link(fake, general, missed)}"
    )
    assert "\nrequest (" in is_request
    assert '- request: "' in is_request
    assert len(gets) == 3


async def test_invalid_input_is_one_line_saying_what_is_accepted(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor():
        for text in ("what about that one", "https://example.com/channels/1/2/3", "0"):
            answer = await why(fake, text)
            assert "\n" not in answer
            assert ACCEPTED in answer
        missing = await why(fake, "123456789012345678")
    assert "\n" not in missing
    assert "not in my log and not in <#" in missing
    assert "paste its link" in missing


async def test_another_guilds_message_is_never_shown(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    other = fake.world.guild(OTHER_GUILD)
    elsewhere = other.channel("general")
    secret = "Quiet Corner secret: OpenAI should open source Sora"
    async with clamor() as bot:
        posted = await fake.send_user_message(elsewhere, fake.user("dave"), secret)
        message_id = int(posted["id"])

        async def stored() -> bool:
            return await bot.store.get_request(other.id, message_id) is not None

        await eventually(stored, "the other guild's message to be logged")
        answers = [
            await why(fake, link(fake, elsewhere, message_id, other.id)),
            # Its channel under this guild's id, and the bare id: neither reaches it.
            await why(fake, link(fake, elsewhere, message_id)),
            await why(fake, str(message_id)),
        ]
        fetched = [r.path for r in fake.requests if f"/channels/{elsewhere.id}/" in r.path]
    assert "not to a message in this server" in answers[0]
    assert "I cannot see a text channel" in answers[1]
    assert "not in my log" in answers[2]
    for answer in answers:
        assert "secret" not in answer
        assert "\n" not in answer
    assert fetched == []


async def test_a_channel_the_asker_cannot_read_is_refused(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    message_id = int(fake.user_message(general, fake.user("carol"), CHAT)["id"])
    everyone = fake.guild.role("@everyone")
    everyone.permissions &= ~READ_MESSAGE_HISTORY  # the bot keeps it through its own role
    async with clamor():
        answer = await why(fake, link(fake, general, message_id))
    assert answer == f"You cannot read <#{general.id}>, so I cannot show it to you."
    assert CHAT not in answer


async def test_a_channel_the_bot_cannot_read_is_refused(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    message_id = int(fake.user_message(general, fake.user("carol"), CHAT)["id"])
    for role in fake.guild.roles:
        if role.name in {"@everyone", "clamor"}:
            role.permissions &= ~READ_MESSAGE_HISTORY
    answer_for_owner = ""
    async with clamor():
        answer_for_owner = await why(fake, link(fake, general, message_id), user="ada")
        gets = [r for r in fake.requests if r.method == "GET" and "/messages/" in r.path]
    assert answer_for_owner.startswith(f"I cannot read <#{general.id}>: give me View Channel")
    assert gets == []


async def test_a_private_thread_is_refused_to_those_not_in_it(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    corner = fake.world.add_channel(
        fake.guild, "the mods' corner", ChannelType.PRIVATE_THREAD, parent=fake.channel("general")
    )
    carol = fake.user("carol")
    corner.member_ids = {carol.id, fake.world.bot.id}  # not its owner: ada may manage threads
    secret = "mods only: OpenAI should open source Sora, I have a contact"
    missed = int(fake.user_message(corner, carol, CHAT)["id"])  # posted while Clamor was away
    async with clamor() as bot:
        posted = await fake.send_user_message(corner, carol, secret)
        row = await logged(bot, fake, int(posted["id"]))
        outsider = [
            await why(fake, link(fake, corner, row.message_id)),
            await why(fake, link(fake, corner, missed)),
        ]
        member = await why(fake, link(fake, corner, row.message_id), user="carol")
        owner = await why(fake, link(fake, corner, missed), user="ada")
    refusal = f"You cannot read <#{corner.id}>, so I cannot show it to you."
    assert outsider == [refusal, refusal]
    assert member.startswith("**Logged as a request:**")
    assert "mods only" in member
    assert owner.startswith("**Not a request:**")


async def test_a_bots_message_says_bots_are_never_counted(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general = fake.channel("general")
    relay = fake.world.add_user("relay", bot=True)
    fake.world.add_member(fake.guild, relay)
    async with clamor() as bot:
        posted = await fake.send_user_message(general, relay, REQUEST)  # while watched
        chat = await fake.send_user_message(general, relay, CHAT)
        # A member's message after them: once it is logged, the bot's were read and passed over.
        await logged(
            bot, fake, int((await fake.send_user_message(general, fake.user("bob"), REQUEST))["id"])
        )
        assert await bot.store.get_request(fake.guild.id, int(posted["id"])) is None
        request_answer = await why(fake, link(fake, general, int(posted["id"])))
        chat_answer = await why(fake, link(fake, general, int(chat["id"])))
    never = "Posted by a bot: I never count messages from bots, webhooks or Discord itself."
    assert request_answer.splitlines()[:3] == [
        f"**Not logged, but it reads as a request:** {link(fake, general, int(posted['id']))}",
        request_answer.splitlines()[1],
        never,
    ]
    assert "probably posted before" not in request_answer
    assert never in chat_answer.splitlines()
