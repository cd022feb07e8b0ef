"""Run a rule regex only where a match could start, with the same result as ``regex.search``.

``re`` cannot skip ahead on the rule patterns (they start with a look-behind), so every rule
costs a full scan of the text even when it cannot match; on a long message full of trigger words
a hundred such scans were most of the analysis time. ``pattern_facts`` reads from the parsed
pattern the strings every match starts with and the literals one of which every match contains
(and how far into the match). On a long text, ``first_match`` then tries the regex (``match`` at
a position, which sees the text before it as ``search`` does) only at the positions not after a
word character that start with one of those prefixes, in order, so the first success is the
leftmost match ``search`` would have found. A rule without known prefixes is tried at the
positions a little before its literals.

Where each prefix occurs is indexed once per text and shared by every rule: the detector and the
categoriser run all their rules over the same two texts of a message. Measured on walls of text
full of trigger words, also narrowing the prefixed starts down to those with a literal close
after them cost more (finding every literal) than it saved.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate

from bot.analysis.pattern_facts import (
    PREFIX_CHARS,
    Width,
    leading_runs,
    needed_literals,
    parse,
    start_prefixes,
    starts_after_non_word,
)

# Below this length a full scan costs less than indexing the text.
INDEX_FROM_CHARS = 300
_NON_WORD = re.compile(r"\W")


@dataclass(frozen=True, slots=True)
class SearchPlan:
    regex: re.Pattern[str]
    literals: tuple[str, ...] | None  # one of them is in every match ...
    reach: Width | None  # ... starting at most this far into it (None: no bound)
    starts: tuple[str, ...] | None  # every match starts with one of these
    starts_by_length: tuple[tuple[int, frozenset[str]], ...] = ()  # the same, grouped
    after_non_word: bool = False  # ... and not right after a word character
    runs: frozenset[str] = frozenset()  # see pattern_facts.leading_runs


class RequiredLiterals(tuple[str, ...]):
    """Strings one of which is in every match, carrying the plan ``may_contain`` uses."""

    plan: SearchPlan

    def __new__(cls, plan: SearchPlan) -> RequiredLiterals:
        literals = super().__new__(cls, plan.literals or ())
        literals.plan = plan
        return literals


@cache
def plan_for(regex: re.Pattern[str]) -> SearchPlan:
    parsed = parse(regex)
    if parsed is None:
        return SearchPlan(regex, None, None, None)
    needed = needed_literals(parsed)
    literals = None
    if needed is not None:
        literals = tuple(sorted(needed.literals, key=lambda s: (-len(s), s)))
    after_non_word = starts_after_non_word(parsed)
    starts = start_prefixes(parsed) if after_non_word else None
    return SearchPlan(
        regex,
        literals,
        needed.reach if needed else None,
        starts,
        _by_length(starts or ()),
        after_non_word,
        leading_runs(regex, parsed),
    )


def _by_length(prefixes: tuple[str, ...]) -> tuple[tuple[int, frozenset[str]], ...]:
    sizes = sorted({len(prefix) for prefix in prefixes})
    return tuple((size, frozenset(p for p in prefixes if len(p) == size)) for size in sizes)


def required_literals(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which is in every match of ``regex``, or None when that cannot be told.
    Only for case-sensitive patterns (rules run on lowercased text without IGNORECASE)."""
    plan = plan_for(regex)
    return None if plan.literals is None else RequiredLiterals(plan)


def may_contain(text: str, literals: tuple[str, ...] | None) -> bool:
    """False only when the regex these literals came from cannot match ``text``: on a long
    text that is exact (the regex is tried where a match could start), on a short one it only
    checks that a required literal is present."""
    if literals is None:
        return True
    if isinstance(literals, RequiredLiterals) and len(text) >= INDEX_FROM_CHARS:
        return first_match(literals.plan, text) is not None
    return any(literal in text for literal in literals)


