"""The full analysis on hostile text, in English and Spanish, with hostile guild terms: it ends,
never raises, and gives an Analysis the rest of Clamor can store, print and explain."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis import CATEGORIES, Analysis, Analyzer, GuildTerms, analyze, explain, summarize
from bot.store import normalize_term
from bot.store.guilds import MAX_TERM_CHARS
from tests.hostile.guard import finishes
from tests.hostile.strategies import (
    ANY_CHARACTER,
    EMOJI_FLOOD,
    HOSTILE_TEXT,
    MIXED,
    REQUEST_PHRASES,
    SPANISH,
    WALL,
)


def _assert_valid(analysis: Analysis) -> None:
    tone = analysis.tone
    assert all(math.isfinite(x) for x in (tone.compound, tone.pos, tone.neu, tone.neg))
    assert -1.0 <= tone.compound <= 1.0
    assert all(0.0 <= x <= 1.0 for x in (tone.pos, tone.neu, tone.neg))
    assert (analysis.category is None) == (not analysis.request)
    assert analysis.category is None or analysis.category in CATEGORIES
    assert analysis.language
    # The bot stores it and the CLI prints it as UTF-8 JSON: no lone surrogate may survive.
    json.dumps(analysis._asdict(), ensure_ascii=False).encode("utf-8")
    for line in (summarize(analysis), *explain(analysis)):
        line.encode("utf-8")


@settings(max_examples=80, deadline=None)
@given(HOSTILE_TEXT)
def test_analyze_survives_any_text(text: str) -> None:
    _assert_valid(finishes(lambda: analyze(text), what="analyze"))


@settings(max_examples=40, deadline=None)
@given(st.one_of(WALL, EMOJI_FLOOD))
def test_long_walls_and_emoji_floods(text: str) -> None:
    _assert_valid(finishes(lambda: analyze(text), what="analyze on a wall"))


@settings(max_examples=60, deadline=None)
@given(SPANISH)
def test_spanish_chat_survives(text: str) -> None:
    _assert_valid(finishes(lambda: analyze(text), what="analyze (es)"))


@settings(max_examples=60, deadline=None)
@given(st.one_of(MIXED, WALL, SPANISH))
def test_the_bots_fast_path_decides_like_the_full_analysis(text: str) -> None:
    # The watcher skips tone for non-requests (score_all=False); what it logs, and how it
    # categorises it, must be exactly what `analyze` says.
    fast = finishes(lambda: Analyzer().analyze(text, score_all=False), what="fast analyze")
    full = analyze(text)
    assert (fast.request, fast.category, fast.text) == (full.request, full.category, full.text)


def _terms(raw: list[str]) -> frozenset[str]:
    # What the store would keep: normalised, non-empty, within the length limit.
    return frozenset(
        t for t in map(normalize_term, raw) if t and len(t) <= MAX_TERM_CHARS and t.isprintable()
    )


_TERM = st.one_of(
    st.text(ANY_CHARACTER.filter(lambda c: not 0xD800 <= ord(c) <= 0xDFFF), max_size=20),
    st.sampled_from(["(", ".*", "\\", "[a-", "sora", "open", "a|b", "(?x)", "$", "ü", "🔥"]),
    REQUEST_PHRASES,
)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(_TERM, max_size=4),
    st.lists(_TERM, max_size=4),
    st.lists(_TERM, max_size=4),
    st.one_of(MIXED, SPANISH, WALL),
)
def test_hostile_guild_terms(
    targets: list[str], keywords: list[str], ignore: list[str], text: str
) -> None:
    terms = GuildTerms(_terms(targets), _terms(keywords), _terms(ignore))
    analyzer = finishes(lambda: Analyzer(terms), what="building an Analyzer")
    _assert_valid(finishes(lambda: analyzer.analyze(text), what="analyze with guild terms"))
