"""A small linear model over word and character n-grams: pure-Python inference, weights in data.

The rule tables know phrases; people say the same things in other words ("they'll sit on it
forever", "lo van a soltar cuando ya no sirva"). The model reads the same prepared text the
rules do (look-alike phrases blanked, entity names replaced by marker characters, so "Sora" and
"Veo" are one feature) and scores word unigrams and bigrams plus character 3- to 5-grams inside
words, which carry inflections and typos ("liberaran", "relase"). It is trained on the ``dev``
split only, by ``bench/train_model.py`` (deterministic), and shipped as two tables:

- ``request_model.tsv``: ``feature <TAB> weight``, one ``bias`` row; P(request) = sigmoid(sum).
- ``category_model.tsv``: ``feature <TAB> w_demand ... w_defeatism``, one ``bias`` row.

The cost is linear in the text's length (a dictionary lookup per n-gram) and the detector only
runs it on the rules' scan window, so a 4,000-character message costs the same as a 1,600 one.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from bot.analysis.model import CATEGORIES, Category
from bot.analysis.rules import ALTERNATIVE_MARK, TARGET_MARK

REQUEST_TABLE = "request_model.tsv"
CATEGORY_TABLE = "category_model.tsv"
BIAS = "bias"
_TOKEN = re.compile(
    rf"{ALTERNATIVE_MARK}+|{TARGET_MARK}+|\w+(?:'\w+)*|[?!]|[^\w\s\"'.,;:()\[\]*_~`-]"
)
_ALT_TOKEN = "<alt>"
_TARGET_TOKEN = "<target>"
_MIN_CHAR_GRAM = 3
_MAX_CHAR_GRAM = 5
_MAX_WORD_CHARS = 24  # longer "words" are URLs or keyboard mashing: their n-grams mean nothing
_MAX_TOKENS = 400  # the detector's scan window is at most 1,600 characters; this bounds it again


def _token(raw: str) -> str:
    if raw[0] == ALTERNATIVE_MARK:
        return _ALT_TOKEN
    if raw[0] == TARGET_MARK:
        return _TARGET_TOKEN
    return raw


@lru_cache(maxsize=32)
def features(marked: str) -> tuple[str, ...]:
    """The distinct features of a prepared (folded, lowercased, masked, marked) text, in order
    of first appearance: ``w:word``, ``b:word word`` and ``c:<gram`` / ``c:gram>`` pieces.
    Cached: the detector and the categoriser read the same text."""
    tokens = [_token(m.group()) for m in _TOKEN.finditer(marked)][:_MAX_TOKENS]
    out: dict[str, None] = {}
    previous = "<s>"
    for token in tokens:
        out[f"w:{token}"] = None
        out[f"b:{previous} {token}"] = None
        previous = token
        if len(token) < 2 or token[0] == "<" or not token[0].isalnum():
            continue
        padded = f"<{token[:_MAX_WORD_CHARS]}>"
        for size in range(_MIN_CHAR_GRAM, _MAX_CHAR_GRAM + 1):
            for start in range(len(padded) - size + 1):
                out[f"c:{padded[start : start + size]}"] = None
    if tokens:
        out[f"b:{previous} </s>"] = None
    return tuple(out)


def readable(feature: str) -> str:
    """How a feature reads in an explanation: the words, or a word piece with dots."""
    kind, _, body = feature.partition(":")
    if kind == "c":
        before = "" if body.startswith("<") else "…"
        after = "" if body.endswith(">") else "…"
        return f"{before}{body.strip('<>')}{after}"
    return body.replace("<s> ", "").replace(" </s>", "")


def _read_rows(name: str) -> Iterable[list[str]]:
    text = resources.files("bot.analysis").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


@dataclass(frozen=True, slots=True)
class Contribution:
    feature: str
    weight: float


@dataclass(frozen=True, slots=True)
class RequestScore:
    probability: float
    top: tuple[Contribution, ...]  # the features that pushed most towards "request"


@dataclass(frozen=True, slots=True)
class CategoryScore:
    probabilities: dict[Category, float]
    top: tuple[Contribution, ...]  # the features that pushed most towards the best category

    @property
    def best(self) -> Category:
        return max(CATEGORIES, key=lambda c: self.probabilities[c])


def _strongest(found: list[tuple[float, str]], scale: float, top: int) -> tuple[Contribution, ...]:
    """The features that pushed hardest towards the verdict, whole words before word pieces
    (an explanation reads better as "release it" than as "…eas…")."""
    words = heapq.nlargest(top, ((w, f) for w, f in found if w > 0 and f[0] != "c"))
    if len(words) < top:
        pieces = ((w, f) for w, f in found if w > 0 and f[0] == "c")
        words += heapq.nlargest(top - len(words), pieces)
    return tuple(Contribution(f, w * scale) for w, f in words)


def _scale(feats: Sequence[str]) -> float:
    """Each message's features count 1/sqrt(n): a long message is not more of a request just
    because it has more n-grams (the trainer uses the same scale)."""
    return 1.0 / math.sqrt(len(feats)) if feats else 1.0


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


class RequestModel:
    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = weights
        self.bias = weights.get(BIAS, 0.0)

    @classmethod
    @cache
    def builtin(cls) -> RequestModel:
        return cls({row[0]: float(row[1]) for row in _read_rows(REQUEST_TABLE)})

    def score(self, feats: Sequence[str], top: int = 3) -> RequestScore:
        get = self.weights.get
        found = [(w, f) for f in feats if (w := get(f)) is not None]
        scale = _scale(feats)
        total = self.bias + scale * sum(w for w, _f in found)
        return RequestScore(_sigmoid(total), _strongest(found, scale, top))


class CategoryModel:
    def __init__(self, weights: dict[str, tuple[float, ...]]) -> None:
        self.weights = weights
        self.bias = weights.get(BIAS, (0.0,) * len(CATEGORIES))

    @classmethod
    @cache
    def builtin(cls) -> CategoryModel:
        return cls(
            {row[0]: tuple(float(cell) for cell in row[1:]) for row in _read_rows(CATEGORY_TABLE)}
        )

    def score(self, feats: Sequence[str], top: int = 3) -> CategoryScore:
        get = self.weights.get
        found = [(f, row) for f in feats if (row := get(f)) is not None]
        scale = _scale(feats)
        columns = zip(*(row for _f, row in found), strict=True) if found else ()
        sums = [sum(column) for column in columns] or [0.0] * len(CATEGORIES)
        totals = [b + scale * s for b, s in zip(self.bias, sums, strict=True)]
        peak = max(totals)
        exps = [math.exp(t - peak) for t in totals]
        norm = sum(exps)
        probabilities = {c: e / norm for c, e in zip(CATEGORIES, exps, strict=True)}
        best = totals.index(peak)
        contributions = _strongest([(row[best], f) for f, row in found], scale, top)
        return CategoryScore(probabilities, contributions)
