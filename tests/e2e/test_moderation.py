"""/clamor-mod end to end: the answer, the rows in SQLite, and what the watcher then does."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.client import ClamorBot
from bot.config import MAX_TERMS_PER_KIND
from bot.store import GuildSettings, TermKind
from tests.e2e.helpers import Clock
from tests.e2e.waiting import eventually
from tests.fakediscord import EPHEMERAL, FakeChannel, FakeDiscord
from tests.fakediscord.entities import EMBED_LINKS
from tests.fakediscord.interactions import CallbackRecord

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]
Payload = dict[str, Any]

REQUEST = "OpenAI should open source Sora"
MANAGE_GUILD_BIT = "32"
CHANNEL_TEXT, CHANNEL_NEWS, CHANNEL_FORUM = 0, 5, 15
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
TIMESTAMP = re.compile(r"<t:(\d+):F> \(<t:(\d+):R>\)")


async def mod(
    fake: FakeDiscord, path: list[str], options: Mapping[str, Any] | None = None, *,
    user: str = "alice",
) -> CallbackRecord:  # fmt: skip
    """Run `/clamor-mod <path> options` in #general and return the bot's ephemeral answer."""
    handle = await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user(user), "clamor-mod", path, options or {}
    )
    first = await handle.response()  # the answer, or "thinking" (relabel) before it
    assert first.type in (4, 5), first
    assert first.flags & EPHEMERAL, first
    reply = await handle.answer()
    assert reply.content
    return reply


async def refused(
    fake: FakeDiscord, path: list[str], options: Mapping[str, Any], expected: str
) -> str:
    """A one-line ephemeral refusal containing `expected`."""
    reply = await mod(fake, path, options)
    assert reply.content is not None
    assert "\n" not in reply.content, reply.content
    assert expected in reply.content, reply.content
    return reply.content


async def settings_of(bot: ClamorBot, fake: FakeDiscord) -> GuildSettings:
    return await bot.store.guild_settings(
        fake.guild.id, default_time="09:00", default_timezone="UTC"
    )


def mention(channel: FakeChannel) -> str:
    return f"<#{channel.id}>"


def option(command: Payload, *path: str) -> Payload:
    for name in path:
        command = next(o for o in command["options"] if o["name"] == name)
    return command


