"""Per-guild configuration the hot path needs, cached in memory and dropped on every change."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.analysis import Analyzer
from bot.config import Settings
from bot.store import Store
from bot.store.records import ChannelRule, GuildSettings, PrivacySettings


@dataclass(frozen=True, slots=True)
class GuildConfig:
    settings: GuildSettings
    rules: dict[int, ChannelRule]
    analyzer: Analyzer
    privacy: PrivacySettings = field(default_factory=lambda: PrivacySettings(guild_id=0))
    # Keyed hashes of members who asked not to be logged in this guild.
    opted_out: frozenset[str] = frozenset()

    @property
    def keeps_content(self) -> bool:
        return self.privacy.content_mode == "keep"

    def logs_author(self, author_hash: str) -> bool:
        return author_hash not in self.opted_out

    def watches(self, channel_id: int) -> bool:
        """Whether messages in this channel (a thread's parent, for threads) are watched."""
        rule = self.rules.get(channel_id)
        if self.settings.watch_mode == "listed":
            return rule == "watch"
        return rule != "exclude"


class GuildConfigs:
    """Reads a guild's settings, channel rules and terms once, until a moderator changes them."""

    def __init__(self, store: Store, defaults: Settings) -> None:
        self._store = store
        self._defaults = defaults
        self._cache: dict[int, GuildConfig] = {}
        self._versions: dict[int, int] = {}

    async def get(self, guild_id: int) -> GuildConfig:
        config = self._cache.get(guild_id)
        if config is None:
            version = self._versions.get(guild_id, 0)
            config = GuildConfig(
                settings=await self._store.guild_settings(
                    guild_id,
                    default_time=self._defaults.digest_time,
                    default_timezone=self._defaults.timezone,
                ),
                rules=await self._store.channel_rules(guild_id),
                analyzer=await asyncio.to_thread(Analyzer, await self._store.guild_terms(guild_id)),
                privacy=await self._store.privacy_settings(guild_id),
                opted_out=await self._store.opted_out_authors(guild_id),
            )
            # A change made while we were reading would be lost if this copy were kept.
            if self._versions.get(guild_id, 0) == version:
                self._cache[guild_id] = config
        return config

    def invalidate(self, guild_id: int) -> None:
        self._versions[guild_id] = self._versions.get(guild_id, 0) + 1
        self._cache.pop(guild_id, None)
