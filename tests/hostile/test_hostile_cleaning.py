"""clean_text on anything a stranger can type: it ends, it never raises, and what comes out is
one line of printable, UTF-8-encodable text with the invisible tricks removed."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis import clean_text
from bot.analysis.cleaning import MAX_INPUT_CHARS
from tests.hostile.guard import finishes
from tests.hostile.strategies import HOSTILE_TEXT, INVISIBLE, MIXED, REQUEST_PHRASES

# What clean_text promises to remove (a subset of its own table): the characters used to hide
# a word from a filter or to reorder what a reader sees.
REMOVED = "\x00\x07\x1b\x7f\u00ad\u061c\u180e\u200b\u200c\u200e\u200f\u202a\u202e\u2060\ufeff"
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _assert_clean(cleaned: str) -> None:
    assert cleaned == cleaned.strip()
    assert "\n" not in cleaned
    assert "\r" not in cleaned
    assert "\t" not in cleaned
    assert not _SURROGATE.search(cleaned)
    assert not any(char in REMOVED for char in cleaned)
    assert not any(unicodedata.category(char) == "Cc" for char in cleaned)
    cleaned.encode("utf-8")  # storable and printable as it is


@settings(max_examples=120, deadline=None)
@given(HOSTILE_TEXT)
def test_any_text_cleans_to_one_safe_line(text: str) -> None:
    cleaned = finishes(lambda: clean_text(text), what="clean_text")
    _assert_clean(cleaned)


@settings(max_examples=100, deadline=None)
@given(MIXED, st.data())
def test_invisible_characters_change_nothing(text: str, data: st.DataObject) -> None:
    # "open\u200bsource" must read as "opensource", not slip past the rules as two words.
    spots = data.draw(st.lists(st.integers(0, len(text)), max_size=6), label="spots")
    hidden = data.draw(st.lists(st.sampled_from(REMOVED), min_size=len(spots)), label="chars")
    pieces = list(text)
    for spot, char in sorted(zip(spots, hidden, strict=False), reverse=True):
        pieces.insert(spot, char)
    assert clean_text("".join(pieces)) == clean_text(text)


@settings(max_examples=40, deadline=None)
@given(REQUEST_PHRASES, st.lists(INVISIBLE, min_size=1, max_size=3).map("".join))
def test_a_wall_past_the_input_cap_is_cut_not_choked_on(phrase: str, noise: str) -> None:
    wall = (phrase + noise + " ") * (MAX_INPUT_CHARS // len(phrase) + 50)
    cleaned = finishes(lambda: clean_text(wall), what="clean_text on a wall")
    _assert_clean(cleaned)
    assert len(cleaned) <= MAX_INPUT_CHARS
