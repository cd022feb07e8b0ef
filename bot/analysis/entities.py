"""Targets (what people want opened) and open alternatives, by canonical name.

All names live in ``data/entities.tsv``. One regex of their stems finds where a name may start,
so a message is scanned once; there the names with a stem that extends the one found are tried,
in file order, which lets "Open-Sora" win over "Sora" and "GPT-4.5" over "GPT-4"; a match
consumes its span, so "Open-Sora" is not also Sora.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any, Literal, NamedTuple

from bot.analysis.folding import fold, fold_lower
from bot.analysis.lexicon import LexiconError, bounded, read_table, split_words, stems_regex

EntityKind = Literal["target", "alternative"]
# Private-use characters written over the names of open alternatives / targets, so that the
# model sees one feature for every name. Cleaning never lets these through from user input.
ALTERNATIVE_MARK = "\ue0a1"
TARGET_MARK = "\ue0a2"
GENERIC_TARGET = "the model"

_URL_PATH = re.compile(
    r"https?://(?:www\.)?(?:github\.com|huggingface\.co|hf\.co|gitlab\.com)/([^\s<>()\[\]]{1,200})",
    re.IGNORECASE,
)
# "the weights", "el modelo": the thing asked for when no product is named (lowercased text).
_GENERIC = re.compile(
    bounded(
        r"(?:the|this|that|their|its|your|his|her|el|este|ese|su|sus|los|las|estos|esos) "
        r"(?:full |whole |actual |original |new |base )?(?:model|models|weights|checkpoints?|"
        r"modelo|modelos|pesos)"
    )
)


class Entity(NamedTuple):
    kind: EntityKind
    canonical: str
    stems: tuple[str, ...]
    pattern: str
    examples: tuple[str, ...] = ()


class Mention(NamedTuple):
    kind: EntityKind
    canonical: str
    start: int
    end: int


@cache
def builtin_entities() -> tuple[Entity, ...]:
    entities: list[Entity] = []
    for row in read_table("entities.tsv", 5):
        kind, canonical, stems, pattern, examples = row.cells
        if kind not in ("target", "alternative") or not (canonical and stems and pattern):
            raise LexiconError(f"{row.source}:{row.line}: expected kind, name, stems, pattern")
        entity_kind: EntityKind = "target" if kind == "target" else "alternative"
        entities.append(
            Entity(entity_kind, canonical, split_words(stems), pattern, split_words(examples))
        )
    return tuple(entities)


# In a guild term a space matches any run of spaces and hyphens ("nano banana", "nano-banana").
_TERM_GAP = re.compile(r"[\s-]+")


def term_key(text: str) -> str:
    """The form guild targets are compared in: folded, lowercased, each gap one space."""
    return _TERM_GAP.sub(" ", fold_lower(text)).strip()


def _term_trie(keys: Iterable[str]) -> str:
    """An alternation of whole terms shaped like a trie, longest first where one term extends
    another. ``re`` tries alternatives one by one at every position it is asked to: as plain
    alternatives, a thousand terms were a thousand tries at every stem in the message."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        branches = [
            (r"[\s-]+" if char == " " else re.escape(char)) + render(child)
            for char, child in sorted(node.items())
            if char
        ]
        if "" in node:
            branches.append("")  # the term ends here, if no longer one matches
        if len(branches) == 1:
            return branches[0]
        return f"(?:{'|'.join(branches)})"

    return render(trie)


class EntityFinder:
    """Finds mentions; compiled once per set of guild targets."""

    def __init__(self, extra_targets: Iterable[str] = ()) -> None:
        # A moderator's own spelling of a target wins over the built-in one at the same spot.
        self._guild: dict[str, str] = {}  # term key -> the name the moderator wrote
        for term in sorted(extra_targets):
            key = term_key(term)
            if key:
                self._guild.setdefault(key, term.strip())
        self._guild_regex = (
            re.compile(rf"(?<!\w)(?:{_term_trie(self._guild)})(?!\w)") if self._guild else None
        )
        self._entities = builtin_entities()
        # stem -> the alternation of the entities that may start where it does (None: none)
        self._regexes: dict[str, re.Pattern[str] | None] = {}
        guild_stems = (key.split(" ")[0][:4] for key in self._guild)
        self._stems = stems_regex(
            [*guild_stems, *(stem for entity in self._entities for stem in entity.stems)]
        )

    def _regex_at(self, stem: str) -> re.Pattern[str] | None:
        """The entities that may start where ``stem`` was found, as one alternation in file
        order. Every spelling of a name starts with one of its stems, and the stems regex finds
        the shortest stem at a position, so those are the entities with a stem that extends it.
        Compiled when a stem is first seen: one alternation of every name costs 4 ms to compile,
        at every start of `clamor classify`, and a message names one or two."""
        if stem in self._regexes:
            return self._regexes[stem]
        union = "|".join(
            f"(?P<e{index}>(?:{entity.pattern})(?!\\w))"
            for index, entity in enumerate(self._entities)
            if any(own.lower().startswith(stem) for own in entity.stems)
        )
        try:
            # The word-start check is hoisted out of the alternation: ``re`` is much faster then.
            regex = re.compile(rf"(?<!\w)(?:{union})", re.IGNORECASE) if union else None
        except re.error as error:
            raise LexiconError(f"entities: {error}") from error
        self._regexes[stem] = regex
        return regex

    def _guild_mention(self, lowered: str, start: int) -> Mention | None:
        if self._guild_regex is None:
            return None
        match = self._guild_regex.match(lowered, start)
        if match is None:
            return None
        name = self._guild[_TERM_GAP.sub(" ", match.group(0))]
        return Mention("target", name, match.start(), match.end())

    def find(self, folded: str, lowered: str | None = None) -> list[Mention]:
        """Mentions in folded text; ``lowered`` is ``fold_lower`` of the same text if known."""
        lowered = fold_lower(folded) if lowered is None else lowered
        mentions: list[Mention] = []
        covered = 0
        for stem in self._stems.finditer(lowered):
            if stem.start() < covered:
                continue
            if guild := self._guild_mention(lowered, stem.start()):
                mentions.append(guild)
                covered = guild.end
                continue
            regex = self._regex_at(stem.group())
            match = None if regex is None else regex.match(folded, stem.start())
            if match is None or match.lastgroup is None:
                continue
            entity = self._entities[int(match.lastgroup[1:])]
            mentions.append(Mention(entity.kind, entity.canonical, match.start(), match.end()))
            covered = match.end()
        return mentions

    def alternatives_in_urls(self, raw: str) -> list[str]:
        """Open alternatives named by a GitHub / Hugging Face link ("Lightricks/LTX-Video")."""
        found: list[str] = []
        for match in _URL_PATH.finditer(raw[:20_000]):
            path = fold(match.group(1).replace("/", " ").replace("_", " "))
            found.extend(m.canonical for m in self.find(path) if m.kind == "alternative")
        return found


def generic_target_span(lowered: str) -> tuple[int, int] | None:
    """Where the message names "the model" / "los pesos" without a product name."""
    match = _GENERIC.search(lowered)
    return match.span() if match else None


def unique(names: Iterable[str]) -> tuple[str, ...]:
    """Names in first-seen order without repeats."""
    return tuple(dict.fromkeys(names))
