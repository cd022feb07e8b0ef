"""Moderators' label corrections, and the request log as the digests see it once they apply.

A correction never rewrites the logged row: the row keeps what Clamor decided (so an export can
show both), and the queries here lay the moderator's label over it. `not-a-request` hides the
row from digests; a category replaces the logged one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from bot.store.database import Database
from bot.store.records import REQUEST_COLUMNS, RequestRecord, Row, message_text, request_record

Label = Literal["demand", "frustration", "optimism", "skepticism", "defeatism", "not-a-request"]
LABELS: tuple[Label, ...] = get_args(Label)
NOT_A_REQUEST: Label = "not-a-request"


@dataclass(frozen=True, slots=True)
class LabelCorrection:
    """One moderator's verdict on one message. Times are unix seconds, UTC."""

    guild_id: int
    message_id: int
    channel_id: int
    label: Label
    content: str  # the text that was judged, kept for `clamor labels export`
    language: str
    original_category: str | None  # what Clamor said; None = it was not a request
    corrected_at: float
    # The keyed hash of the message's author, so forget-me and retention reach the copied text;
    # None for corrections stored before the Store kept it.
    author_hash: str | None = None

    @property
    def request(self) -> bool:
        return self.label != NOT_A_REQUEST

    @property
    def category(self) -> str | None:
        return None if self.label == NOT_A_REQUEST else self.label


CORRECTION_COLUMNS = (
    "guild_id, message_id, channel_id, label, content, language, original_category, "
    "corrected_at, author_hash"
)

# A second correction of the same message replaces the first: the latest verdict stands. An
# author hash, once known, is kept when the new verdict does not carry one, so an opt-out can
# still find the copied text.
_UPSERT_CORRECTION = f"""
    INSERT INTO label_corrections ({CORRECTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (guild_id, message_id) DO UPDATE SET
        channel_id = excluded.channel_id,
        label = excluded.label,
        content = excluded.content,
        language = excluded.language,
        original_category = excluded.original_category,
        corrected_at = excluded.corrected_at,
        author_hash = coalesce(excluded.author_hash, label_corrections.author_hash)
"""

# The log's columns with the correction laid over `category`; rows labelled not-a-request are
# dropped. Both sides of the join carry guild_id, so one guild's correction can never touch
# another guild's row.
_CORRECTED_COLUMNS = ", ".join(
    "coalesce(c.label, r.category) AS category" if name == "category" else f"r.{name}"
    for name in (column.strip() for column in REQUEST_COLUMNS.split(","))
)
# Rows a streamed read of the log holds at once.
CORRECTED_PAGE = 1000

_CORRECTED_ROWS = f"""
    FROM request_messages AS r
    LEFT JOIN label_corrections AS c
        ON c.guild_id = r.guild_id AND c.message_id = r.message_id
    WHERE r.guild_id = ? AND r.created_at >= ? AND r.created_at < ?
        AND (c.label IS NULL OR c.label <> '{NOT_A_REQUEST}')
"""
CORRECTED_LOG = f"SELECT {_CORRECTED_COLUMNS}" + _CORRECTED_ROWS


def correction_from_row(row: Row) -> LabelCorrection:
    return LabelCorrection(
        guild_id=row["guild_id"],
        message_id=row["message_id"],
        channel_id=row["channel_id"],
        label=row["label"],
        content=row["content"],
        language=row["language"],
        original_category=row["original_category"],
        corrected_at=float(row["corrected_at"]),
        author_hash=row["author_hash"],
    )


