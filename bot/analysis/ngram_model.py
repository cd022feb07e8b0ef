"""The learned models that decide: linear models over word and character n-grams, with
pure-Python inference and weights in data.

The models read the message's lowered scan window with entity names replaced by marker
characters (so "Sora" and "Veo" are one feature): word unigrams and bigrams (Chinese, Japanese
and Korean characters one by one), character 3- to 5-grams inside words (inflections and typos:
"liberaran", "relase"), and the message's shape (short or long, names a target or not, links an
open alternative). A message that answers a request adds a marker and its words again under a
``c`` prefix (``with_context``). The category model adds the tone's direction.
``bench/train_model.py`` trains both by logistic regression (scikit-learn, a dev dependency) on
the real corpus's train and dev threads (``bench/real_split.tsv``), and ships their weights in
one file, ``data/ngram_models.bin``, laid out to load in a few milliseconds (parsing tens of
thousands of text rows took a tenth of a second at every start, more than the rest of
``clamor classify``); ``pack_models`` writes it, ``unpack_models`` reads it. A third model, the
reply model, is trained on the messages that answer a request only and read only for those
(``InContext``); it is in a file of its own in the same layout,
``data/reply_model.bin``, with no category rows, loaded the first time a message answers a
request (the bot's warm-up loads it as the bot starts):

- a format line, then one line of JSON: the counts below, the biases and the request model's
  three thresholds (alone, in reply, in a channel's flow), how the models were trained;
- every feature either model knows, UTF-8, one per line: those only the category model knows,
  then those both know, then those only the request model knows (each group sorted), so each
  model's features are one run of the list;
- the request model's weights, then the category model's, one category after another, as
  little-endian IEEE 754 doubles: exactly the numbers the trainer rounded to four places.

P(request) = sigmoid(bias + sum / sqrt(n)) over the message's n distinct features; the
category is the softmax of bias + sum / sqrt(n), one sum per category.

The cost is linear in the text's length (a lookup per n-gram: see ``FeatureIndex``) and the
detector only runs it on the scan window, so a 4,000-character message costs the same as a 1,600
one.
"""

from __future__ import annotations

import heapq
import json
import math
import operator
import re
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from itertools import compress
from typing import Generic, NamedTuple, TypeVar

from bot.analysis.entities import ALTERNATIVE_MARK, TARGET_MARK
from bot.analysis.lexicon import data_file, joins_words
from bot.analysis.results import CATEGORIES, Category

MODELS_FILE = "ngram_models.bin"
REPLY_MODEL_FILE = "reply_model.bin"
_FORMAT_LINE = b"clamor n-gram models 1\n"
ANSWERS_REQUEST = "ctx:request"
# Chinese, Japanese and Korean are written without spaces between words (or with particles glued
# on): each of their characters is a token, so unigrams and bigrams of characters stand in for
# words ("代码" is the bigram of 代 and 码); ``lexicon.joins_words`` says which. The regex takes
# whole runs of word characters and `_tokens` cuts up the few that hold such characters: a
# character class of their ranges costs ``re`` 5 ms to compile, at every start of the process.
# The ideographic space is one of them, and no word character: a token of its own.
_TOKEN = re.compile(
    rf"{ALTERNATIVE_MARK}+|{TARGET_MARK}+|\u3000|\w+(?:'\w+)*|[?!]|[^\w\s\"'.,;:()\[\]*_~`-]"
)
_FIRST_JOINED = "\u2e80"  # no character before it joins words
_ALT_TOKEN = "<alt>"
_TARGET_TOKEN = "<target>"
_MIN_CHAR_GRAM = 3
_MAX_CHAR_GRAM = 5
_MAX_WORD_CHARS = 24  # longer "words" are URLs or keyboard mashing: their n-grams mean nothing
_MAX_TOKENS = 400  # the detector's scan window is at most 1,600 characters; this bounds it again


