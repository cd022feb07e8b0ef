"""Targets (what people want opened) and open alternatives, by canonical name.

All names live in ``data/entities.tsv`` and are compiled into one alternation, so a message is
scanned once. Rows are tried in file order at each position, which lets "Open-Sora" win over
"Sora" and "GPT-4.5" over "GPT-4"; a match consumes its span, so "Open-Sora" is not also Sora.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from bot.analysis.folding import fold, fold_lower
from bot.analysis.lexicon import LexiconError, bounded, read_table, split_words, stems_regex

EntityKind = Literal["target", "alternative"]
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


@dataclass(frozen=True, slots=True)
class Entity:
    kind: EntityKind
    canonical: str
    stems: tuple[str, ...]
    pattern: str
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
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


def _guild_target(term: str) -> Entity | None:
    cleaned = " ".join(fold(term).split())
    if not cleaned:
        return None
    stem = fold_lower(cleaned)[:4]
    pattern = re.escape(cleaned).replace(r"\ ", r"[\s-]+")
    return Entity("target", term.strip(), (stem,), pattern)


class EntityFinder:
    """Finds mentions; compiled once per set of guild targets."""

    def __init__(self, extra_targets: Iterable[str] = ()) -> None:
        guild = [entity for term in sorted(extra_targets) if (entity := _guild_target(term))]
        # A moderator's own spelling of a target wins over the built-in one at the same spot.
        self._entities = (*guild, *builtin_entities())
        union = "|".join(
            f"(?P<e{index}>(?:{entity.pattern})(?!\\w))"
            for index, entity in enumerate(self._entities)
        )
        try:
            # The word-start check is hoisted out of the alternation: ``re`` is much faster then.
            self._regex = re.compile(rf"(?<!\w)(?:{union})", re.IGNORECASE)
        except re.error as error:
            raise LexiconError(f"entities: {error}") from error
        self._stems = stems_regex(stem for entity in self._entities for stem in entity.stems)

    def find(self, folded: str, lowered: str | None = None) -> list[Mention]:
        """Mentions in folded text; ``lowered`` is ``fold_lower`` of the same text if known."""
        lowered = fold_lower(folded) if lowered is None else lowered
        mentions: list[Mention] = []
        covered = 0
        for stem in self._stems.finditer(lowered):
            if stem.start() < covered:
                continue
            match = self._regex.match(folded, stem.start())
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
