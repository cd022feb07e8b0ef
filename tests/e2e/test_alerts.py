"""Spike alerts end to end: a quiet fortnight in the database, a burst through the fake, and
the running bot's alert loop posting (or not) in the alert channel."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.client import ClamorBot
from tests.e2e.waiting import eventually, run_loop_fast
from tests.fakediscord import EPHEMERAL, FakeChannel, FakeDiscord
from tests.fakediscord.entities import EMBED_LINKS
from tests.fakediscord.interactions import CallbackRecord
from tests.store.store_factory import request

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]
NOW = datetime(2026, 3, 20, 15, 0, tzinfo=UTC)
BURST = (
    "OpenAI should open source Sora",
    "ClosedAI strikes again lol, release the weights",
    "release the weights please",
)
JUMP = re.compile(r"\[Jump to message\]\(https://discord\.com/channels/(\d+)/(\d+)/(\d+)\)")


class Clock:
    def __init__(self, at: datetime) -> None:
        self.now = at.timestamp()

    def __call__(self) -> float:
        return self.now


async def mod(fake: FakeDiscord, options: Mapping[str, Any], *, user: str = "alice") -> str:
    """`/clamor-mod alerts options` in #general: the ephemeral one-line answer."""
    handle = await fake.invoke_command(
        fake.guild, fake.channel("general"), fake.user(user), "clamor-mod", ["alerts"], options
    )
    reply: CallbackRecord = await handle.response()
    assert reply.type == 4, reply
    assert reply.flags & EPHEMERAL
    assert reply.content is not None
    assert "\n" not in reply.content, reply.content
    return reply.content


