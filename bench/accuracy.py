"""How well Clamor reads messages, measured on real people's text.

Run from the repository root: ``python bench/accuracy.py``. The main tables are on the frozen
**test** split of the real corpus (``../shared/data/real-corpus``, threads listed in
``bench/real_split.tsv``), which nothing in Clamor is tuned or trained on: request detection
overall and per language, false alarms on ordinary chat (the base-rate set) and on hard
negatives, the topic gate's recall, reaction categories (per class, macro-F1, confusion matrix)
and Spanish tone by label. The in-house corpus (``tests/data/corpus.jsonl``, written by us: it
measures behaviour on Discord-style chat, not accuracy) follows as a second table, then tone on
the VADER ground-truth corpora. Translations are never scored. One PASS/MISS line per target.
Exits 0 whatever the numbers; 2 when the real corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))  # run as a script from anywhere, without installing

import real_corpus  # noqa: E402

from bot.analysis import CATEGORIES, Analysis, Analyzer, Context, team_answer  # noqa: E402

IN_HOUSE = ROOT / "tests" / "data" / "corpus.jsonl"
ICWSM_DIR = Path(os.environ.get("CLAMOR_ICWSM_DIR", ROOT.parent / "shared/data/vader-icwsm2014"))
ICWSM_FILES = ("tweets", "movieReviewSnippets", "amazonReviewSnippets", "nytEditorialSnippets")
NOT_REQUEST = "none"  # the label of a message that is not a request, in end-to-end tables

# Issue 12's targets, on the real test split.
# The flow analog in a thread: its opener is not a request (by Clamor's verdict), and one of the
# last few messages before this one is. Positions stand in for the bot's 5 minutes (no timing).
FLOW_POSITIONS = 3
REQUEST_F1_TARGET = 0.90
ENGLISH_F1_TARGET = 0.92
SPANISH_F1_TARGET = 0.85
FALSE_ALARM_TARGET = 0.01
MACRO_F1_TARGET = 0.75
GATE_RECALL_TARGET = 0.99
# Issue 14: reactions that need their thread, found; precision of what the context decided; the
# F1 gained by reading the thread.
NEED_CONTEXT_RECALL_TARGET = 0.80
CONTEXT_PRECISION_TARGET = 0.85
CONTEXT_GAIN_TARGET = 0.05


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
class Labelled:
    """One scored message: the gold labels and what Clamor said."""

    text: str
    language: str
    request: bool
    category: str | None
    accept: tuple[str, ...]
    needs_context: bool
    base_rate: bool
    hard_negative: bool
    analysis: Analysis
    answers_request: bool = False  # read as answering a request (it passes the gate so)
    in_flow: bool = False  # ... only as following one in its thread's flow
    alone: Analysis | None = None  # the verdict on the message alone, where it was read in flow


def _analyse(texts: Iterable[str]) -> list[Analysis]:
    analyzer = Analyzer()
    return [analyzer.analyze(text) for text in texts]


def real_split(
    split: str, *, with_context: bool = True, with_flow: bool = False, team_known: bool = False
) -> list[Labelled]:
    """The split's real messages and Clamor's verdicts. With context, a reply in a thread whose
    opening post Clamor takes for a request is read as answering a request, as the bot reads a
    reply or a thread post: the opener's verdict is Clamor's own, never the gold label. With
    the flow too, a later message of another thread follows a request when one of the
    FLOW_POSITIONS messages before it is one by Clamor's final verdict. With the team known,
    the repositories' maintainers are a server's team (`/clamor-mod team`): their messages are
    never requests, nor openers that replies answer."""
    items = [i for i in real_corpus.items() if i.split == split and i.real]
    analyzer = Analyzer()
    team = [team_known and i.author_role == TEAM for i in items]
    analyses = [
        team_answer(analyzer.analyze(i.text)) if by_team else analyzer.analyze(i.text)
        for i, by_team in zip(items, team, strict=True)
    ]
    alone = list(analyses)
    answering = [False] * len(items)
    flowing = [False] * len(items)
    if with_context:
        opened = {
            i.thread for i, a in zip(items, analyses, strict=True) if i.position == 0 and a.request
        }
        answering = [i.position > 0 and i.thread in opened for i in items]
        context = Context(answers_request=True)
        analyses = [
            analyzer.analyze(i.text, context=context) if answers and not by_team else a
            for i, a, answers, by_team in zip(items, analyses, answering, team, strict=True)
        ]
    if with_context and with_flow:
        flowing = _read_in_flow(analyzer, items, analyses, answering, team)
    return [
        Labelled(
            i.text,
            i.language,
            i.request,
            i.category,
            i.accept,
            i.needs_context,
            i.base_rate,
            not i.request and not i.base_rate,
            a,
            answers or flows,
            flows,
            first if flows else None,
        )
        for i, a, answers, flows, first in zip(
            items, analyses, answering, flowing, alone, strict=True
        )
    ]


def _read_in_flow(
    analyzer: Analyzer,
    items: Sequence[real_corpus.Item],
    analyses: list[Analysis],
    answering: Sequence[bool],
    team: Sequence[bool],
) -> list[bool]:
    """Read again, in each thread's order, the messages that follow a request of their thread
    without answering one (updates `analyses`; the team's stay answers); which ones were."""
    flowing = [False] * len(items)
    order = sorted(range(len(items)), key=lambda n: (items[n].thread, items[n].position))
    recent: dict[str, list[bool]] = {}
    flow = Context(answers_request=True, flow=True)
    for n in order:
        item = items[n]
        said = recent.setdefault(item.thread, [])
        if item.position > 0 and not answering[n] and not team[n] and any(said[-FLOW_POSITIONS:]):
            flowing[n] = True
            analyses[n] = analyzer.analyze(item.text, context=flow)
        said.append(analyses[n].request)
    return flowing


TEAM = "owner"  # the corpus's author_role for a repository's own maintainers


def in_house(split: str) -> list[Labelled]:
    rows = [json.loads(line) for line in IN_HOUSE.read_text(encoding="utf-8").splitlines()]
    rows = [row for row in rows if row["split"] == split]
    analyses = _analyse(str(row["text"]) for row in rows)
    return [
        Labelled(
            str(row["text"]),
            str(row["language"]),
            bool(row["request"]),
            row["category"],
            (row["category"],) if row["category"] else (),
            False,
            False,
            bool(row.get("hard_negative")),
            a,
        )
        for row, a in zip(rows, analyses, strict=True)
    ]


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
    return f"  {name:<16} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  (n={s.support})"


def _label(item: Labelled) -> str:
    return item.category if item.request and item.category else NOT_REQUEST


def _predicted_label(analysis: Analysis) -> str:
    return analysis.category if analysis.request and analysis.category else NOT_REQUEST


@dataclass(frozen=True, slots=True)
class Report:
    request: Scores
    by_language: dict[str, Scores]
    false_alarms: float  # share of base-rate chat taken for requests (nan without any)
    macro_f1: float  # categories, on messages that are requests in both gold and prediction
    gate_recall: float  # share of gold requests the topic gate lets by


def report(name: str, items: Sequence[Labelled]) -> Report:
    print(f"\n=== {name}: {len(items)} messages, {sum(i.request for i in items)} requests ===")
    print("Request detection")
    overall = binary_scores([i.request for i in items], [i.analysis.request for i in items])
    print(_row("all", overall))
    by_language: dict[str, Scores] = {}
    counts = Counter(i.language for i in items)
    for language, _count in counts.most_common():
        group = [i for i in items if i.language == language]
        scores = binary_scores([i.request for i in group], [i.analysis.request for i in group])
        by_language[language] = scores
        print(_row(language, scores) + f" of {len(group)} messages")
    standalone = [i for i in items if i.request and not i.needs_context]
    in_context = [i for i in items if i.request and i.needs_context]
    for label, group in (("standalone", standalone), ("need context", in_context)):
        if group:
            found = sum(i.analysis.request for i in group)
            print(f"  recall, {label:<13} {found / len(group):.3f} ({found} of {len(group)})")
    base = [i for i in items if i.base_rate]
    alarms = sum(i.analysis.request for i in base) / len(base) if base else math.nan
    if base:
        wrong = sum(i.analysis.request for i in base)
        print(f"  false alarms on ordinary chat (base rate): {alarms:.3f} ({wrong} of {len(base)})")
    hard = [i for i in items if i.hard_negative]
    if hard:
        wrong = sum(i.analysis.request for i in hard)
        print(
            f"  hard negatives taken for requests: {wrong} of {len(hard)} ({wrong / len(hard):.3f})"
        )
    spanish_chat = [i for i in items if i.language == "es" and not i.request]
    if spanish_chat:
        wrong = sum(i.analysis.request for i in spanish_chat)
        print(f"  Spanish non-requests taken for requests: {wrong} of {len(spanish_chat)}")

    analyzer = Analyzer()
    requests = [i for i in items if i.request]
    passed = [analyzer.passes_gate(i.text) for i in requests]
    gate_recall = sum(passed) / len(passed) if passed else math.nan
    print("Topic gate (before any model)")
    if requests:
        alone = [p for p, i in zip(passed, requests, strict=True) if not i.needs_context]
        print(
            f"  recall on requests {gate_recall:.3f} ({sum(passed)} of {len(passed)});"
            f" standalone ones {sum(alone) / max(len(alone), 1):.3f}"
        )
        if any(i.answers_request for i in items):
            reach = sum(p or i.answers_request for p, i in zip(passed, requests, strict=True))
            print(
                f"  requests the model reads (the gate, or a reply to a request):"
                f" {reach / len(requests):.3f} ({reach} of {len(requests)})"
            )
    if base:
        away = sum(not analyzer.passes_gate(i.text) for i in base) / len(base)
        print(f"  ordinary chat turned away: {away:.3f}")

    both = [i for i in items if i.request and i.analysis.request]
    print(f"Categories, on the {len(both)} messages that are requests in gold AND prediction")
    gold = [_label(i) for i in both]
    predicted = [_predicted_label(i.analysis) for i in both]
    per_class = class_scores(gold, predicted, CATEGORIES)
    for category, scores in per_class.items():
        print(_row(category, scores))
    macro = macro_f1(per_class)
    accepted = sum(p in i.accept for p, i in zip(predicted, both, strict=True))
    exact = sum(g == p for g, p in zip(gold, predicted, strict=True))
    print(
        f"  macro-F1 {macro:.3f}; accuracy {exact / max(len(both), 1):.3f},"
        f" counting any accepted reaction {accepted / max(len(both), 1):.3f}"
    )
    gold_all = [_label(i) for i in items]
    predicted_all = [_predicted_label(i.analysis) for i in items]
    end_to_end = macro_f1(class_scores(gold_all, predicted_all, CATEGORIES))
    print(f"  end-to-end macro-F1 {end_to_end:.3f} (all messages; a missed request is wrong)")
    labels = [*CATEGORIES, NOT_REQUEST]
    print("Confusion matrix (rows gold, columns predicted; all messages)")
    print("  " + " " * 12 + "".join(f"{label[:6]:>8}" for label in labels))
    for label, row in zip(labels, confusion(gold_all, predicted_all, labels), strict=True):
        print(f"  {label:<12}" + "".join(f"{count:>8}" for count in row))
    return Report(overall, by_language, alarms, macro, gate_recall)


def report_replies(alone: Sequence[Labelled], items: Sequence[Labelled]) -> None:
    """What reading replies with their thread changed, on the replies read so (``items``, in
    the order of ``alone``, the same messages read alone): requests found, those that need
    their thread, and off-topic replies (not requests) taken for requests."""
    read = [(a, i) for a, i in zip(alone, items, strict=True) if i.answers_request]
    requests = [(a, i) for a, i in read if i.request]
    needing = [(a, i) for a, i in requests if i.needs_context]
    others = [(a, i) for a, i in read if not i.request]

    def found(pairs: Sequence[tuple[Labelled, Labelled]]) -> str:
        with_thread = sum(i.analysis.request for _, i in pairs)
        return f"{with_thread} of {len(pairs)} (alone {sum(a.analysis.request for a, _ in pairs)})"

    print(
        f"Replies: {len(read)} read as answering a request; requests found {found(requests)},"
        f" of them needing their thread {found(needing)}; off-topic ones taken for requests"
        f" {found(others)}"
    )
    # The corpus's off-topic replies are on their thread's subject; chat about anything else
    # (a thread that drifts) is the base-rate set.
    chat = [i for i in items if i.base_rate]
    analyzer = Analyzer()
    reply = Context(answers_request=True)
    taken = sum(analyzer.analyze(i.text, context=reply).request for i in chat)
    print(
        f"  ordinary chat (base rate) read as if it replied to a request: {taken} of {len(chat)}"
        f" taken for requests (alone {sum(i.analysis.request for i in chat)})"
    )


def report_flow(items: Sequence[Labelled]) -> None:
    """What the flow changed, on the messages read in it: requests found, and off-topic ones
    (not requests) taken for requests, against the same messages read alone."""
    read = [i for i in items if i.in_flow and i.alone is not None]
    requests = [i for i in read if i.request]
    others = [i for i in read if not i.request]
    print(
        f"Flow: {len(read)} messages read in a thread's flow; requests found"
        f" {sum(i.analysis.request for i in requests)} of {len(requests)}"
        f" (alone {sum(i.alone.request for i in requests if i.alone)}); off-topic ones taken"
        f" for requests {sum(i.analysis.request for i in others)} of {len(others)}"
        f" (alone {sum(i.alone.request for i in others if i.alone)})"
    )
    # In a busy channel most of what follows a request is about something else.
    chat = [i for i in items if i.base_rate]
    analyzer = Analyzer()
    flow = Context(answers_request=True, flow=True)
    taken = sum(analyzer.analyze(i.text, context=flow).request for i in chat)
    print(
        f"  ordinary chat (base rate) read as if it followed a request: {taken} of {len(chat)}"
        f" taken for requests (alone {sum(i.analysis.request for i in chat)})"
    )


def report_spanish_tone(items: Sequence[Labelled]) -> None:
    spanish = [i for i in items if i.language == "es"]
    if not spanish:
        return
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    plain = SentimentIntensityAnalyzer()
    print(f"\nSpanish tone: mean compound by gold label ({len(spanish)} real messages)")
    print(f"  {'label':<14}{'n':>5}{'Clamor':>9}{'VADER':>9}")
    for label in [*CATEGORIES, NOT_REQUEST]:
        group = [i for i in spanish if _label(i) == label]
        if not group:
            continue
        ours = sum(i.analysis.tone.compound for i in group) / len(group)
        theirs = sum(float(plain.polarity_scores(i.text)["compound"]) for i in group) / len(group)
        print(f"  {label:<14}{len(group):>5}{ours:>9.3f}{theirs:>9.3f}")


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
        analyzer = Analyzer()
        ours = [analyzer.analyze(text).tone.compound for _, text in rows]
        theirs = [float(plain.polarity_scores(text)["compound"]) for _, text in rows]
        results[name] = (pearson(ours, human), pearson(theirs, human))
        print(f"  {name:<22}{len(rows):>7}{results[name][0]:>9.4f}{results[name][1]:>9.4f}")
    return results


def _verdict(name: str, ok: bool, detail: str) -> None:
    print(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")


def print_targets(real: Report, tone: dict[str, tuple[float, float]] | None) -> None:
    print("\nTargets (real test split)")
    english = real.by_language.get("en", Scores(0, 0, 0))
    spanish = real.by_language.get("es", Scores(0, 0, 0))
    _verdict(
        "request F1",
        real.request.f1 >= REQUEST_F1_TARGET,
        f"{real.request.f1:.3f} >= {REQUEST_F1_TARGET}",
    )
    _verdict(
        "English request F1",
        english.f1 >= ENGLISH_F1_TARGET,
        f"{english.f1:.3f} >= {ENGLISH_F1_TARGET}",
    )
    _verdict(
        "Spanish request F1",
        spanish.f1 >= SPANISH_F1_TARGET,
        f"{spanish.f1:.3f} >= {SPANISH_F1_TARGET} (only {spanish.support} real Spanish requests)",
    )
    _verdict(
        "false alarms on ordinary chat",
        real.false_alarms <= FALSE_ALARM_TARGET,
        f"{real.false_alarms:.3f} <= {FALSE_ALARM_TARGET}",
    )
    _verdict(
        "category macro-F1",
        real.macro_f1 >= MACRO_F1_TARGET,
        f"{real.macro_f1:.3f} >= {MACRO_F1_TARGET}",
    )
    _verdict(
        "topic gate recall",
        real.gate_recall >= GATE_RECALL_TARGET,
        f"{real.gate_recall:.3f} >= {GATE_RECALL_TARGET}",
    )
    if tone is None:
        print("tone r: not measured (--no-tone, or the ground-truth corpora are missing)")
        return
    worse = [name for name, (ours, plain) in tone.items() if ours < plain]
    detail = ", ".join(f"{name} {ours:.3f} vs {plain:.3f}" for name, (ours, plain) in tone.items())
    _verdict("tone r not below plain VADER on any corpus", not worse and len(tone) == 4, detail)


def print_context_targets(
    alone: Report, real: Report, read_alone: Sequence[Labelled], items: Sequence[Labelled]
) -> None:
    """Issue 14's targets: ``items`` read with their thread, ``read_alone`` the same messages
    (in the same order) each read alone."""
    print("\nTargets (real test split, replies read with their thread)")
    needing = [i for i in items if i.request and i.needs_context]
    found = sum(i.analysis.request for i in needing)
    recall = found / len(needing) if needing else math.nan
    _verdict(
        "recall of reactions that need their thread",
        recall >= NEED_CONTEXT_RECALL_TARGET,
        f"{recall:.3f} >= {NEED_CONTEXT_RECALL_TARGET} ({found} of {len(needing)})",
    )
    pairs = list(zip(read_alone, items, strict=True))
    decided = [i for a, i in pairs if i.analysis.request and not a.analysis.request]
    right = sum(i.request for i in decided)
    precision = right / len(decided) if decided else math.nan
    _verdict(
        "precision of the requests the context decided",
        precision >= CONTEXT_PRECISION_TARGET,
        f"{precision:.3f} >= {CONTEXT_PRECISION_TARGET} ({right} of {len(decided)})",
    )
    gain = real.request.f1 - alone.request.f1
    _verdict(
        "request F1 gained with the thread",
        gain >= CONTEXT_GAIN_TARGET,
        f"{gain:+.3f} >= {CONTEXT_GAIN_TARGET} ({alone.request.f1:.3f} -> {real.request.f1:.3f})",
    )
    off_topic = [(a, i) for a, i in pairs if i.answers_request and not i.request]
    with_thread = sum(i.analysis.request for _, i in off_topic)
    by_itself = sum(a.analysis.request for a, _ in off_topic)
    _verdict(
        "off-topic replies taken for requests, not more than read alone",
        with_thread <= by_itself,
        f"{with_thread} <= {by_itself} (of {len(off_topic)})",
    )


def report_team(split: str, read_alone: Sequence[Labelled], items: Sequence[Labelled]) -> None:
    """The split again with the repositories' maintainers as the server's team: what naming
    the team's roles (`/clamor-mod team add`) changes, beside the default figures."""
    team_alone = real_split(split, with_context=False, team_known=True)
    team_items = real_split(split, team_known=True)
    written = [i.author_role == TEAM for i in real_corpus.items() if i.split == split and i.real]
    print(
        f"\nWith the team known (the maintainers' {sum(written)} messages of {len(written)} as"
        " a server's team: never requests)"
    )
    for name, plain, known in (
        ("alone", read_alone, team_alone),
        ("with the thread", items, team_items),
    ):
        before = binary_scores([i.request for i in plain], [i.analysis.request for i in plain])
        after = binary_scores([i.request for i in known], [i.analysis.request for i in known])
        print(
            f"  {name:<16} P/R/F1 {before.precision:.3f}/{before.recall:.3f}/{before.f1:.3f}"
            f" -> {after.precision:.3f}/{after.recall:.3f}/{after.f1:.3f}"
        )
    pairs = list(zip(team_alone, team_items, strict=True))
    decided = [i for a, i in pairs if i.analysis.request and not a.analysis.request]
    print(
        f"  requests the context decided, right: {sum(i.request for i in decided)} of"
        f" {len(decided)}; off-topic replies taken:"
        f" {sum(i.analysis.request for i in team_items if i.answers_request and not i.request)}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--split",
        default="test",
        choices=real_corpus.SPLITS,
        help="the real corpus's split to score (default: test)",
    )
    parser.add_argument("--no-tone", action="store_true", help="skip the ICWSM tone corpora")
    parser.add_argument("--no-in-house", action="store_true", help="skip the in-house corpus")
    args = parser.parse_args(argv)
    if not real_corpus.available():
        print(real_corpus.MISSING, file=sys.stderr)
        return 2
    read_alone = real_split(args.split, with_context=False)
    alone = report(f"real corpus, {args.split} split, each message alone", read_alone)
    items = real_split(args.split)
    real = report(f"real corpus, {args.split} split, replies read with their thread", items)
    flowing = real_split(args.split, with_flow=True)
    flow = report(
        f"real corpus, {args.split} split, with the thread and the flow of earlier requests",
        flowing,
    )
    print(
        f"\nContext: request F1 {alone.request.f1:.3f} alone -> {real.request.f1:.3f} with the"
        f" thread -> {flow.request.f1:.3f} with the flow too; category macro-F1"
        f" {alone.macro_f1:.3f} -> {real.macro_f1:.3f} -> {flow.macro_f1:.3f}"
    )
    report_replies(read_alone, items)
    report_team(args.split, read_alone, items)
    report_flow(flowing)
    report_spanish_tone(items)
    if not args.no_in_house:
        report(
            "in-house corpus (written by us: behaviour, not accuracy), holdout", in_house("holdout")
        )
    tone = None if args.no_tone else report_tone()
    print_targets(real, tone)
    print_context_targets(alone, real, read_alone, items)
    return 0


if __name__ == "__main__":
    sys.exit(main())
