"""One guild's data is never read, overwritten or deleted through another guild's id."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.analysis.results import GuildTerms
from bot.store import ChannelMessages, GuildSettings, LabelCorrection, PrivacySettings, Store
from tests.store.store_factory import BASE_BUCKET, BASE_TIME, digest_run, request

A, B = 1, 2
CHANNEL = 10
THREAD = 11  # a thread under CHANNEL
DEFAULTS = {"default_time": "18:00", "default_timezone": "UTC"}

Reader = Callable[[Store, int], Awaitable[Any]]

# Every reader that takes a guild id, with what it returns for a guild that has nothing.
READERS: dict[str, tuple[Reader, Any]] = {
    "guild_settings": (
        lambda s, g: s.guild_settings(g, **DEFAULTS),
        GuildSettings(B, None, "18:00", "UTC", "all"),  # only the defaults
    ),
    "digest_error": (lambda s, g: s.digest_error(g), None),
    "channel_rules": (lambda s, g: s.channel_rules(g), {}),
    "team_roles": (lambda s, g: s.team_roles(g), frozenset()),
    "list_terms": (
        lambda s, g: s.list_terms(g),
        {"target": [], "keyword": [], "ignore": []},
    ),
    "guild_terms": (lambda s, g: s.guild_terms(g), GuildTerms()),
    "get_request": (lambda s, g: s.get_request(g, 1), None),
    "requests_between": (lambda s, g: s.requests_between(g, 0, math.inf), []),
    "requests_between_channel": (lambda s, g: s.requests_between(g, 0, math.inf, CHANNEL), []),
    "count_requests": (lambda s, g: s.count_requests(g), 0),
    "volume_hours": (lambda s, g: s.volume_hours(g, 0, math.inf), []),
    "volume_between": (lambda s, g: s.volume_between(g, 0, math.inf), 0),
    "volume_between_channel": (lambda s, g: s.volume_between(g, 0, math.inf, CHANNEL), 0),
    "cursor": (lambda s, g: s.cursor(g, CHANNEL), None),
    "digest_run": (lambda s, g: s.digest_run(g, "2024-03-01"), None),
    "last_digest_run": (lambda s, g: s.last_digest_run(g), None),
    "privacy_settings": (lambda s, g: s.privacy_settings(g), PrivacySettings(B)),
    "opted_out_authors": (lambda s, g: s.opted_out_authors(g), frozenset()),
    "counted_ranges": (lambda s, g: s.counted_ranges(g, CHANNEL), []),
    "logged_message_ids": (lambda s, g: s.logged_message_ids(g, CHANNEL, 0, 10**6), []),
    "label_corrections": (lambda s, g: s.label_corrections(g), []),
    "label_correction": (lambda s, g: s.label_correction(g, 1), None),
    "departure": (lambda s, g: departure(s, g), None),
    "thread_parents": (lambda s, g: s.thread_parents(g, [THREAD]), {}),
    "threads_under": (lambda s, g: s.threads_under(g, CHANNEL), []),
}

DAY = 86_400.0
OPTED_OUT = "e" * 32  # someone who left the log of guild A
LOGGED = "a" * 32  # the author of the factory's rows


async def departure(store: Store, guild: int) -> float | None:
    return (await store.departed_guilds()).get(guild)


def correction(guild: int, message_id: int) -> LabelCorrection:
    return LabelCorrection(
        guild, message_id, CHANNEL, "demand", "open it", "en", None, BASE_TIME, LOGGED
    )


async def fill_guild(store: Store, guild: int, first_id: int = 1) -> None:
    await store.set_digest_schedule(guild, 500, "09:00", "Europe/Madrid")
    await store.set_watch_mode(guild, "listed")
    await store.set_digest_error(guild, "Forbidden", at=BASE_TIME)
    await store.set_channel_rule(guild, CHANNEL, "watch")
    await store.add_team_role(guild, guild * 10)
    await store.add_term(guild, "target", "sora")
    written = await store.upsert_requests(
        [request(first_id, guild), request(first_id + 1, guild, channel_id=CHANNEL)]
    )
    assert written == 2
    await store.add_volume(guild, CHANNEL, BASE_BUCKET, count=3)
    await store.advance_cursor(guild, CHANNEL, 900)
    await store.record_digest_run(digest_run(guild, "2024-03-01"))
    await store.count_messages([ChannelMessages(guild, CHANNEL, read=((800, 950),))])
    await store.set_retention_days(guild, 30)
    await store.opt_out_author(guild, OPTED_OUT, BASE_TIME)
    await store.set_label_correction(correction(guild, first_id))
    await store.mark_guild_left(guild, BASE_TIME + 10 * DAY)
    await store.remember_threads([(guild, THREAD, CHANNEL, False)])


async def snapshot(store: Store, guild: int) -> dict[str, Any]:
    return {name: await read(store, guild) for name, (read, _) in READERS.items()}


@pytest.fixture
async def filled(store: Store) -> Store:
    await fill_guild(store, A)
    return store


async def test_the_fill_reaches_every_reader(filled: Store) -> None:
    # Guards the test below: a reader that sees nothing for A proves nothing about B.
    seen = await snapshot(filled, A)
    empty = await snapshot(filled, B)
    unchanged = [name for name in READERS if seen[name] == empty[name]]
    assert unchanged == []


@pytest.mark.parametrize("name", list(READERS))
async def test_other_guild_reads_nothing(filled: Store, name: str) -> None:
    read, empty = READERS[name]
    assert await read(filled, B) == empty


async def test_other_guild_writes_never_touch_this_guild(filled: Store) -> None:
    before = await snapshot(filled, A)

    # The same channel and message ids, written and deleted through guild B.
    assert await filled.upsert_request(request(1, B, content="hijacked")) is False
    assert await filled.upsert_requests([request(2, B, content="hijacked")]) == 0
    assert await filled.delete_request(B, 1) is False
    assert await filled.delete_messages(B, [1, 2]) == 0
    assert await filled.delete_channels_messages(B, [CHANNEL]) == 0
    assert await filled.remove_channel_rule(B, CHANNEL) is False
    assert await filled.remove_term(B, "target", "sora") is False
    await filled.set_channel_rule(B, CHANNEL, "exclude")
    await filled.add_term(B, "target", "gpt-4")
    await filled.set_digest_schedule(B, 600, "07:00", "UTC")
    await filled.set_watch_mode(B, "all")
    await filled.set_digest_error(B, None)
    await filled.add_volume(B, CHANNEL, BASE_BUCKET, count=100)
    await filled.advance_cursor(B, CHANNEL, 1)
    await filled.record_digest_run(digest_run(B, "2024-03-01", error="other"))
    await filled.remember_threads([(B, THREAD, 99, True)])
    await filled.forget_guild(B)

    assert await snapshot(filled, A) == before
    assert await filled.count_requests(B) == 0  # the clashing ids were not written for B either


async def test_other_guild_privacy_and_counting_never_touch_this_guild(filled: Store) -> None:
    before = await snapshot(filled, A)
    recent = BASE_TIME + 19 * DAY
    await filled.upsert_requests(
        [
            request(101, B),
            request(102, B, created_at=BASE_TIME + DAY),
            request(103, B, created_at=recent),
        ]
    )
    await filled.set_label_correction(correction(B, 101))

    # Privacy writes through guild B, aimed at A's authors, channel and message ids.
    await filled.set_retention_days(B, 7)
    assert await filled.erase_expired(BASE_TIME + 20 * DAY) == {B: 3}  # A keeps 30 days
    assert await filled.set_content_mode(B, "drop") == 1  # B's recent row
    assert await filled.opt_out_author(B, LOGGED, BASE_TIME) == 1  # B's recent row only
    assert await filled.opt_in_author(B, OPTED_OUT) is False
    # Counting through B, on the same channel id.
    counted = ChannelMessages(B, CHANNEL, ((5, BASE_BUCKET), (850, BASE_BUCKET)), ((1, 5),))
    assert await filled.count_messages([counted]) == 2
    assert await filled.seed_cursor(B, CHANNEL, 7) is False
    assert await filled.logged_message_ids(B, CHANNEL, 0, 10**6) == [101, 102]
    # B leaves, comes back, leaves long ago and is erased; A's later departure waits.
    await filled.mark_guild_left(B, BASE_TIME)
    assert await filled.mark_guild_present(B) is True
    await filled.mark_guild_left(B, BASE_TIME)
    assert await filled.erase_departed(BASE_TIME + 5 * DAY, grace_seconds=DAY) == [B]

    assert await snapshot(filled, A) == before
    assert await snapshot(filled, B) == {name: empty for name, (_, empty) in READERS.items()}


async def test_forget_guild_removes_everything_of_that_guild_only(store: Store) -> None:
    await fill_guild(store, A)
    await fill_guild(store, B, first_id=101)
    kept = await snapshot(store, B)
    await store.forget_guild(A)
    assert await snapshot(store, B) == kept
    assert await store.known_guilds() == [B]
    assert await store.count_requests(B) == 2
    for name, (read, empty) in READERS.items():
        if name not in ("guild_settings", "privacy_settings"):  # these name the guild asked
            assert await read(store, A) == empty, name
    assert await store.privacy_settings(A) == PrivacySettings(A)
