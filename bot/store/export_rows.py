"""Logged request messages as an export reads them: page by page, with corrections laid over.

An export may cover a year of a busy server, so it never asks for everything at once: each page
starts after the (created_at, message_id) of the previous page's last row (keyset pagination).
Unlike OFFSET, that costs the same on page 1000 as on page 1, and rows written by the bot while
the export runs never shift a page (no row is skipped or repeated). The (guild_id, created_at)
index ends with the rowid, which is message_id, so each page is one index range scan.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

from bot.store.database import Database
from bot.store.records import Row

EXPORT_PAGE_SIZE = 500

# (created_at, message_id) of the last row read; the next page starts after it.
ExportCursor = tuple[float, int]


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One logged request message with the moderator's correction, if any. Times: unix UTC."""

    message_id: int
    guild_id: int
    channel_id: int
    created_at: float
    content: str  # '' when the guild drops text or retention erased it
    language: str
    compound: float
    pos: float
    neu: float
    neg: float
    clamor_category: str | None  # what Clamor decided; None: it did not take it for a request
    label: str | None  # the moderator's correction (a category or not-a-request), if any
    targets: tuple[str, ...]
    alternatives: tuple[str, ...]
    edited: bool
    replies_to: int | None = None  # the request message it answers

    @property
    def corrected(self) -> bool:
        return self.label is not None

    @property
    def category(self) -> str | None:
        """The category that counts: the moderator's label over Clamor's own."""
        return self.label if self.label is not None else self.clamor_category

    @property
    def cursor(self) -> ExportCursor:
        return (self.created_at, self.message_id)


# Both sides of the join carry guild_id, so a correction can never reach another guild's row.
# The row-value comparison is the keyset condition; the first page passes message_id -1.
# Clamor's own category is the row's, except for a row whose category is the moderator's label:
# `/clamor-mod relabel` logs a message Clamor had passed over under the label, and what Clamor
# said of it then lives in the correction (the two agree when a moderator confirmed Clamor).
PAGE_QUERY = """
    SELECT r.message_id, r.guild_id, r.channel_id, r.created_at, r.content, r.language,
           r.compound, r.pos, r.neu, r.neg,
           CASE WHEN c.label = r.category THEN c.original_category ELSE r.category END
               AS category,
           c.label, r.targets, r.alternatives, r.edited, r.replies_to
    FROM request_messages AS r
    LEFT JOIN label_corrections AS c
        ON c.guild_id = r.guild_id AND c.message_id = r.message_id
    WHERE r.guild_id = ? AND r.created_at >= ? AND r.created_at < ?
        AND (r.created_at, r.message_id) > (?, ?)
    ORDER BY r.created_at, r.message_id
    LIMIT ?
"""

# Anything Clamor ever wrote or was told about this guild; the CLI uses it to tell a mistyped
# server id from a server that simply had no requests in the period.
_KNOWN_GUILD = """
    SELECT EXISTS (SELECT 1 FROM request_messages WHERE guild_id = ?)
        OR EXISTS (SELECT 1 FROM guild_settings WHERE guild_id = ?)
        OR EXISTS (SELECT 1 FROM guild_privacy WHERE guild_id = ?)
        OR EXISTS (SELECT 1 FROM channel_rules WHERE guild_id = ?)
        OR EXISTS (SELECT 1 FROM label_corrections WHERE guild_id = ?)
        OR EXISTS (SELECT 1 FROM message_volume WHERE guild_id = ?)
"""


def _export_row(row: Row) -> ExportRow:
    return ExportRow(
        message_id=int(row["message_id"]),
        guild_id=int(row["guild_id"]),
        channel_id=int(row["channel_id"]),
        created_at=float(row["created_at"]),
        content=row["content"],
        language=row["language"],
        compound=float(row["compound"]),
        pos=float(row["pos"]),
        neu=float(row["neu"]),
        neg=float(row["neg"]),
        clamor_category=row["category"],
        label=row["label"],
        targets=tuple(json.loads(row["targets"])),
        alternatives=tuple(json.loads(row["alternatives"])),
        edited=bool(row["edited"]),
        replies_to=None if row["replies_to"] is None else int(row["replies_to"]),
    )


class ExportQueries(Database):
    async def export_page(
        self,
        guild_id: int,
        start: float,
        end: float,
        *,
        after: ExportCursor | None = None,
        limit: int = EXPORT_PAGE_SIZE,
    ) -> list[ExportRow]:
        """Up to `limit` rows created in [start, end), oldest first, after `after` (if given)."""
        if limit < 1:
            raise ValueError("a page holds at least one row")
        last_at, last_id = after if after is not None else (start, -1)
        rows = await self._fetch_all(PAGE_QUERY, (guild_id, start, end, last_at, last_id, limit))
        return [_export_row(row) for row in rows]

    async def export_pages(
        self, guild_id: int, start: float, end: float, *, page_size: int = EXPORT_PAGE_SIZE
    ) -> AsyncIterator[list[ExportRow]]:
        """Every row created in [start, end), oldest first, one page at a time.

        Each page is its own query, so the bot keeps writing between pages; a row logged
        meanwhile is exported if it sorts after the page already read.
        """
        after: ExportCursor | None = None
        while True:
            page = await self.export_page(guild_id, start, end, after=after, limit=page_size)
            if page:
                yield page
            if len(page) < page_size:
                return
            after = page[-1].cursor

    async def knows_guild(self, guild_id: int) -> bool:
        """Whether the database holds anything at all of this guild."""
        row = await self._fetch_one(_KNOWN_GUILD, (guild_id,) * 6)
        return row is not None and bool(row[0])
