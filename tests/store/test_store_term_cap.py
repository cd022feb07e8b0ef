"""A guild's terms are capped (issue 11, item 20): each is a search over every message."""

from __future__ import annotations

import sqlite3

import pytest

from bot.config import MAX_TERMS_PER_KIND
from bot.store import Store, TermLimitError


def _term(number: int) -> str:
    return f"term {number:04d}"


async def test_a_kind_full_of_terms_refuses_one_more(store: Store) -> None:
    for number in range(MAX_TERMS_PER_KIND):
        assert await store.add_term(1, "keyword", _term(number)) is True
    with pytest.raises(TermLimitError, match=f"already has {MAX_TERMS_PER_KIND} keyword terms"):
        await store.add_term(1, "keyword", "one too many")
    listed = await store.list_terms(1)
    assert len(listed["keyword"]) == MAX_TERMS_PER_KIND
    assert "one too many" not in listed["keyword"]


async def test_the_cap_is_per_kind_and_per_guild(store: Store) -> None:
    for number in range(MAX_TERMS_PER_KIND):
        await store.add_term(1, "target", _term(number))
    assert await store.add_term(1, "ignore", "still room here") is True
    assert await store.add_term(2, "target", "another server") is True
    # A term the full kind already has is still "nothing changed", not an error.
    assert await store.add_term(1, "target", _term(0)) is False


async def test_removing_a_term_makes_room_again(store: Store) -> None:
    for number in range(MAX_TERMS_PER_KIND):
        await store.add_term(1, "target", _term(number))
    assert await store.remove_term(1, "target", _term(5)) is True
    assert await store.add_term(1, "target", "now it fits") is True


async def _insert_as_an_older_clamor(backend: str, location: str, terms: list[str]) -> None:
    """Rows a Clamor from before the cap could write, straight into its table."""
    rows = [(1, "keyword", term) for term in terms]
    sql = "INSERT INTO guild_terms (guild_id, kind, term) VALUES (?, ?, ?)"
    if backend == "sqlite":
        with sqlite3.connect(location) as db:
            db.executemany(sql, rows)
        return
    import asyncpg

    connection = await asyncpg.connect(location)
    try:
        await connection.executemany(sql.replace("?, ?, ?", "$1, $2, $3"), rows)
    finally:
        await connection.close()


async def test_the_analysis_uses_at_most_the_cap_of_an_older_database(
    backend: str, db_location: str
) -> None:
    async with await Store.open(db_location):
        pass  # creates the tables
    terms = [_term(number) for number in range(MAX_TERMS_PER_KIND + 20)]
    await _insert_as_an_older_clamor(backend, db_location, terms)
    async with await Store.open(db_location) as store:
        assert (await store.guild_terms(1)).keywords == frozenset(terms[:MAX_TERMS_PER_KIND])
        # Nothing is lost: every term stays listed, so a moderator can see and remove them.
        assert (await store.list_terms(1))["keyword"] == terms
