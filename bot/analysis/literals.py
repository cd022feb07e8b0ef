"""Required literals of a compiled rule regex: a substring check that can skip the regex.

``re`` cannot skip ahead on the rule patterns (they start with a look-behind), so a rule that
cannot match still costs a full scan of the text; with a hundred rules over a long message that
was most of the analysis time. ``required_literals`` reads the parsed pattern and returns strings
of which every match must contain at least one, so ``any(s in text for s in literals)`` being
False proves the regex has no match. Anything the reader does not understand gives ``None``
(no shortcut), so an unusual pattern is only slower, never wrong.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# The stdlib's own pattern parser (``sre_parse`` before 3.11, which now warns on import).
_PARSER: Any = importlib.import_module("re._parser")
_CONSTANTS: Any = importlib.import_module("re._constants")
_LITERAL = _CONSTANTS.LITERAL
_SUBPATTERN = _CONSTANTS.SUBPATTERN
_BRANCH = _CONSTANTS.BRANCH
_REPEATS = (_CONSTANTS.MAX_REPEAT, _CONSTANTS.MIN_REPEAT, _CONSTANTS.POSSESSIVE_REPEAT)
_ATOMIC = _CONSTANTS.ATOMIC_GROUP
# Items that consume no text or any of many characters: they end a literal run, nothing more.
_NEUTRAL = frozenset(
    _CONSTANTS.__dict__[name]
    for name in ("AT", "ASSERT", "ASSERT_NOT", "IN", "ANY", "NOT_LITERAL", "CATEGORY")
)
# Literals at least this long are rare enough in chat for a substring check to be worth it.
_SELECTIVE = 3


def _better(a: frozenset[str], b: frozenset[str] | None) -> frozenset[str]:
    """A literal of one or two characters is in nearly every message, so it filters nothing:
    prefer sets whose shortest literal is at least three long, then fewer of them."""
    if b is None:
        return a
    return min(a, b, key=_cost)


def _cost(literals: frozenset[str]) -> tuple[bool, int, int]:
    shortest = min((len(literal) for literal in literals), default=0)
    selective = shortest >= _SELECTIVE
    return (not selective, len(literals) if selective else 0, -shortest)


def _sequence(items: Any) -> frozenset[str] | None:
    """Literals one of which any match of this sequence of parsed items contains."""
    best: frozenset[str] | None = None
    run: list[str] = []
    for op, av in items:
        if op == _LITERAL:
            run.append(chr(av))
            continue
        if run:
            best = _better(frozenset({"".join(run)}), best)
            run = []
        needed: frozenset[str] | None
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
            needed = _sequence(sub) if low >= 1 else None
        elif op in _NEUTRAL:
            needed = None
        else:
            return None  # back-references, conditionals, anything new: no shortcut
        if needed is not None:
            best = _better(needed, best)
    if run:
        best = _better(frozenset({"".join(run)}), best)
    return best


def _branches(branches: Any) -> frozenset[str] | None:
    union: set[str] = set()
    for branch in branches:
        needed = _sequence(branch)
        if needed is None:
            return None  # this branch can match without any known literal
        union |= needed
    return frozenset(union)


def required_literals(regex: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which is in every match of ``regex``, or None when that cannot be told.
    Only for case-sensitive patterns (rules run on lowercased text without IGNORECASE)."""
    if regex.flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        parsed = _PARSER.parse(regex.pattern, regex.flags)
        needed = _sequence(parsed)
    except (re.error, ValueError, TypeError, AttributeError):
        return None
    if not needed or any(not literal for literal in needed):
        return None
    return tuple(sorted(needed, key=lambda s: (-len(s), s)))


def may_contain(text: str, literals: tuple[str, ...] | None) -> bool:
    """False only when ``text`` lacks every required literal (the regex cannot match)."""
    return literals is None or any(literal in text for literal in literals)
