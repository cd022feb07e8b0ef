"""Discord emoji: the shortcode table and a cheap "is this character an emoji" test."""

from __future__ import annotations

import re
from functools import cache

from bot.analysis.lexicon import LexiconError, read_table, split_words

# Pictographic blocks; enough to bound emoji floods and to tell "only emoji" from text.
_EMOJI_RANGES: tuple[tuple[int, int], ...] = (
    (0x1F000, 0x1FAFF),  # mahjong .. symbols and pictographs extended-A (faces, hands, flags)
    (0x2600, 0x27BF),  # miscellaneous symbols, dingbats
    (0x2B00, 0x2BFF),  # arrows and stars (⭐, ⬆)
    (0x2190, 0x21FF),  # arrows
    (0x2300, 0x23FF),  # technical (⌛, ⏰)
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3299),
)


EMOJI_CHAR = re.compile(
    "["
    + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in _EMOJI_RANGES)
    + "]"
)


def is_emoji(char: str) -> bool:
    return EMOJI_CHAR.match(char) is not None


@cache
def shortcodes() -> dict[str, str]:
    """``joy`` -> 😂 for the built-in table of common Discord shortcodes (aliases included)."""
    table: dict[str, str] = {}
    for row in read_table("emoji_shortcodes.tsv", 2):
        names, emoji = row.cells
        if not emoji:
            raise LexiconError(f"{row.source}:{row.line}: shortcode without an emoji")
        for name in split_words(names):
            table[name] = emoji
    return table
