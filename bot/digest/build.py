"""Store rows in, a `Digest` out. Pure: no I/O, no discord, no clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from statistics import fmean

from bot.analysis.results import CATEGORIES
from bot.digest.contents import DayPoint, Digest, Example, Period, Places, Totals, jump_url
from bot.digest.headline import headline
from bot.store.records import RequestRecord

TOP_N = 5
EXAMPLE_CHARS = 200
ANSWER_CHARS = 80  # the request a quoted reaction answers: one short line
EXAMPLES = 3


def totals(rows: Sequence[RequestRecord], seen: int) -> Totals:
    categories: dict[str, int] = dict.fromkeys(CATEGORIES, 0)
    for row in rows:
        if row.category in categories:
            categories[row.category] += 1
    mean = fmean(row.compound for row in rows) if rows else None
    # Volume counting can lag the log (e.g. an export without the surrounding chatter), so the
    # number seen is never reported below the number of request messages.
    return Totals(
        seen=max(seen, len(rows)), requests=len(rows), mean_compound=mean, categories=categories
    )


def _top(values: Iterable[str], n: int = TOP_N) -> list[tuple[str, int]]:
    counts = Counter(values)
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


def pick_examples(
    guild_id: int,
    rows: Sequence[RequestRecord],
    dominant: str | None,
    quotable_channels: Collection[int] | None = None,
) -> list[Example]:
    """The most negative, the most positive and the most typical message, each at most once.

    Rows without stored text (privacy setting) cannot be quoted, so they are never picked; nor
    are rows outside `quotable_channels` (a digest posted where not everyone can read them).
    """
    quotable = [
        row
        for row in rows
        if row.content.strip()
        and (quotable_channels is None or row.channel_id in quotable_channels)
    ]
    if not quotable:
        return []
    chosen: list[Example] = []
    used: set[int] = set()
    # A reaction is read with the request it answers, when that one may be quoted too.
    by_id = {row.message_id: row for row in quotable}

    def take(row: RequestRecord | None, reason: str) -> None:
        if row is not None and row.message_id not in used:
            used.add(row.message_id)
            answered = by_id.get(row.replies_to) if row.replies_to is not None else None
            chosen.append(_example(guild_id, row, reason, answered))

    most_negative = min(quotable, key=lambda r: (r.compound, r.created_at))
    if most_negative.compound < 0:
        take(most_negative, "most negative")
    most_positive = max(quotable, key=lambda r: (r.compound, -r.created_at))
    if most_positive.compound > 0:
        take(most_positive, "most positive")

    pool = [r for r in quotable if r.category == dominant and r.message_id not in used]
    pool = pool or [r for r in quotable if r.message_id not in used]
    if pool:
        centre = fmean(r.compound for r in pool)
        # Typical = closest to the group's mean tone; prefer messages long enough to say something.
        typical = min(
            pool, key=lambda r: (abs(r.compound - centre), len(r.content) < 25, r.created_at)
        )
        take(typical, "most typical")
    # Three to read even on a one-sided day: fill with the latest messages not yet picked.
    for latest in sorted(quotable, key=lambda r: (-r.created_at, -r.message_id)):
        if len(chosen) >= EXAMPLES:
            break
        take(latest, "latest")
    return chosen


def day_points(
    period: Period, rows: Sequence[RequestRecord], volume_hours: Sequence[tuple[int, int]]
) -> list[DayPoint]:
    seen: Counter[date] = Counter()
    for hour, count in volume_hours:
        seen[period.local_day(hour)] += count
    by_day: dict[date, list[float]] = {day: [] for day in period.each_day()}
    for row in rows:
        by_day.setdefault(period.local_day(row.created_at), []).append(row.compound)
    return [
        DayPoint(
            day=day,
            seen=max(seen[day], len(by_day[day])),
            requests=len(by_day[day]),
            mean_compound=fmean(by_day[day]) if by_day[day] else None,
        )
        for day in period.each_day()
    ]


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
    current = totals(rows, sum(count for _, count in volume_hours))
    previous = totals(previous_rows, previous_seen)
    channel_counts = Counter(where.channel_of(row.channel_id) for row in rows)
    channels = sorted(channel_counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_N]
    digest = Digest(
        guild_id=guild_id,
        guild_name=guild_name,
        period=period,
        totals=current,
        previous=previous,
        targets=_top(target for row in rows for target in row.targets),
        alternatives=_top(alt for row in rows for alt in row.alternatives),
        channels=[(where.name_of(cid), count) for cid, count in channels],
        languages=_top((row.language for row in rows), n=8),
        examples=pick_examples(guild_id, rows, current.dominant_category(), where.public),
        days=day_points(period, rows, volume_hours),
        baseline=None if baseline_rows is None else totals(baseline_rows, baseline_seen),
        baseline_days=baseline_days,
        today=today,
    )
    return replace(digest, headline=headline(digest))
