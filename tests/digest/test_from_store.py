"""bot.digest.from_store on a real SQLite Store: corrections, the week around a day, threads,
the chart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from datetime import date
from pathlib import Path

import pytest

from bot.digest.contents import Digest, Period, Places
from bot.digest.from_store import chart_period, digest_from_store, digest_report, stored_places
from bot.store import Store
from bot.store.labels import LabelCorrection
from bot.store.threads import ThreadParent
from tests.digest.factories import GUILD, at, row

DAY = Period.day(date(2026, 3, 14), "UTC")
GENERAL, IDEAS, POST, ARCHIVED_POST, PRIVATE_THREAD, SECRET = 10, 20, 31, 32, 33, 40
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "clamor.db") as opened:
        yield opened


async def fill(store: Store) -> None:
    await store.upsert_requests(
        [
            row(1, "2026-03-14T09:00", category="demand", channel_id=GENERAL),
            row(2, "2026-03-14T10:00", category="demand", channel_id=POST, content="in a post"),
            row(3, "2026-03-14T11:00", category="demand", channel_id=ARCHIVED_POST),
            row(4, "2026-03-14T12:00", category="demand", channel_id=GENERAL),
            row(5, "2026-03-13T12:00", category="optimism", channel_id=GENERAL),
            row(6, "2026-03-08T12:00", category="defeatism", channel_id=GENERAL),  # a week ago
            row(7, "2026-03-06T12:00", category="defeatism", channel_id=GENERAL),  # too old
            row(8, "2026-03-15T00:00", category="defeatism", channel_id=GENERAL),  # the next day
        ]
    )
    await store.add_volumes(
        [
            (GUILD, GENERAL, at("2026-03-14T09:30"), 50),
            (GUILD, POST, at("2026-03-14T10:30"), 7),
            (GUILD, GENERAL, at("2026-03-13T09:30"), 30),
        ]
    )


async def correct(store: Store, message_id: int, label: str) -> None:
    await store.set_label_correction(
        LabelCorrection(
            guild_id=GUILD,
            message_id=message_id,
            channel_id=GENERAL,
            label=label,  # type: ignore[arg-type]
            content="",
            language="en",
            original_category="demand",
            corrected_at=at("2026-03-14T13:00"),
        )
    )


async def test_the_day_the_day_before_and_the_week_before(store: Store) -> None:
    await fill(store)
    digest = await digest_from_store(
        store, guild_id=GUILD, guild_name="g", period=DAY, today=date(2026, 3, 15)
    )
    assert (digest.totals.requests, digest.totals.seen) == (4, 57)
    assert (digest.previous.requests, digest.previous.seen) == (1, 30)
    assert digest.baseline is not None
    assert (digest.baseline.requests, digest.baseline.seen) == (2, 30)  # the 7th..13th
    assert digest.headline.startswith("Open-sourcing talk jumped 4x yesterday: 4 messages")


async def test_corrections_are_applied(store: Store) -> None:
    await fill(store)
    await correct(store, 1, "not-a-request")
    await correct(store, 4, "frustration")
    await correct(store, 6, "not-a-request")
    digest = await digest_from_store(store, guild_id=GUILD, guild_name="g", period=DAY)
    assert digest.totals.requests == 3
    assert digest.totals.categories["frustration"] == 1
    assert digest.totals.categories["demand"] == 2
    assert digest.baseline is not None
    assert digest.baseline.requests == 1  # the relabelled one of the 8th is gone
    assert 1 not in {example.message_id for example in digest.examples}


async def test_a_forum_counts_its_posts_and_looks_up_unknown_ones(store: Store) -> None:
    await fill(store)
    asked: list[set[int]] = []

    async def lookup(place_ids: set[int]) -> Places:
        asked.append(place_ids)
        return Places(
            names={ARCHIVED_POST: "#old post"}, parents={ARCHIVED_POST: IDEAS}, public=set()
        )

    known = Places(
        names={GENERAL: "#general", IDEAS: "#ideas", POST: "#a post"},
        parents={POST: IDEAS},
        public={GENERAL, IDEAS, POST},
    )
    digest = await digest_from_store(
        store, guild_id=GUILD, guild_name="g", period=DAY, places=known, channel_id=IDEAS,
        lookup=lookup,
    )  # fmt: skip
    assert asked == [{ARCHIVED_POST}]
    assert digest.totals.requests == 2  # the known post and the archived one
    assert digest.totals.seen == 7  # volume of the post only, not of #general
    # The archived post is not known to be public: only the known post is quoted.
    assert [example.message_id for example in digest.examples] == [2]

    whole = await digest_from_store(
        store, guild_id=GUILD, guild_name="g", period=DAY, places=known, lookup=lookup
    )
    assert whole.channels == [("#general", 2), ("#ideas", 2)]


KNOWN = Places(
    names={GENERAL: "#general", IDEAS: "#ideas", POST: "#a post", SECRET: "a private channel"},
    parents={POST: IDEAS},
    public={GENERAL, IDEAS, POST},
)


async def test_threads_the_watcher_remembered_need_no_lookup(store: Store) -> None:
    await fill(store)
    await store.upsert_requests(
        [row(9, "2026-03-14T13:00", channel_id=PRIVATE_THREAD, content="members only")]
    )
    await store.add_volumes([(GUILD, ARCHIVED_POST, at("2026-03-14T11:00"), 4)])
    await store.remember_threads(
        [(GUILD, ARCHIVED_POST, IDEAS, False), (GUILD, PRIVATE_THREAD, GENERAL, True)]
    )
    asked: list[set[int]] = []

    async def lookup(place_ids: set[int]) -> Places:
        asked.append(place_ids)
        return Places()

    def digest_of(channel_id: int | None) -> Awaitable[Digest]:
        return digest_from_store(
            store, guild_id=GUILD, guild_name="g", period=DAY, places=KNOWN,
            channel_id=channel_id, lookup=lookup,
        )  # fmt: skip

    forum = await digest_of(IDEAS)
    assert (forum.totals.requests, forum.totals.seen) == (2, 7 + 4)
    # A public post under a public forum may be quoted, as when the cache knew it.
    assert sorted(example.message_id for example in forum.examples) == [2, 3]
    general = await digest_of(GENERAL)
    assert general.totals.requests == 3  # its own two and the private thread's
    assert 9 not in {example.message_id for example in general.examples}
    whole = await digest_of(None)
    assert whole.channels == [("#general", 3), ("#ideas", 2)]
    assert 9 not in {example.message_id for example in whole.examples}
    assert asked == []  # the Store knew every thread


def test_a_remembered_thread_is_named_only_when_it_and_its_parent_are_public() -> None:
    remembered = {
        1: ThreadParent(IDEAS, private=False),
        2: ThreadParent(IDEAS, private=True),
        3: ThreadParent(SECRET, private=False),
        4: ThreadParent(99, private=False),  # a parent the guild no longer shows
    }
    places = stored_places(remembered, KNOWN)
    assert places.names == {
        1: "a thread in #ideas",
        2: "a private channel",
        3: "a private channel",
        4: "a private channel",
    }
    assert places.public == {1}
    assert places.parents == {1: IDEAS, 2: IDEAS, 3: SECRET, 4: 99}
    # No limit (a digest of an export): every place may be quoted, private threads still not.
    assert stored_places(remembered, Places()).public == {1, 3, 4}


async def test_report_carries_the_chart_of_the_last_14_days(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await fill(store)
    drawn: list[tuple[tuple[date, ...], tuple[int, ...], bool]] = []

    def fake_render(series: object, *, compact: bool = False) -> bytes:
        drawn.append((series.days, series.requests, compact))  # type: ignore[attr-defined]
        return PNG

    monkeypatch.setattr("bot.charts.render.render_trend", fake_render)
    report = await digest_report(store, guild_id=GUILD, guild_name="g", period=DAY)
    assert report.chart == PNG
    [(days, requests, compact)] = drawn
    assert compact
    assert (days[0], days[-1], len(days)) == (date(2026, 3, 1), date(2026, 3, 14), 14)
    assert sum(requests) == 7  # everything up to the 14th, label corrections included


async def test_a_chart_that_fails_leaves_the_digest(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(series: object, *, compact: bool = False) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr("bot.charts.render.render_trend", broken)
    report = await digest_report(store, guild_id=GUILD, guild_name="g", period=DAY)
    assert report.chart is None
    assert report.digest.headline == "Nothing about open-sourcing on Sat 14 Mar."


def test_chart_period() -> None:
    assert chart_period(DAY) == Period(date(2026, 3, 1), date(2026, 3, 14), "UTC")
    month = Period(date(2026, 2, 1), date(2026, 3, 14), "UTC")
    assert chart_period(month) == month
