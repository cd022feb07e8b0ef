"""clean_text: one row per kind of Discord markup, plus the invisible and hostile characters."""

from __future__ import annotations

import pytest

from bot.analysis import clean_text

CASES = [
    # code
    ("fenced block", "look ```py\nprint('open source it')\n``` here", "look here"),
    ("fenced block, no language", "a ```release the weights``` b", "a b"),
    ("unclosed fence renders as text", "```open source it", "open source it"),
    ("inline code", "run `pip install x` now", "run now"),
    ("double-backtick inline code", "see ``a`b`` there", "see there"),
    # links
    ("url", "read https://example.com/a?b=1 please", "read please"),
    ("suppressed-embed url", "see <https://example.com> ok", "see ok"),
    ("www url", "go to www.example.com now", "go to now"),
    ("masked link keeps its text", "[the repo](https://github.com/a/b) is up", "the repo is up"),
    # mentions
    ("user mention", "hey <@123> hi", "hey hi"),
    ("nickname mention", "hey <@!123> hi", "hey hi"),
    ("role mention", "ping <@&55> now", "ping now"),
    ("channel mention", "see <#42> for more", "see for more"),
    ("everyone", "@everyone open source it", "open source it"),
    ("timestamp", "at <t:1700000000:R> ok", "at ok"),
    # emoji
    ("custom emoji", "so sad <:pepe_cry:123>", "so sad pepe cry"),
    ("animated custom emoji", "<a:PepeHands:99>", "Pepe Hands"),
    ("known shortcode", "lol :joy:", "lol 😂"),
    ("adjacent shortcodes", ":sob::sob:", "😭 😭"),
    ("shortcode alias", ":+1:", "👍"),
    ("digit shortcode", ":100:", "💯"),
    ("skin tone modifier dropped", ":thumbsup::skin-tone-3:", "👍"),
    ("unknown shortcode becomes words", ":big_sad_frog:", "big sad frog"),
    ("clock time is not a shortcode", "at 12:30:45 sharp", "at 12:30:45 sharp"),
    ("variation selector removed", "❤️ it", "❤ it"),
    # markdown
    ("bold", "**open source** it", "open source it"),
    ("italics with stars", "*please* release", "please release"),
    ("italics with underscores", "_please_ release", "please release"),
    ("underline", "__Sora__ now", "Sora now"),
    ("strikethrough", "~~never~~ soon", "never soon"),
    ("spoiler", "||they will|| not", "they will not"),
    ("quote", "> release the weights\nagreed", "release the weights agreed"),
    ("block quote", ">>> all of this", "all of this"),
    ("heading", "# Big news\ntext", "Big news text"),
    ("subheading", "### small", "small"),
    ("subtext", "-# tiny note", "tiny note"),
    ("list item", "- first\n- second", "first second"),
    ("escaped markup", r"\*not bold\*", "not bold"),
    ("snake_case words", "open_source it", "open source it"),
    # invisible and hostile characters
    ("null bytes", "open\x00 source", "open source"),
    ("control characters", "a\x07b\x1bc", "abc"),
    ("zero-width space inside a word", "open\u200bsource", "opensource"),
    ("soft hyphen", "open\u00adsource", "opensource"),
    ("bidi override", "\u202eabc\u202c", "abc"),
    ("lone surrogate", "a\ud800b", "ab"),
    ("private use", "a\ue0a1b", "ab"),
    ("zalgo", "Z\u0334\u0321a\u0336l\u0337g\u0338o\u0335", "Zalgo"),
    ("accent in decomposed form composes", "co\u0301digo", "código"),
    ("styled letters fold to plain", "𝓸𝓹𝓮𝓷 𝓼𝓸𝓾𝓻𝓬𝓮", "open source"),
    ("whitespace collapsed", "  a \n\n\t b  ", "a b"),
    ("empty", "", ""),
    ("whitespace only", " \n\t ", ""),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [(r, e) for _, r, e in CASES], ids=[c[0] for c in CASES]
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_right_to_left_text_is_kept() -> None:
    assert clean_text("\u200fافتحوا الكود") == "افتحوا الكود"


@pytest.mark.parametrize(
    "raw",
    [
        "`" * 5000,
        "```" * 3000,
        "*_" * 5000,
        "<" * 5000 + ">",
        ":" * 5000,
        "[" * 3000 + "](" * 3000,
        "https://" * 2000,
        "a" * 50_000,
    ],
    ids=["backticks", "fences", "emphasis", "angles", "colons", "brackets", "urls", "huge"],
)
def test_pathological_markup_terminates_and_is_bounded(raw: str) -> None:
    cleaned = clean_text(raw)
    assert len(cleaned) <= 20_000
    assert "\n" not in cleaned
