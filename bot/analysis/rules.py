"""What the topic gate looks for, and the marks written over names before the model reads."""

from __future__ import annotations

from functools import cache

from bot.analysis.entities import builtin_entities
from bot.analysis.lexicon import read_table

# Private-use characters written over the names of open alternatives / targets, so that the
# model sees one feature for every name. Cleaning never lets these through from user input.
ALTERNATIVE_MARK = "\ue0a1"
TARGET_MARK = "\ue0a2"


@cache
def builtin_triggers() -> tuple[str, ...]:
    """The topic gate's stems: the topic words and every open alternative's name. A stance word
    ("never", "forget", "olvid") is not among them: alone it says nothing about opening
    anything (it does in a reply to a request, which passes the gate by its context)."""
    stems = [row.cells[0] for row in read_table("topic_words.tsv", 1)]
    stems.extend(
        stem
        for entity in builtin_entities()
        if entity.kind == "alternative"
        for stem in entity.stems
    )
    return tuple(dict.fromkeys(stems))
