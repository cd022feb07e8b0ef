"""Length-preserving text folding, so rule matches on folded text map back to the clean text.

Rules are written without accents ("codigo abierto", "olvidense") and matched case-insensitively
against a folded copy of the clean text. Folding never changes the length of the string, so a
span found in the folded copy is the same span in the clean text and cues can quote the words
the user actually wrote ("código abierto", "Olvídense").
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "\u2018\u2019\u201b\u02bc\u2032\u00b4\u0060"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    # Latin-1 Supplement and Latin Extended-A/B cover Spanish, Portuguese, French, German, Italian.
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            table[code] = base
    for char in _APOSTROPHES:
        table[ord(char)] = "'"
    for char in _DOUBLE_QUOTES:
        table[ord(char)] = '"'
    for char in _DASHES:
        table[ord(char)] = "-"
    return table


_FOLD_TABLE = _build_fold_table()


def fold(text: str) -> str:
    """Strip Latin accents and unify quotes/dashes; the result has exactly len(text) characters."""
    return text.translate(_FOLD_TABLE)


def fold_lower(text: str) -> str:
    """Folded and lowercased, still exactly len(text) characters (spans stay valid)."""
    folded = fold(text)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    # A few characters lowercase to two ("İ" -> "i̇"); keep those as they are.
    return "".join(low if len(low := char.lower()) == 1 else char for char in folded)


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+(?:[.,]\d+)*")


def count_words(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))
