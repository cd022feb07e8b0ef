"""The cached per-server settings the hot path needs (watch rules, terms, privacy, opt-outs).

Every change a moderator or member makes goes through `GuildConfigs`, which writes it to the
Store and drops its cached copy in the same call: no caller can change a guild and forget to
invalidate it (the watcher checks the copy before every write, so a stale one would log a member
who just opted out).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.analysis import Analyzer, GuildTerms
from bot.config import Settings
from bot.learning import CorrectionMemory
from bot.learning.examples import learned_example
from bot.store import LabelCorrection, Store
from bot.store.learning import LearningSettings
from bot.store.records import (
    ChannelRule,
    ContentMode,
    GuildSettings,
    PrivacySettings,
    TermKind,
    WatchMode,
)


def learning_analyzer(terms: GuildTerms, corrections: Sequence[LabelCorrection]) -> Analyzer:
    """A guild's analyser: its terms, and the memory of the corrections it learns from (none:
    exactly the analyser without learning)."""
    analyzer = Analyzer(terms)
    if corrections:
        analyzer.adapter = CorrectionMemory(
            learned_example(analyzer, c.guild_id, c.channel_id, c.message_id, c.content, c.label)
            for c in corrections
        )
    return analyzer


async def guild_analyzer(store: Store, guild_id: int) -> Analyzer:
    """The analyser the bot and `clamor analyze --db` read a known guild's messages with."""
    terms = await store.guild_terms(guild_id)
    learning = await store.learning_settings(guild_id)
    corrections = await store.teaching_corrections(guild_id) if learning.enabled else []
    return await asyncio.to_thread(learning_analyzer, terms, corrections)


@dataclass(frozen=True, slots=True)
class GuildConfig:
    settings: GuildSettings
    rules: dict[int, ChannelRule]
    analyzer: Analyzer
    privacy: PrivacySettings = field(default_factory=lambda: PrivacySettings(guild_id=0))
    # Keyed hashes of members who asked not to be logged in this guild.
    opted_out: frozenset[str] = frozenset()
    learning: LearningSettings = field(default_factory=lambda: LearningSettings(guild_id=0))
    # Roles whose members answer requests rather than make them (the project's own team).
    team_roles: frozenset[int] = frozenset()

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
    """Reads a guild's settings, channel rules and terms once, until they change; every change
    to them is written through here."""

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
                analyzer=await guild_analyzer(self._store, guild_id),
                privacy=await self._store.privacy_settings(guild_id),
                opted_out=await self._store.opted_out_authors(guild_id),
                learning=await self._store.learning_settings(guild_id),
                team_roles=await self._store.team_roles(guild_id),
            )
            # A change made while we were reading would be lost if this copy were kept.
            if self._versions.get(guild_id, 0) == version:
                self._cache[guild_id] = config
        return config

    def invalidate(self, guild_id: int) -> None:
        """Drop the cached copy after a change made past this object (tests that write the
        Store directly)."""
        self._versions[guild_id] = self._versions.get(guild_id, 0) + 1
        self._cache.pop(guild_id, None)

    async def set_channel_rule(
        self, guild_id: int, channel_id: int, rule: ChannelRule | None
    ) -> None:
        """Watch or exclude a channel; None removes its rule."""
        if rule is None:
            await self._store.remove_channel_rule(guild_id, channel_id)
        else:
            await self._store.set_channel_rule(guild_id, channel_id, rule)
        self.invalidate(guild_id)

    async def set_watch_mode(self, guild_id: int, mode: WatchMode) -> None:
        await self._store.set_watch_mode(guild_id, mode)
        self.invalidate(guild_id)

    async def set_digest_schedule(
        self, guild_id: int, channel_id: int, time: str, timezone: str, *, at: float
    ) -> None:
        await self._store.set_digest_schedule(guild_id, channel_id, time, timezone, at=at)
        self.invalidate(guild_id)

    async def add_term(self, guild_id: int, kind: TermKind, term: str) -> bool:
        """Whether the term was new (TermLimitError past the limit)."""
        added = await self._store.add_term(guild_id, kind, term)
        if added:
            self.invalidate(guild_id)
        return added

    async def remove_term(self, guild_id: int, kind: TermKind, term: str) -> bool:
        removed = await self._store.remove_term(guild_id, kind, term)
        if removed:
            self.invalidate(guild_id)
        return removed

    async def add_team_role(self, guild_id: int, role_id: int) -> bool:
        """Whether the role was new to the team (TeamLimitError past the limit)."""
        added = await self._store.add_team_role(guild_id, role_id)
        if added:
            self.invalidate(guild_id)
        return added

    async def remove_team_role(self, guild_id: int, role_id: int) -> bool:
        removed = await self._store.remove_team_role(guild_id, role_id)
        if removed:
            self.invalidate(guild_id)
        return removed

    async def set_retention_days(self, guild_id: int, days: int) -> None:
        await self._store.set_retention_days(guild_id, days)
        self.invalidate(guild_id)

    async def set_content_mode(self, guild_id: int, mode: ContentMode) -> int:
        """How many messages' text was erased (dropping content erases it at once)."""
        erased = await self._store.set_content_mode(guild_id, mode)
        self.invalidate(guild_id)
        return erased

    async def opt_out_author(self, guild_id: int, author_hash: str, at: float) -> int:
        """Erase the author's rows in the guild and stop logging them; how many were erased."""
        erased = await self._store.opt_out_author(guild_id, author_hash, at)
        self.invalidate(guild_id)
        return erased

    async def opt_in_author(self, guild_id: int, author_hash: str) -> bool:
        changed = await self._store.opt_in_author(guild_id, author_hash)
        self.invalidate(guild_id)
        return changed

    async def erase_expired(self, now: float) -> dict[int, int]:
        """Retention: erase what is past each guild's period ({guild: rows erased}); a guild
        whose corrections lost their text stops learning from them at once."""
        erased = await self._store.erase_expired(now)
        for guild_id in erased:
            self.invalidate(guild_id)
        return erased

    async def set_label_correction(self, correction: LabelCorrection) -> None:
        """Store a moderator's correction; the guild learns from it from the next message."""
        await self._store.set_label_correction(correction)
        self.invalidate(correction.guild_id)

    async def undo_label_correction(self, guild_id: int, message_id: int) -> bool:
        """Remove a correction (the message counts as Clamor read it); whether there was one."""
        correction = await self._store.label_correction(guild_id, message_id)
        if correction is None:
            return False
        await self._store.delete_label_corrections(guild_id, [message_id])
        if correction.original_category is None:
            # Clamor did not take it for a request: the relabel alone logged it.
            await self._store.delete_request(guild_id, message_id)
        self.invalidate(guild_id)
        return True

    async def set_learning_enabled(self, guild_id: int, enabled: bool) -> None:
        await self._store.set_learning_enabled(guild_id, enabled)
        self.invalidate(guild_id)

    async def reset_learning(self, guild_id: int, at: float) -> int:
        """Forget what was learned so far; how many corrections stopped teaching."""
        forgotten = await self._store.reset_learning(guild_id, at)
        self.invalidate(guild_id)
        return forgotten

    async def forget_guild(self, guild_id: int) -> None:
        await self._store.forget_guild(guild_id)
        self.invalidate(guild_id)

    async def erase_departed(self, now: float, grace_seconds: float) -> list[int]:
        """Erase the guilds left more than `grace_seconds` ago; their ids."""
        departed = await self._store.erase_departed(now, grace_seconds)
        for guild_id in departed:
            self.invalidate(guild_id)
        return departed
