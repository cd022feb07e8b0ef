"""Guild settings, channel rules and terms."""

from __future__ import annotations

import asyncio

import pytest

from bot.analysis.results import GuildTerms
from bot.config import MAX_TEAM_ROLES
from bot.store import GuildSettings, Store, TeamLimitError, normalize_term

DEFAULTS = {"default_time": "18:00", "default_timezone": "UTC"}
SET_AT = 1_700_000_000.0  # when a schedule was set up: its first digest is the first due after


async def test_unknown_guild_gets_the_defaults(store: Store) -> None:
    settings = await store.guild_settings(1, **DEFAULTS)
    assert settings == GuildSettings(1, None, "18:00", "UTC", "all")
    assert await store.all_guild_settings() == []
    assert await store.known_guilds() == []


async def test_schedule_is_saved_and_replaced(store: Store) -> None:
    await store.set_digest_schedule(1, 500, "09:30", "Europe/Madrid", at=SET_AT)
    assert await store.guild_settings(1, **DEFAULTS) == GuildSettings(
        1, 500, "09:30", "Europe/Madrid", "all", SET_AT
    )
    await store.set_digest_schedule(1, None, "21:00", "America/Bogota")
    assert await store.guild_settings(1, **DEFAULTS) == GuildSettings(
        1, None, "21:00", "America/Bogota", "all"
    )


async def test_watch_mode_alone_keeps_following_default_schedule(store: Store) -> None:
    await store.set_watch_mode(1, "listed")
    settings = await store.guild_settings(1, default_time="07:00", default_timezone="Asia/Tokyo")
    assert settings == GuildSettings(1, None, "07:00", "Asia/Tokyo", "listed")
    await store.set_digest_schedule(1, 500, "09:30", "UTC")
    assert (await store.guild_settings(1, **DEFAULTS)).watch_mode == "listed"


async def test_all_guild_settings_lists_only_guilds_with_a_row(store: Store) -> None:
    await store.set_digest_schedule(2, 600, "08:00", "UTC", at=SET_AT)
    await store.set_watch_mode(1, "listed")
    await store.add_term(3, "target", "sora")  # terms alone do not make a settings row
    listed = await store.all_guild_settings(default_time="10:00")
    assert listed == [
        GuildSettings(1, None, "10:00", "UTC", "listed"),
        GuildSettings(2, 600, "08:00", "UTC", "all", SET_AT),
    ]
    assert await store.known_guilds() == [1, 2]


async def test_remembered_guilds_get_a_row_of_defaults_and_keep_their_choices(
    store: Store,
) -> None:
    await store.set_digest_schedule(2, 600, "08:00", "Europe/Madrid", at=SET_AT)
    await store.remember_guilds([2, 4, 4, 3])
    await store.remember_guilds([])
    listed = await store.all_guild_settings(default_time="10:00", default_timezone="UTC")
    assert listed == [
        GuildSettings(2, 600, "08:00", "Europe/Madrid", "all", SET_AT),  # untouched
        GuildSettings(3, None, "10:00", "UTC", "all"),  # the defaults still apply
        GuildSettings(4, None, "10:00", "UTC", "all"),
    ]


@pytest.mark.parametrize(
    ("time", "timezone"),
    [("24:00", "UTC"), ("9:30", "UTC"), ("09:60", "UTC"), ("18:00", "Mars/Olympus"), ("18:00", "")],
)
async def test_bad_schedule_is_refused(store: Store, time: str, timezone: str) -> None:
    with pytest.raises(ValueError, match="not"):
        await store.set_digest_schedule(1, 500, time, timezone)
    assert await store.all_guild_settings() == []


async def test_bad_watch_mode_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="watch mode"):
        await store.set_watch_mode(1, "some")  # type: ignore[arg-type]


async def test_digest_error_is_remembered_and_cleared(store: Store) -> None:
    assert await store.digest_error(1) is None
    await store.set_digest_schedule(1, 500, "09:30", "UTC")
    await store.set_digest_error(1, "Missing Permissions in #digest", at=1_700_000_000.0)
    assert await store.digest_error(1) == ("Missing Permissions in #digest", 1_700_000_000.0)
    # The error lives beside the schedule without disturbing it.
    assert (await store.guild_settings(1, **DEFAULTS)).digest_channel_id == 500
    await store.set_digest_error(1, None)
    assert await store.digest_error(1) is None


async def test_digest_error_defaults_to_now(store: Store) -> None:
    await store.set_digest_error(1, "boom")
    saved = await store.digest_error(1)
    assert saved is not None
    assert saved[0] == "boom"
    assert saved[1] > 1_700_000_000.0


