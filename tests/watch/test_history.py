"""Planning history reads (gap filling, backfill), as tables."""

from __future__ import annotations

import pytest

from bot.watch.history import (
    GapPlan,
    ScanSpec,
    Throttle,
    plan_backfill,
    plan_gap_fill,
    snowflake_at,
)

NOW = 1_750_000_000.0
WEEK_AGO = snowflake_at(NOW - 7 * 86_400) - 1
C = snowflake_at(NOW - 3600)  # a cursor an hour old


@pytest.mark.parametrize(
    ("cursor", "last", "oldest_logged", "limit", "dropped", "expected"),
    [
        (None, None, None, 1000, None, GapPlan(seed=snowflake_at(NOW))),  # empty or unknown
        (None, C, None, 1000, None, GapPlan(seed=C)),
        (None, snowflake_at(NOW) + 5, None, 1000, None, GapPlan(seed=snowflake_at(NOW))),
        (C, None, None, 0, None, GapPlan()),  # off
        (C, C, None, 1000, None, GapPlan()),  # nothing new, nothing logged
        (C, None, None, 1000, None, GapPlan(scans=(ScanSpec(C, limit=1000),))),
        (
            C,
            C + 9,
            C - 50,
            10,
            None,
            GapPlan(
                scans=(
                    ScanSpec(C - 51, before=C + 1, limit=10, recheck=True),
                    ScanSpec(C, limit=10),
                )
            ),
        ),
        (1, None, None, 5, None, GapPlan(scans=(ScanSpec(WEEK_AGO, limit=5),))),
        (C, None, C - 50, 5, C - 10, GapPlan(scans=(ScanSpec(C - 11),))),
        (None, None, None, 5, C, GapPlan(scans=(ScanSpec(C - 1),))),
        # Shed after the cursor (not flushed yet): read from the cursor on, with no cap.
        (C, C + 5000, C - 50, 5, C + 40, GapPlan(scans=(ScanSpec(C),))),
    ],
)
def test_plan_gap_fill(
    cursor: int | None,
    last: int | None,
    oldest_logged: int | None,
    limit: int,
    dropped: int | None,
    expected: GapPlan,
) -> None:
    plan = plan_gap_fill(
        cursor=cursor,
        last_message_id=last,
        oldest_logged=oldest_logged,
        now=NOW,
        limit=limit,
        dropped_from=dropped,
    )
    assert plan == expected


def test_plan_backfill_reads_the_last_days() -> None:
    spec = plan_backfill(days=2, now=NOW)
    assert spec == ScanSpec(after=snowflake_at(NOW - 2 * 86_400) - 1)


@pytest.mark.parametrize("days", [0, 31])
def test_plan_backfill_refuses_days_out_of_range(days: int) -> None:
    with pytest.raises(ValueError, match="1 to 30"):
        plan_backfill(days=days, now=NOW)


@pytest.mark.parametrize(
    ("spec", "newest", "exhausted", "top"),
    [
        (ScanSpec(10, before=100, limit=5), 50, True, 99),
        (ScanSpec(10, before=100, limit=5), 50, False, 50),
        (ScanSpec(10, limit=5), 50, True, 50),
        (ScanSpec(10), None, True, None),
    ],
)
def test_scanned_range_top(spec: ScanSpec, newest: int | None, exhausted: bool, top: int) -> None:
    assert spec.top(newest_read=newest, exhausted=exhausted) == top


def test_throttle_lets_one_update_through_per_interval() -> None:
    throttle = Throttle(every=2.0)
    assert [throttle.due(t) for t in (0.0, 1.0, 1.9, 2.0, 2.5, 4.1)] == [
        True,
        False,
        False,
        True,
        False,
        True,
    ]


def test_snowflake_at_matches_discord() -> None:
    assert snowflake_at(1_420_070_400.0) == 0
    assert snowflake_at(1_420_070_401.0) == 1000 << 22
