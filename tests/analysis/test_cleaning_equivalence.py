"""The cleaning patterns were respelled for speed; they must find exactly what the plain spellings
(kept here as the reference) find, on any text."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis import cleaning

# The characters these patterns care about, their case partners (ſ is an s, ı and İ are i's
# under IGNORECASE), word and non-word neighbours.
ALPHABET = "hHtTpPsSſwWdDiIıİcCoOrRgGaxX0@:/.<>*_-^;='`~|\\ \n\t\u00a0é1"
TEXTS = st.text(alphabet=ALPHABET, max_size=60) | st.text(max_size=30)
PIECES = st.lists(
    st.sampled_from(
        ["https://", "HTTP://", "www.", "WwW.", "discord.gg/", "<", ">", ":joy:", "**", "__",
         "-_-", "^_^", ":*", "*_*", "a_b", " ", "x", "_", "*"]
    )
    | TEXTS,
    max_size=8,
).map("".join)  # fmt: skip

REFERENCES = [
    (
        cleaning._URL,
        re.compile(r"<?(?:https?://|www\.|discord\.gg/)[^\s<>]+>?", re.IGNORECASE),
    ),
    (cleaning._SHORTCODE, re.compile(r"(?<!\w):([a-z0-9_+\-]{1,40}):(?!\w)", re.IGNORECASE)),
    (cleaning._EDGE_MARKUP, re.compile(r"(?<!\w)[*_]+|[*_]+(?!\w)")),
    (cleaning._INNER_UNDERSCORE, re.compile(r"(?<=\w)_(?=\w)")),
    (
        cleaning._EMOTICON,
        re.compile(r"(?<!\S)(?:[:;=][-']?\*|[-^tT;>oO0xX@][_.][-^tT;<oO0xX@]|\*[-_.]?\*)(?!\S)"),
    ),
]


def matches(regex: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple[str, ...]]]:
    return [(match.span(), match.groups()) for match in regex.finditer(text)]


@pytest.mark.parametrize(("fast", "plain"), REFERENCES, ids=lambda r: str(r)[:40])
def test_respelled_pattern_matches_like_the_plain_one_on_examples(
    fast: re.Pattern[str], plain: re.Pattern[str]
) -> None:
    examples = [
        "see https://x.io/a and <HTTPS://Y.io> or www.z.com, discord.gg/abc",
        "httpſ://a.b ḧttp://no WWW.CAPS.ORG dIscord.GG/x <www.>",
        ":joy: a:b:c :skin-tone-2: x:30:y",
        "**bold** __u__ snake_case _lead trail_ *a*b* -_- ^_^ :* *_* ;_;",
    ]
    for text in examples:
        assert matches(fast, text) == matches(plain, text)


@settings(max_examples=400, deadline=None)
@given(PIECES)
def test_respelled_patterns_match_like_the_plain_ones(text: str) -> None:
    for fast, plain in REFERENCES:
        assert matches(fast, text) == matches(plain, text), (plain.pattern, text)


def test_only_the_capitals_share_a_case_with_h_w_and_d() -> None:
    """The URL pattern spells the first letters h/H, w/W, d/D instead of IGNORECASE."""
    for letter in "hwd":
        regex = re.compile(letter, re.IGNORECASE)
        partners = {chr(code) for code in range(sys.maxunicode + 1) if regex.match(chr(code))}
        assert partners == {letter, letter.upper()}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_splitting_on_whitespace_equals_collapsing_it(text: str) -> None:
    assert " ".join(text.split()) == re.sub(r"\s+", " ", text).strip()