async def test_channel_rules(store: Store) -> None:
    await store.set_channel_rule(1, 10, "watch")
    await store.set_channel_rule(1, 11, "exclude")
    await store.set_channel_rule(1, 10, "exclude")  # replaces, never duplicates
    assert await store.channel_rules(1) == {10: "exclude", 11: "exclude"}
    assert await store.remove_channel_rule(1, 10) is True
    assert await store.remove_channel_rule(1, 10) is False
    assert await store.channel_rules(1) == {11: "exclude"}
    with pytest.raises(ValueError, match="channel rule"):
        await store.set_channel_rule(1, 12, "ignore")  # type: ignore[arg-type]


async def test_team_roles(store: Store) -> None:
    assert await store.team_roles(1) == frozenset()
    assert await store.add_team_role(1, 70) is True
    assert await store.add_team_role(1, 70) is False  # once, never duplicated
    assert await store.add_team_role(1, 71) is True
    assert await store.add_team_role(2, 72) is True
    assert await store.team_roles(1) == {70, 71}
    assert await store.remove_team_role(1, 70) is True
    assert await store.remove_team_role(1, 70) is False
    assert await store.team_roles(1) == {71}
    assert await store.team_roles(2) == {72}


async def test_a_team_has_at_most_its_limit_of_roles_even_when_added_at_once(
    store: Store,
) -> None:
    # Two moderators adding at the same moment must not pass the limit together: adds to a
    # guild take turns (across Stores too: test_store_limits_across_stores.py).
    outcomes = await asyncio.gather(
        *(store.add_team_role(1, role) for role in range(MAX_TEAM_ROLES + 5)),
        return_exceptions=True,
    )
    assert outcomes.count(True) == MAX_TEAM_ROLES
    refused = [outcome for outcome in outcomes if isinstance(outcome, TeamLimitError)]
    assert len(refused) == 5
    assert "the team already has 25 roles" in str(refused[0])
    team = sorted(await store.team_roles(1))
    assert len(team) == MAX_TEAM_ROLES
    # A role the full team has is "nothing changed", not an error; another guild has room.
    assert await store.add_team_role(1, team[0]) is False
    assert await store.add_team_role(2, team[0]) is True
    await store.remove_team_role(1, team[1])
    assert await store.add_team_role(1, 99) is True


async def test_team_guilds(store: Store) -> None:
    assert await store.team_guilds() == frozenset()
    await store.add_team_role(1, 70)
    await store.add_team_role(1, 71)
    await store.add_team_role(2, 72)
    assert await store.team_guilds() == {1, 2}  # each once
    await store.remove_team_role(2, 72)
    assert await store.team_guilds() == {1}


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Sora", "sora"),
        ("  GPT-4   Turbo \t", "gpt-4 turbo"),
        ("Open\nWeights", "open weights"),
        ("OLVÍDENSE", "olvídense"),
        ("olvi\u0301dense", "olvídense"),  # decomposed accent, as some keyboards send it
    ],
)
def test_terms_are_normalised(raw: str, stored: str) -> None:
    assert normalize_term(raw) == stored


async def test_terms_are_normalised_and_deduplicated(store: Store) -> None:
    assert await store.add_term(1, "target", "  Sora ") is True
    assert await store.add_term(1, "target", "SORA") is False
    assert await store.add_term(1, "keyword", "Release   the weights") is True
    assert await store.add_term(1, "ignore", "weights and biases") is True
    assert await store.add_term(1, "keyword", "sora") is True  # same text, other kind
    assert await store.list_terms(1) == {
        "target": ["sora"],
        "keyword": ["release the weights", "sora"],
        "ignore": ["weights and biases"],
    }
    assert await store.guild_terms(1) == GuildTerms(
        targets=frozenset({"sora"}),
        keywords=frozenset({"release the weights", "sora"}),
        ignore=frozenset({"weights and biases"}),
    )
    assert await store.remove_term(1, "target", " SORA") is True
    assert await store.remove_term(1, "target", "sora") is False
    assert (await store.list_terms(1))["target"] == []


@pytest.mark.parametrize(
    ("kind", "term", "message"),
    [("target", "   ", "empty"), ("target", "x" * 101, "at most"), ("model", "sora", "kind")],
)
async def test_bad_terms_are_refused(store: Store, kind: str, term: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        await store.add_term(1, kind, term)  # type: ignore[arg-type]
    assert await store.guild_terms(1) == GuildTerms()
