"""Which rules have one of their words in a text, found in one pass over the text.

The detector needs, per message, the rules with an anchor present, and the categoriser the rules
with a required literal present (``literals.py``). Testing each string of each rule with ``in``
is hundreds of scans of the same text; one regex shaped like a trie of all the strings finds
every occurrence in a single scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.analysis.lexicon import _trie_pattern


@dataclass(frozen=True, slots=True)
class LiteralIndex:
    # At each position, the shortest string starting there; `longer` holds the strings that
    # extend it, checked with `startswith` where it is found.
    shortest: re.Pattern[str] | None
    longer: dict[str, tuple[str, ...]]
    owners: dict[str, frozenset[int]]  # string -> numbers of the rules that listed it

    @classmethod
    def of(cls, strings_per_rule: Sequence[Iterable[str]]) -> LiteralIndex:
        """The index of rule number i -> its strings (empty strings are left out)."""
        owners: dict[str, set[int]] = {}
        for number, strings in enumerate(strings_per_rule):
            for string in strings:
                if string:
                    owners.setdefault(string, set()).add(number)
        ordered = sorted(owners)
        longer = {a: tuple(b for b in ordered if b != a and b.startswith(a)) for a in ordered}
        # A lookahead matches at every position, so overlapping occurrences are all seen.
        shortest = re.compile(f"(?=({_trie_pattern(ordered)}))") if ordered else None
        frozen = {string: frozenset(numbers) for string, numbers in owners.items()}
        return cls(shortest, longer, frozen)

    def rules_in(self, text: str) -> set[int]:
        """Numbers of the rules with one of their strings in `text` (``string in text``)."""
        found: set[int] = set()
        if self.shortest is None:
            return found
        owners, longer = self.owners, self.longer
        for match in self.shortest.finditer(text):
            string = match.group(1)
            found |= owners[string]
            for extension in longer[string]:
                if text.startswith(extension, match.start()):
                    found |= owners[extension]
        return found