def _cut_joined(run: str) -> list[str]:
    """A run of word characters as tokens: each character that joins words alone, the words
    between them (an apostrophe binds only two word characters of other scripts: "代'abc" is
    代 and abc)."""
    tokens: list[str] = []
    start = 0
    for position, char in enumerate(run):
        if joins_words(char):
            if word := run[start:position].strip("'"):
                tokens.append(word)
            tokens.append(char)
            start = position + 1
    if word := run[start:].strip("'"):
        tokens.append(word)
    return tokens


def _tokens(marked: str) -> list[str]:
    tokens: list[str] = []
    for match in _TOKEN.finditer(marked):
        raw = match.group()
        if raw.isascii():
            tokens.append(raw)
        elif raw[0] == ALTERNATIVE_MARK:
            tokens.append(_ALT_TOKEN)
        elif raw[0] == TARGET_MARK:
            tokens.append(_TARGET_TOKEN)
        elif len(raw) == 1 or max(raw) < _FIRST_JOINED:
            tokens.append(raw)
        else:
            tokens.extend(_cut_joined(raw))
    return tokens


@lru_cache(maxsize=16_384)
def _word_grams(token: str) -> dict[str, None]:
    """A word's character n-grams, in order (cached: chat repeats its words)."""
    padded = f"<{token[:_MAX_WORD_CHARS]}>"
    return {
        f"c:{padded[start : start + size]}": None
        for size in range(_MIN_CHAR_GRAM, _MAX_CHAR_GRAM + 1)
        for start in range(len(padded) - size + 1)
    }


def _is_symbol(token: str) -> bool:
    return not token[0].isalnum() and token[0] != "<" and token not in ("?", "!")


def features(marked: str) -> tuple[str, ...]:
    """The distinct features of a prepared (folded, lowercased, marked) text, in order of first
    appearance: ``w:word``, ``b:word word`` and ``c:<gram`` / ``c:gram>`` pieces."""
    tokens = _tokens(marked)[:_MAX_TOKENS]
    out: dict[str, None] = {}
    previous = "<s>"
    for token in tokens:
        out[f"w:{token}"] = None
        # Pairs of emoji say nothing a single one does not, and a wall of them would drown
        # the message's words (every feature counts 1/sqrt(n)).
        if not (_is_symbol(token) and _is_symbol(previous)):
            out[f"b:{previous} {token}"] = None
        previous = token
        if len(token) < 2 or token[0] == "<" or not token[0].isalnum():
            continue
        out.update(_word_grams(token))
    if tokens:
        out[f"b:{previous} </s>"] = None
    return tuple(out)


SHORT_MESSAGE_WORDS = 14


def message_shape(
    word_count: int, names_something: bool, generic_target: bool, links_alternative: bool = False
) -> tuple[str, ...]:
    """Features of the message as a whole: a reaction is short; a call names what it wants
    opened ("Sora", or just "the weights"); a link to an open alternative points somewhere."""
    shape = ["x:short" if word_count <= SHORT_MESSAGE_WORDS else "x:long"]
    if names_something:
        shape.append("x:named")
    if generic_target:
        shape.append("x:generic")
    if links_alternative:
        shape.append("x:alternative_link")
    return tuple(shape)


def request_features(marked: str, shape: Iterable[str] = ()) -> tuple[str, ...]:
    """What the request model reads: the n-grams of the prepared text and the message's shape."""
    return (*features(marked), *shape)


def with_context(feats: Sequence[str]) -> tuple[str, ...]:
    """The features of a message that answers a request message: its own, a marker, and its
    words and shape again under a ``c`` prefix, so the model can learn which words make a
    reaction in a conversation ("still waiting") that mean nothing alone."""
    answered = tuple(f"c{feature}" for feature in feats if feature[:2] in ("w:", "b:", "x:"))
    return (*feats, ANSWERS_REQUEST, *answered)


