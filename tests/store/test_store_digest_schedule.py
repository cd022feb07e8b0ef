"""What the daily digest's schedule keeps in the Store (issue 11): when a schedule was armed,
and each run's zone, so a restart or a change of zone cannot lose or repeat a digest."""

from __future__ import annotations

from bot.store import Store
from tests.store.store_factory import BASE_TIME, digest_run

DEFAULTS = {"default_time": "18:00", "default_timezone": "UTC"}


async def armed_at(store: Store, guild_id: int = 1) -> float | None:
    return (await store.guild_settings(guild_id, **DEFAULTS)).digest_armed_at


async def test_a_new_schedule_is_armed_when_set_and_keeps_it_when_changed(store: Store) -> None:
    await store.set_digest_schedule(1, 500, "09:00", "UTC", at=BASE_TIME)
    assert await armed_at(store) == BASE_TIME
    # Another channel, time or zone: the schedule still owes what it owed.
    await store.set_digest_schedule(1, 600, "10:00", "Europe/Madrid", at=BASE_TIME + 60)
    assert await armed_at(store) == BASE_TIME
    # Turned off, then on again: a new schedule.
    await store.set_digest_schedule(1, None, "10:00", "Europe/Madrid", at=BASE_TIME + 120)
    assert await armed_at(store) is None
    await store.set_digest_schedule(1, 600, "10:00", "Europe/Madrid", at=BASE_TIME + 180)
    assert await armed_at(store) == BASE_TIME + 180


async def test_a_schedule_saved_without_the_moment_is_armed_once(store: Store) -> None:
    await store.remember_guilds([1])
    await store.set_digest_schedule(1, 500, "09:00", "UTC", at=BASE_TIME)
    assert await store.arm_digest_schedule(1, at=BASE_TIME + 5) == BASE_TIME
    await store.set_digest_schedule(1, None, "09:00", "UTC")
    await store.set_digest_schedule(2, 500, "09:00", "UTC", at=BASE_TIME)
    assert await store.arm_digest_schedule(1, at=BASE_TIME + 10) == BASE_TIME + 10
    assert await store.arm_digest_schedule(1, at=BASE_TIME + 20) == BASE_TIME + 10
    assert await armed_at(store) == BASE_TIME + 10
    assert await armed_at(store, 2) == BASE_TIME


async def test_one_local_day_in_two_zones_is_two_runs(store: Store) -> None:
    utc = digest_run(1, "2026-03-14", message_id=1, posted_at=BASE_TIME, timezone="UTC")
    west = digest_run(
        1,
        "2026-03-14",
        message_id=2,
        posted_at=BASE_TIME + 9 * 3600,
        timezone="America/Los_Angeles",
    )
    await store.record_digest_run(utc)
    await store.record_digest_run(west)
    await store.record_digest_run(digest_run(1, "2026-03-13", message_id=3, timezone="UTC"))
    await store.record_digest_run(digest_run(2, "2026-03-15", message_id=4, timezone="UTC"))
    assert await store.claim_digest_run(
        1, "2026-03-16", timezone="UTC", claimer="a", now=BASE_TIME, stale_after=300
    )  # a claim is not a posted digest
    assert [run.message_id for run in await store.latest_posted_digests(1)] == [2, 1, 3]
    assert [run.message_id for run in await store.latest_posted_digests(1, 2)] == [2, 1]
    assert await store.digest_run(1, "2026-03-14") == west
    last = await store.last_digest_run(1)
    assert last == west


async def test_setting_the_schedule_again_clears_the_last_digest_error(store: Store) -> None:
    await store.set_digest_schedule(1, 500, "09:00", "UTC", at=BASE_TIME)
    await store.set_digest_error(1, "no permission to post in #digests", at=BASE_TIME + 60)
    assert await store.digest_error(1) is not None
    await store.set_digest_schedule(1, 500, "09:00", "UTC", at=BASE_TIME + 120)
    assert await store.digest_error(1) is None


async def test_a_failure_in_a_replaced_channel_is_not_recorded(store: Store) -> None:
    await store.set_digest_schedule(1, 500, "09:00", "UTC", at=BASE_TIME)
    # The loop read channel 500, a moderator switched to 600, then the post in 500 failed.
    await store.set_digest_schedule(1, 600, "09:00", "UTC", at=BASE_TIME + 60)
    await store.set_digest_error(1, "no permission", at=BASE_TIME + 61, channel_id=500)
    assert await store.digest_error(1) is None
    await store.set_digest_error(1, "no permission", at=BASE_TIME + 62, channel_id=600)
    assert await store.digest_error(1) == ("no permission", BASE_TIME + 62)
