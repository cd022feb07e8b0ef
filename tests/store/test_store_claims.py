"""Claims for several processes sharing one bot: a digest day or an alert check is won by one."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiosqlite

from bot.store import Store
from bot.store.migrations import MIGRATIONS, migrate
from tests.store.store_factory import BASE_TIME, digest_run

DAY = "2026-03-14"
STALE = 300.0
A, B = "host-a/11/aaaa", "host-b/22/bbbb"
ZONE = "Europe/Madrid"


async def claim(
    store: Store, claimer: str, at: float = BASE_TIME, day: str = DAY, zone: str = ZONE
) -> bool:
    return await store.claim_digest_run(
        1, day, timezone=zone, claimer=claimer, now=at, stale_after=STALE
    )


async def test_the_first_claim_wins_and_names_its_process(store: Store) -> None:
    assert await claim(store, A)
    assert not await claim(store, B, BASE_TIME + 1)
    found = await store.digest_claim(1, DAY)
    assert found is not None
    assert (found.claimed_by, found.claimed_at, found.message_id) == (A, BASE_TIME, None)
    # Other guilds and days are separate claims.
    assert await claim(store, B, day="2026-03-15")
    assert await store.claim_digest_run(
        2, DAY, timezone=ZONE, claimer=B, now=BASE_TIME, stale_after=STALE
    )
    # So is the same local day in another zone (a zone moved west after the day's post).
    assert await claim(store, B, zone="America/Los_Angeles")


async def test_a_process_may_claim_again_what_it_holds(store: Store) -> None:
    assert await claim(store, A)
    assert await claim(store, A, BASE_TIME + 10)


async def test_a_stale_claim_is_taken_over_but_a_fresh_one_is_not(store: Store) -> None:
    assert await claim(store, A)
    assert not await claim(store, B, BASE_TIME + STALE - 1)
    assert await claim(store, B, BASE_TIME + STALE)
    found = await store.digest_claim(1, DAY)
    assert found is not None
    assert (found.claimed_by, found.claimed_at) == (B, BASE_TIME + STALE)
    # The old holder has lost it now.
    assert not await claim(store, A, BASE_TIME + STALE + 1)


async def test_a_posted_digest_is_never_claimed_again(store: Store) -> None:
    assert await claim(store, A)
    await store.record_digest_run(digest_run(1, DAY, message_id=4242, timezone=ZONE))
    for claimer in (A, B):
        assert not await claim(store, claimer, BASE_TIME + 100 * STALE)
    found = await store.digest_claim(1, DAY)
    assert found is not None
    assert (found.claimed_by, found.message_id) == (A, 4242)


async def test_releasing_a_claim_reopens_the_day_only_for_its_holder(store: Store) -> None:
    assert await claim(store, A)
    await store.release_digest_claim(1, DAY, timezone=ZONE, claimer=B)  # not B's: nothing happens
    assert not await claim(store, B, BASE_TIME + 1)
    await store.release_digest_claim(1, DAY, timezone=ZONE, claimer=A)
    assert await store.digest_claim(1, DAY) is None
    assert await claim(store, B, BASE_TIME + 2)
    # A posted run is not released by anyone.
    await store.record_digest_run(digest_run(1, DAY, message_id=7, timezone=ZONE))
    await store.release_digest_claim(1, DAY, timezone=ZONE, claimer=B)
    assert await store.digest_run(1, DAY) is not None


async def test_an_unposted_claim_is_not_the_last_run(store: Store) -> None:
    await store.record_digest_run(digest_run(1, "2026-03-13", timezone=ZONE))
    assert await claim(store, A)
    last = await store.last_digest_run(1)
    assert last is not None
    assert last.local_day == "2026-03-13"
    await store.record_digest_run(digest_run(1, DAY, message_id=99, timezone=ZONE))
    last = await store.last_digest_run(1)
    assert last is not None
    assert (last.local_day, last.message_id) == (DAY, 99)


async def test_a_failed_run_recorded_without_a_claim_can_be_claimed(store: Store) -> None:
    failed = digest_run(1, DAY, message_id=None, posted_at=None, error="Forbidden", timezone=ZONE)
    await store.record_digest_run(failed)
    assert await claim(store, B)


async def test_two_connections_racing_for_a_day_have_one_winner(db_location: str) -> None:
    async with await Store.open(db_location) as first, await Store.open(db_location) as second:
        for round_ in range(20):
            day = f"2026-01-{round_ + 1:02d}"
            results = await asyncio.gather(
                claim(first, A, day=day), claim(second, B, day=day), claim(first, "c", day=day)
            )
            assert sorted(results) == [False, False, True]
            found = await second.digest_claim(1, day)
            assert found is not None
            assert found.claimed_by == [A, B, "c"][results.index(True)]


async def test_alert_checks_are_leased_to_one_process(store: Store) -> None:
    async def lease(claimer: str, at: float) -> bool:
        return await store.claim_alert_check(1, claimer=claimer, now=at, stale_after=STALE)

    assert not await lease(A, BASE_TIME)  # alerts off: nothing to check
    await store.set_alerts(1, 500, "normal")
    assert await lease(A, BASE_TIME)
    assert not await lease(B, BASE_TIME + 1)
    await store.release_alert_check(1, claimer=B)  # not B's lease
    assert not await lease(B, BASE_TIME + 2)
    await store.release_alert_check(1, claimer=A)
    assert await lease(B, BASE_TIME + 3)
    # A lease left by a crashed process expires.
    assert not await lease(A, BASE_TIME + 3 + STALE - 1)
    assert await lease(A, BASE_TIME + 3 + STALE)
    # The lease never shows in the guild's alert settings.
    assert (await store.alert_settings(1)).channel_id == 500


async def test_a_version_4_database_keeps_its_runs_and_can_claim(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        assert await migrate(db, MIGRATIONS[:4]) == 4
        await db.execute(
            "INSERT INTO digest_runs (guild_id, local_day, channel_id, message_id, posted_at) "
            f"VALUES (1, '2026-03-13', 500, 77, {BASE_TIME})"
        )
    async with await Store.open(path) as store:
        old = await store.digest_claim(1, "2026-03-13")
        assert old is not None
        assert (old.message_id, old.claimed_by) == (77, None)
        # Posted before claims existed, and before runs carried their zone.
        assert not await claim(store, A, day="2026-03-13", zone="")
        assert await claim(store, A)
        last = await store.last_digest_run(1)
        assert last is not None
        assert last.message_id == 77
