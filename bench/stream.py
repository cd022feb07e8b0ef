"""A seeded synthetic chat stream for the ingest and memory benchmarks, and the bot-side objects
that take it the way the live bot does (no Discord: plain objects with the attributes the
watcher reads).

Chatter comes from the labelled corpus's non-requests and the VADER ground-truth tweets and
Amazon snippets (`../shared/data/vader-icwsm2014`, chat-length social text); requests from the
corpus's request messages. Each message gets a seeded guild, channel and author, and ids that
rise with time as Discord's snowflakes do.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus.jsonl"
VADER_DATA = ROOT.parent / "shared" / "data" / "vader-icwsm2014"
CHATTER_FILES = ("tweets_GroundTruth.txt", "amazonReviewSnippets_GroundTruth.txt")
GUILDS = 10
CHANNELS_PER_GUILD = 5
DISCORD_EPOCH_MS = 1420070400000


@dataclass(frozen=True, slots=True)
class Pools:
    chatter: tuple[str, ...]
    requests: tuple[str, ...]


def load_pools() -> Pools:
    chatter: list[str] = []
    requests: list[str] = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        (requests if item["request"] else chatter).append(item["text"])
    for name in CHATTER_FILES:
        text = (VADER_DATA / name).read_text(encoding="utf-8-sig")
        for row in text.splitlines():
            parts = row.split("\t", 2)
            if len(parts) == 3 and parts[2].strip():
                chatter.append(parts[2].strip())
    return Pools(tuple(chatter), tuple(requests))


def snowflake(at: float, sequence: int) -> int:
    return ((int(at * 1000) - DISCORD_EPOCH_MS) << 22) | (sequence & 0x3FFFFF)


def fake_message(message_id: int, guild: int, channel: int, author: int, content: str) -> object:
    """What the watcher reads of a discord.Message (a plain default-type member post)."""
    return SimpleNamespace(
        id=message_id,
        content=content,
        guild=SimpleNamespace(id=guild),
        channel=SimpleNamespace(id=channel, parent_id=None),
        author=SimpleNamespace(id=author, bot=False),
        webhook_id=None,
        type=SimpleNamespace(value=0),
        edited_at=None,
        reference=None,
        mentions=[],
        attachments=[],
        embeds=[],
        stickers=[],
        poll=None,
        message_snapshots=[],
    )


def stream(
    pools: Pools, count: int, request_share: float, *, seed: int = 7, start: float | None = None
) -> Iterator[object]:
    """`count` messages, `request_share` of them requests, about 20 a second from `start`
    (default: an hour ago, so every row is inside any retention)."""
    rnd = random.Random(seed)
    at = time.time() - 3600 if start is None else start
    for sequence in range(count):
        at += rnd.expovariate(20.0)
        pool = pools.requests if rnd.random() < request_share else pools.chatter
        guild = 1 + rnd.randrange(GUILDS)
        yield fake_message(
            snowflake(at, sequence),
            guild,
            guild * 1000 + rnd.randrange(CHANNELS_PER_GUILD),
            10_000 + rnd.randrange(5000),
            rnd.choice(pool),
        )


def texts(pools: Pools, count: int, request_share: float, *, seed: int = 7) -> list[str]:
    """The contents of `stream(...)` with the same arguments, for the baseline loop."""
    return [m.content for m in stream(pools, count, request_share, seed=seed)]  # type: ignore[attr-defined]


def bot_for(store: object, author_key: bytes = b"k" * 32) -> object:
    """The parts of ClamorBot the watcher uses: store, guild configs, request writer, key."""
    from bot.config import Settings
    from bot.guild_settings import GuildConfigs
    from bot.watch.rules import ConversationMemory, MessageTextWatch
    from bot.watch.service import WatchService
    from bot.watch.writer import RequestWriter

    settings = Settings(
        discord_token=None,
        db_path=Path("unused"),
        log_level="WARNING",
        dev_guild_id=None,
        digest_time="09:00",
        timezone="UTC",
    )
    configs = GuildConfigs(store, settings)  # type: ignore[arg-type]
    writer, conversations = RequestWriter(store, configs), ConversationMemory()  # type: ignore[arg-type]
    return SimpleNamespace(
        store=store,
        settings=settings,
        author_key=author_key,
        guild_configs=configs,
        request_writer=writer,
        watch_service=WatchService(store, configs, writer, conversations, author_key=author_key),  # type: ignore[arg-type]
        user=None,
        clock=time.time,
        message_text=MessageTextWatch(),
        conversations=conversations,
    )
