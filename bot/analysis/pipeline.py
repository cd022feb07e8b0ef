"""One chat message -> ``Analysis``: clean, language, entities, request, tone, category, cues."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple, Protocol

from bot.analysis.category import categorize
from bot.analysis.cleaning import clean_text
from bot.analysis.detection import Detection, RequestDetector, model_features
from bot.analysis.entities import GENERIC_TARGET, EntityFinder, Mention, generic_target_span, unique
from bot.analysis.folding import count_words, fold, fold_lower
from bot.analysis.language import detect_language
from bot.analysis.ngram_model import CategoryModel, RequestModel
from bot.analysis.results import (
    FLOW_CUE,
    NEUTRAL_TONE,
    NO_CONTEXT,
    NO_TERMS,
    Adaptation,
    Analysis,
    Category,
    Context,
    Cue,
    GuildTerms,
)
from bot.analysis.tone import ToneResult, score_english
from bot.analysis.tone_es import score_spanish

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Rules run on at most this much of a message: its start and its end. A request in the middle of
# a 4,000-character wall of text is rare; a hundred regexes over all of it on every long message
# is not (and would let one user slow the bot down by pasting essays full of trigger words).
MAX_SCAN_CHARS = 1600
_SCAN_HEAD = 1100


# English lexicon words that are also everyday Spanish words ("no", "sin" = without, "ha" =
# has: "OpenAI ha anunciado" is no laugh).
_SPANISH_FALSE_FRIENDS = frozenset({"no", "sin", "ha"})


def score_tone(clean: str, language: str, *, explain: bool = True) -> ToneResult:
    """Spanish gets the Spanish lexicon; everything else VADER (English-only, so other languages
    mostly score neutral apart from emoji). A short English message can look Spanish ("Me
    too.", "Thank ya!!"), and Spanish chat mixes in English ("jaja so good :p"): when the
    Spanish lexicon finds nothing, VADER's verdict stands if it rests on English words (its
    cues tell, so they are found for Spanish even with ``explain=False``)."""
    if language != "es":
        return score_english(clean, explain=explain)
    spanish = score_spanish(clean)
    if spanish.tone.compound != 0.0:
        return spanish
    english = score_english(clean)
    words = [cue.text.lower() for cue in english.cues]
    false_friends_only = bool(words) and all(word in _SPANISH_FALSE_FRIENDS for word in words)
    if english.tone.compound != 0.0 and not false_friends_only:
        return english  # English words, or an emoticon (":-)" names no word)
    return spanish


def _safe_text(raw: str) -> str:
    # A lone surrogate cannot be encoded as UTF-8 (SQLite, JSON output); keep a visible marker.
    if raw.isascii() or not _LONE_SURROGATE.search(raw):
        return raw
    return _LONE_SURROGATE.sub("\ufffd", raw)


def _entity_cues(
    clean: str, mentions: Sequence[Mention], url_alternatives: Sequence[str]
) -> list[Cue]:
    cues: list[Cue] = []
    seen: set[tuple[str, str]] = set()
    for mention in mentions:
        if (mention.kind, mention.canonical) in seen:
            continue
        seen.add((mention.kind, mention.canonical))
        written = clean[mention.start : mention.end]
        detail = f"as {written!r}" if written != mention.canonical else ""
        cues.append(Cue(mention.kind, mention.canonical, detail))
    for name in url_alternatives:
        if ("alternative", name) not in seen:
            seen.add(("alternative", name))
            cues.append(Cue("alternative", name, "linked on GitHub / Hugging Face"))
    return cues


def scan_window(clean: str) -> str:
    """The part of a long message the rules look at: head and tail, cut at spaces."""
    if len(clean) <= MAX_SCAN_CHARS:
        return clean
    head = clean[:_SCAN_HEAD].rsplit(" ", 1)[0]
    tail = clean[-(MAX_SCAN_CHARS - _SCAN_HEAD) :].split(" ", 1)[-1]
    return f"{head} … {tail}"


class Reading(NamedTuple):
    """A message read up to the request decision (everything but tone and category)."""

    raw: str
    clean: str
    language: str
    scan: str  # the part of ``clean`` the rules look at (all of it unless very long)
    mentions: tuple[Mention, ...]
    url_alternatives: tuple[str, ...]
    has_generic_target: bool
    detection: Detection


class _Gated(NamedTuple):
    """A message's scan window, lowered, its links to open alternatives, and the topic gate's
    verdict on them: computed once, read by the gate and then by the detector."""

    scan: str
    lowered: str
    url_alternatives: tuple[str, ...]
    passes: bool


class ModelInputs(NamedTuple):
    request_features: tuple[str, ...]
    compound: float  # the tone
    gated: bool  # the topic gate lets the message by


class Adapter(Protocol):
    """A server's learned adjustment (``bot/learning``): given what the request model read of a
    message, its P(request) and threshold, the server's own verdict, or None to leave the
    model's standing. ``exclude``: the message's own id, whose correction has no vote on it."""

    def adapt(
        self,
        features: Sequence[str],
        probability: float,
        threshold: float,
        *,
        exclude: int | None = None,
    ) -> Adaptation | None: ...


class Analyzer:
    """Analyses messages for one guild's vocabulary; build once per guild and reuse (the guild
    terms are compiled into regexes here, the built-in tables are shared by every instance).
    ``adapter``: the guild's corrections, consulted on every message the model reads."""

    def __init__(self, terms: GuildTerms = NO_TERMS, adapter: Adapter | None = None) -> None:
        self.terms = terms
        self.adapter = adapter
        self._entities = EntityFinder(terms.targets)
        self._detector = RequestDetector(terms.keywords, terms.ignore)

    def read(self, text: str, context: Context = NO_CONTEXT) -> Reading:
        """Clean, tag, find names and decide whether this is a request message."""
        raw = _safe_text(text)
        clean = clean_text(raw)
        gated = self._gate(raw, clean)
        return self._read(raw, clean, gated, context.answers_request, in_flow=context.flow)

    def _gate(self, raw: str, clean: str) -> _Gated:
        scan = scan_window(clean)
        lowered = fold_lower(scan)
        links = tuple(self._entities.alternatives_in_urls(raw)) if "://" in raw else ()
        return _Gated(scan, lowered, links, self._detector.might_be_request(lowered) or bool(links))

    def _read(
        self,
        raw: str,
        clean: str,
        gated: _Gated,
        answers_request: bool = False,
        *,
        in_flow: bool = False,
        tag_language: bool = True,
        explain: bool = True,
    ) -> Reading:
        """``tag_language=False``: the language only of a request (the model does not read
        it; tone and the log do), "und" for the rest. ``explain=False``: no features behind
        the verdict, even for a request."""
        scan, lowered, links = gated.scan, gated.lowered, gated.url_alternatives
        mentions = tuple(self._entities.find(fold(scan), lowered))
        generic = False
        detection = Detection(request=False)
        if gated.passes or answers_request:
            generic = generic_target_span(lowered) is not None
            detection = self._detector.detect(
                scan,
                lowered,
                mentions,
                gated=gated.passes,
                word_count=count_words(scan),
                has_generic_target=generic,
                url_alternatives=links,
                answers_request=answers_request,
                in_flow=in_flow,
                explain=tag_language and explain,
                explain_requests=explain,
            )
        language = detect_language(clean) if tag_language or detection.request else "und"
        return Reading(raw, clean, language, scan, mentions, links, generic, detection)

    def model_inputs(self, text: str) -> ModelInputs:
        """What the learned models read of a message, ungated (``bench/train_model.py``)."""
        raw = _safe_text(text)
        clean = clean_text(raw)
        gated = self._gate(raw, clean)
        mentions = tuple(self._entities.find(fold(gated.scan), gated.lowered))
        feats = model_features(
            gated.lowered,
            mentions,
            word_count=count_words(gated.scan),
            has_generic_target=generic_target_span(gated.lowered) is not None,
            url_alternatives=gated.url_alternatives,
        )
        compound = score_tone(clean, detect_language(clean)).tone.compound
        return ModelInputs(feats, compound, gated.passes)

    def analyze(
        self,
        text: str,
        *,
        score_all: bool = True,
        context: Context = NO_CONTEXT,
        explain: bool = True,
        message_id: int | None = None,
    ) -> Analysis:
        """``score_all=False`` is the bot's hot path: only ``request``, ``category`` and
        ``text`` are decided as by the full analysis. A message that is not a request gets
        ``NEUTRAL_TONE``; one the pre-filters rule out (most chatter: on the raw text, then on
        the cleaned text) is not read further either: language "und", no names, no cues.
        ``context``: what the message answers, where the caller knows (a reply, a thread).
        ``explain=False``: no cues, and no work to find them (``clamor classify`` without
        ``--explain``); every decision is the same. ``message_id``: the message's own id, where
        known: a moderator's correction of it has no say in Clamor's own reading of it (after
        an edit, say), so that undoing the correction leaves what Clamor reads."""
        raw = _safe_text(text)
        answers = context.answers_request
        if not score_all and not answers and not self._detector.could_be_request(raw):
            return _turned_away(raw, clean_text(raw))
        clean = clean_text(raw)
        gated = self._gate(raw, clean)
        if not score_all and not answers and not gated.passes:
            return _turned_away(raw, clean)
        reading = self._read(
            raw,
            clean,
            gated,
            answers,
            in_flow=context.flow,
            tag_language=score_all,
            explain=explain,
        )
        detection = reading.detection
        adapted = self._adapt(detection, message_id)
        request = detection.request if adapted is None else adapted.request
        language = reading.language
        if request and not detection.request and not score_all:
            language = detect_language(reading.clean)  # the hot path tags requests only
        if request or score_all:
            tone = score_tone(reading.clean, language, explain=explain)
        else:
            tone = ToneResult(NEUTRAL_TONE)
        category: Category | None = None
        category_cues: tuple[Cue, ...] = ()
        if request:
            decision = categorize(detection.features, tone.tone, explain=explain)
            category, category_cues = decision.category, decision.cues
            if adapted is not None and adapted.category is not None:
                category = adapted.category

        mentions = reading.mentions
        targets = unique(m.canonical for m in mentions if m.kind == "target")
        if request and not targets and reading.has_generic_target:
            targets = (GENERIC_TARGET,)
        alternatives = unique(
            [*(m.canonical for m in mentions if m.kind == "alternative"), *reading.url_alternatives]
        )
        cues = (
            (
                Cue("language", language),
                *_context_cues(context, detection.context_decided),
                *(detection.cues or _GATED_OUT),
                *((adapted.cue,) if adapted is not None else ()),
                *_entity_cues(reading.scan, mentions, reading.url_alternatives),
                *category_cues,
                *tone.cues,
            )
            if explain
            else ()
        )
        return Analysis(
            text=reading.raw,
            clean=reading.clean,
            language=language,
            request=request,
            category=category,
            tone=tone.tone,
            targets=targets,
            alternatives=alternatives,
            cues=cues,
            replies_to=context.message_id if answers and not context.flow else None,
        )

    def _adapt(self, detection: Detection, message_id: int | None) -> Adaptation | None:
        """The guild's corrections' verdict, where the model decided (not a guild term)."""
        if self.adapter is None or not detection.features or detection.by_guild_terms:
            return None
        return self.adapter.adapt(
            detection.features, detection.probability, detection.threshold, exclude=message_id
        )

    def passes_gate(self, text: str) -> bool:
        """The topic gate as the hot path takes it: False means the message is not read
        further (not a request), whatever a model would have said."""
        raw = _safe_text(text)
        return self._detector.could_be_request(raw) and self._gate(raw, clean_text(raw)).passes


