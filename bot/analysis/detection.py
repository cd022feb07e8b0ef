"""Is this message about open-sourcing something? The learned request model decides.

The steps, cheapest first:
1. topic gate: one regex of topic stems (``data/topic_words.tsv`` and the open alternatives'
   names, short ones as whole words); most chatter has none and stops here, unless it answers
   a request;
2. open alternatives and targets are overwritten with marker characters, so the model sees one
   feature for every name ("Sora" and "Veo" alike);
3. the request model (``ngram_model.py``) reads the n-grams and the message's shape, and its
   context when it answers a request (then with the reply model: ``InContext``),
   and decides against a threshold chosen at training time.
   A guild keyword makes a request, a guild ignore phrase vetoes one.

Hand-written rules used to decide here; measured as features of the model on the real corpus
they no longer helped (out-of-fold F1 0.645 with them, 0.657 without), so they went.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache, cached_property, lru_cache
from typing import NamedTuple

from bot.analysis.cleaning import unicode_cleaned
from bot.analysis.entities import ALTERNATIVE_MARK, TARGET_MARK, Mention, builtin_entities
from bot.analysis.folding import fold_lower
from bot.analysis.lexicon import read_table, stems_regex
from bot.analysis.ngram_model import (
    RequestModel,
    RequestScore,
    message_shape,
    read_in_context,
    readable,
    request_features,
    with_context,
)
from bot.analysis.results import Cue

_MAX_CUE_CHARS = 80


class Detection(NamedTuple):
    request: bool
    cues: tuple[Cue, ...] = ()
    vetoed: bool = False  # a guild ignore phrase overruled the model
    features: tuple[str, ...] = ()  # what the learned models read (see ngram_model.py)
    context_decided: bool = False  # the verdict differs from the one without the context
    # The model's P(request) and the threshold it was held to, for a server's learned
    # adjustment (``bot/learning``); a guild keyword or ignore phrase is not overruled by it.
    probability: float = 0.0
    threshold: float = 0.5
    by_guild_terms: bool = False


@cache
def builtin_triggers() -> tuple[str, ...]:
    """The topic gate's word starts (``data/topic_words.tsv``). A stance word ("never",
    "forget", "olvid") is not among them: alone it says nothing about opening anything (it does
    in a reply to a request, which passes the gate by its context)."""
    return tuple(row.cells[0] for row in read_table("topic_words.tsv", 2) if not row.cells[1])


@cache
def builtin_trigger_words() -> tuple[str, ...]:
    """The topic gate's whole words: the short topic words (``word`` in ``topic_words.tsv``)
    and every open alternative's name ("Wan", not the "wan" of "want"; "Meta", not "metadata")."""
    words = [row.cells[0] for row in read_table("topic_words.tsv", 2) if row.cells[1] == "word"]
    words.extend(
        stem
        for entity in builtin_entities()
        if entity.kind == "alternative"
        for stem in entity.stems
    )
    return tuple(dict.fromkeys(words))


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """Whole-word regex over lowercased folded text for moderator-supplied phrases."""
    escaped = sorted(
        {re.escape(" ".join(fold_lower(p).split())) for p in phrases if p.strip()},
        key=lambda e: (-len(e), e),
    )
    if not escaped:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(escaped)})(?!\w)")


