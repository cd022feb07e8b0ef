"""How well Clamor reads messages: request detection, reaction categories and tone, measured.

Run from the repository root: ``python bench/accuracy.py``. It reads the labelled corpus
(``tests/data/corpus.jsonl``) and the VADER ground-truth corpora
(``../shared/data/vader-icwsm2014``, or ``$CLAMOR_ICWSM_DIR``), prints tables for the ``dev``
split (the one rules were tuned on) and the ``holdout`` split (never tuned on), and one PASS/MISS
line per target. It exits 0 whatever the numbers; 2 only when the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from anywhere, without installing

from bot.analysis import CATEGORIES, Analysis, analyze  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus.jsonl"
ICWSM_DIR = Path(os.environ.get("CLAMOR_ICWSM_DIR", ROOT.parent / "shared/data/vader-icwsm2014"))
ICWSM_FILES = ("tweets", "movieReviewSnippets", "amazonReviewSnippets", "nytEditorialSnippets")
NOT_REQUEST = "none"  # the label of a message that is not a request, in end-to-end tables

REQUEST_F1_TARGET = 0.95
SPANISH_F1_TARGET = 0.92
MACRO_F1_TARGET = 0.85


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1 of one class, with the counts they come from."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


def binary_scores(gold: Sequence[bool], predicted: Sequence[bool]) -> Scores:
    """Scores of the positive class of a yes/no decision."""
    pairs = list(zip(gold, predicted, strict=True))
    return Scores(
        tp=sum(1 for g, p in pairs if g and p),
        fp=sum(1 for g, p in pairs if p and not g),
        fn=sum(1 for g, p in pairs if g and not p),
    )


def class_scores(
    gold: Sequence[str], predicted: Sequence[str], classes: Iterable[str]
) -> dict[str, Scores]:
    """One-vs-rest scores for each of ``classes`` (other labels only count as errors)."""
    pairs = list(zip(gold, predicted, strict=True))
    return {
        label: Scores(
            tp=sum(1 for g, p in pairs if g == label and p == label),
            fp=sum(1 for g, p in pairs if p == label and g != label),
            fn=sum(1 for g, p in pairs if g == label and p != label),
        )
        for label in classes
    }


def macro_f1(scores: dict[str, Scores]) -> float:
    return sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0


def confusion(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """Rows: gold label, columns: predicted label, in the order of ``labels``."""
    counts = Counter(zip(gold, predicted, strict=True))
    return [[counts[(g, p)] for p in labels] for g in labels]


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("pearson needs two sequences of the same length, at least 2 long")
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    return cov / math.sqrt(var_x * var_y) if var_x and var_y else 0.0


# ---- data -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    language: str
    request: bool
    category: str | None
    hard_negative: bool
    split: str


def load_corpus(path: Path = CORPUS) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict):
            raise ValueError(f"{path}:{number}: not a JSON object")
        examples.append(
            Example(
                text=str(row["text"]),
                language=str(row["language"]),
                request=bool(row["request"]),
                category=row["category"],
                hard_negative=bool(row.get("hard_negative", False)),
                split=str(row["split"]),
            )
        )
    return examples


def read_ground_truth(path: Path) -> list[tuple[float, str]]:
    """``id <TAB> mean rating <TAB> text`` rows; CRLF endings, maybe a BOM (see its README)."""
    rows = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3 and parts[1].strip():
            rows.append((float(parts[1]), parts[2]))
    return rows


# ---- printing ---------------------------------------------------------------------------------


def _row(name: str, s: Scores) -> str:
    return f"  {name:<14} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  (n={s.support})"


def _label(example: Example) -> str:
    return example.category if example.request and example.category else NOT_REQUEST


def _predicted_label(analysis: Analysis) -> str:
    return analysis.category if analysis.request and analysis.category else NOT_REQUEST


@dataclass(frozen=True, slots=True)
class SplitReport:
    request: Scores
    spanish: Scores
    macro_f1: float  # on messages that are requests in both gold and prediction
    end_to_end_macro_f1: float


def report_split(name: str, examples: Sequence[Example]) -> SplitReport:
    analyses = [analyze(e.text) for e in examples]
    print(f"\n=== {name}: {len(examples)} messages ===")
    print("Request detection")
    overall = binary_scores([e.request for e in examples], [a.request for a in analyses])
    print(_row("all", overall))
    by_language: dict[str, Scores] = {}
    for language in sorted({e.language for e in examples}):
        pairs = [(e, a) for e, a in zip(examples, analyses, strict=True) if e.language == language]
        by_language[language] = binary_scores(
            [e.request for e, _ in pairs], [a.request for _, a in pairs]
        )
        print(_row(language, by_language[language]))
    hard = [(e, a) for e, a in zip(examples, analyses, strict=True) if e.hard_negative]
    if hard:
        wrong = sum(1 for _, a in hard if a.request)
        print(f"  hard negatives taken for requests: {wrong} of {len(hard)}")

    both = [(e, a) for e, a in zip(examples, analyses, strict=True) if e.request and a.request]
    print(f"Categories, on the {len(both)} messages that are requests in gold AND prediction")
    per_class = class_scores(
        [_label(e) for e, _ in both], [_predicted_label(a) for _, a in both], CATEGORIES
    )
    for category, scores in per_class.items():
        print(_row(category, scores))
    macro = macro_f1(per_class)
    gold_all = [_label(e) for e in examples]
    predicted_all = [_predicted_label(a) for a in analyses]
    end_to_end = macro_f1(class_scores(gold_all, predicted_all, CATEGORIES))
    print(f"  macro-F1 {macro:.3f}")
    print(f"  end-to-end macro-F1 {end_to_end:.3f} (all messages; a missed request is wrong)")

    labels = [*CATEGORIES, NOT_REQUEST]
    print("Confusion matrix (rows gold, columns predicted; all messages)")
    print("  " + " " * 12 + "".join(f"{label[:6]:>8}" for label in labels))
    for label, counts in zip(labels, confusion(gold_all, predicted_all, labels), strict=True):
        print(f"  {label:<12}" + "".join(f"{count:>8}" for count in counts))
    return SplitReport(overall, by_language.get("es", Scores(0, 0, 0)), macro, end_to_end)


def report_tone() -> dict[str, tuple[float, float]] | None:
    """Pearson r of Clamor's compound and of plain VADER's against the human mean ratings."""
    if not ICWSM_DIR.is_dir():
        print(f"\nTone: {ICWSM_DIR} not found, skipped")
        return None
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    plain = SentimentIntensityAnalyzer()
    results: dict[str, tuple[float, float]] = {}
    print("\nTone: Pearson r of compound against human mean ratings (VADER ICWSM 2014 corpora)")
    print(f"  {'corpus':<22}{'rows':>7}{'Clamor':>9}{'VADER':>9}")
    for name in ICWSM_FILES:
        path = ICWSM_DIR / f"{name}_GroundTruth.txt"
        if not path.is_file():
            print(f"  {name:<22} missing")
            continue
        rows = read_ground_truth(path)
        human = [rating for rating, _ in rows]
        ours = [analyze(text).tone.compound for _, text in rows]
        theirs = [float(plain.polarity_scores(text)["compound"]) for _, text in rows]
        results[name] = (pearson(ours, human), pearson(theirs, human))
        print(f"  {name:<22}{len(rows):>7}{results[name][0]:>9.4f}{results[name][1]:>9.4f}")
    return results


def report_spanish_tone(examples: Sequence[Example]) -> None:
    spanish = [e for e in examples if e.language == "es"]
    print(f"\nSpanish tone: mean compound by gold label ({len(spanish)} messages)")
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    plain = SentimentIntensityAnalyzer()
    print(f"  {'label':<14}{'n':>5}{'Clamor':>9}{'VADER':>9}")
    for label in [*CATEGORIES, NOT_REQUEST]:
        group = [e for e in spanish if _label(e) == label]
        if not group:
            continue
        ours = sum(analyze(e.text).tone.compound for e in group) / len(group)
        theirs = sum(float(plain.polarity_scores(e.text)["compound"]) for e in group) / len(group)
        print(f"  {label:<14}{len(group):>5}{ours:>9.3f}{theirs:>9.3f}")


def _verdict(name: str, ok: bool, detail: str) -> None:
    print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")


def print_targets(
    reports: dict[str, SplitReport], tone: dict[str, tuple[float, float]] | None
) -> None:
    print("\nTargets (measured on dev; holdout shown for comparison)")
    checks: list[tuple[str, float, Callable[[SplitReport], float]]] = [
        ("request F1", REQUEST_F1_TARGET, lambda r: r.request.f1),
        ("Spanish request F1", SPANISH_F1_TARGET, lambda r: r.spanish.f1),
        ("category macro-F1", MACRO_F1_TARGET, lambda r: r.macro_f1),
    ]
    for name, target, value in checks:
        dev = reports.get("dev")
        if dev is None:
            continue
        others = ", ".join(
            f"{split} {value(r):.3f}" for split, r in reports.items() if r is not dev
        )
        _verdict(name, value(dev) >= target, f"dev {value(dev):.3f} >= {target} ({others})")
    if tone is None:
        print("MISS  tone r: ground-truth corpora not found")
        return
    worse = [name for name, (ours, plain) in tone.items() if ours < plain]
    detail = ", ".join(f"{name} {ours:.3f} vs {plain:.3f}" for name, (ours, plain) in tone.items())
    _verdict("tone r not below plain VADER on any corpus", not worse and len(tone) == 4, detail)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", action="append", help="only this split (repeatable)")
    parser.add_argument("--no-tone", action="store_true", help="skip the ICWSM tone corpora")
    args = parser.parse_args(argv)
    if not CORPUS.is_file():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 2
    examples = load_corpus()
    reports = {}
    for split in args.split or ("dev", "holdout"):
        chosen = [e for e in examples if e.split == split]
        if chosen:
            reports[split] = report_split(split, chosen)
    tone = None if args.no_tone else report_tone()
    report_spanish_tone([e for e in examples if e.split in reports])
    print_targets(reports, tone)
    return 0


if __name__ == "__main__":
    sys.exit(main())
