"""Train the n-gram models shipped in ``bot/analysis/data`` from the corpus's ``dev`` split ONLY.

Run from the repository root: ``python bench/train_model.py`` writes ``request_model.tsv`` and
``category_model.tsv``; ``--check`` only says whether the shipped ones are what training
gives (a test runs it); ``--cv 5`` instead prints k-fold cross-validated figures on dev (the
model alone, and combined with the rules as the detector combines them) to choose settings
without looking at the holdout. Deterministic: fixed folds, fixed example order, no randomness
but a seeded shuffle. Pure Python (logistic regression by SGD with L2), a few seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.analysis.detection import apply_masks, mark_entities, model_may_add  # noqa: E402
from bot.analysis.folding import fold_lower  # noqa: E402
from bot.analysis.model import CATEGORIES  # noqa: E402
from bot.analysis.ngram_model import (  # noqa: E402
    BIAS,
    CATEGORY_TABLE,
    REQUEST_TABLE,
    CategoryModel,
    RequestModel,
    features,
)
from bot.analysis.pipeline import Analyzer  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus.jsonl"
DATA = ROOT / "bot" / "analysis" / "data"
MIN_DOCS = 2  # a feature seen in one message only is that message, not the language
EPOCHS = 30
L2 = 1e-4
LEARNING_RATE = 0.3
SEED = 20240601
DIGITS = 4


@dataclass(frozen=True, slots=True)
class Prepared:
    text: str
    request: bool
    category: str | None
    feats: tuple[str, ...]
    rules_say: bool  # the rule detector's verdict
    gate: bool  # the detector would let the model add this message


def prepare(rows: Sequence[dict[str, object]]) -> list[Prepared]:
    analyzer = Analyzer()
    out = []
    for row in rows:
        text = str(row["text"])
        reading = analyzer.read(text)
        lowered = fold_lower(reading.scan)
        masked, _ = apply_masks(reading.scan, lowered)
        marked = mark_entities(masked, reading.mentions)
        gate = model_may_add(masked)
        out.append(
            Prepared(
                text,
                bool(row["request"]),
                row["category"] if isinstance(row["category"], str) else None,
                features(marked),
                reading.detection.request and "ngram_model" not in reading.detection.rules,
                gate,
            )
        )
    return out


def vocabulary(examples: Sequence[Prepared]) -> set[str]:
    counts = Counter(f for e in examples for f in e.feats)
    return {f for f, n in counts.items() if n >= MIN_DOCS}


def _order(n: int, epoch: int) -> list[int]:
    order = list(range(n))
    random.Random(SEED + epoch).shuffle(order)
    return order


def train_binary(examples: Sequence[Prepared]) -> dict[str, float]:
    vocab = vocabulary(examples)
    docs = [[f for f in e.feats if f in vocab] for e in examples]
    weights: dict[str, float] = dict.fromkeys(vocab, 0.0)
    bias = 0.0
    for epoch in range(EPOCHS):
        rate = LEARNING_RATE / (1 + epoch)
        for index in _order(len(docs), epoch):
            doc = docs[index]
            scale = 1 / math.sqrt(len(examples[index].feats) or 1)
            total = bias + scale * sum(weights[f] for f in doc)
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, total))))
            gradient = p - (1.0 if examples[index].request else 0.0)
            bias -= rate * gradient
            for f in doc:
                weights[f] -= rate * (gradient * scale + L2 * weights[f])
    weights = {f: round(w, DIGITS) for f, w in weights.items() if round(w, DIGITS)}
    weights[BIAS] = round(bias, DIGITS)
    return weights


def train_categories(examples: Sequence[Prepared]) -> dict[str, tuple[float, ...]]:
    chosen = [e for e in examples if e.request and e.category]
    vocab = vocabulary(chosen)
    docs = [[f for f in e.feats if f in vocab] for e in chosen]
    k = len(CATEGORIES)
    weights: dict[str, list[float]] = {f: [0.0] * k for f in vocab}
    bias = [0.0] * k
    for epoch in range(EPOCHS):
        rate = LEARNING_RATE / (1 + epoch)
        for index in _order(len(docs), epoch):
            doc = docs[index]
            scale = 1 / math.sqrt(len(chosen[index].feats) or 1)
            totals = list(bias)
            for f in doc:
                row = weights[f]
                for c in range(k):
                    totals[c] += scale * row[c]
            peak = max(totals)
            exps = [math.exp(t - peak) for t in totals]
            norm = sum(exps)
            gold = CATEGORIES.index(chosen[index].category)  # type: ignore[arg-type]
            gradient = [exps[c] / norm - (1.0 if c == gold else 0.0) for c in range(k)]
            for c in range(k):
                bias[c] -= rate * gradient[c]
            for f in doc:
                row = weights[f]
                for c in range(k):
                    row[c] -= rate * (gradient[c] * scale + L2 * row[c])
    table = {f: tuple(round(w, DIGITS) for w in row) for f, row in weights.items()}
    table = {f: row for f, row in table.items() if any(row)}
    table[BIAS] = tuple(round(b, DIGITS) for b in bias)
    return table


def render_tables(
    requests: dict[str, float], categories: dict[str, tuple[float, ...]]
) -> dict[str, str]:
    """The two shipped tables' text, by file name."""
    header = "# Generated by bench/train_model.py from the dev split of tests/data/corpus.jsonl."
    lines = [header, "# feature\tweight"]
    lines += [f"{f}\t{w}" for f, w in sorted(requests.items())]
    request_text = "\n".join(lines) + "\n"
    lines = [header, "# feature\t" + "\t".join(CATEGORIES)]
    lines += [f"{f}\t" + "\t".join(str(w) for w in row) for f, row in sorted(categories.items())]
    return {REQUEST_TABLE: request_text, CATEGORY_TABLE: "\n".join(lines) + "\n"}


