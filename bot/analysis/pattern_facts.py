"""Facts about a parsed rule pattern that hold for every match, read from ``re``'s own parser.

* required literals: strings one of which is in every match, and how far into the match that
  occurrence can start (its ``reach``);
* start prefixes: strings one of which every match starts with;
* width: the most characters a match can consume.

``literals.py`` uses them to run a regex only where a match could start. Anything the reader does
not understand gives ``None`` (no shortcut), so an unusual pattern is only slower, never wrong.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, NamedTuple

# The stdlib's own pattern parser (``sre_parse`` before 3.11, which now warns on import).
_PARSER: Any = importlib.import_module("re._parser")
_CONSTANTS: Any = importlib.import_module("re._constants")
_LITERAL = _CONSTANTS.LITERAL
_NOT_LITERAL = _CONSTANTS.NOT_LITERAL
_SUBPATTERN = _CONSTANTS.SUBPATTERN
_BRANCH = _CONSTANTS.BRANCH
_REPEATS = (_CONSTANTS.MAX_REPEAT, _CONSTANTS.MIN_REPEAT, _CONSTANTS.POSSESSIVE_REPEAT)
_MAXREPEAT = _CONSTANTS.MAXREPEAT
_ATOMIC = _CONSTANTS.ATOMIC_GROUP
_IN = _CONSTANTS.IN
_ANY = _CONSTANTS.ANY
_ZERO_WIDTH = frozenset((_CONSTANTS.AT, _CONSTANTS.ASSERT, _CONSTANTS.ASSERT_NOT))
_ONE_CHAR = frozenset((_IN, _ANY, _NOT_LITERAL, _LITERAL))
# Items that consume no text or any of many characters: they end a literal run, nothing more.
_NEUTRAL = _ZERO_WIDTH | {_IN, _ANY, _NOT_LITERAL, _CONSTANTS.CATEGORY}
# Character classes that contain / lack the space (``\s``, ``\W``, ``\D`` / ``\w``, ``\d``, ``\S``).
_SPACED = frozenset(
    _CONSTANTS.__dict__[f"CATEGORY_{name}"] for name in ("SPACE", "NOT_WORD", "NOT_DIGIT")
)
_UNSPACED = frozenset(
    _CONSTANTS.__dict__[f"CATEGORY_{name}"] for name in ("NOT_SPACE", "WORD", "DIGIT")
)
# Literals at least this long are rare enough in chat for a substring check to be worth it.
_SELECTIVE = 3
# Start prefixes are cut to this length, and a set that grows past _MAX_PREFIXES is cut shorter.
PREFIX_CHARS = 4
_MAX_PREFIXES = 200


class Width(NamedTuple):
    """At most ``chars + runs * R`` characters, R being the longest run of non-spaces in the
    text: an unbounded repeat of something that cannot match a space stays inside one run."""

    chars: int
    runs: int

    def __add__(self, other: object) -> Width:
        assert isinstance(other, Width)
        return Width(self.chars + other.chars, self.runs + other.runs)

    def times(self, count: int) -> Width:
        return Width(self.chars * count, self.runs * count)

    def most(self, other: Width) -> Width:
        return Width(max(self.chars, other.chars), max(self.runs, other.runs))

    def limit(self, longest_run: int) -> int:
        return self.chars + self.runs * longest_run


NOTHING = Width(0, 0)


def _consumes_space(items: Any) -> bool:
    """Could these items consume a space? True when unsure."""
    for op, av in items:
        if op == _LITERAL:
            found = av == 32
        elif op == _NOT_LITERAL:
            found = av != 32
        elif op == _IN:
            found = _class_has_space(av)
        elif op in _ZERO_WIDTH:
            found = False
        elif op == _SUBPATTERN:
            found = _consumes_space(av[3])
        elif op == _ATOMIC:
            found = _consumes_space(av)
        elif op == _BRANCH:
            found = any(_consumes_space(branch) for branch in av[1])
        elif op in _REPEATS:
            found = _consumes_space(av[2])
        else:
            found = True  # ANY, back-references, anything new
        if found:
            return True
    return False


def _class_has_space(members: Any) -> bool:
    negated = bool(members) and members[0][0] == _CONSTANTS.NEGATE
    inside = False
    for op, av in members[1:] if negated else members:
        if op == _LITERAL:
            inside |= av == 32
        elif op == _CONSTANTS.RANGE:
            inside |= av[0] <= 32 <= av[1]
        elif op == _CONSTANTS.CATEGORY and av in _SPACED | _UNSPACED:
            inside |= av in _SPACED
        else:
            return True  # unknown member: assume the worst
    return inside != negated


def width(items: Any) -> Width | None:
    """The most characters a match of these items consumes (None: no bound)."""
    total = NOTHING
    for op, av in items:
        if op in _ONE_CHAR:
            part: Width | None = Width(1, 0)
        elif op in _ZERO_WIDTH:
            part = NOTHING
        elif op == _SUBPATTERN:
            part = width(av[3])
        elif op == _ATOMIC:
            part = width(av)
        elif op == _BRANCH:
            part = _widest(av[1])
        elif op in _REPEATS:
            _low, high, sub = av
            if high != _MAXREPEAT:
                inner = width(sub)
                part = inner.times(high) if inner is not None else None
            else:
                part = None if _consumes_space(sub) else Width(0, 1)
        else:
            part = None
        if part is None:
            return None
        total = total + part
    return total


def _widest(branches: Any) -> Width | None:
    widest = NOTHING
    for branch in branches:
        part = width(branch)
        if part is None:
            return None
        widest = widest.most(part)
    return widest


class Needed(NamedTuple):
    """One of ``literals`` is in every match, starting at most ``reach`` into it."""

    literals: frozenset[str]
    reach: Width | None


def _offset(before: Width | None, inner: Width | None) -> Width | None:
    return None if before is None or inner is None else before + inner


def _better(a: Needed, b: Needed | None) -> Needed:
    """A literal of one or two characters is in nearly every message, so it filters nothing:
    prefer sets whose shortest literal is at least three long, then fewer of them."""
    if b is None:
        return a
    return min(a, b, key=lambda needed: _cost(needed.literals))


def _cost(literals: frozenset[str]) -> tuple[bool, int, int]:
    shortest = min((len(literal) for literal in literals), default=0)
    selective = shortest >= _SELECTIVE
    return (not selective, len(literals) if selective else 0, -shortest)


def _sequence(items: Any) -> Needed | None:
    """Literals one of which any match of this sequence of parsed items contains."""
    best: Needed | None = None
    run: list[str] = []
    run_start: Width | None = NOTHING
    before: Width | None = NOTHING  # the width of the items so far
    for op, av in items:
        if op == _LITERAL:
            if not run:
                run_start = before
            run.append(chr(av))
            before = _offset(before, Width(1, 0))
            continue
        if run:
            best = _better(Needed(frozenset({"".join(run)}), run_start), best)
            run = []
        needed: Needed | None
        if op == _SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                return None  # inline flags ("(?i:...)") change what a literal matches
            needed = _sequence(sub)
        elif op == _ATOMIC:
            needed = _sequence(av)
        elif op == _BRANCH:
            needed = _branches(av[1])
        elif op in _REPEATS:
            low, _high, sub = av
            needed = _sequence(sub) if low >= 1 else None  # the first pass has one
        elif op in _NEUTRAL:
            needed = None
        else:
            return None  # back-references, conditionals, anything new: no shortcut
        if needed is not None:
            best = _better(Needed(needed.literals, _offset(before, needed.reach)), best)
        before = _offset(before, width([(op, av)]))
    if run:
        best = _better(Needed(frozenset({"".join(run)}), run_start), best)
    return best


def _branches(branches: Any) -> Needed | None:
    union: set[str] = set()
    reach: Width | None = NOTHING
    for branch in branches:
        needed = _sequence(branch)
        if needed is None:
            return None  # this branch can match without any known literal
        union |= needed.literals
        reach = None if reach is None or needed.reach is None else reach.most(needed.reach)
    return Needed(frozenset(union), reach)


def parse(regex: re.Pattern[str]) -> Any | None:
    """The parsed pattern of a case-sensitive regex (rules run on lowercased text without
    IGNORECASE), or None."""
    if regex.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        return _PARSER.parse(regex.pattern, regex.flags)
    except (re.error, ValueError, TypeError, AttributeError):
        return None


def needed_literals(parsed: Any) -> Needed | None:
    try:
        needed = _sequence(parsed)
    except (ValueError, TypeError, AttributeError):
        return None
    if not needed or any(not literal for literal in needed.literals):
        return None
    return needed


# ---- start prefixes -----------------------------------------------------------------------
# A set of (text, whole) pairs: every match of the items read so far starts with one of the
# texts, and ``whole`` says the match is exactly that text (so what follows may extend it).
_Prefixes = frozenset[tuple[str, bool]]
_EMPTY: _Prefixes = frozenset({("", True)})
_UNKNOWN: _Prefixes = frozenset({("", False)})
_MAX_CLASS = 16  # a character class of at most this many characters is spelled out


def _joined(heads: _Prefixes, tails: _Prefixes) -> _Prefixes:
    out: set[tuple[str, bool]] = set()
    for head, whole in heads:
        if not whole:
            out.add((head, False))
            continue
        for tail, tail_whole in tails:
            text = head + tail
            out.add(
                (text[:PREFIX_CHARS], False) if len(text) > PREFIX_CHARS else (text, tail_whole)
            )
    while len(out) > _MAX_PREFIXES:  # cut every text shorter until the set is small again
        size = max(len(text) for text, _whole in out) - 1
        out = {(text[:size], False) if len(text) > size else (text, w) for text, w in out}
    return frozenset(out)


def _class_chars(members: Any) -> _Prefixes:
    chars: set[tuple[str, bool]] = set()
    for op, av in members:
        if op == _LITERAL:
            chars.add((chr(av), True))
        elif op == _CONSTANTS.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.update((chr(code), True) for code in range(av[0], av[1] + 1))
        else:
            return _UNKNOWN  # a negated set, \w, a wide range: any of many characters
    return frozenset(chars) if len(chars) <= _MAX_CLASS else _UNKNOWN


def _starts(items: Any) -> _Prefixes:
    prefixes = _EMPTY
    for op, av in items:
        if not any(whole for _text, whole in prefixes):
            break  # every prefix is already cut short: later items cannot extend one
        prefixes = _joined(prefixes, _item_starts(op, av))
    return prefixes


def _item_starts(op: Any, av: Any) -> _Prefixes:
    if op == _LITERAL:
        return frozenset({(chr(av), True)})
    if op == _IN:
        return _class_chars(av)
    if op in _ZERO_WIDTH:
        return _EMPTY
    if op == _SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        return _UNKNOWN if add_flags or del_flags else _starts(sub)
    if op == _ATOMIC:
        return _starts(av)
    if op == _BRANCH:
        return frozenset().union(*(_starts(branch) for branch in av[1]))
    if op in _REPEATS:
        low, high, sub = av
        once = _starts(sub)
        if high != 1:  # a second pass may follow the first: no prefix is the whole match
            once = frozenset((text, False) for text, _whole in once)
        return once | _EMPTY if low == 0 else once
    return _UNKNOWN


def start_prefixes(parsed: Any) -> tuple[str, ...] | None:
    """Strings one of which every match starts with (None when a match could start with
    anything), none of them a prefix of another."""
    try:
        texts = sorted({text for text, _whole in _starts(parsed)}, key=lambda t: (len(t), t))
    except (ValueError, TypeError, AttributeError):
        return None
    if not texts or not texts[0]:
        return None
    kept: list[str] = []
    for text in texts:
        if not any(text.startswith(shorter) for shorter in kept):
            kept.append(text)
    return tuple(kept)


def starts_after_non_word(parsed: Any) -> bool:
    """Does the pattern begin with ``(?<!\\w)`` (``lexicon.bounded``), so that every match
    starts at the beginning of the text or right after a character that is not a word one?"""
    if not parsed:
        return False
    op, av = parsed[0]
    if op != _CONSTANTS.ASSERT_NOT or av[0] != -1 or len(av[1]) != 1:
        return False
    return bool(av[1][0] == (_IN, [(_CONSTANTS.CATEGORY, _CONSTANTS.CATEGORY_WORD)]))


def leading_runs(regex: re.Pattern[str], parsed: Any) -> frozenset[str]:
    """Characters c such that every match starting with c starts with an unbounded run of c's
    (``\\ue0a2+``, an entity marker). A match attempt inside such a run can then only succeed if
    the attempt one character earlier did: its run is a suffix of that one's, and nothing in a
    pattern without groups depends on where the match started (its look-behinds see the text)."""
    if regex.groups or not starts_after_non_word(parsed):
        return frozenset()
    try:
        return _runs(list(parsed[1:]))
    except (ValueError, TypeError, AttributeError):
        return frozenset()


def _runs(items: list[Any]) -> frozenset[str]:
    if not items:
        return frozenset()
    (op, av), rest = items[0], items[1:]
    if op == _SUBPATTERN and not av[1] and not av[2]:
        return _runs([*av[3], *rest])
    if op in _REPEATS:
        low, high, sub = av
        if low >= 1 and high == _MAXREPEAT and len(sub) == 1 and sub[0][0] == _LITERAL:
            return frozenset({chr(sub[0][1])})
        return frozenset()
    if op != _BRANCH:
        return frozenset()
    runs: list[frozenset[str]] = []
    firsts: list[frozenset[str]] = []
    for branch in av[1]:
        texts = {text for text, _whole in _starts([*branch, *rest])}
        if "" in texts:
            return frozenset()  # a branch that could start with anything
        firsts.append(frozenset(text[0] for text in texts))
        runs.append(_runs([*branch, *rest]))
    candidates = frozenset().union(*runs)
    return frozenset(
        char
        for char in candidates
        if all(char in run or char not in first for run, first in zip(runs, firsts, strict=True))
    )
