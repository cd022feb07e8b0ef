"""The request rule table (``data/request_rules.tsv``), compiled once per process."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from bot.analysis.entities import builtin_entities
from bot.analysis.lexicon import LexiconError, compile_rule, read_table, split_words
from bot.analysis.literals import SearchPlan, first_match, plan_for, required_literals

RuleKind = Literal["mask", "strong", "weak", "context"]
RULE_KINDS: tuple[RuleKind, ...] = ("mask", "strong", "weak", "context")

# Private-use characters written over the names of open alternatives / targets, so that rules
# can say <alt> / <target> (see macros.tsv). Cleaning never lets these through from user input.
ALTERNATIVE_MARK = "\ue0a1"
TARGET_MARK = "\ue0a2"
_ENTITY_ANCHORS = ("<alt>", "<target>")
# Verdicts the detector adds outside the table; category rules may refer to them too.
PSEUDO_RULES = ("guild_keyword", "alternative_link", "guild_ignore")


@dataclass(frozen=True, slots=True)
class RequestRule:
    kind: RuleKind
    name: str
    detail: str
    regex: re.Pattern[str]
    marked: bool  # runs on the text with entity names replaced by marker characters
    examples: tuple[str, ...] = ()
    language: str = "*"  # "en" / "es": skipped on messages detected as the other language
    anchors: tuple[str, ...] = ()  # word starts, one of which must be present ...
    needs_alternative: bool = False  # ... or a named open alternative
    needs_target: bool = False  # ... or a named target
    literals: tuple[str, ...] | None = None  # one is in every match (see literals.py)
    plan: SearchPlan | None = None  # where a match could start (see literals.py)

    def applies_to(self, language: str) -> bool:
        return self.language == "*" or {self.language, language} != {"en", "es"}

    def may_match(self, masked: str, marked: str) -> bool:
        """Cheap substring checks before the regex: most rules are skipped on most messages."""
        if self.needs_alternative and ALTERNATIVE_MARK in marked:
            return True
        if self.needs_target and TARGET_MARK in marked:
            return True
        return any(anchor in masked for anchor in self.anchors)

    def search(self, masked: str, marked: str) -> re.Match[str] | None:
        """The first match in the text this rule runs on (``regex.search``), trying the regex
        only where a match could start."""
        text = marked if self.marked else masked
        return first_match(self.plan or plan_for(self.regex), text)


def _rule(cells: tuple[str, ...], where: str) -> RequestRule:
    kind, name, language, anchor_cell, detail, pattern, examples = cells
    rule_kind = next((k for k in RULE_KINDS if k == kind), None)
    if rule_kind is None or not pattern or language not in ("*", "en", "es"):
        raise LexiconError(f"{where}: bad kind {kind!r} or language {language!r}, or no pattern")
    anchors = split_words(anchor_cell)
    words = tuple(anchor for anchor in anchors if anchor not in _ENTITY_ANCHORS)
    if not words and "<alt>" not in anchors:
        # The pre-filter is built from word anchors and alternative names; target names are
        # too common in an AI server to let every message mentioning one through.
        raise LexiconError(f"{where}: rule {name!r} needs word anchors or <alt>")
    regex = compile_rule(pattern, where=where)
    return RequestRule(
        kind=rule_kind,
        name=name,
        detail=detail,
        regex=regex,
        marked=any(f"<{macro}>" in pattern for macro in ("alt", "target", "entity")),
        examples=split_words(examples),
        language=language,
        anchors=words,
        needs_alternative="<alt>" in anchors,
        needs_target="<target>" in anchors,
        literals=required_literals(regex),
        plan=plan_for(regex),
    )


@cache
def request_rules() -> tuple[RequestRule, ...]:
    rules: list[RequestRule] = []
    for row in read_table("request_rules.tsv", 7):
        rule = _rule(row.cells, f"{row.source}:{row.line}")
        if any(existing.name == rule.name for existing in rules):
            raise LexiconError(f"{row.source}:{row.line}: duplicate rule name {rule.name!r}")
        rules.append(rule)
    return tuple(rules)


@cache
def builtin_triggers() -> tuple[str, ...]:
    """The topic gate's stems: the topic words and every open alternative's name. The rules'
    own anchors are not among them: many are stance words ("never", "forget", "olvid"), and a
    stance word alone says nothing about opening anything (it does in a reply to a request,
    which passes the gate by its context)."""
    stems = [row.cells[0] for row in read_table("topic_words.tsv", 1)]
    stems.extend(
        stem
        for entity in builtin_entities()
        if entity.kind == "alternative"
        for stem in entity.stems
    )
    return tuple(dict.fromkeys(stems))