def category_features(request_feats: Sequence[str], compound: float) -> tuple[str, ...]:
    """What the category model reads: the request model's features and the tone's direction."""
    tone = "t:negative" if compound <= -0.3 else "t:positive" if compound >= 0.3 else "t:neutral"
    return (*request_feats, tone)


def readable(feature: str) -> str:
    """How a feature reads in an explanation: the words, or a word piece with dots."""
    kind, _, body = feature.partition(":")
    if feature == ANSWERS_REQUEST:
        return "answers a request"
    if kind in ("cw", "cb", "cx"):
        return readable(feature[1:]) + " (in reply)"
    if kind in ("x", "t"):
        return {"x": "", "t": "tone "}[kind] + body.replace("_", " ")
    if kind == "c":
        before = "" if body.startswith("<") else "…"
        after = "" if body.endswith(">") else "…"
        return f"{before}{body.strip('<>')}{after}"
    return body.replace("<s> ", "").replace(" </s>", "")


# The records of the analysis are named tuples: they cost a tenth of a dataclass to define
# (0.07 against 0.7 ms), and these modules are imported at every start.
class ModelWeights(NamedTuple):
    """Both models' weights as training gives them (``pack_models`` stores them)."""

    request: dict[str, float]  # feature -> weight
    category: dict[str, tuple[float, ...]]  # feature -> one weight per category, CATEGORIES order
    request_bias: float
    category_bias: tuple[float, ...]
    threshold: float  # a message is a request from this P(request) on
    context_threshold: float  # ... a message that answers a request
    flow_threshold: float  # ... one that only follows a request in its channel
    notes: str = ""  # how they were trained


class PackedModels(NamedTuple):
    """``data/ngram_models.bin`` as read: the feature list and weight arrays, not yet indexed."""

    features: list[str]
    category_only: int  # features[:category_only] only the category model knows
    category_rows: int  # features[:category_rows] the category model knows
    request: array[float]  # the weights of features[category_only:]
    category: tuple[array[float], ...]  # per category, the weights of features[:category_rows]
    request_bias: float
    category_bias: tuple[float, ...]
    threshold: float
    context_threshold: float
    flow_threshold: float
    notes: str

    def weights(self) -> ModelWeights:
        """The models as mappings (slow: for checks, not for analysis)."""
        request = dict(zip(self.features[self.category_only :], self.request, strict=True))
        rows = zip(*self.category, strict=True)
        return ModelWeights(
            request,
            dict(zip(self.features[: self.category_rows], rows, strict=True)),
            self.request_bias,
            self.category_bias,
            self.threshold,
            self.context_threshold,
            self.flow_threshold,
            self.notes,
        )


def _little_endian(weights: array[float]) -> array[float]:
    if sys.byteorder == "big":
        weights.byteswap()
    return weights


def pack_models(weights: ModelWeights) -> bytes:
    """The contents of ``data/ngram_models.bin`` (see the module's docstring)."""
    if any("\n" in feature for feature in (*weights.request, *weights.category)):
        raise ValueError("a feature holds a line break")
    if any(
        len(row) != len(CATEGORIES) for row in (weights.category_bias, *weights.category.values())
    ):
        raise ValueError(f"a category row without {len(CATEGORIES)} weights")
    category_only = sorted(weights.category.keys() - weights.request.keys())
    both = sorted(weights.category.keys() & weights.request.keys())
    request_only = sorted(weights.request.keys() - weights.category.keys())
    features = [*category_only, *both, *request_only]
    category_rows = len(category_only) + len(both)
    listed = "\n".join(features).encode("utf-8")
    header = {
        "features": len(features),
        "feature_bytes": len(listed),
        "category_only": len(category_only),
        "category_rows": category_rows,
        "categories": list(CATEGORIES),
        "request_bias": weights.request_bias,
        "category_bias": list(weights.category_bias),
        "threshold": weights.threshold,
        "context_threshold": weights.context_threshold,
        "flow_threshold": weights.flow_threshold,
        "notes": weights.notes,
    }
    request = array("d", (weights.request[f] for f in features[len(category_only) :]))
    category = array(
        "d",
        (
            weights.category[feature][column]
            for column in range(len(CATEGORIES))
            for feature in features[:category_rows]
        ),
    )
    return b"".join(
        [
            _FORMAT_LINE,
            json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8"),
            b"\n",
            listed,
            _little_endian(request).tobytes(),
            _little_endian(category).tobytes(),
        ]
    )


