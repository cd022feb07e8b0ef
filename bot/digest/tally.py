"""A digest's numbers folded from rows one at a time, so that a digest of a million request
messages holds counts, not rows. Pure: no I/O, no discord, no clock.

`DigestTally` takes the rows of a digest's window (its period, the period before and the
baseline days) in the Store's order (oldest first, then by id) and keeps per span the counts, the
exact sum of tones, and per day, target, alternative, channel and language the counts; of the
rows themselves it keeps only the few that may be quoted (the most negative, the most positive,
the latest). The most typical message is the one closest to the mean tone of its group, which is
only known at the end: `typical_pool` says which rows to offer `TypicalPick` in a second pass.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from bot.analysis.results import CATEGORIES
from bot.digest.contents import DayPoint, Period, Places, Totals
from bot.store.records import RequestRecord

EXAMPLES = 3
# The latest quotable rows kept for topping up: every example slot plus the rows the other
# picks may have taken already.
_LATEST_KEPT = 2 * EXAMPLES


class ExactSum:
    """A float sum without rounding until read: `value` equals `math.fsum` of every number
    added, so a mean folded row by row is the mean `statistics.fmean` takes of a list."""

    __slots__ = ("_partials",)

    def __init__(self) -> None:
        self._partials: list[float] = []

    def add(self, x: float) -> None:
        # Shewchuk's partials: non-overlapping floats whose exact sum is the exact sum so far.
        kept = 0
        for y in self._partials:
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low:
                self._partials[kept] = low
                kept += 1
            x = high
        del self._partials[kept:]
        self._partials.append(x)

    def copy(self) -> ExactSum:
        twin = ExactSum()
        twin._partials = list(self._partials)
        return twin

    @property
    def value(self) -> float:
        return math.fsum(self._partials)


@dataclass(slots=True)
class SpanTally:
    """Counts and tone of the request messages in one span of time."""

    requests: int = 0
    compound: ExactSum = field(default_factory=ExactSum)
    categories: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))

    def add(self, row: RequestRecord) -> None:
        self.requests += 1
        self.compound.add(row.compound)
        if row.category in self.categories:
            self.categories[row.category] += 1

    def totals(self, seen: int) -> Totals:
        mean = self.compound.value / self.requests if self.requests else None
        # Volume counting can lag the log (e.g. an export without the surrounding chatter), so
        # the number seen is never reported below the number of request messages.
        return Totals(
            seen=max(seen, self.requests),
            requests=self.requests,
            mean_compound=mean,
            categories=dict(self.categories),
        )


@dataclass(slots=True)
class _Group:
    """Quotable rows of one category (or all of them): how many, and their tones' sum."""

    count: int = 0
    compound: ExactSum = field(default_factory=ExactSum)


@dataclass(frozen=True, slots=True)
class TypicalPool:
    """Which rows the most typical message is picked from, and their mean tone."""

    any_category: bool  # False: only rows of `category`
    category: str | None
    centre: float
    used: frozenset[int]  # message ids already picked

    def holds(self, row: RequestRecord) -> bool:
        return row.message_id not in self.used and (
            self.any_category or row.category == self.category
        )


class TypicalPick:
    """The row of a pool closest to its mean tone; of those, one long enough to say something,
    then the oldest (the first offered, in the Store's order)."""

    def __init__(self, pool: TypicalPool) -> None:
        self.pool = pool
        self.best: RequestRecord | None = None
        self._best_key: tuple[float, bool, float] | None = None

    def offer(self, row: RequestRecord) -> None:
        if not self.pool.holds(row):
            return
        key = (abs(row.compound - self.pool.centre), len(row.content) < 25, row.created_at)
        if self._best_key is None or key < self._best_key:
            self.best, self._best_key = row, key


def quotable(row: RequestRecord, public: Collection[int] | None) -> bool:
    """Rows without stored text (privacy setting) cannot be quoted, nor rows outside the
    channels every member can read (`public`; None: no such limit)."""
    return bool(row.content.strip()) and (public is None or row.channel_id in public)


