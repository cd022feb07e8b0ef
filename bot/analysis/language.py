"""Language tag of a cleaned message: scripts first, then stop-word and marker scoring for Latin.

Chat messages are short and mix languages ("hagan open source ya"), so this scores the words it
knows and ignores the rest, rather than modelling character n-grams. English and Spanish get
the richest word lists; Portuguese, French, German and Italian are there mostly so that they are
not mistaken for Spanish.
"""

from __future__ import annotations

from functools import cache, lru_cache

from bot.analysis.lexicon import LexiconError, read_table

UNDETERMINED = "und"
# Scripts are decided on a prefix: enough letters to be sure, bounded work on floods.
_SCRIPT_SAMPLE = 600
_WORD_SAMPLE = 200
# Ties go to the first-class languages first.
_PRIORITY = ("en", "es", "pt", "fr", "it", "de")
_FIRST_CLASS = frozenset({"en", "es"})
# One word shared with English ("as", "do", "no") is no evidence of a language Clamor rarely
# sees: the others need this many words of theirs (or letters only they use) to win.
_OTHER_LANGUAGE_WORDS = 2

# (first, last, tag) for scripts that name their language well enough for counting.
_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "el"),
    (0x0400, 0x052F, "ru"),
    (0x0530, 0x058F, "hy"),
    (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"),
    (0x0750, 0x077F, "ar"),
    (0x0900, 0x097F, "hi"),
    (0x0980, 0x09FF, "bn"),
    (0x0B80, 0x0BFF, "ta"),
    (0x0E00, 0x0E7F, "th"),
    (0x10A0, 0x10FF, "ka"),
    (0x1100, 0x11FF, "ko"),
    (0x3040, 0x30FF, "ja"),
    (0x3400, 0x4DBF, "zh"),
    (0x4E00, 0x9FFF, "zh"),
    (0xAC00, 0xD7AF, "ko"),
    (0xFB50, 0xFDFF, "ar"),
    (0xFE70, 0xFEFF, "ar"),
)
# Letters that pick a sibling language within a script.
_REFINE = {"ru": ("іїєґ", "uk"), "ar": ("پچژگ", "fa")}

# (characters, {language: score per word containing one})
_MARKERS: tuple[tuple[str, dict[str, float]], ...] = (
    ("ñ", {"es": 3.0}),
    ("ãõ", {"pt": 3.0}),
    ("ç", {"pt": 1.5, "fr": 1.5}),
    ("ß", {"de": 3.0}),
    ("äöü", {"de": 2.0}),
    ("œ", {"fr": 3.0}),
    ("ìò", {"it": 2.0}),
    ("èàù", {"fr": 1.0, "it": 1.5}),
    ("êôâîû", {"fr": 1.5, "pt": 1.0}),
    ("é", {"es": 1.0, "fr": 1.0, "pt": 1.0}),
    ("áíóú", {"es": 1.5, "pt": 1.0}),
)
_INVERTED_PUNCTUATION = "¿¡"


@cache
def _stop_words() -> dict[str, dict[str, float]]:
    """word -> {language: weight}, from ``language_words.tsv``."""
    table: dict[str, dict[str, float]] = {}
    for row in read_table("language_words.tsv", 3):
        language, weight_cell, words = row.cells
        try:
            weight = float(weight_cell)
        except ValueError as error:
            raise LexiconError(f"{row.source}:{row.line}: weight {weight_cell!r}") from error
        for word in words.split():
            scores = table.setdefault(word, {})
            scores[language] = max(weight, scores.get(language, 0.0))
    return table


def _script_language(text: str) -> str | None:
    """The tag of the dominant non-Latin script, or None when Latin (or nothing) dominates."""
    counts: dict[str, int] = {}
    latin = 0
    for char in text[:_SCRIPT_SAMPLE]:
        if not char.isalpha():
            continue
        code = ord(char)
        if code < 0x0250:
            latin += 1
            continue
        for first, last, tag in _SCRIPTS:
            if first <= code <= last:
                counts[tag] = counts.get(tag, 0) + 1
                break
    if not counts:
        return None
    # Japanese mixes kana with Han characters; any kana at all means Japanese.
    if "ja" in counts and "zh" in counts:
        counts["ja"] += counts.pop("zh")
    tag, count = max(counts.items(), key=lambda item: item[1])
    if count <= latin:
        return None
    refine = _REFINE.get(tag)
    if refine and any(char in refine[0] for char in text[:_SCRIPT_SAMPLE].lower()):
        return refine[1]
    return tag


# What one word (as split from the lowered text) says, in the order it is found: (language,
# score, kind) where kind is _LISTED for a word of the language's list (it counts towards
# _OTHER_LANGUAGE_WORDS), _MARKED for a letter only such languages use (enough on its own), and
# _SCORED otherwise. Words recur across messages, so each is weighed once and remembered.
_SCORED, _LISTED, _MARKED = 0, 1, 2
_WordEvidence = tuple[tuple[str, float, int], ...]


@lru_cache(maxsize=16_384)
def _word_evidence(raw: str) -> _WordEvidence:
    word = raw.strip(".,;:!?¿¡\"()[]{}…*«»'’").replace("’", "'")
    if not word:
        return ()
    evidence = [
        (language, weight, _LISTED) for language, weight in _stop_words().get(word, {}).items()
    ]
    if word.isascii():
        if len(word) > 4 and word.endswith(("ing", "tion")):
            evidence.append(("en", 1.0, _SCORED))
        return tuple(evidence)
    for characters, languages in _MARKERS:
        if any(char in word for char in characters):
            evidence.extend((language, weight, _MARKED) for language, weight in languages.items())
    if word.endswith(("ción", "ciones")):
        evidence.append(("es", 2.0, _SCORED))
    return tuple(evidence)


def _word_scores(text: str) -> dict[str, float]:
    scores: dict[str, float] = {}
    # How many listed words each language has; a marked letter counts as enough on its own.
    listed_words: dict[str, int] = {}
    lowered = text.lower()
    if any(mark in lowered for mark in _INVERTED_PUNCTUATION):
        scores["es"] = 4.0
    for raw in lowered.split()[:_WORD_SAMPLE]:
        for language, weight, kind in _word_evidence(raw):
            scores[language] = scores.get(language, 0.0) + weight
            if kind:
                words = listed_words.get(language, 0)
                listed_words[language] = (
                    words + 1 if kind == _LISTED else max(words, _OTHER_LANGUAGE_WORDS)
                )
    return {
        language: score
        for language, score in scores.items()
        if language in _FIRST_CLASS or listed_words.get(language, 0) >= _OTHER_LANGUAGE_WORDS
    }


def detect_language(clean: str) -> str:
    """ISO 639-1 code of a cleaned message, or "und" when there is nothing to go on."""
    if not clean or not any(char.isalpha() for char in clean[:_SCRIPT_SAMPLE]):
        return UNDETERMINED
    if not clean.isascii():
        script = _script_language(clean)
        if script is not None:
            return script
    scores = _word_scores(clean)
    if not scores:
        return UNDETERMINED
    best = max(scores.values())
    if best < 1.0:
        return UNDETERMINED
    return next(lang for lang in (*_PRIORITY, *sorted(scores)) if scores.get(lang) == best)