# Raw text the pre-check can vouch for keeps every character through cleaning's Unicode steps
# but emoji variation selectors (`cleaning.unicode_cleaned`: NFKC-normalised already, nothing
# else cleaning drops) and has none of the three below: then cleaning only drops line markup
# ("> ", "- ", "# "...) at line starts and collapses whitespace, so every word of the cleaned
# text is a word of the raw text with the same characters around it. These either delete
# characters (joining their neighbours: markup, escapes, controls) or turn part of a word into
# words of their own (emoji names, links, code).
_UNSURE_CHARS = re.compile(r"[*~|`<_\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # one class: scanned fast
_UNSURE_STRINGS = ("www.", "discord.gg/", "](")
# ":" alone is plain text ("at 10:30", ":)"); a :shortcode: becomes an emoji or words, a link goes.
_SHORTCODE_OR_LINK = re.compile(r":[\w+\-]+:|://")


# A space in a stem matches, in raw text, any run of whitespace and the line markup cleaning
# drops after a line break ("are\n> not" is "are not" once cleaned).
_RAW_GAP = r"[\s>#*+\-0-9.)]+"


def raw_prefilter(stems: Iterable[str], words: Iterable[str] = ()) -> re.Pattern[str] | None:
    """`stems_regex(stems, words)` for raw text (see `RequestDetector.could_be_request`); None
    when a stem holds a regex escape the raw pre-check cannot vouch for."""
    stems, words = list(stems), list(words)
    if any("\\" in stem for stem in (*stems, *words)):
        return None
    return re.compile(stems_regex(stems, words).pattern.replace(re.escape(" "), _RAW_GAP))


# The raw pre-check for any text, and a smaller one for ASCII text (most chat), where stems in
# other scripts cannot match.
RawPrefilters = tuple[re.Pattern[str], re.Pattern[str]]


@lru_cache(maxsize=64)
def raw_prefilters(keyword_stems: tuple[str, ...] = ()) -> RawPrefilters | None:
    """The pre-checks on raw text for the topic gate with a guild's keyword stems (None: one
    cannot vouch for them), compiled at the first message read on the hot path and shared by
    every analyser with the same keywords. The command line's full analysis never asks for
    them, and they cost more to compile than any other regex of the analysis (5 ms)."""
    stems, words = [*builtin_triggers(), *keyword_stems], builtin_trigger_words()
    any_text = raw_prefilter(stems, words)
    ascii_text = raw_prefilter([s for s in stems if s.isascii()], [w for w in words if w.isascii()])
    if any_text is None or ascii_text is None:
        return None
    return any_text, ascii_text


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


def model_features(
    lowered: str,
    mentions: Sequence[Mention],
    *,
    word_count: int,
    has_generic_target: bool = False,
    url_alternatives: Sequence[str] = (),
) -> tuple[str, ...]:
    """What the request model reads of a message, whether or not the topic gate lets it by
    (training reads every message)."""
    shape = message_shape(word_count, bool(mentions), has_generic_target, bool(url_alternatives))
    return request_features(mark_entities(lowered, mentions), shape)


class RequestDetector:
    """Compiled once per guild vocabulary (extra keywords and ignore phrases)."""

    def __init__(self, keywords: Iterable[str] = (), ignore: Iterable[str] = ()) -> None:
        keywords = [k for k in keywords if k.strip()]
        self._keywords = _phrase_regex(keywords)
        self._ignore = _phrase_regex(ignore)
        self._keyword_stems = tuple(" ".join(fold_lower(k).split())[:6] for k in keywords)
        self._prefilter = stems_regex(
            [*builtin_triggers(), *self._keyword_stems], builtin_trigger_words()
        )

    @cached_property
    def _raw_prefilters(self) -> RawPrefilters | None:
        return raw_prefilters(self._keyword_stems)

    def might_be_request(self, lowered: str) -> bool:
        """The topic gate: False means the message is not read further (unless it answers a
        request message)."""
        return self._prefilter.search(lowered) is not None

    def could_be_request(self, raw: str) -> bool:
        """The pre-filter on the raw message, before cleaning: False only when the full path
        (clean, scan window, fold, `might_be_request`, links to alternatives) cannot find a
        request. True means "maybe": run the full path.

        Safe because, on text that cleaning's Unicode steps keep as it is (but for emoji
        variation selectors, dropped here too) and without `_UNSURE_CHARS`, `_UNSURE_STRINGS`
        and `_SHORTCODE_OR_LINK`, a stem or word the
        pre-filter finds in the cleaned text is in the folded, lowered raw text too, between the
        same kinds of character, with whitespace and line markup where the stem has a space.
        Emoji and accented letters are kept as they are; invisible characters, combining marks
        and letters NFKC rewrites ("ｏｐｅｎ") say "maybe"."""
        prefilters = self._raw_prefilters
        if prefilters is None:
            return True
        kept = raw if raw.isascii() else unicode_cleaned(raw)
        if kept is None:
            return True
        lowered = kept.lower()
        if _UNSURE_CHARS.search(lowered) or any(text in lowered for text in _UNSURE_STRINGS):
            return True
        if ":" in lowered and _SHORTCODE_OR_LINK.search(lowered):
            return True
        any_text, ascii_text = prefilters
        if kept.isascii():
            return ascii_text.search(lowered) is not None
        # Folded only now: folding turns a backtick into an apostrophe.
        return any_text.search(fold_lower(kept)) is not None

    def detect(
        self,
        clean: str,
        lowered: str,
        mentions: Sequence[Mention],
        *,
        gated: bool,
        word_count: int,
        has_generic_target: bool = False,
        url_alternatives: Sequence[str] = (),
        answers_request: bool = False,
        in_flow: bool = False,
        explain: bool = True,
        explain_requests: bool = True,
    ) -> Detection:
        """Decide on one message; ``lowered`` is ``fold_lower(clean)`` (same length).
        ``answers_request``: the message replies to a request message or is in a thread opened
        by one; then the topic gate is passed, since a reaction need not name its topic.
        ``in_flow``: the request message only came shortly before in the same channel; the
        context may then add a request (above a higher threshold), never take one away.
        ``gated``: the topic gate's verdict (`might_be_request`, or a link to an alternative).
        ``explain=False`` (the hot path): a message found not to be a request gets no list of
        the features behind it (a request does: it is stored with its cues);
        ``explain_requests=False`` (nothing will show the cues): a request gets none either."""
        if not (gated or answers_request):
            return Detection(request=False)
        feats = model_features(
            lowered,
            mentions,
            word_count=word_count,
            has_generic_target=has_generic_target,
            url_alternatives=url_alternatives,
        )
        model = RequestModel.builtin()
        threshold = model.threshold
        alone = False  # the verdict without the context, when there is one
        if answers_request:
            alone = gated and model.probability(feats) >= threshold
            if in_flow and alone:
                answers_request = False  # a request alone stays one: its own words decide
            else:
                feats = with_context(feats)
                threshold = model.flow_threshold if in_flow else model.context_threshold
        weighed = model.weighed(feats)
        in_context = read_in_context(weighed, feats) if answers_request else None
        probability = weighed.probability if in_context is None else in_context.probability
        request = probability >= threshold
        context_decided = answers_request and request != alone
        # A request is explained unless nothing will show it: its row is stored with its cues.
        if (request and explain_requests) or explain:
            explained = weighed if in_context is None else in_context.explained()
            cues = [_model_cue(explained.score()._replace(probability=probability), threshold)]
        else:
            cues = [_model_cue(RequestScore(probability, ()), threshold)]
        if url_alternatives:
            cues.append(Cue("request", url_alternatives[0], "links to an open alternative", 0.5))
        # A moderator's keyword is their decision, whatever the model says.
        keyword = False
        if self._keywords is not None and (match := self._keywords.search(lowered)):
            cues.append(Cue("request", _quote(clean, match), "guild keyword", 1.0))
            request = keyword = True
        if request and self._ignore is not None and (veto := self._ignore.search(lowered)):
            ignore = Cue("ignore", _quote(clean, veto), "guild ignore phrase", 0.0)
            return Detection(False, (ignore, *cues), True, feats, by_guild_terms=True)
        return Detection(
            request, tuple(cues), False, feats, context_decided, probability, threshold, keyword
        )


def _model_cue(score: RequestScore, threshold: float) -> Cue:
    """The learned model's verdict with the features that weighed most each way."""
    verdict = "request" if score.probability >= threshold else "not a request"
    detail = f"learned model: {verdict}, p={score.probability:.2f} (threshold {threshold:.2f})"
    for label, side in (("for", score.top), ("against", score.against)):
        if side:
            words = dict.fromkeys(readable(c.feature) for c in side)
            detail += f"; {label}: " + ", ".join(f'"{word}"' for word in words)
    return Cue("request", "model", detail, score.probability)
