"""A flood of 1,000 long, emoji-heavy messages through the fake gateway (issue 5, point 7).

The bot must stay connected while it works through them: no RESUME or second IDENTIFY, no
discord.py warning about a blocked or late heartbeat, acknowledged heartbeats all along (the
fake's interval is cut to a quarter of a second, and the bot's own give-up time to 10 s, so a
blocked event loop would show). Every request message among them is logged exactly once: the
same set `bot.analysis.analyze` finds in the same texts, live or, for the messages the watcher
shed when more waited than its intake holds, by gap filling afterwards (issue 15, item 5); and
every message is counted once in the volume.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import cast

import pytest

from bot.analysis import analyze
from bot.cli.common import key_path_for
from bot.client import ClamorBot
from bot.config import load_settings
from bot.store import Store, load_or_create_key
from cogs.gap_fill import GapFill
from cogs.watcher import Watcher
from tests.e2e.test_gap_fill import filled
from tests.e2e.test_watcher import CHAT as CHAT_TEXT
from tests.e2e.test_watcher import REQUEST as REQUEST_TEXT
from tests.fakediscord import FakeDiscord, assert_no_stray_tasks, connect_discord_py, running_bot

Clamor = Callable[..., AbstractAsyncContextManager[ClamorBot]]

FLOOD = 1000
HEARTBEAT_MS = 250
# discord.py closes and resumes when nothing arrived for this long; 60 s by default.
HEARTBEAT_TIMEOUT = 10.0
GENEROUS_WAIT = 300.0  # a hang guard for a loaded 2-core machine, not a performance target

EMOJI = [
    "🔥", "😂", "🤡", "❤️", "👍🏽", "🇪🇸", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🧑🏿‍💻", "🫠", "💀", "😭", "🙏",
    "👀", "🤖", "🎉", "<:pepe_cry:1234567890>", ":fire:", "🐸", "✨",
]  # fmt: skip
WORDS = [
    "lol", "the", "gpu", "weekend", "demo", "cat", "pizza", "jaja", "xd", "meme", "game",
    "music", "hola", "gracias", "nice", "same", "mood", "bruh", "wow", "ok",
]  # fmt: skip
REQUESTS = [
    "OpenAI should open source Sora",
    "release the weights already!!",
    "they will never open source it, forget it",
    "olvídense, jamás van a liberar los pesos de Sora",
    "ClosedAI strikes again, open source the model",
    "ojalá liberen el código de Sora 🙏",
]


def flood_texts(seed: int = 5) -> list[str]:
    """1,000 messages of 1,500-2,000 characters, mostly emoji; about one in five opens with a
    request phrase, a few hide one in the middle (where the rules may not look)."""
    rng = random.Random(seed)
    texts = []
    for _ in range(FLOOD):
        size = rng.randint(1500, 2000)
        pieces: list[str] = []
        roll = rng.random()
        if roll < 0.2:
            pieces.append(rng.choice(REQUESTS) + " ")
        while sum(map(len, pieces)) < size:
            if rng.random() < 0.75:
                pieces.append(rng.choice(EMOJI) * rng.randint(1, 6))
            else:
                pieces.append(f" {rng.choice(WORDS)} ")
            if roll > 0.95 and len(pieces) == 40:
                pieces.append(f" {rng.choice(REQUESTS)} ")
        texts.append("".join(pieces)[:size])
    return texts


async def settle(check: Callable[[], bool], what: str) -> None:
    try:
        async with asyncio.timeout(GENEROUS_WAIT):
            while not check():  # noqa: ASYNC110 - the watcher's counters have no event to await
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"waited {GENEROUS_WAIT:.0f} s for {what}") from None


async def test_a_flood_keeps_the_bot_connected_and_logs_every_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    texts = flood_texts()
    caplog.set_level(logging.WARNING, logger="discord")
    database = tmp_path / "clamor.db"
    async with FakeDiscord(heartbeat_interval_ms=HEARTBEAT_MS) as fake:
        connect_discord_py(monkeypatch, fake)
        settings = load_settings(
            {"DISCORD_TOKEN": fake.token, "CLAMOR_DB": str(database)}, env_file=None
        )
        key = load_or_create_key(key_path_for(database))
        async with await Store.open(database) as store:
            bot = ClamorBot(settings, store, author_key=key, heartbeat_timeout=HEARTBEAT_TIMEOUT)
            async with running_bot(bot, fake) as client:
                watcher = cast(Watcher, client.get_cog("Watcher"))
                handled_before = watcher.stats.handled
                records_before = len(caplog.records)  # start-up notes (no voice) are not ours
                channel, authors = fake.channel("general"), [fake.user("bob"), fake.user("carol")]
                ids = []
                for number, text in enumerate(texts):
                    payload = fake.user_message(channel, authors[number % 2], text)
                    await fake.dispatch("MESSAGE_CREATE", payload)
                    ids.append(int(payload["id"]))
                beats_when_sent = fake.heartbeat_count
                await settle(
                    lambda: watcher.stats.handled >= handled_before + FLOOD,
                    f"the watcher to handle {FLOOD} messages",
                )
                gap_fill = cast(GapFill, client.get_cog("GapFill"))
                await settle(
                    lambda: not watcher.watch.shed_waiting and not gap_fill.running,
                    "gap filling to re-read what was shed",
                )
                # Still beating and acknowledged after the flood, on the same connection.
                await fake.wait_for(
                    lambda: fake.heartbeat_count >= beats_when_sent + 2, what="two heartbeats"
                )
                latency = client.latency
                rows = await store.requests_between(fake.guild.id, 0.0, 4_000_000_000.0)
                logged = watcher.stats.logged + gap_fill.requests_logged
                await watcher.flush()
                volume = await store.volume_between(fake.guild.id, 0.0, 4_000_000_000.0)
    await assert_no_stray_tasks()

    assert (fake.identify_count, fake.resume_count) == (1, 0)
    assert len(fake.gateway.connections) == 1
    assert fake.heartbeat_count >= 3
    assert math.isfinite(latency)
    # "heartbeat blocked", "can't keep up", "stopped responding", reconnect attempts.
    connection_warnings = [
        r.getMessage()
        for r in caplog.records[records_before:]
        if r.name in ("discord.gateway", "discord.client")
    ]
    assert connection_warnings == []

    expected = {mid for mid, text in zip(ids, texts, strict=True) if analyze(text).request}
    assert len(expected) >= FLOOD // 10  # the flood really carries requests
    assert sorted(row.message_id for row in rows) == sorted(expected)
    assert logged == len(expected)  # each written once: no retries, no double handling
    assert volume == FLOOD


SMALL_INTAKE = 5


async def test_a_flood_beyond_the_intake_is_shed_counted_and_read_again_by_gap_filling(
    fake_discord: FakeDiscord, clamor: Clamor
) -> None:
    fake = fake_discord
    channel, bob = fake.channel("general"), fake.user("bob")
    texts = [f"{REQUEST_TEXT} #{n}" if n % 4 == 0 else f"{CHAT_TEXT} #{n}" for n in range(60)]
    async with clamor() as bot:
        gap_fill = await filled(bot)
        watcher = cast(Watcher, bot.get_cog("Watcher"))
        watch = bot.watch_service
        watch.intake_limit = SMALL_INTAKE
        handled_before = watcher.stats.handled
        # The guild's lock held as a long message would hold it: what arrives meanwhile either
        # waits its turn (the first SMALL_INTAKE) or is shed.
        async with watch.lock(fake.guild.id):
            ids = []
            for text in texts:
                payload = fake.user_message(channel, bob, text)
                await fake.dispatch("MESSAGE_CREATE", payload)
                ids.append(int(payload["id"]))
            await settle(
                lambda: watcher.stats.handled >= handled_before + len(texts) - SMALL_INTAKE,
                "the flood to be taken in or shed",
            )
            assert watch.taken_in(fake.guild.id) == SMALL_INTAKE
            assert watcher.stats.shed == len(texts) - SMALL_INTAKE
            assert watch.shed_waiting
        await settle(
            lambda: watcher.stats.handled >= handled_before + len(texts),
            "the messages that waited to be handled",
        )
        await settle(
            lambda: not watch.shed_waiting and not gap_fill.running,
            "gap filling to re-read what was shed",
        )
        rows = await bot.store.requests_between(fake.guild.id, 0.0, 4_000_000_000.0)
        await watcher.flush()
        volume = await bot.store.volume_between(fake.guild.id, 0.0, 4_000_000_000.0)
        logged = watcher.stats.logged + gap_fill.requests_logged

    expected = sorted(mid for mid, text in zip(ids, texts, strict=True) if analyze(text).request)
    assert len(expected) == 15
    assert sorted(row.message_id for row in rows) == expected  # the shed ones too, each once
    assert logged == len(expected)
    assert volume == len(texts)  # every message counted once: shed, waited or read again
