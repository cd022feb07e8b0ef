"""Reaction category of a request message, from weighted cue rules in ``category_rules.tsv``.

Each matching row adds its weight to its category; the highest total wins. Ties go to the
category the tone agrees with (a negative tone favours frustration and defeatism, a positive one
optimism), then to the more specific stance. The n-gram category model (``ngram_model.py``) adds
one vote spread over the categories by its probabilities, so a request without any cue word gets
the category its wording is closest to, and near-ties go the model's way.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

from bot.analysis.lexicon import LexiconError, compile_rule, read_table, split_words
from bot.analysis.literal_index import LiteralIndex
from bot.analysis.literals import first_match, plan_for, required_literals
from bot.analysis.model import CATEGORIES, Category, Cue, Tone
from bot.analysis.ngram_model import CategoryModel, features, readable
from bot.analysis.rules import PSEUDO_RULES, request_rules

_NEUTRAL_ORDER: tuple[Category, ...] = (
    "defeatism",
    "skepticism",
    "frustration",
    "optimism",
    "demand",
)
_NEGATIVE_ORDER: tuple[Category, ...] = (
    "frustration",
    "defeatism",
    "skepticism",
    "demand",
    "optimism",
)
_POSITIVE_ORDER: tuple[Category, ...] = (
    "optimism",
    "demand",
    "skepticism",
    "frustration",
    "defeatism",
)
# Beyond this, tone alone says the call is angry even when no word in the lexicon said so.
_ANGRY_COMPOUND = -0.6
_TONE_LEAN = 0.3
_MAX_CUE_CHARS = 60
_TIE = 1e-9  # weights are sums of decimals: 0.8 + 0.7 must tie with 1.5
# The n-gram category model votes like one rule: its probability for each category times this.
# It decides when no rule has a cue, breaks near-ties, and cannot outvote a clear rule verdict
# (weights from 1 to 2); 1.5 was the best of 0.5-3 in 5-fold cross-validation on dev.
MODEL_VOTE = 1.5


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


def _order(tone: Tone) -> tuple[Category, ...]:
    if tone.compound <= -_TONE_LEAN:
        return _NEGATIVE_ORDER
    if tone.compound >= _TONE_LEAN:
        return _POSITIVE_ORDER
    return _NEUTRAL_ORDER


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


def categorize(
    clean: str,
    masked: str,
    marked: str,
    tone: Tone,
    fired: Collection[str] = (),
    *,
    model_vote: float = MODEL_VOTE,
) -> CategoryDecision:
    """``masked`` / ``marked``: the detector's prepared texts (same length as ``clean``);
    ``fired``: names of the request rules that fired (``Detection.rules``); ``model_vote``: the
    weight of the n-gram model's vote (0 for the rules alone)."""
    scores: dict[Category, float] = dict.fromkeys(CATEGORIES, 0.0)
    cues: list[Cue] = []
    candidates = _rule_lookup().candidates(masked, marked)
    for number, rule in enumerate(category_rules()):
        if number not in candidates:
            continue
        span = _find(rule, masked, marked, fired)
        if span is None:
            continue
        scores[rule.category] += rule.weight
        start, end = span
        quoted = clean[start:end].strip(" ,.;:!?")[:_MAX_CUE_CHARS] if end > start else rule.detail
        cues.append(Cue("category", quoted, f"{rule.category}: {rule.detail}", rule.weight))
    if max(scores.values()) == 0.0 and tone.compound <= _ANGRY_COMPOUND:
        scores["frustration"] = abs(tone.compound)
        cues.append(Cue("category", "frustration", "no cue words; strongly negative tone"))
    if model_vote:
        model = CategoryModel.builtin().score(features(marked))
        for category, probability in model.probabilities.items():
            scores[category] += model_vote * probability
        words = ", ".join(
            f'"{word}"' for word in dict.fromkeys(readable(c.feature) for c in model.top)
        )
        vote = max(model.probabilities.values())
        detail = f"n-gram model: {model.best} {vote:.2f} ({words})"
        cues.append(Cue("category", "model", detail, vote))
    best = max(scores.values())
    if best == 0.0:
        verdict = Cue("category", "demand", "no reaction cue: a plain call or question")
        return CategoryDecision("demand", scores, (verdict,))
    leaders = [c for c in _order(tone) if best - scores[c] < _TIE]
    reason = f"score {best:.2f}" if len(leaders) == 1 else f"score {best:.2f}, tie broken by tone"
    verdict = Cue("category", leaders[0], reason, best)
    return CategoryDecision(leaders[0], scores, (verdict, *cues))