def _doubles(data: memoryview, start: int, count: int) -> array[float]:
    weights = array("d")
    weights.frombytes(data[start : start + count * weights.itemsize])
    return _little_endian(weights)


def unpack_models(data: bytes) -> PackedModels:
    """``pack_models``'s bytes back; ValueError when they are not such a file or are cut short."""
    if not data.startswith(_FORMAT_LINE):
        raise ValueError("not an n-gram models file of this version")
    end = data.find(b"\n", len(_FORMAT_LINE))
    header = json.loads(data[len(_FORMAT_LINE) : end])
    if header.get("categories") != list(CATEGORIES):
        raise ValueError(f"the models' categories are not {', '.join(CATEGORIES)}")
    start = end + 1
    listed = data[start : start + header["feature_bytes"]].decode("utf-8")
    features = listed.split("\n") if listed else []
    category_only, rows = header["category_only"], header["category_rows"]
    count = len(features) - category_only
    view = memoryview(data)
    start += header["feature_bytes"]
    request = _doubles(view, start, count)
    start += count * request.itemsize
    category = tuple(
        _doubles(view, start + column * rows * request.itemsize, rows)
        for column in range(len(CATEGORIES))
    )
    size = start + len(CATEGORIES) * rows * request.itemsize
    if len(features) != header["features"] or len(data) != size:
        raise ValueError("the n-gram models file is cut short or has bytes to spare")
    return PackedModels(
        features,
        category_only,
        rows,
        request,
        category,
        float(header["request_bias"]),
        tuple(map(float, header["category_bias"])),
        float(header["threshold"]),
        float(header["context_threshold"]),
        float(header["flow_threshold"]),
        str(header["notes"]),
    )


@cache
def shipped_models() -> PackedModels:
    """The models shipped in ``data/ngram_models.bin``, read once."""
    with open(data_file(MODELS_FILE), "rb") as models:
        return unpack_models(models.read())


_Value = TypeVar("_Value")
# A lookup by bisection in the models file's feature list costs half a microsecond, one in a
# dict a tenth of that, and the dict of 50,000 features about 6 ms to build (hashing every
# feature). `clamor classify` on a line or ten looks up a few hundred features a line: it never
# builds the dict. A longer run builds it within its first dozen messages read by the model,
# having spent on bisections less than the dict's own cost (the bot's warm-up builds it first).
_BISECTIONS_BEFORE_DICT = 4_000


class FeatureIndex(Generic[_Value]):
    """feature -> value, over runs of sorted features (``pack_models`` sorts each group of the
    models file): found by bisection at first, from a dict built once the bisections have cost
    about what building it does. ``values[i - offset]`` is the value of ``features[i]``."""

    def __init__(
        self,
        features: Sequence[str],
        runs: Sequence[tuple[int, int]],
        values: Sequence[_Value],
        offset: int = 0,
    ) -> None:
        self._features = features
        self._runs = runs
        self._values = values
        self._offset = offset
        self._budget = _BISECTIONS_BEFORE_DICT
        self._dict: dict[str, _Value] | None = None

    @classmethod
    def of(cls, mapping: dict[str, _Value]) -> FeatureIndex[_Value]:
        """An index that is a dict from the start."""
        index: FeatureIndex[_Value] = cls((), (), ())
        index._dict = mapping
        return index

    def as_dict(self) -> dict[str, _Value]:
        if self._dict is None:
            start, end = self._runs[0][0], self._runs[-1][1]
            values = self._values[start - self._offset : end - self._offset]
            self._dict = dict(zip(self._features[start:end], values, strict=True))
        return self._dict

    def getter(self, count: int) -> Callable[[str], _Value | None]:
        """The ``get`` to look up ``count`` features with."""
        if self._dict is None:
            self._budget -= count
            if self._budget >= 0:
                return self._bisect
        return self.as_dict().get

    def _bisect(self, feature: str) -> _Value | None:
        for start, end in self._runs:
            at = bisect_left(self._features, feature, start, end)
            if at < end and self._features[at] == feature:
                return self._values[at - self._offset]
        return None


