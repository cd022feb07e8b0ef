"""AlertQueries on a real SQLite file: settings, posted alerts, and the detector's aggregates."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import LabelCorrection, Store
from bot.store.alerts import AlertSettings, HourCount, PostedAlert
from bot.store.migrations import LATEST_VERSION
from tests.store.store_factory import BASE_BUCKET, BASE_TIME, request

H = 3600.0


@pytest.mark.sqlite_only
async def test_migration_4_creates_the_alert_tables(store: Store, db_path: Path) -> None:
    assert await store.schema_version() == LATEST_VERSION >= 4
    with sqlite3.connect(db_path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        assert {"alert_settings", "alerts_posted"} <= tables
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("INSERT INTO alert_settings (guild_id, sensitivity) VALUES (1, 'max')")


async def test_alerts_are_off_until_a_channel_is_set_and_off_keeps_the_sensitivity(
    store: Store,
) -> None:
    assert await store.alert_settings(1) == AlertSettings(1)
    assert await store.alert_guilds() == []
    await store.set_alerts(1, 50, "high")
    await store.set_alerts(2, 60, "low")
    assert await store.alert_settings(1) == AlertSettings(1, 50, "high")
    assert [s.guild_id for s in await store.alert_guilds()] == [1, 2]
    assert await store.turn_alerts_off(1) is True
    assert await store.turn_alerts_off(1) is False
    assert await store.alert_settings(1) == AlertSettings(1, None, "high")
    assert [s.guild_id for s in await store.alert_guilds()] == [2]
    with pytest.raises(ValueError, match="not a sensitivity"):
        await store.set_alerts(1, 50, "max")  # type: ignore[arg-type]


async def test_an_error_is_kept_until_cleared_or_the_setting_changes(store: Store) -> None:
    await store.set_alerts(1, 50, "normal")
    await store.set_alert_error(1, "no permission to post in #alerts", at=BASE_TIME)
    settings = await store.alert_settings(1)
    assert (settings.last_error, settings.last_error_at) == (
        "no permission to post in #alerts", BASE_TIME,
    )  # fmt: skip
    await store.set_alerts(1, 51, "normal")
    assert (await store.alert_settings(1)).last_error is None


async def test_the_latest_alert_of_each_kind_and_the_history(store: Store) -> None:
    for kind, at in (("volume", 1.0), ("volume", 3.0), ("share", 2.0)):
        await store.record_alert(PostedAlert(1, kind, BASE_TIME + at * H, f"{kind} {at}", 5))  # type: ignore[arg-type]
    await store.record_alert(PostedAlert(2, "volume", BASE_TIME + 9 * H, "other guild", 1))
    last = await store.last_alerts(1)
    assert {kind: alert.summary for kind, alert in last.items()} == {
        "volume": "volume 3.0", "share": "share 2.0",
    }  # fmt: skip
    assert [a.summary for a in await store.posted_alerts(1)] == [
        "volume 3.0", "share 2.0", "volume 1.0",
    ]  # fmt: skip
    assert await store.last_alerts(3) == {}


async def test_hour_counts_per_window_with_corrections_applied(store: Store) -> None:
    rows = [
        request(1, created_at=BASE_TIME + 10, category="demand"),
        request(2, created_at=BASE_TIME + 20, category="frustration"),
        request(3, created_at=BASE_TIME + H + 5, category="defeatism"),
        request(4, created_at=BASE_TIME + H + 6, category="demand"),  # relabelled frustration
        request(5, created_at=BASE_TIME + H + 7, category="frustration"),  # not a request
        request(6, created_at=BASE_TIME - 24 * H + 30, category="demand"),
        request(7, guild_id=2, created_at=BASE_TIME + 10, category="frustration"),
        request(8, created_at=BASE_TIME + 2 * H, category="demand"),  # at the window's end
    ]
    await store.upsert_requests(rows)
    for message_id, label in ((4, "frustration"), (5, "not-a-request")):
        await store.set_label_correction(
            LabelCorrection(1, message_id, 10, label, "x", "en", None, BASE_TIME)  # type: ignore[arg-type]
        )
    windows = [(BASE_TIME, BASE_TIME + 2 * H), (BASE_TIME - 24 * H, BASE_TIME - 22 * H)]
    assert await store.alert_hour_counts(1, windows) == [
        HourCount(0, 0, 2, 1), HourCount(0, 1, 2, 2), HourCount(1, 0, 1, 0),
    ]  # fmt: skip
    assert await store.alert_hour_counts(2, windows) == [HourCount(0, 0, 1, 1)]
    assert await store.alert_hour_counts(1, []) == []


async def test_history_starts_at_the_first_request_or_counted_message(store: Store) -> None:
    assert await store.alert_history_start(1) is None
    await store.upsert_request(request(1, created_at=BASE_TIME))
    assert await store.alert_history_start(1) == BASE_TIME
    await store.add_volume(1, 10, int(BASE_BUCKET - 5 * H))
    assert await store.alert_history_start(1) == BASE_BUCKET - 5 * H
    assert await store.alert_history_start(2) is None


async def test_top_targets_count_messages_naming_each(store: Store) -> None:
    await store.upsert_requests(
        [
            request(1, targets=("Sora", "GPT-4"), category="frustration"),
            request(2, targets=("Sora",), category="demand"),
            request(3, targets=("gpt-4",), category="defeatism"),
            request(4, targets=("Sora",), category="frustration"),
            request(5, targets=("Veo",), category="frustration", created_at=BASE_TIME + 9 * H),
            request(6, guild_id=2, targets=("Veo",)),
        ]
    )
    await store.set_label_correction(
        LabelCorrection(1, 4, 10, "not-a-request", "x", "en", None, BASE_TIME)
    )
    start, end = BASE_TIME, BASE_TIME + H
    assert await store.alert_top_targets(1, start, end) == [("Sora", 2), ("GPT-4", 1), ("gpt-4", 1)]
    assert await store.alert_top_targets(1, start, end, sour_only=True) == [
        ("GPT-4", 1), ("gpt-4", 1), ("Sora", 1),
    ]  # fmt: skip
    assert await store.alert_top_targets(1, start, end, limit=1) == [("Sora", 2)]


async def test_candidates_have_text_in_allowed_channels(store: Store) -> None:
    await store.upsert_requests(
        [
            request(1, compound=-0.9, content=""),  # text dropped or erased
            request(2, compound=0.8, channel_id=20),
            request(3, compound=0.2),
            request(4, compound=-0.5, category="frustration"),
            request(5, compound=-0.1, category="defeatism"),
            request(6, compound=-1.0, category="frustration", guild_id=2),
        ]
    )
    end = BASE_TIME + H

    async def ids(**options: object) -> list[int]:
        found = await store.alert_candidates(1, BASE_TIME, end, **options)  # type: ignore[arg-type]
        return [row.message_id for row in found]

    assert await ids(channel_ids=None) == [2, 4, 3, 5]
    assert await ids(channel_ids={10}) == [4, 3, 5]
    assert await ids(channel_ids=set()) == []
    assert await ids(channel_ids={10, 20}, sour_only=True) == [4, 5]
    assert await ids(channel_ids=None, limit=1) == [2]


async def test_forgetting_a_guild_forgets_its_alerts(store: Store) -> None:
    await store.set_alerts(1, 50, "normal")
    await store.record_alert(PostedAlert(1, "volume", BASE_TIME, "x"))
    await store.set_alerts(2, 60, "normal")
    await store.forget_guild(1)
    assert await store.alert_settings(1) == AlertSettings(1)
    assert await store.posted_alerts(1) == []
    assert [s.guild_id for s in await store.alert_guilds()] == [2]