class ExampleTally:
    """The quotable rows a digest may pick from, folded: the most negative, the most positive,
    the latest, and per reaction how many there are and their tones' sum."""

    def __init__(self, public: Collection[int] | None) -> None:
        self.public = public
        self.most_negative: RequestRecord | None = None
        self.most_positive: RequestRecord | None = None
        self._latest: list[tuple[float, int, RequestRecord]] = []  # a min-heap of the latest
        self._by_category: dict[str | None, _Group] = {}
        self._all = _Group()

    def add(self, row: RequestRecord) -> None:
        """One row of the period, in the Store's order (oldest first, then by message id)."""
        if not quotable(row, self.public):
            return
        negative = self.most_negative
        if negative is None or (row.compound, row.created_at) < (
            negative.compound,
            negative.created_at,
        ):
            self.most_negative = row
        positive = self.most_positive
        if positive is None or (row.compound, -row.created_at) > (
            positive.compound,
            -positive.created_at,
        ):
            self.most_positive = row
        entry = (row.created_at, row.message_id, row)
        if len(self._latest) < _LATEST_KEPT:
            heapq.heappush(self._latest, entry)
        elif entry[:2] > self._latest[0][:2]:
            heapq.heapreplace(self._latest, entry)
        for group in (self._all, self._by_category.setdefault(row.category, _Group())):
            group.count += 1
            group.compound.add(row.compound)

    def first_picks(self) -> list[tuple[RequestRecord, str]]:
        """The most negative and the most positive quotable rows, when their tone leans so."""
        picks: list[tuple[RequestRecord, str]] = []
        if self.most_negative is not None and self.most_negative.compound < 0:
            picks.append((self.most_negative, "most negative"))
        if self.most_positive is not None and self.most_positive.compound > 0:
            picks.append((self.most_positive, "most positive"))
        return picks

    def typical_pool(self, dominant: str | None) -> TypicalPool | None:
        """The rows of the `dominant` reaction not picked already, else any not picked; None
        when no quotable row is left."""
        picked = self.first_picks()
        used = frozenset(row.message_id for row, _ in picked)
        for any_category in (False, True):
            group = self._all if any_category else self._by_category.get(dominant)
            if group is None:
                continue
            count, total = group.count, group.compound.copy()
            for row, _ in picked:
                if any_category or row.category == dominant:
                    count -= 1
                    total.add(-row.compound)
            if count > 0:
                return TypicalPool(any_category, dominant, total.value / count, used)
        return None

    def picks(self, typical: RequestRecord | None) -> list[tuple[RequestRecord, str]]:
        """Up to `EXAMPLES` rows to quote, each with why: the first picks, the most typical,
        then the latest not picked yet."""
        chosen = self.first_picks()
        used = {row.message_id for row, _ in chosen}
        if typical is not None and typical.message_id not in used:
            chosen.append((typical, "most typical"))
            used.add(typical.message_id)
        for _, _, row in sorted(self._latest, key=lambda entry: entry[:2], reverse=True):
            if len(chosen) >= EXAMPLES:
                break
            if row.message_id not in used:
                chosen.append((row, "latest"))
                used.add(row.message_id)
        return chosen


class DigestTally:
    """Every number of a digest of `period`, folded from rows: `add` sorts a row of the
    digest's window into its spans; `add_current` and the `previous` and `baseline` tallies
    take rows already sorted."""

    def __init__(
        self,
        period: Period,
        places: Places,
        *,
        previous: Period | None = None,
        baseline: Period | None = None,
    ) -> None:
        self.period = period
        self.places = places
        before = previous or period.previous()
        # Unix-time bounds, worked out once: `Period.start` converts through the timezone.
        self._spans = (
            (period.start, period.end),
            (before.start, before.end),
            (baseline.start, baseline.end) if baseline is not None else (0.0, 0.0),
        )
        self.current = SpanTally()
        self.previous = SpanTally()
        self.baseline = SpanTally()
        self.targets: Counter[str] = Counter()
        self.alternatives: Counter[str] = Counter()
        self.channels: Counter[int] = Counter()
        self.languages: Counter[str] = Counter()
        self.examples = ExampleTally(places.public)
        self._day_requests: Counter[date] = Counter()
        self._day_compound: dict[date, ExactSum] = {}

    def add(self, row: RequestRecord) -> None:
        """One row of the window, in the Store's order (oldest first, then by message id)."""
        at = row.created_at
        (start, end), (before_start, before_end), (base_start, base_end) = self._spans
        if before_start <= at < before_end:
            self.previous.add(row)
        if base_start <= at < base_end:
            self.baseline.add(row)
        if start <= at < end:
            self.add_current(row)

    def add_current(self, row: RequestRecord) -> None:
        self.current.add(row)
        self.targets.update(row.targets)
        self.alternatives.update(row.alternatives)
        self.channels[self.places.channel_of(row.channel_id)] += 1
        self.languages[row.language] += 1
        day = self.period.local_day(row.created_at)
        self._day_requests[day] += 1
        self._day_compound.setdefault(day, ExactSum()).add(row.compound)
        self.examples.add(row)

    def day_points(self, seen_by_day: Counter[date]) -> list[DayPoint]:
        points = []
        for day in self.period.each_day():
            requests = self._day_requests[day]
            total = self._day_compound.get(day)
            points.append(
                DayPoint(
                    day=day,
                    seen=max(seen_by_day[day], requests),
                    requests=requests,
                    mean_compound=total.value / requests if total is not None else None,
                )
            )
        return points
