"""The entity finder tries, where a stem starts, only the names with a stem that extends it, and
compiles each such set of names when its stem is first seen: it must find what one alternation
of every name in file order finds, which holds while every spelling starts with a stem."""

from __future__ import annotations

import re

import pytest

from bot.analysis.entities import EntityFinder, builtin_entities
from bot.analysis.folding import fold, fold_lower
from bot.analysis.lexicon import stems_regex

# Our own sentences around the table's examples: the first name at a position wins, so names
# that start like others ("Open-Sora" and "OpenAI", "GPT-4.5" and "GPT-4") are run together.
FRAMES = (
    "about {} today",
    "{}",
    "{}, {} and {} vs {}",
    "why not just use {}? or {}",
    'closed {} lol, "open"{}',
)


def one_alternation_of_every_name(folded: str) -> list[tuple[str, int, int]]:
    """What the finder found before it grouped names by stem (the reference)."""
    entities = builtin_entities()
    union = "|".join(f"(?P<e{i}>(?:{e.pattern})(?!\\w))" for i, e in enumerate(entities))
    regex = re.compile(rf"(?<!\w)(?:{union})", re.IGNORECASE)
    stems = stems_regex([stem for entity in entities for stem in entity.stems])
    found: list[tuple[str, int, int]] = []
    covered = 0
    for stem in stems.finditer(fold_lower(folded)):
        if stem.start() < covered:
            continue
        match = regex.match(folded, stem.start())
        if match is None or match.lastgroup is None:
            continue
        found.append((entities[int(match.lastgroup[1:])].canonical, match.start(), match.end()))
        covered = match.end()
    return found


def test_every_example_spelling_starts_with_one_of_its_stems() -> None:
    for entity in builtin_entities():
        for example in entity.examples:
            lowered = fold_lower(fold(example))
            assert lowered.startswith(tuple(s.lower() for s in entity.stems)), example


@pytest.mark.parametrize("frame", FRAMES)
def test_names_grouped_by_stem_are_found_as_by_one_alternation(frame: str) -> None:
    examples = [example for entity in builtin_entities() for example in entity.examples]
    finder = EntityFinder()
    slots = frame.count("{}")
    for start in range(len(examples)):
        names = [examples[(start + step * 7) % len(examples)] for step in range(slots)]
        for text in (frame.format(*names), frame.format(*names).upper()):
            folded = fold(text)
            found = [(m.canonical, m.start, m.end) for m in finder.find(folded)]
            assert found == one_alternation_of_every_name(folded), text
