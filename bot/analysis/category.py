"""Reaction category of a request message: the learned category model decides.

Cue rules from ``category_rules.tsv`` ("still waiting" speaks for frustration, "ojalá" for
optimism) are the model's features, not a vote of their own, and quotable evidence for
explanations; the model also reads the request model's n-grams and the tone's direction, so a
request without any cue word gets the category its wording is closest to.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache

from bot.analysis.lexicon import LexiconError, compile_rule, read_table, split_words
from bot.analysis.literal_index import LiteralIndex
from bot.analysis.literals import first_match, plan_for, required_literals
from bot.analysis.model import CATEGORIES, Category, Cue, Tone
from bot.analysis.ngram_model import CategoryModel, category_features, features, readable
from bot.analysis.rules import PSEUDO_RULES, request_rules

_MAX_CUE_CHARS = 60


@dataclass(frozen=True, slots=True)
class CategoryRule:
    category: Category
    weight: float
    detail: str
    regex: re.Pattern[str] | None  # None for a rule that only reuses a request rule's verdict
    marked: bool
    examples: tuple[str, ...]
    reuses: str = ""  # name of the request rule whose firing counts as this cue
    literals: tuple[str, ...] | None = None  # one is in every match (see literals.py)


@dataclass(frozen=True, slots=True)
class CategoryDecision:
    category: Category
    scores: dict[Category, float]
    cues: tuple[Cue, ...]


@cache
def category_rules() -> tuple[CategoryRule, ...]:
    by_name = {rule.name: rule for rule in request_rules()}
    rules: list[CategoryRule] = []
    for row in read_table("category_rules.tsv", 5):
        category, weight_cell, detail, pattern, examples = row.cells
        where = f"{row.source}:{row.line}"
        chosen = next((c for c in CATEGORIES if c == category), None)
        try:
            weight = float(weight_cell)
        except ValueError as error:
            raise LexiconError(f"{where}: weight {weight_cell!r}") from error
        if chosen is None or not pattern:
            raise LexiconError(f"{where}: unknown category {category!r} or empty pattern")
        reuses = pattern[1:] if pattern.startswith("@") else ""
        if reuses:
            reused = by_name.get(reuses)
            if reused is None and reuses not in PSEUDO_RULES:
                raise LexiconError(f"{where}: no request rule named {reuses!r}")
            regex = reused.regex if reused else None
            marked = reused.marked if reused else False
        else:
            regex = compile_rule(pattern, where=where)
            marked = "<alt>" in pattern or "<target>" in pattern
        literals = required_literals(regex) if regex else None
        rules.append(
            CategoryRule(
                chosen, weight, detail, regex, marked, split_words(examples), reuses, literals
            )
        )
    return tuple(rules)


@dataclass(frozen=True, slots=True)
class _RuleLookup:
    """Which rules can match a message, in one pass per text (see ``literal_index.py``): a rule
    with known required literals cannot match a text holding none of them."""

    on_masked: LiteralIndex
    on_marked: LiteralIndex
    always: frozenset[int]  # reused request rules and rules without known literals

    def candidates(self, masked: str, marked: str) -> set[int]:
        return self.on_masked.rules_in(masked) | self.on_marked.rules_in(marked) | self.always


@cache
def _rule_lookup() -> _RuleLookup:
    rules = category_rules()

    def indexed(rule: CategoryRule) -> bool:
        return not rule.reuses and rule.literals is not None and "" not in rule.literals

    def strings(rule: CategoryRule, marked: bool) -> tuple[str, ...]:
        return (rule.literals or ()) if indexed(rule) and rule.marked == marked else ()

    return _RuleLookup(
        LiteralIndex.of([strings(rule, marked=False) for rule in rules]),
        LiteralIndex.of([strings(rule, marked=True) for rule in rules]),
        frozenset(number for number, rule in enumerate(rules) if not indexed(rule)),
    )


def _find(
    rule: CategoryRule, masked: str, marked: str, fired: Collection[str]
) -> tuple[int, int] | None:
    """The span that matched, an empty span when a reused request rule fired but its words
    cannot be pointed at (a link), or None. A reused rule is only searched to quote it."""
    if rule.reuses and rule.reuses not in fired:
        return None
    text = marked if rule.marked else masked
    match = first_match(plan_for(rule.regex), text) if rule.regex else None
    if match is None:
        return (0, 0) if rule.reuses else None
    return match.span()


def cue_rules(
    clean: str, masked: str, marked: str, fired: Collection[str] = ()
) -> list[tuple[Category, Cue]]:
    """The cue rules that match, each with the category it speaks for and a quotable cue.
    ``masked`` / ``marked``: the detector's prepared texts (same length as ``clean``);
    ``fired``: names of the request rules that fired (``Detection.rules``)."""
    found: list[tuple[Category, Cue]] = []
    candidates = _rule_lookup().candidates(masked, marked)
    for number, rule in enumerate(category_rules()):
        if number not in candidates:
            continue
        span = _find(rule, masked, marked, fired)
        if span is None:
            continue
        start, end = span
        quoted = clean[start:end].strip(" ,.;:!?")[:_MAX_CUE_CHARS] if end > start else rule.detail
        cue = Cue("category", quoted, f"{rule.category}: {rule.detail}", rule.weight)
        found.append((rule.category, cue))
    return found


def categorize(
    clean: str,
    masked: str,
    marked: str,
    tone: Tone,
    fired: Collection[str] = (),
    request_feats: Sequence[str] = (),
) -> CategoryDecision:
    """The learned category model decides, reading the request model's features
    (``request_feats``), the categories the cue rules speak for and the tone's direction."""
    cues = cue_rules(clean, masked, marked, fired)
    feats = category_features(
        request_feats or features(marked), [category for category, _cue in cues], tone.compound
    )
    model = CategoryModel.builtin().score(feats)
    best = model.best
    words = ", ".join(f'"{word}"' for word in dict.fromkeys(readable(c.feature) for c in model.top))
    share = model.probabilities[best]
    verdict = Cue("category", best, f"learned model, p={share:.2f}: {words}", share)
    return CategoryDecision(best, model.probabilities, (verdict, *(cue for _c, cue in cues)))
