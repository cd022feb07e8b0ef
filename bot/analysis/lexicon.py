"""Loading the word lists in ``bot/analysis/data``, and the regexes built from them.

Every table is a UTF-8, tab-separated file: one row per line, ``#`` starts a comment line, blank
lines are ignored. Word columns are written against *folded* text (see ``folding.py``: no
accents, straight quotes); the entity table's patterns match case-insensitively.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import NamedTuple, TypeAlias


class LexiconError(ValueError):
    """A data table is malformed; raised at import time so a bad edit fails loudly in tests."""


class Row(NamedTuple):
    """One row of a table, remembering where it came from for error messages."""

    source: str
    line: int
    cells: tuple[str, ...]


# Clamor is installed as files (by pip, editable or not), never zipped: its data is read from the
# package's folder. importlib.resources, which reads zipped packages too, would add 5 ms of
# imports to every start of `clamor classify`.
_DATA = os.path.join(os.path.dirname(__file__), "data")


def data_file(name: str) -> str:
    """The path of ``data/<name>``."""
    return os.path.join(_DATA, name)


def read_table(name: str, columns: int) -> tuple[Row, ...]:
    """Rows of ``data/<name>``, each with ``columns`` cells (missing trailing cells are empty)."""
    with open(data_file(name), encoding="utf-8") as table:
        text = table.read()
    rows: list[Row] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = tuple(cell.strip() for cell in raw.split("\t"))
        if len(cells) < columns:
            cells = cells + ("",) * (columns - len(cells))
        if len(cells) != columns or not cells[0]:
            raise LexiconError(f"{name}:{number}: expected {columns} tab-separated cells")
        rows.append(Row(source=name, line=number, cells=cells))
    return tuple(rows)


def bounded(pattern: str) -> str:
    r"""Wrap a fragment so it only matches whole words. The match may not start right after a
    word character, so a fragment for "?" must include the word before it (``[\w']+\?``)."""
    return rf"(?<!\w)(?:{pattern})(?!\w)"


def split_words(cell: str) -> tuple[str, ...]:
    """A cell holding a ``|``-separated list."""
    return tuple(item.strip() for item in cell.split("|") if item.strip())


_Trie: TypeAlias = "dict[str, _Trie]"


def _trie_pattern(words: Iterable[str], *, whole: bool = False) -> str:
    """A regex alternation shaped like a trie ("op(?:en|t)"): ``re`` tries alternatives one by
    one at every position, so sharing prefixes makes a few hundred stems cost a few dozen.
    ``whole``: every word must be matched to its end ("repo" and "repos": "repo(?:s)?"), since
    the caller checks what follows; otherwise a prefix match is enough."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a stem ends here

    def render(node: _Trie) -> str:
        ends = "" in node
        if ends and not whole:
            return ""  # a prefix match is enough: longer stems add nothing
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        if ends:
            return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"
        return body

    return render(trie)


def joins_words(char: str) -> bool:
    """True for scripts written without spaces between words (Chinese, Japanese; Korean glues
    particles on), where a stem must be found anywhere, not only at a word start."""
    code = ord(char)
    return 0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF


def _starts_word(stem: str) -> bool:
    return (stem[0].isalnum() or stem[0] == "_") and not joins_words(stem[0])


def stems_regex(stems: Iterable[str], words: Iterable[str] = ()) -> re.Pattern[str]:
    """One fast regex finding any stem at a word start, or any of ``words`` as a whole word (a
    digit may follow: "wan2.1"), for *lowercased* text (no IGNORECASE: case-insensitive
    alternations are several times slower in ``re``)."""
    unique = {stem.lower() for stem in stems if stem}
    starts = [s for s in unique if _starts_word(s)]
    others = [s for s in unique if s not in starts]
    whole = {word.lower() for word in words if word and _starts_word(word)} - unique
    at_word_start = []
    if starts:
        at_word_start.append(_trie_pattern(starts))
    if whole:
        at_word_start.append(rf"{_trie_pattern(whole, whole=True)}(?![^\W\d_])")
    branches = []
    if len(at_word_start) == 1:
        branches.append(rf"\b{at_word_start[0]}")
    elif at_word_start:  # one \b for both: re tests each branch at every position
        branches.append(rf"\b(?:{'|'.join(at_word_start)})")
    if others:
        branches.append(_trie_pattern(others))
    return re.compile("|".join(branches) or r"(?!x)x")
