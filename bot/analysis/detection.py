"""Is this message about open-sourcing something? The learned request model decides.

The steps, cheapest first:
1. topic gate: one regex of topic stems (``data/topic_words.tsv``, the rules' anchors, the open
   alternatives' names); most chatter has none and stops here, unless it answers a request;
2. masks blank look-alike phrases ("open source project", "weight decay", "500 pesos");
3. open alternatives and targets are overwritten with marker characters so rules can say
   ``<alt>`` / ``<target>`` and the model sees one feature for every name;
4. each rule from ``data/request_rules.tsv`` whose anchor words are present runs; the rules
   that fire are features of the model (and quotable evidence), not verdicts;
5. the request model (``ngram_model.py``) reads the n-grams, the rules and the message's shape,
   and its context when it answers a request, and decides against a threshold chosen at
   training time. A guild keyword makes a request, a guild ignore phrase vetoes one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from bot.analysis.entities import Mention
from bot.analysis.folding import fold_lower
from bot.analysis.lexicon import stems_regex
from bot.analysis.literal_index import LiteralIndex
from bot.analysis.literals import may_contain
from bot.analysis.model import Cue
from bot.analysis.ngram_model import (
    RequestModel,
    RequestScore,
    message_shape,
    readable,
    request_features,
    with_context,
)
from bot.analysis.rules import (
    ALTERNATIVE_MARK,
    TARGET_MARK,
    RequestRule,
    RuleKind,
    builtin_triggers,
    request_rules,
)

# How much a fired rule says, shown in explanations; the learned model weighs the rules itself.
_WEIGHTS: dict[RuleKind, float] = {"mask": 0.0, "strong": 1.0, "weak": 0.5, "context": 0.3}
_MAX_CUE_CHARS = 80
_MAX_MASK_CUES = 8


@dataclass(frozen=True, slots=True)
class Detection:
    request: bool
    cues: tuple[Cue, ...] = ()
    vetoed: bool = False  # a guild ignore phrase overruled the rules
    masked: str = ""  # lowered text with look-alike phrases blanked (empty if pre-filtered out)
    marked: str = ""  # ... and entity names replaced by marker characters
    rules: tuple[str, ...] = ()  # names of the rules that fired, masks included
    features: tuple[str, ...] = ()  # what the learned models read (see ngram_model.py)
    context_decided: bool = False  # the verdict differs from the one without the context


class Evidence(NamedTuple):
    masked: str
    marked: str
    masks: list[tuple[str, Cue]]  # look-alike phrases blanked, by mask rule name
    fired: dict[RuleKind, list[Cue]]  # request rules that matched, by kind
    names: list[str]  # names of the masks and rules that fired
    features: tuple[str, ...]  # what the request model reads


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Whole-word regex over lowercased folded text for moderator-supplied phrases."""
    escaped = sorted(
        {re.escape(" ".join(fold_lower(p).split())) for p in phrases if p.strip()},
        key=lambda e: (-len(e), e),
    )
    if not escaped:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(escaped)})(?!\w)")