class LabelQueries(Database):
    async def set_label_correction(self, correction: LabelCorrection) -> None:
        """Store (or replace) the correction of one message."""
        await self._write(
            _UPSERT_CORRECTION,
            (
                correction.guild_id,
                correction.message_id,
                correction.channel_id,
                correction.label,
                message_text(correction.content),
                correction.language,
                correction.original_category,
                correction.corrected_at,
                correction.author_hash,
            ),
        )

    async def label_correction(self, guild_id: int, message_id: int) -> LabelCorrection | None:
        row = await self._fetch_one(
            f"SELECT {CORRECTION_COLUMNS} FROM label_corrections "
            "WHERE guild_id = ? AND message_id = ?",
            (guild_id, message_id),
        )
        return None if row is None else correction_from_row(row)

    async def count_counted_requests(self, guild_id: int) -> int:
        """Logged request messages as digests count them: without those a moderator relabelled
        not-a-request."""
        row = await self._fetch_one(
            f"""
            SELECT count(*) FROM request_messages AS r
            LEFT JOIN label_corrections AS c
                ON c.guild_id = r.guild_id AND c.message_id = r.message_id
            WHERE r.guild_id = ? AND (c.label IS NULL OR c.label <> '{NOT_A_REQUEST}')
            """,
            (guild_id,),
        )
        return int(row[0]) if row is not None else 0

    async def label_corrections(self, guild_id: int | None = None) -> list[LabelCorrection]:
        """Every correction (of one guild, or of all), oldest first."""
        sql = f"SELECT {CORRECTION_COLUMNS} FROM label_corrections"
        params: list[Any] = []
        if guild_id is not None:
            sql += " WHERE guild_id = ?"
            params.append(guild_id)
        rows = await self._fetch_all(sql + " ORDER BY corrected_at, guild_id, message_id", params)
        return [correction_from_row(row) for row in rows]

    async def now_read_as(self, guild_id: int, categories: Mapping[int, str | None]) -> int:
        """Record how Clamor reads these messages now, if a moderator relabelled them (an edit,
        say): their category, None for no request. Undoing the relabel then leaves the row as
        Clamor reads it, or takes it out when Clamor would not log it."""
        return await self._write_many(
            "UPDATE label_corrections SET original_category = ? "
            "WHERE guild_id = ? AND message_id = ?",
            ((category, guild_id, message_id) for message_id, category in categories.items()),
        )

    async def corrected_ids_between(
        self, guild_id: int, channel_id: int, after_id: int, up_to_id: int
    ) -> set[int]:
        """The channel's relabelled messages with after_id < id <= up_to_id."""
        rows = await self._fetch_all(
            "SELECT message_id FROM label_corrections WHERE guild_id = ? AND channel_id = ? "
            "AND message_id > ? AND message_id <= ?",
            (guild_id, channel_id, after_id, up_to_id),
        )
        return {int(row[0]) for row in rows}

    async def delete_label_corrections(self, guild_id: int, message_ids: Iterable[int]) -> int:
        """Forget the corrections of deleted messages; how many there were."""
        deleted = await self._write_many(
            "DELETE FROM label_corrections WHERE guild_id = ? AND message_id = ?",
            ((guild_id, message_id) for message_id in message_ids),
        )
        if deleted:
            self._scrub_later()
        return deleted

    async def corrected_requests_between(
        self, guild_id: int, start: float, end: float, channel_id: int | None = None
    ) -> list[RequestRecord]:
        """`requests_between` as the digests must see it: moderators' labels applied."""
        sql = CORRECTED_LOG
        params: list[Any] = [guild_id, start, end]
        if channel_id is not None:
            sql += " AND r.channel_id = ?"
            params.append(channel_id)
        rows = await self._fetch_all(sql + " ORDER BY r.created_at, r.message_id", params)
        return [request_record(row) for row in rows]

    async def stream_corrected_requests_between(
        self, guild_id: int, start: float, end: float, *, page: int = CORRECTED_PAGE
    ) -> AsyncIterator[RequestRecord]:
        """`corrected_requests_between` a page at a time, in the same order: a digest of a
        million rows holds one page of them, not all."""
        sql = (
            CORRECTED_LOG
            + " AND (r.created_at > ? OR (r.created_at = ? AND r.message_id > ?))"
            + " ORDER BY r.created_at, r.message_id LIMIT ?"
        )
        after_at, after_id = start, -1  # from the first row at `start` on
        while True:
            rows = await self._fetch_all(
                sql, (guild_id, start, end, after_at, after_at, after_id, page)
            )
            for row in rows:
                record = request_record(row)
                yield record
            if len(rows) < page:
                return
            after_at, after_id = record.created_at, record.message_id

    async def corrected_request_channels_between(
        self, guild_id: int, start: float, end: float
    ) -> set[int]:
        """The channels (and threads) the rows of `corrected_requests_between` are in."""
        rows = await self._fetch_all(
            "SELECT DISTINCT r.channel_id" + _CORRECTED_ROWS,
            (guild_id, start, end),
        )
        return {int(row[0]) for row in rows}

    async def corrected_requests_with_ids(
        self, guild_id: int, start: float, end: float, message_ids: Collection[int]
    ) -> list[RequestRecord]:
        """The rows of `corrected_requests_between` with these message ids, oldest first."""
        if not message_ids:
            return []
        marks = ", ".join("?" for _ in message_ids)
        rows = await self._fetch_all(
            CORRECTED_LOG + f" AND r.message_id IN ({marks}) ORDER BY r.created_at, r.message_id",
            (guild_id, start, end, *message_ids),
        )
        return [request_record(row) for row in rows]
