"""Store rows in, a `Digest` out. Pure: no I/O, no discord, no clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from bot.digest.contents import Digest, Example, Period, Places, jump_url
from bot.digest.headline import headline
from bot.digest.tally import DigestTally, ExampleTally, TypicalPick, quotable
from bot.store.records import RequestRecord

TOP_N = 5
EXAMPLE_CHARS = 200
ANSWER_CHARS = 80  # the request a quoted reaction answers: one short line


def _top(counts: Counter[str], n: int = TOP_N) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))[:n]


def _one_line(text: str, limit: int = EXAMPLE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _example(
    guild_id: int, row: RequestRecord, reason: str, answered: RequestRecord | None = None
) -> Example:
    return Example(
        reason=reason,
        message_id=row.message_id,
        channel_id=row.channel_id,
        created_at=row.created_at,
        content=_one_line(row.content),
        category=row.category,
        compound=row.compound,
        language=row.language,
        url=jump_url(guild_id, row.channel_id, row.message_id),
        answers=_one_line(answered.content, ANSWER_CHARS) if answered is not None else "",
    )


def answered_ids(picks: Iterable[tuple[RequestRecord, str]]) -> set[int]:
    """The request messages the picked rows answer, to be looked up among the quotable rows."""
    return {row.replies_to for row, _ in picks if row.replies_to is not None}


def examples_of(
    guild_id: int,
    picks: Iterable[tuple[RequestRecord, str]],
    answered: Mapping[int, RequestRecord],
) -> list[Example]:
    """The picked rows as examples; a reaction is read with the request it answers, when that
    one is among the quotable rows of the period (`answered`, by message id)."""
    return [
        _example(
            guild_id,
            row,
            reason,
            answered.get(row.replies_to) if row.replies_to is not None else None,
        )
        for row, reason in picks
    ]


def pick_examples(
    guild_id: int,
    rows: Sequence[RequestRecord],
    dominant: str | None,
    quotable_channels: Collection[int] | None = None,
) -> list[Example]:
    """The most negative, the most positive and the most typical message, each at most once,
    topped up with the latest.

    Rows without stored text (privacy setting) cannot be quoted, so they are never picked; nor
    are rows outside `quotable_channels` (a digest posted where not everyone can read them).
    """
    tally = ExampleTally(quotable_channels)
    for row in rows:
        tally.add(row)
    return _examples_from_rows(guild_id, tally, dominant, rows)


def _examples_from_rows(
    guild_id: int, tally: ExampleTally, dominant: str | None, rows: Sequence[RequestRecord]
) -> list[Example]:
    pool = tally.typical_pool(dominant)
    typical = None
    if pool is not None:
        pick = TypicalPick(pool)
        for row in rows:
            if quotable(row, tally.public):
                pick.offer(row)
        typical = pick.best
    picks = tally.picks(typical)
    wanted = answered_ids(picks)
    answered = {
        row.message_id: row
        for row in rows
        if row.message_id in wanted and quotable(row, tally.public)
    }
    return examples_of(guild_id, picks, answered)


def digest_of(
    tally: DigestTally,
    *,
    guild_id: int,
    guild_name: str,
    volume_hours: Sequence[tuple[int, int]],
    previous_seen: int,
    examples: list[Example],
    baseline_seen: int | None = None,
    baseline_days: int = 7,
    today: date | None = None,
) -> Digest:
    """The digest from a tally of its rows and the hourly volume of its period;
    `baseline_seen` None: no baseline gathered."""
    period, where = tally.period, tally.places
    current = tally.current.totals(sum(count for _, count in volume_hours))
    channels = sorted(tally.channels.items(), key=lambda item: (-item[1], item[0]))[:TOP_N]
    seen_by_day: Counter[date] = Counter()
    for hour, count in volume_hours:
        seen_by_day[period.local_day(hour)] += count
    digest = Digest(
        guild_id=guild_id,
        guild_name=guild_name,
        period=period,
        totals=current,
        previous=tally.previous.totals(previous_seen),
        targets=_top(tally.targets),
        alternatives=_top(tally.alternatives),
        channels=[(where.name_of(cid), count) for cid, count in channels],
        languages=_top(tally.languages, n=8),
        examples=examples,
        days=tally.day_points(seen_by_day),
        baseline=None if baseline_seen is None else tally.baseline.totals(baseline_seen),
        baseline_days=baseline_days,
        today=today,
    )
    return replace(digest, headline=headline(digest))


def build_digest(
    *,
    guild_id: int,
    guild_name: str,
    period: Period,
    rows: Sequence[RequestRecord],
    volume_hours: Sequence[tuple[int, int]],
    previous_rows: Sequence[RequestRecord],
    previous_seen: int,
    channel_names: Mapping[int, str] | None = None,
    quotable_channels: Collection[int] | None = None,
    places: Places | None = None,
    baseline_rows: Sequence[RequestRecord] | None = None,
    baseline_seen: int = 0,
    baseline_days: int = 7,
    today: date | None = None,
) -> Digest:
    """Summarise one period of a guild's request messages against the period before it and,
    given `baseline_rows`, against the `baseline_days` days before it.

    `places` (or the older `channel_names`/`quotable_channels`) names channels, counts threads
    under their parent channel and limits which messages may be quoted.
    """
    where = places or Places(names=channel_names or {}, public=quotable_channels)
    tally = DigestTally(period, where)
    for row in rows:
        tally.add_current(row)
    for row in previous_rows:
        tally.previous.add(row)
    for row in baseline_rows or ():
        tally.baseline.add(row)
    dominant = tally.current.totals(0).dominant_category()
    return digest_of(
        tally,
        guild_id=guild_id,
        guild_name=guild_name,
        volume_hours=volume_hours,
        previous_seen=previous_seen,
        examples=_examples_from_rows(guild_id, tally.examples, dominant, rows),
        baseline_seen=None if baseline_rows is None else baseline_seen,
        baseline_days=baseline_days,
        today=today,
    )
