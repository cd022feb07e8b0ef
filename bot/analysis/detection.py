"""Is this message about open-sourcing something? Rules from ``data/request_rules.tsv``.

The steps, cheapest first:
1. pre-filter: one regex of trigger stems; most chatter has none and stops here;
2. masks blank look-alike phrases ("open source project", "weight decay", "500 pesos");
3. open alternatives and targets are overwritten with marker characters so rules can say
   ``<alt>`` / ``<target>`` without repeating the name lists;
4. each rule whose anchor words are present runs; strong rules decide alone, weak and context
   rules need a short message (a reply in a thread) or a named target / alternative / "the
   model" to lean on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.analysis.entities import Mention
from bot.analysis.folding import fold_lower
from bot.analysis.lexicon import stems_regex
from bot.analysis.literals import may_contain
from bot.analysis.model import Cue
from bot.analysis.ngram_model import RequestModel, features, readable
from bot.analysis.rules import (
    ALTERNATIVE_MARK,
    TARGET_MARK,
    RequestRule,
    RuleKind,
    builtin_triggers,
    request_rules,
)

_WEIGHTS: dict[RuleKind, float] = {"mask": 0.0, "strong": 1.0, "weak": 0.5, "context": 0.3}
# A reaction inside an open-sourcing thread ("forget it", "Olvídense eso jamás va a pasar!")
# is short; the same words inside a long message are more likely about something else.
SHORT_MESSAGE_WORDS = 14
_MAX_CUE_CHARS = 80
# The n-gram model adds a request the rules missed only when it is this sure (chosen by 5-fold
# cross-validation on dev: bench/train_model.py --cv 5) and the message is on the topic.
MODEL_THRESHOLD = 0.7
_MAX_MASK_CUES = 8


@dataclass(frozen=True, slots=True)
class Detection:
    request: bool
    cues: tuple[Cue, ...] = ()
    vetoed: bool = False  # a guild ignore phrase overruled the rules
    masked: str = ""  # lowered text with look-alike phrases blanked (empty if pre-filtered out)
    marked: str = ""  # ... and entity names replaced by marker characters
    rules: tuple[str, ...] = ()  # names of the rules that fired, masks included


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Whole-word regex over lowercased folded text for moderator-supplied phrases."""
    escaped = sorted(
        {re.escape(" ".join(fold_lower(p).split())) for p in phrases if p.strip()},
        key=lambda e: (-len(e), e),
    )
    if not escaped:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(escaped)})(?!\w)")


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
    for rule in request_rules():
        if rule.kind != "mask" or not rule.may_match(lowered, ""):
            continue
        if not may_contain(lowered, rule.literals):
            continue  # sub() would find nothing

        def blank(match: re.Match[str], rule: RequestRule = rule) -> str:
            if len(fired) < _MAX_MASK_CUES:
                cue = Cue("ignore", _quote(clean, match), f"not a request: {rule.detail}")
                fired.append((rule.name, cue))
            return " " * (match.end() - match.start())

        lowered = rule.regex.sub(blank, lowered)
    return lowered, fired


class RequestDetector:
    """Compiled once per guild vocabulary (extra keywords and ignore phrases)."""

    def __init__(self, keywords: Iterable[str] = (), ignore: Iterable[str] = ()) -> None:
        keywords = [k for k in keywords if k.strip()]
        self._keywords = _phrase_regex(keywords)
        self._ignore = _phrase_regex(ignore)
        keyword_stems = [" ".join(fold_lower(k).split())[:6] for k in keywords]
        self._prefilter = stems_regex([*builtin_triggers(), *keyword_stems])

    def might_be_request(self, lowered: str) -> bool:
        """The cheap pre-filter: False means no rule could fire."""
        return self._prefilter.search(lowered) is not None

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
    ) -> Detection:
        """Decide on one message; ``lowered`` is ``fold_lower(clean)`` (same length)."""
        if not self.might_be_request(lowered) and not url_alternatives:
            return Detection(request=False)
        masked, masks = apply_masks(clean, lowered)
        marked = mark_entities(masked, mentions)
        fired: dict[RuleKind, list[Cue]] = {"strong": [], "weak": [], "context": []}
        names = [name for name, _cue in masks]
        for rule in request_rules():
            if rule.kind == "mask" or not rule.applies_to(language):
                continue
            if not rule.may_match(masked, marked):
                continue
            match = rule.search(masked, marked)
            if match:
                cue = Cue("request", _quote(clean, match), rule.detail, _WEIGHTS[rule.kind])
                fired[rule.kind].append(cue)
                names.append(rule.name)
        if self._keywords is not None and (match := self._keywords.search(masked)):
            fired["strong"].append(Cue("request", _quote(clean, match), "guild keyword", 1.0))
            names.append("guild_keyword")
        if url_alternatives:
            link = Cue("request", url_alternatives[0], "link to an open alternative", 0.5)
            fired["weak"].append(link)
            names.append("alternative_link")

        request = _decide(fired, word_count, bool(mentions) or has_generic_target)
        cues = [*fired["strong"], *fired["weak"], *fired["context"]]
        if not request and model_may_add(masked):
            score = RequestModel.builtin().score(features(marked))
            if score.probability >= MODEL_THRESHOLD:
                request = True
                shown = dict.fromkeys(readable(c.feature) for c in score.top)
                words = ", ".join(f'"{word}"' for word in shown)
                detail = f"n-gram model, p={score.probability:.2f}: {words}"
                cues.insert(0, Cue("request", "model", detail, score.probability))
                names.append("ngram_model")
        if request and self._ignore is not None and (veto := self._ignore.search(lowered)):
            ignore = Cue("ignore", _quote(clean, veto), "guild ignore phrase", 0.0)
            names.append("guild_ignore")
            return Detection(False, (ignore, *cues), True, masked, marked, tuple(names))
        if not request:
            cues = [*(cue for _name, cue in masks), *cues]
        return Detection(request, tuple(cues), False, masked, marked, tuple(names))


def _decide(fired: dict[RuleKind, list[Cue]], word_count: int, supported: bool) -> bool:
    if fired["strong"]:
        return True
    stances = len(fired["weak"]) + len(fired["context"])
    short = word_count <= SHORT_MESSAGE_WORDS
    if fired["weak"] and (short or supported or stances >= 2):
        return True
    return bool(fired["context"]) and (supported or (short and stances >= 2))


# Words that put a message on the topic of opening something (an opening act or a thing that
# could be opened); the n-gram model may only add a request to a message that has one. A name
# alone is not enough: "I never use ChatGPT" names a target and is about nothing of the kind.
_TOPIC = re.compile(
    r"(?<!\w)(?:open|releas|weights|checkpoint|ckpt|gguf|source|code|local|leak|publish|drop|liber|pesos"
    r"|codigo|abiert|abr[ai]|solt|suelt|public|filtr|hugging|github|hf|closed|cerrad|api)"
)


def model_may_add(masked: str) -> bool:
    """``masked``: the lowered text with look-alike phrases blanked ("open source project")."""
    return _TOPIC.search(masked) is not None