async def seed_quiet_fortnight(bot: ClamorBot, fake: FakeDiscord) -> None:
    """Two request messages a day, at 10:00, for the 14 days before NOW."""
    general = fake.channel("general")
    rows = [
        request(
            n,
            guild_id=fake.guild.id,
            channel_id=general.id,
            created_at=(NOW - timedelta(days=1 + n // 2, hours=5)).timestamp(),
        )
        for n in range(1, 29)
    ]
    await bot.store.upsert_requests(rows)


async def burst(bot: ClamorBot, fake: FakeDiscord, count: int, start: datetime) -> list[int]:
    """`count` request messages from bob and carol, one a minute from `start`, logged."""
    before = await bot.store.count_requests(fake.guild.id)
    places = (fake.channel("general"), fake.channel("open-source"))
    people = (fake.user("bob"), fake.user("carol"))
    sent = []
    for n in range(count):
        data = await fake.send_user_message(
            places[n % 2], people[n % 2], BURST[n % 3], at=start + timedelta(minutes=n)
        )
        sent.append(int(data["id"]))

    async def logged() -> bool:
        return await bot.store.count_requests(fake.guild.id) >= before + count

    await eventually(logged, f"{count} more logged request messages")
    return sent


async def ticks(bot: ClamorBot, count: int = 5) -> None:
    """Let the real alert loop run `count` more times, fast, then pause it so it does not
    check halfway through the next burst."""
    cog: Any = bot.get_cog("SpikeAlerts")
    await run_loop_fast(cog.tick, count, pause_after=True)


def alerts_in(fake: FakeDiscord, channel: FakeChannel) -> list[dict[str, Any]]:
    return [m.payload() for m in fake.posted_in(channel) if m.payload().get("embeds")]


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {field["name"]: field["value"] for field in embed["fields"]}


async def test_a_burst_after_a_quiet_fortnight_is_alerted_once(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, alerts = fake_discord, fake_discord.channel("digests")
    clock = Clock(NOW)
    async with clamor(clock) as bot:
        await seed_quiet_fortnight(bot, fake)
        answer = await mod(fake, {"channel": alerts.id, "sensitivity": "normal"})
        assert answer.startswith(f"Spike alerts go to <#{alerts.id}> (sensitivity normal")
        await ticks(bot)
        assert alerts_in(fake, alerts) == []  # two a day, as usual

        sent = await burst(bot, fake, 24, NOW - timedelta(minutes=50))
        await ticks(bot)
        [post] = alerts_in(fake, alerts)
        [embed] = post["embeds"]
        assert embed["title"] == "Open-sourcing talk is spiking: 24 request messages today"
        assert embed["description"].startswith("12.0x the usual 2 (+22; median of the same ")
        since = int((NOW - timedelta(hours=1)).timestamp())
        assert fields(embed)["Since"] == f"<t:{since}:t> (<t:{since}:R>)"
        assert "Sora (" in fields(embed)["Top targets"]
        reading = fields(embed)["Messages to read"]
        links = JUMP.findall(reading)
        assert len(links) == 3
        assert all(int(guild) == fake.guild.id and int(m) in sent for guild, _, m in links)
        assert all(f"<t:{int(NOW.timestamp()) - 3000}" <= stamp for stamp in re.findall(
            r"<t:\d+:R>", reading))  # fmt: skip
        assert any(text in reading for text in BURST)

        [record] = await bot.store.posted_alerts(fake.guild.id)
        assert (record.kind, record.level, record.message_id) == ("volume", 24, int(post["id"]))
        assert record.summary.startswith(embed["title"])
        assert "lol" not in record.summary  # numbers and targets, never message text

        # The wave goes on: still one alert within the cooldown.
        await burst(bot, fake, 30, NOW + timedelta(minutes=5))
        clock.now += 3600
        await ticks(bot)
        assert len(alerts_in(fake, alerts)) == 1
        state = await mod(fake, {})
        assert state.startswith(f"Spike alerts go to <#{alerts.id}> (sensitivity normal")
        assert state.endswith(f"the last one (volume) was posted <t:{int(NOW.timestamp())}:R>.")

    # Restarted seven hours later, the same day: the cooldown is over, and the wave has more
    # than doubled since the alert (54 >= 2 x 24), so it is news again.
    clock.now = (NOW + timedelta(hours=7)).timestamp()
    async with clamor(clock) as bot:
        await ticks(bot)
        assert len(alerts_in(fake, alerts)) == 2
        await ticks(bot)
        assert len(alerts_in(fake, alerts)) == 2


async def test_no_alert_while_alerts_are_off(fake_discord: FakeDiscord, clamor: Clamor) -> None:
    fake, alerts = fake_discord, fake_discord.channel("digests")
    clock = Clock(NOW)
    async with clamor(clock) as bot:
        await seed_quiet_fortnight(bot, fake)
        assert (await mod(fake, {})).startswith("Spike alerts are off.")
        await burst(bot, fake, 24, NOW - timedelta(minutes=50))
        await ticks(bot)
        await mod(fake, {"channel": alerts.id})
        assert await mod(fake, {"off": True}) == (
            "Spike alerts are now off. Pick a channel with `/clamor-mod alerts channel:` to resume."
        )
        await ticks(bot)
        assert await mod(fake, {"off": True}) == "Spike alerts already are off; nothing changed."
        assert await bot.store.posted_alerts(fake.guild.id) == []
    assert alerts_in(fake, alerts) == []


async def test_a_guild_that_drops_text_gets_an_alert_that_quotes_nothing(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, alerts = fake_discord, fake_discord.channel("digests")
    clock = Clock(NOW)
    async with clamor(clock) as bot:
        await seed_quiet_fortnight(bot, fake)
        await bot.store.set_content_mode(fake.guild.id, "drop")
        bot.guild_configs.invalidate(fake.guild.id)
        await mod(fake, {"channel": alerts.id, "sensitivity": "high"})
        await burst(bot, fake, 24, NOW - timedelta(minutes=50))
        await ticks(bot)
        [post] = alerts_in(fake, alerts)
    reading = fields(post["embeds"][0])["Messages to read"]
    assert reading == "None quoted: this server does not keep message text."
    assert not any(text in str(post) for text in BURST)


async def test_alerts_command_refusals(fake_discord: FakeDiscord, clamor: Clamor) -> None:
    fake = fake_discord
    alerts, thread = fake.channel("digests"), fake.channel("will they ever release it")
    async with clamor() as bot:
        assert await mod(fake, {"sensitivity": "high"}) == (
            "Spike alerts are off: pick a channel with `channel:` to turn them on at that "
            "sensitivity."
        )
        assert await mod(fake, {"channel": alerts.id, "off": True}) == (
            "Pick a channel or `off`, not both."
        )
        assert "is a thread" in await mod(fake, {"channel": thread.id})
        assert await mod(fake, {"channel": alerts.id}, user="bob") == (
            "You need the Manage Server permission to change Clamor's settings."
        )
        assert (await bot.store.alert_settings(fake.guild.id)).channel_id is None
        # On, then a new sensitivity alone keeps the channel.
        await mod(fake, {"channel": alerts.id})
        assert (await mod(fake, {"sensitivity": "low"})).startswith(
            f"Spike alerts go to <#{alerts.id}> (sensitivity low: at least 30 request messages"
        )
        settings = await bot.store.alert_settings(fake.guild.id)
        assert (settings.channel_id, settings.sensitivity) == (alerts.id, "low")


async def test_alerts_need_a_channel_the_bot_can_post_embeds_in(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    for role in fake.guild.roles:  # before login: the bot learns its permissions at GUILD_CREATE
        role.permissions &= ~EMBED_LINKS
    alerts = fake.channel("digests")
    async with clamor() as bot:
        assert await mod(fake, {"channel": alerts.id}) == (
            f"I cannot post alerts in <#{alerts.id}>: I am missing Embed Links there. "
            "Grant it or pick another channel."
        )
        assert (await bot.store.alert_settings(fake.guild.id)).channel_id is None


async def test_an_unpostable_alert_channel_is_reported_not_hammered(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake, alerts = fake_discord, fake_discord.channel("digests")
    clock = Clock(NOW)
    async with clamor(clock) as bot:
        await seed_quiet_fortnight(bot, fake)
        await mod(fake, {"channel": alerts.id})
        fake.posting_denied.add(alerts.id)
        await burst(bot, fake, 24, NOW - timedelta(minutes=50))
        await ticks(bot, 20)
        state = await mod(fake, {})
        assert state.endswith(
            "Last error: no permission to post in #digests (needs Send Messages and Embed Links)."
        )
        assert await bot.store.posted_alerts(fake.guild.id) == []
    attempts = [r for r in fake.requests if r.method == "POST" and r.path.endswith(
        f"/channels/{alerts.id}/messages")]  # fmt: skip
    assert len(attempts) == 1