class Contribution(NamedTuple):
    feature: str
    weight: float


class RequestScore(NamedTuple):
    probability: float
    top: tuple[Contribution, ...]  # the features that pushed most towards "request"
    against: tuple[Contribution, ...] = ()  # ... and most away from it


class CategoryScore(NamedTuple):
    probabilities: dict[Category, float]
    top: tuple[Contribution, ...]  # the features that pushed most towards the best category

    @property
    def best(self) -> Category:
        return max(CATEGORIES, key=lambda c: self.probabilities[c])


def _strongest(
    weights: Sequence[float], feats: Sequence[str], scale: float, top: int, sign: float = 1.0
) -> tuple[Contribution, ...]:
    """The features that pushed hardest towards the verdict (``sign`` -1: away from it), whole
    words before word pieces (an explanation reads better as "release it" than as "…eas…")."""
    if len(weights) > _SORT_LIMIT:
        signed = weights if sign > 0 else list(map(operator.neg, weights))
        chosen = _strongest_of_many(signed, feats, top)
        return tuple(Contribution(f, w * sign * scale) for w, f in chosen)
    order = sorted(range(len(weights)), key=weights.__getitem__)
    return _walk(weights, feats, order, scale, top, sign)


def _strongest_both(
    weights: Sequence[float], feats: Sequence[str], scale: float, top: int
) -> tuple[tuple[Contribution, ...], tuple[Contribution, ...]]:
    """`_strongest` for and against, from one sort."""
    if len(weights) > _SORT_LIMIT:
        return (
            _strongest(weights, feats, scale, top),
            _strongest(weights, feats, scale, top, -1.0),
        )
    order = sorted(range(len(weights)), key=weights.__getitem__)
    return (
        _walk(weights, feats, order, scale, top, 1.0),
        _walk(weights, feats, order, scale, top, -1.0),
    )


# A short message's features are sorted in C and walked from the strongest (a few steps); a
# long one's, up to a few thousand, are cheaper to filter once than to sort.
_SORT_LIMIT = 300


def _walk(
    weights: Sequence[float],
    feats: Sequence[str],
    ascending: list[int],
    scale: float,
    top: int,
    sign: float,
) -> tuple[Contribution, ...]:
    """`_strongest` over the features' positions in ascending order of weight: walked from the
    end for the features for the verdict, from the start for those against it. Features of
    equal weight come in reverse order of their names, as in a sort of (weight, name) pairs."""
    order = reversed(ascending) if sign > 0 else iter(ascending)
    words: list[tuple[float, str]] = []
    pieces: list[tuple[float, str]] = []
    tied: list[str] = []  # the features of the weight walked last
    weight = 0.0
    for index in order:
        current = weights[index]
        if current * sign <= 0:
            break
        if current != weight:
            if _take(tied, weight, words, pieces, top):
                break
            tied = []
            weight = current
        tied.append(feats[index])
    if len(words) < top:
        _take(tied, weight, words, pieces, top)
    chosen = words + pieces[: top - len(words)]
    return tuple(Contribution(f, w * scale) for w, f in chosen)


