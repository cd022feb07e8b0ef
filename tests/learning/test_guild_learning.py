"""A server's analyser learns from its corrections through `GuildConfigs`, on a real SQLite
file: in that server only, until learning is off or reset, and never from what privacy erased."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.guild_settings import GuildConfigs, guild_analyzer
from bot.store import LabelCorrection, RequestRecord, Store
from tests.test_guild_settings import defaults

G, OTHER = 1, 2
ALICE = "a" * 64
NOW = 1_700_000_000.0
DAY = 86_400.0
CORRECTED = "open the weights room at the gym please"
NEXT = "open the weights room at the gym please, again"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "clamor.db") as opened:
        yield opened


@pytest.fixture
def configs(store: Store, tmp_path: Path) -> GuildConfigs:
    return GuildConfigs(store, defaults(tmp_path))


def gym_correction(guild_id: int = G, at: float = NOW) -> LabelCorrection:
    return LabelCorrection(
        guild_id=guild_id,
        message_id=500,
        channel_id=10,
        label="not-a-request",
        content=CORRECTED,
        language="en",
        original_category="demand",
        corrected_at=at,
        author_hash=ALICE,
    )


async def counts(configs: GuildConfigs, guild_id: int = G) -> bool:
    return (await configs.get(guild_id)).analyzer.analyze(NEXT, score_all=False).request


async def test_a_relabel_changes_the_next_similar_message_in_that_server_only(
    configs: GuildConfigs,
) -> None:
    assert await counts(configs)
    assert await counts(configs, OTHER)
    await configs.set_label_correction(gym_correction())
    assert not await counts(configs)
    assert await counts(configs, OTHER)


async def test_undo_off_and_reset_bring_back_the_models_verdict(configs: GuildConfigs) -> None:
    await configs.set_label_correction(gym_correction())
    assert await configs.undo_label_correction(G, 500)
    assert await counts(configs)

    await configs.set_label_correction(gym_correction())
    await configs.set_learning_enabled(G, False)
    assert await counts(configs)
    await configs.set_learning_enabled(G, True)
    assert not await counts(configs)

    assert await configs.reset_learning(G, NOW + 1) == 1
    assert await counts(configs)


async def test_undoing_a_relabel_that_logged_a_message_unlogs_it(
    configs: GuildConfigs, store: Store
) -> None:
    await store.upsert_request(
        RequestRecord(
            message_id=600,
            guild_id=G,
            channel_id=10,
            author_hash=ALICE,
            created_at=NOW,
            content="we never get anything",
            language="en",
            compound=0.0,
            pos=0.0,
            neu=1.0,
            neg=0.0,
            category="defeatism",
            targets=(),
            alternatives=(),
            cues=(),
        )
    )
    relabel = replace(gym_correction(), message_id=600, label="defeatism", original_category=None)
    await configs.set_label_correction(relabel)
    assert await configs.undo_label_correction(G, 600)
    assert await store.get_request(G, 600) is None
    assert not await configs.undo_label_correction(G, 600)


async def test_forget_me_forgets_what_the_server_learned_from_the_member(
    configs: GuildConfigs,
) -> None:
    await configs.set_label_correction(gym_correction())
    assert not await counts(configs)
    await configs.opt_out_author(G, ALICE, NOW + 10)
    assert await counts(configs)


async def test_dropping_content_forgets_what_was_learned(configs: GuildConfigs) -> None:
    await configs.set_label_correction(gym_correction())
    await configs.set_content_mode(G, "drop")
    assert await counts(configs)


async def test_retention_forgets_what_was_learned(configs: GuildConfigs, store: Store) -> None:
    await configs.set_retention_days(G, 7)
    await configs.set_label_correction(gym_correction())
    assert not await counts(configs)
    await configs.erase_expired(NOW + 8 * DAY)
    assert await counts(configs)


async def test_the_command_line_reads_a_known_server_with_its_corrections(
    store: Store,
) -> None:
    await store.set_label_correction(gym_correction())
    assert not (await guild_analyzer(store, G)).analyze(NEXT).request
    assert (await guild_analyzer(store, OTHER)).analyze(NEXT).request
