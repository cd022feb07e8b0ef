"""GuildConfigs: a guild's settings, rules, terms, privacy and opted-out authors come from the
Store, cached until they change; changes made through it are written and seen at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.guild_settings import GuildConfigs
from bot.store import PrivacySettings, Store

G, OTHER = 1, 2
ALICE, BOB = "a" * 32, "b" * 32
NOW = 1_700_000_000.0


def defaults(tmp_path: Path) -> Settings:
    return Settings(
        discord_token=None,
        db_path=tmp_path / "clamor.db",
        log_level="INFO",
        dev_guild_id=None,
        digest_time="18:00",
        timezone="UTC",
    )


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "clamor.db") as opened:
        yield opened


async def test_a_new_guild_gets_the_default_privacy(store: Store, tmp_path: Path) -> None:
    config = await GuildConfigs(store, defaults(tmp_path)).get(G)
    assert config.privacy == PrivacySettings(G)
    assert config.keeps_content
    assert config.opted_out == frozenset()
    assert config.logs_author(ALICE)


async def test_privacy_and_opt_outs_are_read_and_refreshed(store: Store, tmp_path: Path) -> None:
    await store.set_retention_days(G, 30)
    await store.set_content_mode(G, "drop")
    await store.opt_out_author(G, ALICE, NOW)
    await store.opt_out_author(OTHER, BOB, NOW)
    configs = GuildConfigs(store, defaults(tmp_path))

    config = await configs.get(G)
    assert config.privacy == PrivacySettings(G, 30, "drop")
    assert not config.keeps_content
    assert config.opted_out == frozenset({ALICE})
    assert not config.logs_author(ALICE)
    assert config.logs_author(BOB)  # opted out elsewhere only

    await store.opt_in_author(G, ALICE)
    await store.set_content_mode(G, "keep")
    assert (await configs.get(G)).opted_out == frozenset({ALICE})  # cached until invalidated
    configs.invalidate(G)
    refreshed = await configs.get(G)
    assert refreshed.opted_out == frozenset()
    assert refreshed.keeps_content


class OptOutDuringRead(Store):
    """A real Store where a member opts out while GuildConfigs is reading the guild."""

    configs: GuildConfigs | None = None

    async def opted_out_authors(self, guild_id: int) -> frozenset[str]:
        seen = await super().opted_out_authors(guild_id)
        if self.configs is not None:
            configs, self.configs = self.configs, None
            await self.opt_out_author(guild_id, ALICE, NOW)
            configs.invalidate(guild_id)
        return seen


async def test_a_change_made_while_reading_is_not_cached_over(tmp_path: Path) -> None:
    async with await OptOutDuringRead.open(tmp_path / "clamor.db") as store:
        assert isinstance(store, OptOutDuringRead)
        configs = GuildConfigs(store, defaults(tmp_path))
        store.configs = configs
        assert (await configs.get(G)).opted_out == frozenset()  # read before the change
        assert (await configs.get(G)).opted_out == frozenset({ALICE})


async def test_changes_written_through_are_seen_at_once(store: Store, tmp_path: Path) -> None:
    configs = GuildConfigs(store, defaults(tmp_path))
    before = await configs.get(G)
    assert before.watches(10)
    assert before.keeps_content
    assert before.logs_author(ALICE)
    assert not before.analyzer.analyze("gizmo").targets

    await configs.set_watch_mode(G, "listed")
    await configs.set_channel_rule(G, 10, "watch")
    await configs.set_content_mode(G, "drop")
    await configs.set_retention_days(G, 30)
    await configs.opt_out_author(G, ALICE, NOW)
    assert await configs.add_term(G, "target", "gizmo")
    assert await configs.add_team_role(G, 70)
    await configs.set_digest_schedule(G, 99, "07:30", "Europe/Madrid", at=NOW)
    after = await configs.get(G)
    assert after.team_roles == {70}
    assert after.settings.watch_mode == "listed"
    assert after.watches(10)
    assert not after.watches(11)
    assert after.privacy == PrivacySettings(G, 30, "drop")
    assert not after.logs_author(ALICE)
    assert after.analyzer.analyze("please open source gizmo").targets
    assert (after.settings.digest_channel_id, after.settings.timezone) == (99, "Europe/Madrid")

    await configs.set_channel_rule(G, 10, None)
    assert await configs.remove_term(G, "target", "gizmo")
    assert await configs.remove_team_role(G, 70)
    await configs.opt_in_author(G, ALICE)
    again = await configs.get(G)
    assert again.team_roles == frozenset()
    assert not again.watches(10)
    assert again.logs_author(ALICE)
    assert not again.analyzer.analyze("please open source gizmo").targets

    await configs.forget_guild(G)
    assert (await configs.get(G)).settings.watch_mode == "all"
