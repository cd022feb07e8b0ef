"""The digest folded from a streamed read (`bot.digest.tally`) says exactly what the digest
built from every row in a list said: the same numbers, ranks and examples, on seeded data with
ties, empty texts, private channels, threads, replies and corrections, read over several pages.
"""

from __future__ import annotations

import math
import random
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from statistics import fmean

import pytest

from bot.digest.contents import Period, Places
from bot.digest.from_store import digest_from_store
from bot.digest.tally import ExactSum
from bot.digest.window import digest_from_window, window_of
from bot.store import Store
from bot.store.labels import LabelCorrection
from bot.store.records import RequestRecord
from tests.digest.factories import GUILD, at, row

PERIOD = Period(date(2026, 3, 10), date(2026, 3, 14), "Europe/Madrid")
PUBLIC, PRIVATE, THREAD = 10, 20, 31
CATEGORIES = ("demand", "frustration", "optimism", "skepticism", "defeatism", None)
TEXTS = ("open source it", "", "   ", "ClosedAI will never release the weights, use LTX instead")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with await Store.open(tmp_path / "clamor.db") as opened:
        yield opened


def seeded_rows(seed: int, count: int) -> list[RequestRecord]:
    rnd = random.Random(seed)
    rows: list[RequestRecord] = []
    answerable: list[int] = []
    start, end = at("2026-02-27T00:00"), at("2026-03-16T00:00")
    for message_id in range(1, count + 1):
        # Few distinct moments and tones: ties everywhere the picks break them.
        created = start + rnd.randrange(int(end - start) // 3600) * 3600.0
        record = row(
            message_id,
            "2026-03-01T00:00",
            category=rnd.choice(CATEGORIES),
            compound=rnd.choice((-0.9, -0.3, 0.0, 0.1, 0.3, 0.1 + 0.2, 0.9)),
            content=rnd.choice(TEXTS),
            channel_id=rnd.choice((PUBLIC, PRIVATE, THREAD)),
            targets=tuple(rnd.sample(("Sora", "sora", "GPT-4", "Veo"), rnd.randrange(3))),
            alternatives=tuple(rnd.sample(("LTX", "Mochi"), rnd.randrange(2))),
            language=rnd.choice(("en", "es")),
        )
        # Replies to messages of the period, so that quoted reactions show what they answer.
        replies_to = rnd.choice(answerable) if answerable and rnd.random() < 0.7 else None
        rows.append(replace(record, created_at=created, replies_to=replies_to))
        if PERIOD.start <= created < PERIOD.end:
            answerable.append(message_id)
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("public", [None, {PUBLIC, THREAD}])
async def test_streamed_digest_is_the_listed_digest(
    store: Store, seed: int, public: Collection[int] | None
) -> None:
    rows = seeded_rows(seed, 2_600)  # more than two pages of the streamed read
    await store.upsert_requests(rows)
    for message_id in range(1, 200, 7):
        label = "not-a-request" if message_id % 2 else "skepticism"
        await store.set_label_correction(
            LabelCorrection(GUILD, message_id, PUBLIC, label, "x", "en", "demand", 0.0)  # type: ignore[arg-type]
        )
    await store.add_volumes([(GUILD, PUBLIC, at("2026-03-12T09:00"), 5_000)])
    places = Places(
        names={PUBLIC: "#general", PRIVATE: "#mods"}, parents={THREAD: PUBLIC}, public=public
    )
    window = window_of(PERIOD)
    listed = await store.corrected_requests_between(GUILD, window.start, window.end)
    hours = await store.volume_hours(GUILD, window.start, window.end)

    streamed = await digest_from_store(
        store, guild_id=GUILD, guild_name="g", period=PERIOD, places=places
    )
    from_list = digest_from_window(
        guild_id=GUILD,
        guild_name="g",
        period=PERIOD,
        rows=listed,
        volume_hours=hours,
        places=places,
    )
    assert streamed == from_list
    assert len(streamed.examples) == 3
    if (seed, public) == (1, None):  # this case quotes a reaction with what it answers
        assert any(e.answers for e in streamed.examples)
    in_period = [r for r in listed if PERIOD.start <= r.created_at < PERIOD.end]
    dominant = streamed.totals.dominant_category()
    picked = [(e.message_id, e.reason, e.answers) for e in streamed.examples]
    assert picked == reference_examples(in_period, dominant, public)
    assert streamed.totals.mean_compound == fmean(r.compound for r in in_period)


def reference_examples(
    rows: Sequence[RequestRecord], dominant: str | None, public: Collection[int] | None
) -> list[tuple[int, str, str]]:
    """The examples as the list-based builder picked them before the digest was folded: every
    quotable row in memory, `min`/`max`/`sorted` over them."""
    quotable = [r for r in rows if r.content.strip() and (public is None or r.channel_id in public)]
    chosen: list[tuple[RequestRecord, str]] = []
    used: set[int] = set()

    def take(r: RequestRecord | None, reason: str) -> None:
        if r is not None and r.message_id not in used:
            used.add(r.message_id)
            chosen.append((r, reason))

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
        take(
            min(pool, key=lambda r: (abs(r.compound - centre), len(r.content) < 25, r.created_at)),
            "most typical",
        )
    for latest in sorted(quotable, key=lambda r: (-r.created_at, -r.message_id)):
        if len(chosen) >= 3:
            break
        take(latest, "latest")
    by_id = {r.message_id: r for r in quotable}
    return [
        (r.message_id, reason, " ".join(by_id[r.replies_to].content.split()))
        if r.replies_to in by_id
        else (r.message_id, reason, "")
        for r, reason in chosen
    ]


def test_an_exact_sum_is_fsum() -> None:
    rnd = random.Random(5)
    values = [rnd.choice((1e16, -1e16, 0.1, 0.2, -0.3, 1e-16, 3.0)) for _ in range(2_000)]
    total = ExactSum()
    for value in values:
        total.add(value)
    assert total.value == math.fsum(values)
    assert total.value != sum(values)  # a naive running sum would have drifted
    twin = total.copy()
    twin.add(-values[0])
    assert twin.value == math.fsum(values[1:])
    assert total.value == math.fsum(values)
