"""Per-server learning (issue 16): whether a server learns from its moderators' corrections,
and which corrections it learns from. The corrections themselves are `label_corrections`
(bot/store/labels.py); a correction whose text was erased teaches nothing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.database import Database
from bot.store.labels import CORRECTION_COLUMNS, LabelCorrection, correction_from_row


@dataclass(frozen=True, slots=True)
class LearningSettings:
    guild_id: int
    enabled: bool = True
    reset_at: float | None = None  # corrections made up to then teach nothing (unix seconds)


_SET_ENABLED = """
    INSERT INTO guild_learning (guild_id, enabled) VALUES (?, ?)
    ON CONFLICT (guild_id) DO UPDATE SET enabled = excluded.enabled
"""
_SET_RESET = """
    INSERT INTO guild_learning (guild_id, reset_at) VALUES (?, ?)
    ON CONFLICT (guild_id) DO UPDATE SET reset_at = excluded.reset_at
"""
_TEACHING = """
    FROM label_corrections AS c
    LEFT JOIN guild_learning AS l ON l.guild_id = c.guild_id
    WHERE c.guild_id = ? AND c.content <> '' AND (l.reset_at IS NULL OR c.corrected_at > l.reset_at)
"""


class LearningQueries(Database):
    async def learning_settings(self, guild_id: int) -> LearningSettings:
        row = await self._fetch_one(
            "SELECT enabled, reset_at FROM guild_learning WHERE guild_id = ?", (guild_id,)
        )
        if row is None:
            return LearningSettings(guild_id)
        reset_at = None if row[1] is None else float(row[1])
        return LearningSettings(guild_id, bool(row[0]), reset_at)

    async def set_learning_enabled(self, guild_id: int, enabled: bool) -> None:
        await self._write(_SET_ENABLED, (guild_id, int(enabled)))

    async def reset_learning(self, guild_id: int, at: float) -> int:
        """Forget what was learned from the corrections made up to `at` (they still apply to
        the messages they correct); how many corrections stopped teaching."""
        before = await self.count_teaching_corrections(guild_id)
        await self._write(_SET_RESET, (guild_id, at))
        return before - await self.count_teaching_corrections(guild_id)

    async def teaching_corrections(self, guild_id: int) -> list[LabelCorrection]:
        """The corrections a server learns from, oldest first: those with their text still
        stored, made after the last reset."""
        columns = ", ".join(f"c.{name.strip()}" for name in CORRECTION_COLUMNS.split(","))
        rows = await self._fetch_all(
            f"SELECT {columns} {_TEACHING} ORDER BY c.corrected_at, c.message_id", (guild_id,)
        )
        return [correction_from_row(row) for row in rows]

    async def count_teaching_corrections(self, guild_id: int) -> int:
        row = await self._fetch_one(f"SELECT count(*) {_TEACHING}", (guild_id,))
        return int(row[0]) if row is not None else 0
