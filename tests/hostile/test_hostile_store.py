"""The Store with hostile content: what goes in comes out, byte for byte (NUL, RTL, emoji,
4,000-character texts), and a lone surrogate never crashes a write.

Lone surrogates cannot be encoded as UTF-8, so SQLite cannot take them. Decision: what is stored
is the text with each lone surrogate replaced by U+FFFD, the marker the analysis already uses
(`Analysis.text`), so the bot's real path (analysis -> request_record -> Store) stores that.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis import analyze
from bot.store import TERM_KINDS, RequestRecord, Store, TermKind, author_hash, normalize_term
from bot.store.guilds import MAX_TERM_CHARS
from bot.watch.writer import request_record
from tests.hostile.guard import HANG_SECONDS
from tests.hostile.strategies import ANY_CHARACTER, EMOJI_FLOOD, HOSTILE_TEXT, MIXED, WALL

KEY = bytes(range(32))
_SURROGATE = re.compile(r"[\ud800-\udfff]")
T = TypeVar("T")
# A fresh guild and message id per example keeps examples apart in one database (message ids
# are unique across guilds, as on Discord).
_guild_ids = itertools.count(1)
_message_ids = itertools.count(1)
TOP_ID = (1 << 63) - 1  # the largest id SQLite can hold


def _fresh_message_id(near_top: bool) -> int:
    number = next(_message_ids)
    return TOP_ID - number if near_top else number


def _no_surrogates(char: str) -> bool:
    return not 0xD800 <= ord(char) <= 0xDFFF


VALID_TEXT = st.text(ANY_CHARACTER.filter(_no_surrogates), max_size=60)
VALID_CONTENT = st.one_of(
    VALID_TEXT,
    st.one_of(MIXED, WALL, EMOJI_FLOOD).map(lambda text: _SURROGATE.sub("", text)),
)


class StoreRunner:
    """One Store on one event loop for the whole module: hypothesis examples are synchronous."""

    def __init__(self, path: Path) -> None:
        self.runner = asyncio.Runner()
        self.store: Store = self.runner.run(Store.open(path))

    def run(self, call: Callable[[Store], Awaitable[T]]) -> T:
        return self.runner.run(self._guarded(call))

    async def _guarded(self, call: Callable[[Store], Awaitable[T]]) -> T:
        # A generous cap: a hang fails the example instead of stalling the suite.
        async with asyncio.timeout(HANG_SECONDS):
            return await call(self.store)

    def close(self) -> None:
        self.runner.run(self.store.close())
        self.runner.close()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreRunner]:
    runner = StoreRunner(tmp_path_factory.mktemp("hostile-store") / "clamor.db")
    yield runner
    runner.close()


def _record(guild_id: int, message_id: int, content: str, **fields: object) -> RequestRecord:
    values: dict[str, object] = {
        "message_id": message_id,
        "guild_id": guild_id,
        "channel_id": 7,
        "author_hash": "0" * 32,
        "created_at": 1_700_000_000.0,
        "content": content,
        "language": "en",
        "compound": 0.0,
        "pos": 0.0,
        "neu": 1.0,
        "neg": 0.0,
        "category": "demand",
        "targets": (),
        "alternatives": (),
        "cues": (),
        "edited": False,
    }
    values.update(fields)
    return RequestRecord(**values)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    content=VALID_CONTENT,
    author=VALID_TEXT,
    targets=st.lists(VALID_TEXT, max_size=4).map(tuple),
    cues=st.lists(VALID_TEXT, max_size=4).map(tuple),
    near_top=st.booleans(),
    created_at=st.floats(min_value=1.4e9, max_value=5e9),
)
def test_request_rows_round_trip(
    db: StoreRunner,
    content: str,
    author: str,
    targets: tuple[str, ...],
    cues: tuple[str, ...],
    near_top: bool,
    created_at: float,
) -> None:
    guild_id, message_id = next(_guild_ids), _fresh_message_id(near_top)
    record = _record(
        guild_id,
        message_id,
        content,
        author_hash=author,
        targets=targets,
        alternatives=tuple(reversed(targets)),
        cues=cues,
        created_at=created_at,
    )
    assert db.run(lambda store: store.upsert_request(record))
    assert db.run(lambda store: store.get_request(guild_id, message_id)) == record
    window = db.run(lambda store: store.requests_between(guild_id, created_at, created_at + 1))
    assert window == [record]


@settings(max_examples=40, deadline=None)
@given(text=HOSTILE_TEXT, author_id=st.integers(min_value=0, max_value=(1 << 64) - 1))
def test_the_bots_path_stores_what_the_analysis_read(
    db: StoreRunner, text: str, author_id: int
) -> None:
    # Whatever a member typed, the row written is the analysis of it, with U+FFFD in place of
    # each lone surrogate; the author is only ever the keyed hash.
    guild_id, message_id = next(_guild_ids), _fresh_message_id(near_top=False)
    analysis = analyze(text)
    record = request_record(
        message_id=message_id,
        guild_id=guild_id,
        channel_id=7,
        author_key=KEY,
        author_id=author_id,
        created_at=1_700_000_000.0,
        edited=False,
        analysis=analysis,
    )
    db.run(lambda store: store.upsert_request(record))
    stored = db.run(lambda store: store.get_request(guild_id, message_id))
    assert stored == record
    assert stored.content == _SURROGATE.sub("\ufffd", text)
    assert stored.author_hash == author_hash(KEY, author_id)


LONE_SURROGATES = ["\ud83d", "open source it \udc00", "\udfff\ud800 reversed pair"]


@pytest.mark.parametrize("content", LONE_SURROGATES)
def test_a_lone_surrogate_in_content_is_stored_as_a_replacement(
    db: StoreRunner, content: str
) -> None:
    guild_id, message_id = next(_guild_ids), _fresh_message_id(near_top=False)
    db.run(lambda store: store.upsert_request(_record(guild_id, message_id, content)))
    stored = db.run(lambda store: store.get_request(guild_id, message_id))
    assert stored is not None
    assert stored.content == _SURROGATE.sub("\ufffd", content)


@pytest.mark.parametrize("term", LONE_SURROGATES)
def test_a_lone_surrogate_in_a_term_does_not_crash_the_write(db: StoreRunner, term: str) -> None:
    guild_id = next(_guild_ids)
    db.run(lambda store: store.add_term(guild_id, "keyword", term))
    listed = db.run(lambda store: store.list_terms(guild_id))["keyword"]
    assert listed == [normalize_term(_SURROGATE.sub("\ufffd", term))]


_TERM = st.one_of(
    VALID_TEXT,
    st.sampled_from(["%", "_", "'; DROP TABLE guild_terms; --", "\x00", "ß", "İ", "Ǆ", "ﬁ"]),
)


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(TERM_KINDS), term=_TERM)
def test_terms_round_trip_normalised(db: StoreRunner, kind: TermKind, term: str) -> None:
    guild_id = next(_guild_ids)
    normal = normalize_term(term)
    if not normal or len(normal) > MAX_TERM_CHARS:
        with pytest.raises(ValueError, match="term"):
            db.run(lambda store: store.add_term(guild_id, kind, term))
        return
    assert db.run(lambda store: store.add_term(guild_id, kind, term))
    assert not db.run(lambda store: store.add_term(guild_id, kind, term))  # once only
    listed = db.run(lambda store: store.list_terms(guild_id))
    assert listed[kind] == [normal]
    assert db.run(lambda store: store.remove_term(guild_id, kind, term))
    assert db.run(lambda store: store.list_terms(guild_id))[kind] == []