class _TextIndex:
    """Where in one text a match can start (built lazily)."""

    __slots__ = ("_by_prefix", "_longest_run", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._by_prefix: dict[int, dict[str, list[int]]] = {}
        self._longest_run: int | None = None

    @property
    def boundaries(self) -> list[int]:
        """Positions not right after a word character: the start, and after each non-word
        character (from the lengths of the pieces between them, without a Match per position)."""
        if self._starts is None:
            after = accumulate([len(piece) + 1 for piece in _NON_WORD.split(self.text)], initial=0)
            self._starts = list(after)[:-1]
        return self._starts

    def starting_with(self, groups: tuple[tuple[int, frozenset[str]], ...]) -> list[int]:
        """Sorted positions not right after a word character where one of the prefixes (at most
        PREFIX_CHARS long, grouped by length) begins."""
        found: list[int] = []
        for size, prefixes in groups:
            table = self._by_prefix.get(size)
            if table is None:
                table = self._prefix_table(size)
            for prefix in table.keys() & prefixes:
                found.extend(table[prefix])
        found.sort()
        return found

    def _prefix_table(self, size: int) -> dict[str, list[int]]:
        table: dict[str, list[int]] = {}
        if size < PREFIX_CHARS:
            # Shorter keys from the full-length table: fewer keys than positions to go over.
            full = self._by_prefix.get(PREFIX_CHARS)
            for key, positions in (full or self._prefix_table(PREFIX_CHARS)).items():
                table.setdefault(key[:size], []).extend(positions)
        else:
            text = self.text
            for start in self.boundaries:
                key = text[start : start + size]
                found = table.get(key)
                if found is None:
                    table[key] = [start]
                else:
                    found.append(start)
        self._by_prefix[size] = table
        return table

    def occurrences(self, literals: tuple[str, ...]) -> list[int]:
        """Sorted positions where one of ``literals`` begins."""
        found: list[int] = []
        text = self.text
        for literal in literals:
            at = text.find(literal)
            while at >= 0:
                found.append(at)
                at = text.find(literal, at + 1)
        found.sort()
        return found

    @property
    def longest_run(self) -> int:
        """Characters in the longest stretch without a space (see ``Width``)."""
        if self._longest_run is None:
            self._longest_run = max(map(len, self.text.split(" ")))
        return self._longest_run


_index = lru_cache(maxsize=8)(_TextIndex)


def first_match(plan: SearchPlan, text: str) -> re.Match[str] | None:
    """``plan.regex.search(text)``, trying only the positions where a match could start."""
    if plan.literals is not None and not any(literal in text for literal in plan.literals):
        return None
    if len(text) < INDEX_FROM_CHARS or (plan.literals is None and plan.starts is None):
        return plan.regex.search(text)
    index = _index(text)
    if plan.starts is not None:
        starts = index.starting_with(plan.starts_by_length)
    else:
        assert plan.literals is not None
        literal_at = index.occurrences(plan.literals)
        limit = None if plan.reach is None else plan.reach.limit(index.longest_run)
        if limit is None or not plan.after_non_word:
            # A match contains a literal starting at most ``limit`` into it: none starts earlier.
            return plan.regex.search(text, 0 if limit is None else max(0, literal_at[0] - limit))
        starts = _windows(index.boundaries, literal_at, limit)
    match = plan.regex.match
    runs = plan.runs
    failed = -2  # the last position known to have no match
    for start in starts:
        if start == failed + 1 and text[start] in runs and text[start - 1] == text[start]:
            failed = start  # inside a run of the character whose previous position failed
            continue
        found = match(text, start)
        if found:
            return found
        failed = start
    return None


def _windows(boundaries: list[int], literal_at: list[int], limit: int) -> list[int]:
    """The boundaries at most ``limit`` before a literal occurrence (both sorted)."""
    kept: list[int] = []
    done = 0  # boundaries[:done] are already kept or ruled out
    for at in literal_at:
        low = max(done, bisect_left(boundaries, at - limit))
        done = max(done, bisect_right(boundaries, at))
        kept.extend(boundaries[low:done])
    return kept