def _take(
    tied: list[str],
    weight: float,
    words: list[tuple[float, str]],
    pieces: list[tuple[float, str]],
    top: int,
) -> bool:
    """Add features of one weight to the words or pieces; True once there are ``top`` words."""
    for feature in sorted(tied, reverse=True) if len(tied) > 1 else tied:
        if feature[:2] != "c:":
            words.append((weight, feature))
            if len(words) == top:
                return True
        elif len(pieces) < top:
            pieces.append((weight, feature))
    return False


def _strongest_of_many(
    signed: Sequence[float], feats: Sequence[str], top: int
) -> list[tuple[float, str]]:
    positive = [(w, f) for w, f in zip(signed, feats, strict=True) if w > 0]
    words = heapq.nlargest(top, [(w, f) for w, f in positive if f[:2] != "c:"])
    if len(words) < top:
        pieces = [(w, f) for w, f in positive if f[:2] == "c:"]
        words += heapq.nlargest(top - len(words), pieces)
    return words


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
    def __init__(
        self,
        weights: dict[str, float] | FeatureIndex[float],
        bias: float = 0.0,
        threshold: float = 0.5,
        context_threshold: float | None = None,
        flow_threshold: float = 1.0,
    ) -> None:
        self._index = weights if isinstance(weights, FeatureIndex) else FeatureIndex.of(weights)
        self.bias = bias
        self.threshold = threshold
        self.context_threshold = threshold if context_threshold is None else context_threshold
        self.flow_threshold = flow_threshold

    @classmethod
    @cache
    def builtin(cls) -> RequestModel:
        models = shipped_models()
        both, end = models.category_rows, len(models.features)
        return cls(
            FeatureIndex(
                models.features,
                ((models.category_only, both), (both, end)),
                models.request,
                models.category_only,
            ),
            models.request_bias,
            models.threshold,
            models.context_threshold,
            models.flow_threshold,
        )

    @property
    def weights(self) -> dict[str, float]:
        """feature -> weight."""
        return self._index.as_dict()

    def build_index(self) -> None:
        """Build the dict of the features now (see `FeatureIndex`)."""
        self._index.as_dict()

    @classmethod
    @cache
    def builtin_reply(cls) -> RequestModel:
        """The reply model shipped in ``data/reply_model.bin`` (its thresholds are unused: the
        request model's in-reply and in-flow thresholds hold for ``InContext``)."""
        with open(data_file(REPLY_MODEL_FILE), "rb") as models:
            packed = unpack_models(models.read())
        return cls(dict(zip(packed.features, packed.request, strict=True)), packed.request_bias)

    def probability(self, feats: Sequence[str]) -> float:
        """P(request), without the explanation (the hot path's question)."""
        # Unknown features (None) and weights of 0 add nothing.
        total = sum(filter(None, map(self._index.getter(len(feats)), feats)))
        return _sigmoid(self.bias + _scale(feats) * total)

    def weighed(self, feats: Sequence[str]) -> Weighed:
        """The features' weights, looked up once for `Weighed.probability` and, only when an
        explanation is asked for, `Weighed.score`."""
        looked = list(map(self._index.getter(len(feats)), feats))
        # A weight of 0 adds nothing and explains nothing: dropped with the unknown features.
        return Weighed(
            list(filter(None, looked)), list(compress(feats, looked)), _scale(feats), self.bias
        )

    def score(self, feats: Sequence[str], top: int = 3) -> RequestScore:
        """P(request) and the features that weighed most for and against it."""
        return self.weighed(feats).score(top)


class Weighed(NamedTuple):
    """The features of a message that the request model knows, and their weights."""

    weights: list[float]
    feats: list[str]
    scale: float
    bias: float

    @property
    def probability(self) -> float:
        return _sigmoid(self.bias + self.scale * sum(self.weights))

    def score(self, top: int = 3) -> RequestScore:
        towards, against = _strongest_both(self.weights, self.feats, self.scale, top)
        return RequestScore(self.probability, towards, against)


