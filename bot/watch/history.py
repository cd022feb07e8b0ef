"""Pure planning for reading channel history: gap filling after a restart, backfill on demand,
and what a scanned range says about rows Discord no longer has."""

from __future__ import annotations

from dataclasses import dataclass

DISCORD_EPOCH_MS = 1_420_070_400_000
DAY = 86_400
GAP_FILL_MAX_DAYS = 7
BACKFILL_MIN_DAYS = 1
BACKFILL_MAX_DAYS = 30
PROGRESS_EVERY_SECONDS = 2.0


def snowflake_at(moment: float) -> int:
    """The smallest message id Discord could give a message at unix time `moment`."""
    return max(int(moment * 1000) - DISCORD_EPOCH_MS, 0) << 22


@dataclass(frozen=True, slots=True)
class ScanSpec:
    """One read of a channel's history, oldest first: ids in (after, before) (before None: up
    to now), at most `limit` messages (None: all).

    Every message read is counted (through the live buffer; the Store counts an id once, so
    reading a range again counts nothing twice). `recheck` scans only re-analyse messages
    already logged or edited: they were analysed before, only a change while away matters.
    """

    after: int
    before: int | None = None
    limit: int | None = None
    recheck: bool = False

    def top(self, *, newest_read: int | None, exhausted: bool) -> int | None:
        """The highest id whose absence from the scan means "gone from Discord"."""
        if exhausted and self.before is not None:
            return self.before - 1
        return newest_read


@dataclass(frozen=True, slots=True)
class GapPlan:
    """A channel's gap fill: seed a cursor (nothing counted there yet), or scans to run."""

    seed: int | None = None
    scans: tuple[ScanSpec, ...] = ()


def plan_gap_fill(
    *,
    cursor: int | None,
    last_message_id: int | None,
    oldest_logged: int | None,
    now: float,
    limit: int,
    dropped_from: int | None = None,
) -> GapPlan:
    """Plan one channel's gap fill.

    `cursor`: newest id counted (None: no row yet). `last_message_id`: Discord's newest message
    id for the channel (None: unknown or empty). `oldest_logged`: the oldest logged request of
    the last 7 days at or below the cursor (re-checked for deletions and edits made while
    away). `limit`: messages per scan (0: gap filling is off). `dropped_from`: the oldest id a
    full write queue dropped or the watcher shed; re-read from there (or from an older cursor)
    with no cap (those were seen, not saved).
    """
    if limit <= 0:
        return GapPlan()
    oldest = snowflake_at(now - GAP_FILL_MAX_DAYS * DAY) - 1
    if cursor is None:
        if dropped_from is not None:  # counted live but never flushed: count nothing again
            return GapPlan(scans=(ScanSpec(after=max(dropped_from - 1, oldest)),))
        # A live message may already have moved last_message_id past the start.
        start = snowflake_at(now)
        return GapPlan(seed=start if last_message_id is None else min(last_message_id, start))
    scans: list[ScanSpec] = []
    if dropped_from is not None:
        # From the cursor when it is older: a flood sheds far more than a capped read holds.
        scans.append(ScanSpec(after=max(min(dropped_from - 1, cursor), oldest)))
    else:
        if oldest_logged is not None and oldest_logged <= cursor:
            start = max(oldest_logged - 1, oldest)
            scans.append(ScanSpec(after=start, before=cursor + 1, limit=limit, recheck=True))
        if last_message_id is None or last_message_id > cursor:
            scans.append(ScanSpec(after=max(cursor, oldest), limit=limit))
    return GapPlan(scans=tuple(scans))


def plan_backfill(*, days: int, now: float) -> ScanSpec:
    """Read the last `days` days (volume counted once per id, whatever was counted before)."""
    if not BACKFILL_MIN_DAYS <= days <= BACKFILL_MAX_DAYS:
        raise ValueError(f"days must be {BACKFILL_MIN_DAYS} to {BACKFILL_MAX_DAYS}")
    return ScanSpec(after=snowflake_at(now - days * DAY) - 1)


@dataclass(slots=True)
class Throttle:
    """At most one progress update per `every` seconds (the first is always due)."""

    every: float = PROGRESS_EVERY_SECONDS
    _last: float | None = None

    def due(self, now: float) -> bool:
        if self._last is not None and now - self._last < self.every:
            return False
        self._last = now
        return True


def describe_progress(
    *,
    days: int,
    done: int,
    total: int,
    scanned: int,
    found: int,
    already: int = 0,
    finished: bool,
) -> str:
    """The backfill's answer while it runs and when it ends: `found` requests newly logged,
    `already` ones that were in the log before."""
    plural = "" if total == 1 else "s"
    if finished:
        return (
            f"Backfill of the last {days} day{'s' if days != 1 else ''} done: {total} "
            f"channel{plural}, {scanned} messages read, {found} request{'' if found == 1 else 's'} "
            f"newly logged, {already} already in the log."
        )
    return (
        f"Backfilling the last {days} day{'s' if days != 1 else ''}: {done}/{total} "
        f"channel{plural} done, {scanned} messages read, {found + already} requests found so far..."
    )