def stale_tables(tables: dict[str, str]) -> list[str]:
    """Names of the shipped tables that differ from a fresh training's."""
    return [
        name for name, text in tables.items() if (DATA / name).read_text(encoding="utf-8") != text
    ]


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def cross_validate(examples: Sequence[Prepared], folds: int) -> None:
    scored: list[tuple[Prepared, float, str]] = []
    for fold in range(folds):
        train = [e for i, e in enumerate(examples) if i % folds != fold]
        test = [e for i, e in enumerate(examples) if i % folds == fold]
        request_model = RequestModel(train_binary(train))
        category_model = CategoryModel(train_categories(train))
        for e in test:
            best = category_model.score(e.feats).best
            scored.append((e, request_model.score(e.feats).probability, best))
    print(f"{folds}-fold cross-validation on dev ({len(examples)} messages)")
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
        alone = _counts([(e.request, p >= threshold) for e, p, _ in scored])
        both = _counts(
            [(e.request, e.rules_say or (e.gate and p >= threshold)) for e, p, _ in scored]
        )
        print(f"  t={threshold:.1f}  model alone P/R/F1 {alone}   rules + gated model {both}")
    rules = _counts([(e.request, e.rules_say) for e, _, _ in scored])
    print(f"  rules alone {rules}")
    gold = [(e.category, c) for e, _, c in scored if e.request]
    right = sum(1 for g, c in gold if g == c)
    print(f"  category model alone, accuracy on gold requests: {right / len(gold):.3f}")


def _counts(pairs: Sequence[tuple[bool, bool]]) -> str:
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if p and not g)
    fn = sum(1 for g, p in pairs if g and not p)
    return "{:.3f}/{:.3f}/{:.3f}".format(*_f1(tp, fp, fn))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cv", type=int, default=0, help="k-fold cross-validation, no writing")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the shipped tables are not a fresh training"
    )
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    dev = [row for row in rows if row["split"] == "dev"]  # never the holdout
    examples = prepare(dev)
    if args.cv:
        cross_validate(examples, args.cv)
        return 0
    tables = render_tables(train_binary(examples), train_categories(examples))
    if args.check:
        stale = stale_tables(tables)
        for name in stale:
            print(f"{DATA / name} is not what training on the corpus gives: run {__file__}")
        return 1 if stale else 0
    for name, text in tables.items():
        (DATA / name).write_text(text, encoding="utf-8")
    print(f"trained on {len(examples)} dev messages; tables written to {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