class InContext(NamedTuple):
    """A message read with its context (``feats`` from ``with_context``) by the request model
    and the reply model: P(request) is the mean of theirs. The request model learns from every
    message, so the few hundred replies barely shape it; a model of the replies alone knows
    their wording but little else. Together they found more of the reactions that need their
    thread, out of fold, than either (bench/README.md)."""

    request: Weighed
    reply: Weighed

    @property
    def probability(self) -> float:
        return (self.request.probability + self.reply.probability) / 2

    def explained(self) -> Weighed:
        """The two models' weights averaged feature by feature (as their probabilities are),
        so that the words listed for and against are what moved both."""
        summed = dict(zip(self.request.feats, self.request.weights, strict=True))
        for feature, weight in zip(self.reply.feats, self.reply.weights, strict=True):
            summed[feature] = summed.get(feature, 0.0) + weight
        return Weighed(
            [weight / 2 for weight in summed.values()],
            list(summed),
            self.request.scale,
            (self.request.bias + self.reply.bias) / 2,
        )


def read_in_context(weighed: Weighed, feats: Sequence[str]) -> InContext:
    """``weighed`` (the request model's reading of ``feats``) with the reply model's."""
    return InContext(weighed, RequestModel.builtin_reply().weighed(feats))


class CategoryModel:
    """``rows``: each known feature's row in the ``columns``, one column of weights per
    category; rows count from 1 (row 0 is never read), so that unknown features (None) and
    known ones part with one ``filter(None, ...)``."""

    def __init__(
        self,
        rows: dict[str, int] | FeatureIndex[int],
        columns: Sequence[Sequence[float]],
        bias: Sequence[float],
    ) -> None:
        self._index = rows if isinstance(rows, FeatureIndex) else FeatureIndex.of(rows)
        self.columns = columns
        self.bias = bias

    @classmethod
    def from_weights(
        cls, weights: dict[str, Sequence[float]], bias: Sequence[float]
    ) -> CategoryModel:
        """A model from feature -> one weight per category (in ``CATEGORIES`` order)."""
        rows = {feature: row for row, feature in enumerate(weights, start=1)}
        columns = [[0.0, *column] for column in zip(*weights.values(), strict=True)]
        return cls(rows, columns or [[0.0]] * len(CATEGORIES), bias)

    @classmethod
    @cache
    def builtin(cls) -> CategoryModel:
        models = shipped_models()
        only, known = models.category_only, models.category_rows
        rows = FeatureIndex(models.features, ((0, only), (only, known)), range(1, known + 1))
        columns = [array("d", (0.0,)) + column for column in models.category]
        return cls(rows, columns, models.category_bias)

    @property
    def rows(self) -> dict[str, int]:
        """feature -> its row in the columns."""
        return self._index.as_dict()

    def build_index(self) -> None:
        """Build the dict of the features now (see `FeatureIndex`)."""
        self._index.as_dict()

    def score(self, feats: Sequence[str], top: int = 3) -> CategoryScore:
        looked = list(map(self._index.getter(len(feats)), feats))
        # Row 0 is zeros in every column: asked for twice, it makes the getter give a tuple
        # even for one known feature or none, and adds nothing to a sum.
        pick = operator.itemgetter(0, 0, *filter(None, looked))
        scale = _scale(feats)
        sums = [sum(pick(column)) for column in self.columns]
        totals = [b + scale * s for b, s in zip(self.bias, sums, strict=True)]
        peak = max(totals)
        exps = [math.exp(t - peak) for t in totals]
        norm = sum(exps)
        probabilities = {c: e / norm for c, e in zip(CATEGORIES, exps, strict=True)}
        best = totals.index(peak)
        if not top:
            return CategoryScore(probabilities, ())
        weights = pick(self.columns[best])[2:]
        contributions = _strongest(weights, list(compress(feats, looked)), scale, top)
        return CategoryScore(probabilities, contributions)