# Raw text the pre-check can vouch for is ASCII and has none of the two below: then cleaning
# only drops line markup ("> ", "- ", "# "...) at line starts and collapses whitespace, so every
# word of the cleaned text is a word of the raw text with the same character before it. These
# either delete characters (joining their neighbours: markup, escapes, controls, skin tones) or
# turn part of a word into words of their own (emoji names, links, code).
_UNSURE_CHARS = re.compile(r"[*~|`<:_\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # one class: scanned fast
_UNSURE_STRINGS = ("www.", "discord.gg/", "](")


# A space in a stem matches, in raw text, any run of whitespace and the line markup cleaning
# drops after a line break ("are\n> not" is "are not" once cleaned).
_RAW_GAP = r"[\s>#*+\-0-9.)]+"


def raw_prefilter(stems: Iterable[str]) -> re.Pattern[str] | None:
    """`stems_regex(stems)` for raw text (see `RequestDetector.could_be_request`), over the
    ASCII stems only; None when a stem holds a regex escape the raw pre-check cannot vouch for."""
    # Stems in other scripts can only be found in non-ASCII text, which always says "maybe".
    unique = {stem.lower() for stem in stems if stem and stem.isascii()}
    if any("\\" in stem for stem in unique):
        return None
    return re.compile(stems_regex(unique).pattern.replace(re.escape(" "), _RAW_GAP))


@dataclass(frozen=True, slots=True)
class _AnchorIndex:
    """Which non-mask rules have an anchor in a text, found in one pass instead of a substring
    test per anchor per rule (most of the detector's time on chatter the pre-filter lets by)."""

    rules: tuple[RequestRule, ...]  # the non-mask rules, in table order
    anchors: LiteralIndex
    need_alternative: frozenset[int] = frozenset()  # also tried when an alternative is named
    need_target: frozenset[int] = frozenset()  # ... when a target is named

    def rules_anchored_in(self, text: str) -> set[int]:
        """Numbers of the rules with an anchor somewhere in `text` (`anchor in text`)."""
        return self.anchors.rules_in(text)

    def rules_to_try(self, masked: str, marked: str) -> list[int]:
        """Numbers of the rules `RequestRule.may_match` lets through, in table order."""
        found = self.anchors.rules_in(masked)
        if ALTERNATIVE_MARK in marked:
            found |= self.need_alternative
        if TARGET_MARK in marked:
            found |= self.need_target
        return sorted(found)


@cache
def _anchor_index(masks: bool = False) -> _AnchorIndex:
    """The index of the non-mask rules, or with `masks` of the mask rules."""
    rules = tuple(rule for rule in request_rules() if (rule.kind == "mask") == masks)
    return _AnchorIndex(
        rules,
        LiteralIndex.of([rule.anchors for rule in rules]),
        frozenset(number for number, rule in enumerate(rules) if rule.needs_alternative),
        frozenset(number for number, rule in enumerate(rules) if rule.needs_target),
    )


def _quote(clean: str, match: re.Match[str]) -> str:
    text = clean[match.start() : match.end()].strip(" ,.;:!?")
    return text if len(text) <= _MAX_CUE_CHARS else text[: _MAX_CUE_CHARS - 1] + "…"


def mark_entities(text: str, mentions: Sequence[Mention]) -> str:
    pieces: list[str] = []
    position = 0
    for mention in mentions:
        mark = ALTERNATIVE_MARK if mention.kind == "alternative" else TARGET_MARK
        pieces.append(text[position : mention.start])
        pieces.append(mark * (mention.end - mention.start))
        position = mention.end
    pieces.append(text[position:])
    return "".join(pieces)


def apply_masks(clean: str, lowered: str) -> tuple[str, list[tuple[str, Cue]]]:
    """Blank every look-alike phrase (same length), noting which mask fired where."""
    fired: list[tuple[str, Cue]] = []
    index = _anchor_index(masks=True)
    anchored = index.rules_anchored_in(lowered)
    for number, rule in enumerate(index.rules):
        if number not in anchored:  # `rule.may_match(lowered, "")`: masks have word anchors
            continue
        if not may_contain(lowered, rule.literals):
            continue  # sub() would find nothing

        def blank(match: re.Match[str], rule: RequestRule = rule) -> str:
            if len(fired) < _MAX_MASK_CUES:
                cue = Cue("ignore", _quote(clean, match), f"not a request: {rule.detail}")
                fired.append((rule.name, cue))
            return " " * (match.end() - match.start())

        blanked = rule.regex.sub(blank, lowered)
        if blanked != lowered:
            # Blanking could join words into a later mask's anchor ("a" + " " + "b"): look again.
            lowered, anchored = blanked, index.rules_anchored_in(blanked)
    return lowered, fired


class RequestDetector:
    """Compiled once per guild vocabulary (extra keywords and ignore phrases)."""

    def __init__(self, keywords: Iterable[str] = (), ignore: Iterable[str] = ()) -> None:
        keywords = [k for k in keywords if k.strip()]
        self._keywords = _phrase_regex(keywords)
        self._ignore = _phrase_regex(ignore)
        keyword_stems = [" ".join(fold_lower(k).split())[:6] for k in keywords]
        self._prefilter = stems_regex([*builtin_triggers(), *keyword_stems])
        self._raw_prefilter = raw_prefilter([*builtin_triggers(), *keyword_stems])

    def might_be_request(self, lowered: str) -> bool:
        """The cheap pre-filter: False means no rule could fire."""
        return self._prefilter.search(lowered) is not None

    def could_be_request(self, raw: str) -> bool:
        """The pre-filter on the raw message, before cleaning: False only when the full path
        (clean, scan window, fold, `might_be_request`, links to alternatives) cannot find a
        request. True means "maybe": run the full path.

        Safe because, on ASCII text without `_UNSURE_CHARS` and `_UNSURE_STRINGS`, a stem the
        pre-filter finds in the cleaned text is in the lowered raw text too, after the same
        kind of character, with whitespace and line markup where the stem has a space.
        Non-ASCII text (NFKC folding, accents) always says "maybe"."""
        if self._raw_prefilter is None or not raw.isascii():
            return True
        lowered = raw.lower()
        if _UNSURE_CHARS.search(lowered) or any(text in lowered for text in _UNSURE_STRINGS):
            return True
        return self._raw_prefilter.search(lowered) is not None

    def detect(
        self,
        clean: str,
        lowered: str,
        mentions: Sequence[Mention],
        *,
        word_count: int,
        language: str = "und",
        has_generic_target: bool = False,
        url_alternatives: Sequence[str] = (),
        answers_request: bool = False,
    ) -> Detection:
        """Decide on one message; ``lowered`` is ``fold_lower(clean)`` (same length).
        ``answers_request``: the message replies to a request message or is in a thread opened
        by one; then the topic gate is passed, since a reaction need not name its topic."""
        if not (self.might_be_request(lowered) or url_alternatives or answers_request):
            return Detection(request=False)
        evidence = self.evidence(
            clean,
            lowered,
            mentions,
            word_count=word_count,
            language=language,
            has_generic_target=has_generic_target,
            url_alternatives=url_alternatives,
        )
        masked, marked, masks, fired, names, feats = evidence
        model = RequestModel.builtin()
        threshold = model.threshold
        context_decided = False
        if answers_request:
            gated = self.might_be_request(lowered) or bool(url_alternatives)
            alone = gated and model.score(feats).probability >= model.threshold
            feats = with_context(feats)
            threshold = model.context_threshold
        score = model.score(feats)
        request = score.probability >= threshold
        if answers_request:
            context_decided = request != alone
        # A moderator's keyword is their decision, whatever the model says.
        if self._keywords is not None and (match := self._keywords.search(masked)):
            fired["strong"].append(Cue("request", _quote(clean, match), "guild keyword", 1.0))
            names.append("guild_keyword")
            request = True
        cues = [_model_cue(score, threshold), *fired["strong"], *fired["weak"]]
        cues.extend(fired["context"])
        if request and self._ignore is not None and (veto := self._ignore.search(lowered)):
            ignore = Cue("ignore", _quote(clean, veto), "guild ignore phrase", 0.0)
            names.append("guild_ignore")
            return Detection(False, (ignore, *cues), True, masked, marked, tuple(names), feats)
        if not request:
            cues = [*(cue for _name, cue in masks), *cues]
        return Detection(
            request, tuple(cues), False, masked, marked, tuple(names), feats, context_decided
        )

    def evidence(
        self,
        clean: str,
        lowered: str,
        mentions: Sequence[Mention],
        *,
        word_count: int,
        language: str = "und",
        has_generic_target: bool = False,
        url_alternatives: Sequence[str] = (),
    ) -> Evidence:
        """What the model reads, whether or not the topic gate lets the message by (training
        reads every message): the prepared texts, the rules that fired, the features."""
        masked, masks = apply_masks(clean, lowered)
        marked = mark_entities(masked, mentions)
        fired: dict[RuleKind, list[Cue]] = {"strong": [], "weak": [], "context": []}
        names = [name for name, _cue in masks]
        index = _anchor_index()
        for number in index.rules_to_try(masked, marked):
            rule = index.rules[number]
            if not rule.applies_to(language):
                continue
            match = rule.search(masked, marked)
            if match:
                cue = Cue("request", _quote(clean, match), rule.detail, _WEIGHTS[rule.kind])
                fired[rule.kind].append(cue)
                names.append(rule.name)
        if url_alternatives:
            link = Cue("request", url_alternatives[0], "link to an open alternative", 0.5)
            fired["weak"].append(link)
            names.append("alternative_link")
        shape = message_shape(word_count, bool(mentions), has_generic_target)
        return Evidence(masked, marked, masks, fired, names, request_features(marked, names, shape))


def _model_cue(score: RequestScore, threshold: float) -> Cue:
    """The learned model's verdict with the features that weighed most each way."""
    verdict = "request" if score.probability >= threshold else "not a request"
    detail = f"learned model: {verdict}, p={score.probability:.2f} (threshold {threshold:.2f})"
    for label, side in (("for", score.top), ("against", score.against)):
        if side:
            words = dict.fromkeys(readable(c.feature) for c in side)
            detail += f"; {label}: " + ", ".join(f'"{word}"' for word in words)
    return Cue("request", "model", detail, score.probability)
