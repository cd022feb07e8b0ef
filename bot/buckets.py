"""Where an hour of message volume starts: on the guild's local whole hours. Pure.

Volume is kept in one-hour buckets, and a local day (or hour) counts the buckets that start in
it. Buckets cut on UTC hours would make every local day in a zone like India's (+5:30) or
Nepal's (+5:45) off by the fraction at each end, so a bucket starts where a local hour starts:
`phase = -utcoffset % 3600`, how far past a UTC whole hour a local one begins (0, 900, 1800 or
2700 seconds: no zone has had an offset off the quarter hour since 1980), and the bucket of `at`
is `floor((at - phase) / 3600) * 3600 + phase`. A local day is then a whole number of buckets in
every zone, DST included. The minus matters for 45-minute zones: local midnight in Nepal
(+5:45) is 18:15 UTC, so its buckets start at :15 UTC, not at :45 (`utcoffset % 3600`).

Where the phase itself changes (Lord Howe goes from +10:30 to +11 and back), the bucket just
before the change and the one just after may overlap in time; each message still lands in
exactly one of them, the one its own instant's offset says.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

HOUR = 3600
DAY = 86400
# Any bucket start is a whole number of these (see above); the Store refuses anything else.
QUARTER_HOUR = 900

# The watcher asks for every message, so the phase is cached per timezone and UTC day; a day
# whose phase changes (Lord Howe, twice a year) is marked and each instant in it asks zoneinfo.
_MIXED = -1
# Backfill and exports can touch years of days; a zone's days are forgotten past this many.
_MAX_DAYS_PER_ZONE = 4096
_phases: dict[str, dict[int, int]] = {}
# Per timezone, the last day looked up, (start, end, phase): live messages all fall in today,
# so most calls never reach the dictionaries.
_recent: dict[str, tuple[int, int, int]] = {}


def _phase_at(at: float, zone: ZoneInfo) -> int:
    offset = datetime.fromtimestamp(at, zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has an offset
    return -int(offset.total_seconds()) % HOUR


def _day_phase(day: int, timezone: str) -> int:
    zone = ZoneInfo(timezone)
    first, last = _phase_at(day * DAY, zone), _phase_at(day * DAY + DAY - 1, zone)
    # Offsets change at most once a day, so equal ends mean one phase all day.
    return first if first == last else _MIXED


def volume_bucket(at: float, timezone: str) -> int:
    """The start (unix seconds) of the one-hour volume bucket holding `at` in `timezone`: the
    UTC instant at which the local whole hour holding `at` begins, by the offset at `at`."""
    recent = _recent.get(timezone)
    if recent is not None and recent[0] <= at < recent[1]:
        phase = recent[2]
    else:
        phase = _phase_of(at, timezone)
    return int((at - phase) // HOUR) * HOUR + phase


def _phase_of(at: float, timezone: str) -> int:
    day = int(at // DAY)
    days = _phases.get(timezone)
    phase = None if days is None else days.get(day)
    if phase is None:
        phase = _day_phase(day, timezone)  # an unknown zone raises here, before any caching
        if days is None or len(days) >= _MAX_DAYS_PER_ZONE:
            days = _phases[timezone] = {}
        days[day] = phase
    if phase == _MIXED:
        return _phase_at(at, ZoneInfo(timezone))
    _recent[timezone] = (day * DAY, day * DAY + DAY, phase)
    return phase


def is_bucket_start(value: float) -> bool:
    """Whether `value` can be a bucket start in some zone: a whole number of quarter hours."""
    return value == int(value) and int(value) % QUARTER_HOUR == 0