_GATED_OUT = (
    Cue("request", "topic gate", "no word about opening anything, and it answers no request"),
)


def _context_cues(context: Context, decided: bool) -> tuple[Cue, ...]:
    if context.answers_request:
        where = context.link or "a request message"
        detail = FLOW_CUE if context.flow else "a reply to a request message"
        detail += ": the context decided" if decided else ""
        return (Cue("context", where, detail),)
    if context.missing:
        return (Cue("context", "missing", "it answers a message Clamor could not read"),)
    return ()


def _turned_away(raw: str, clean: str) -> Analysis:
    """The hot path's answer for a message the pre-filters rule out."""
    return Analysis(
        text=raw,
        clean=clean,
        language="und",
        request=False,
        category=None,
        tone=NEUTRAL_TONE,
    )


def opening_post_text(title: str, text: str) -> str:
    """What is read of a post that opens a conversation under a title (a Discord forum post, a
    GitHub issue): the title, then the text (the text alone without a title). The title is
    often the whole request."""
    if not title:
        return text
    return f"{title}\n{text}" if text else title


@lru_cache(maxsize=64)
def analyzer_for(terms: GuildTerms = NO_TERMS) -> Analyzer:
    """A shared analyser per distinct set of guild terms (they are frozen, hence hashable)."""
    return Analyzer(terms)


def analyze(text: str, terms: GuildTerms = NO_TERMS, context: Context = NO_CONTEXT) -> Analysis:
    """Analyse one message with every score computed (the command line, tests, digests)."""
    return analyzer_for(terms).analyze(text, context=context)


def warm_up() -> None:
    """Build what every analyser shares (the models, VADER, the hot path's pre-checks on raw
    text), so that the bot's first messages need not wait for it."""
    text = "warm up: open source the weights"
    analyzer_for().analyze(text)
    analyzer_for().analyze(text, score_all=False)
    # The bot reads thousands of messages: the models' dicts pay for themselves, and are
    # better built here, off the event loop, than within its first few dozen messages.
    RequestModel.builtin().build_index()
    CategoryModel.builtin().build_index()
    RequestModel.builtin_reply()  # otherwise loaded at the first reply to a request