async def test_the_group_is_synced_guild_only_for_manage_server(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor():
        synced = fake.commands.guild_commands[fake.guild.id]
    [group] = [command for command in synced if command["name"] == "clamor-mod"]
    # discord.py sends the bits as a number; Discord stores and returns them as a string.
    assert str(group["default_member_permissions"]) == MANAGE_GUILD_BIT
    assert (group["contexts"], group["dm_permission"]) == ([0], False)  # guild only
    assert {o["name"]: o["type"] for o in group["options"]} == {
        "watch": SUB_COMMAND_GROUP, "digest": SUB_COMMAND, "terms": SUB_COMMAND_GROUP,
        "relabel": SUB_COMMAND, "backfill": SUB_COMMAND, "forget": SUB_COMMAND,
        "privacy": SUB_COMMAND_GROUP, "alerts": SUB_COMMAND, "export": SUB_COMMAND,
        "learning": SUB_COMMAND_GROUP, "relabel-undo": SUB_COMMAND, "rescore": SUB_COMMAND,
        "team": SUB_COMMAND_GROUP,
    }  # fmt: skip
    assert [o["name"] for o in option(group, "learning")["options"]] == [
        "show", "off", "on", "reset",
    ]  # fmt: skip
    assert [o["name"] for o in option(group, "privacy")["options"]] == [
        "retention", "content", "show",
    ]  # fmt: skip
    assert [o["name"] for o in option(group, "watch")["options"]] == [
        "add", "remove", "list", "mode",
    ]  # fmt: skip
    assert [o["name"] for o in option(group, "terms")["options"]] == ["add", "remove", "list"]
    assert [o["name"] for o in option(group, "team")["options"]] == ["add", "remove", "list"]
    assert sorted(option(group, "watch", "add", "channel")["channel_types"]) == [
        CHANNEL_TEXT, CHANNEL_NEWS, CHANNEL_FORUM,
    ]  # fmt: skip
    assert sorted(option(group, "digest", "channel")["channel_types"]) == [
        CHANNEL_TEXT, CHANNEL_NEWS,
    ]  # fmt: skip
    assert option(group, "digest", "timezone")["autocomplete"] is True
    modes = option(group, "watch", "mode", "mode")["choices"]
    assert [choice["value"] for choice in modes] == ["all", "listed"]
    kinds = option(group, "terms", "add", "kind")["choices"]
    assert [choice["value"] for choice in kinds] == ["target", "keyword", "ignore"]


async def test_watch_add_and_remove_in_mode_all_manage_exclusions(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, source = fake.channel("general"), fake.channel("open-source")
    ideas, news = fake.channel("ideas"), fake.channel("announcements")
    async with clamor() as bot:

        async def rules() -> dict[int, str]:
            return dict(await bot.store.channel_rules(fake.guild.id))

        reply = await mod(fake, ["watch", "remove"], {"channel": source.id})
        assert reply.content == f"{mention(source)} is now excluded: I will not log messages there."
        assert await rules() == {source.id: "exclude"}

        reply = await mod(fake, ["watch", "remove"], {"channel": source.id})
        assert reply.content == f"{mention(source)} is already excluded."
        assert await rules() == {source.id: "exclude"}

        listing = (await mod(fake, ["watch", "list"])).content
        assert listing is not None
        assert listing.startswith("Mode **all**")
        assert f"Excluded: {mention(source)}\n" in listing
        watched_now = listing.split("Watched now: ")[1].split("\n")[0]
        assert watched_now.split(", ") == [
            mention(general), mention(fake.channel("digests")), mention(news), mention(ideas),
        ]  # fmt: skip

        reply = await mod(fake, ["watch", "add"], {"channel": ideas.id})
        assert reply.content is not None
        assert reply.content.startswith(f"{mention(ideas)} is already watched")
        assert await rules() == {source.id: "exclude"}

        reply = await mod(fake, ["watch", "add"], {"channel": source.id})
        assert reply.content == f"{mention(source)} is watched again."
        assert await rules() == {}
        assert (await settings_of(bot, fake)).watch_mode == "all"


async def test_watch_mode_listed_makes_add_and_remove_manage_the_list(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, news = fake.channel("general"), fake.channel("announcements")
    async with clamor() as bot:

        async def rules() -> dict[int, str]:
            return dict(await bot.store.channel_rules(fake.guild.id))

        reply = await mod(fake, ["watch", "mode"], {"mode": "listed"})
        assert reply.content is not None
        assert reply.content.startswith("The watch mode is now `listed`.")
        assert "Watched now: nothing" in reply.content
        assert (await settings_of(bot, fake)).watch_mode == "listed"

        reply = await mod(fake, ["watch", "add"], {"channel": news.id})
        assert reply.content == f"{mention(news)} is now on the watch list."
        await mod(fake, ["watch", "add"], {"channel": general.id})
        assert await rules() == {general.id: "watch", news.id: "watch"}

        reply = await mod(fake, ["watch", "remove"], {"channel": general.id})
        assert reply.content == f"{mention(general)} is off the watch list: no longer watched."
        assert await rules() == {news.id: "watch"}
        reply = await mod(fake, ["watch", "remove"], {"channel": general.id})
        assert reply.content is not None
        assert reply.content.startswith(f"{mention(general)} is not on the watch list")
        assert await rules() == {news.id: "watch"}

        listing = (await mod(fake, ["watch", "list"])).content
        assert listing is not None
        assert f"Watch list: {mention(news)}\nWatched now: {mention(news)}\n" in listing

        reply = await mod(fake, ["watch", "mode"], {"mode": "listed"})
        assert reply.content is not None
        assert reply.content.startswith("The watch mode already is `listed`.")
        await mod(fake, ["watch", "mode"], {"mode": "all"})
        assert (await settings_of(bot, fake)).watch_mode == "all"


async def test_watch_refuses_channels_it_cannot_watch(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    category = fake.channel("Community")
    thread = fake.channel("will they ever release it")
    async with clamor() as bot:
        for action in ("add", "remove"):
            await refused(
                fake, ["watch", action], {"channel": category.id},
                "is a category channel: I watch text, announcement and forum channels.",
            )  # fmt: skip
            await refused(
                fake, ["watch", action], {"channel": thread.id},
                f"threads and forum posts follow their parent channel, so pick "
                f"{mention(fake.channel('general'))} instead.",
            )  # fmt: skip
        assert await bot.store.channel_rules(fake.guild.id) == {}


async def test_digest_sets_channel_time_and_timezone(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    digests, news = fake.channel("digests"), fake.channel("announcements")
    clock = Clock()  # 2026-03-14 at 12:00 UTC, 13:00 in Madrid
    async with clamor(clock) as bot:
        options = {"channel": digests.id, "time": "7:05", "timezone": "europe/madrid"}
        reply = await mod(fake, ["digest"], options)
        assert await settings_of(bot, fake) == GuildSettings(
            fake.guild.id, digests.id, "07:05", "Europe/Madrid", digest_armed_at=clock()
        )
        assert reply.content is not None
        assert reply.content.startswith(
            f"The daily digest goes to {mention(digests)} at 07:05 (Europe/Madrid), "
            "covering the previous local day. Next one: "
        )
        stamps = TIMESTAMP.search(reply.content)
        assert stamps is not None
        assert stamps[1] == stamps[2]
        # Today's 07:05 has passed in Madrid: tomorrow's.
        madrid = ZoneInfo("Europe/Madrid")
        assert datetime.fromtimestamp(int(stamps[1]), madrid) == datetime(
            2026, 3, 15, 7, 5, tzinfo=madrid
        )

        await mod(fake, ["digest"], {"channel": news.id, "time": "23:59", "timezone": "UTC"})
        assert await settings_of(bot, fake) == GuildSettings(
            fake.guild.id, news.id, "23:59", "UTC", digest_armed_at=clock()
        )


async def test_invalid_digest_options_get_one_line_and_change_nothing(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    digests = fake.channel("digests")
    valid: Payload = {"channel": digests.id, "time": "09:30", "timezone": "America/Bogota"}
    cases: list[tuple[Payload, str]] = [
        ({"time": "25:00"}, "`25:00` is not a time: use 24-hour HH:MM, from 00:00 to 23:59"),
        ({"time": "6pm"}, "`6pm` is not a time: use 24-hour HH:MM"),
        ({"timezone": "Mars/Olympus_Mons"}, "is not a timezone: use an IANA name"),
        ({"timezone": "../etc/passwd"}, "is not a timezone: use an IANA name"),
        ({"channel": fake.channel("ideas").id}, "is a forum channel: I post digests in a text"),
        ({"channel": fake.channel("Community").id}, "is a category channel"),
    ]
    async with clamor() as bot:
        await mod(fake, ["digest"], valid)
        before = await settings_of(bot, fake)
        assert before.digest_channel_id == digests.id
        for change, expected in cases:
            await refused(fake, ["digest"], valid | change, expected)
        assert await settings_of(bot, fake) == before


async def test_digest_refuses_a_channel_where_it_cannot_post_embeds(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    for role in fake.guild.roles:  # before login: the bot learns its permissions at GUILD_CREATE
        role.permissions &= ~EMBED_LINKS
    digests = fake.channel("digests")
    async with clamor() as bot:
        content = await refused(
            fake, ["digest"], {"channel": digests.id, "time": "09:00", "timezone": "UTC"},
            f"I cannot post the digest in {mention(digests)}: I am missing Embed Links there.",
        )  # fmt: skip
        assert "Send Messages" not in content
        assert (await settings_of(bot, fake)).digest_channel_id is None


async def test_timezone_autocomplete_offers_matching_zone_names(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord

    async def suggestions(typed: str) -> list[str]:
        handle = await fake.autocomplete(
            fake.guild, fake.channel("general"), fake.user("alice"), "clamor-mod", ["digest"],
            {"channel": fake.channel("digests").id, "timezone": typed}, focused="timezone",
        )  # fmt: skip
        reply = await handle.response()
        assert reply.type == 8
        assert all(choice["name"] == choice["value"] for choice in reply.choices)
        return [choice["value"] for choice in reply.choices]

    async with clamor():
        assert await suggestions("MADR") == ["Europe/Madrid"]
        york = await suggestions("new y")
        assert york == ["America/New_York"]
        europe = await suggestions("europe/")
        assert len(europe) == 25
        assert all(name.startswith("Europe/") for name in europe)
        first_screen = await suggestions("")
        assert len(first_screen) == 25
        assert first_screen[0] == "UTC"
        assert await suggestions("no such zone") == []


async def test_terms_add_remove_and_list(fake_discord: FakeDiscord, clamor: Clamor) -> None:
    fake = fake_discord
    async with clamor() as bot:

        async def terms() -> dict[TermKind, list[str]]:
            return await bot.store.list_terms(fake.guild.id)

        reply = await mod(fake, ["terms", "add"], {"kind": "target", "term": "  Sora   Turbo "})
        assert reply.content == (
            "Added the target `sora turbo`; it applies to messages from now on."
        )
        reply = await mod(fake, ["terms", "add"], {"kind": "target", "term": "SORA TURBO"})
        assert reply.content == "`sora turbo` already is a target term; nothing changed."
        await mod(fake, ["terms", "add"], {"kind": "keyword", "term": "xyzzy"})
        await mod(fake, ["terms", "add"], {"kind": "ignore", "term": "open source friday"})
        assert await terms() == {
            "target": ["sora turbo"], "keyword": ["xyzzy"], "ignore": ["open source friday"],
        }  # fmt: skip

        listing = (await mod(fake, ["terms", "list"])).content
        assert listing is not None
        assert listing.splitlines() == [
            "**target** (what people want opened, beyond the built-in names): `sora turbo`",
            "**keyword** (words that make a message a request): `xyzzy`",
            "**ignore** (phrases that keep a message out of the log): `open source friday`",
        ]

        reply = await mod(fake, ["terms", "remove"], {"kind": "keyword", "term": "sora turbo"})
        assert reply.content == "`sora turbo` is not a keyword term; nothing changed."
        reply = await mod(fake, ["terms", "remove"], {"kind": "target", "term": "Sora Turbo"})
        assert reply.content == "Removed the target `sora turbo`."
        assert await terms() == {
            "target": [], "keyword": ["xyzzy"], "ignore": ["open source friday"],
        }  # fmt: skip


async def test_invalid_terms_get_one_line_and_change_nothing(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor() as bot:
        await mod(fake, ["terms", "add"], {"kind": "keyword", "term": "xyzzy"})
        before = await bot.store.list_terms(fake.guild.id)
        for term in ("a", "   b   ", "x" * 101, " "):
            for action in ("add", "remove"):
                await refused(
                    fake, ["terms", action], {"kind": "keyword", "term": term},
                    "A term is 2 to 100 characters once spaces at its ends are trimmed",
                )  # fmt: skip
        assert await bot.store.list_terms(fake.guild.id) == before


async def test_a_full_term_list_refuses_one_more_in_one_line(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    async with clamor() as bot:
        for number in range(MAX_TERMS_PER_KIND):
            await bot.store.add_term(fake.guild.id, "keyword", f"keyword {number:03d}")
        before = await bot.store.list_terms(fake.guild.id)
        await refused(
            fake, ["terms", "add"], {"kind": "keyword", "term": "one too many"},
            f"This server already has {MAX_TERMS_PER_KIND} keyword terms, the most it may have",
        )  # fmt: skip
        assert await bot.store.list_terms(fake.guild.id) == before
        reply = await mod(fake, ["terms", "add"], {"kind": "keyword", "term": "keyword 000"})
        assert reply.content == "`keyword 000` already is a keyword term; nothing changed."
        reply = await mod(fake, ["terms", "add"], {"kind": "target", "term": "sora turbo"})
        assert reply.content == "Added the target `sora turbo`; it applies to messages from now on."


async def test_a_member_without_manage_server_is_refused(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    attempts: list[tuple[list[str], Payload]] = [
        (["watch", "remove"], {"channel": fake.channel("general").id}),
        (["watch", "add"], {"channel": fake.channel("general").id}),
        (["watch", "mode"], {"mode": "listed"}),
        (["watch", "list"], {}),
        (["digest"], {"channel": fake.channel("digests").id, "time": "10:00", "timezone": "UTC"}),
        (["terms", "add"], {"kind": "target", "term": "sora"}),
        (["terms", "remove"], {"kind": "target", "term": "sora"}),
        (["terms", "list"], {}),
    ]
    async with clamor() as bot:
        await mod(fake, ["terms", "add"], {"kind": "target", "term": "sora"})  # alice may
        for path, options in attempts:
            reply = await mod(fake, path, options, user="bob")
            assert reply.content == (
                "You need the Manage Server permission to change Clamor's settings."
            )
        assert await settings_of(bot, fake) == GuildSettings(fake.guild.id, None, "09:00", "UTC")
        assert await bot.store.channel_rules(fake.guild.id) == {}
        assert (await bot.store.list_terms(fake.guild.id))["target"] == ["sora"]


async def test_the_watcher_honours_exclusions_lists_and_terms_at_once(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    general, source = fake.channel("general"), fake.channel("open-source")
    thread, bob = fake.channel("will they ever release it"), fake.user("bob")
    async with clamor() as bot:

        async def post(channel: FakeChannel, text: str = REQUEST) -> int:
            return int((await fake.send_user_message(channel, bob, text))["id"])

        async def stored(message_id: int) -> bool:
            return await bot.store.get_request(fake.guild.id, message_id) is not None

        async def logged_only_after(skipped: list[int], witness: int) -> None:
            # The witness, posted last in a watched channel, proves the others were handled.
            await eventually(lambda: stored(witness), "the witness message in the log")
            assert [m for m in skipped if await stored(m)] == []

        await mod(fake, ["watch", "remove"], {"channel": general.id})
        skipped = [await post(general), await post(thread)]
        await logged_only_after(skipped, await post(source))

        await mod(fake, ["watch", "mode"], {"mode": "listed"})
        await mod(fake, ["watch", "add"], {"channel": general.id})
        skipped = [await post(source)]
        await logged_only_after(skipped, await post(thread))

        await mod(fake, ["terms", "add"], {"kind": "ignore", "term": "sora"})
        skipped = [await post(general)]
        await logged_only_after(skipped, await post(general, "please release the weights"))
