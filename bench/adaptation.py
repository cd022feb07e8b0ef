"""How much a server gains from its moderators' corrections (issue 16), on real people's text.

Run from the repository root: ``python bench/adaptation.py``. Servers are simulated from the real
corpus (``../shared/data/real-corpus``), only the split's threads, their messages in corpus order,
grouped two ways: by **project** (a GitHub source's owner/repo, a page's site: where one community
repeats itself, its threads sharing names and hard negatives) and by **slice** (one kind of
community: AI project threads, software debates, reactions, Spanish pages, ordinary chat...). A
thread alone holds at most 14 messages, too few for 20 corrections. For each server and k = 5,
10, 20: Clamor reads the messages in order (a reply read with its thread, as ``bench/accuracy.py``
does); a moderator relabels the first k it got wrong (request or not, or the category) with the
true label; the messages after the k-th are scored with and without those corrections. A server
with fewer than k errors, or none after the k-th, is skipped in that row (the table says how many
were). Request F1 of a server whose rest holds no request and where none is found counts as 1.0.

The tables are on the **test** split; ``--tune`` searches the memory's limits on the train and dev
splits (never on test), both groupings, and prints the best, to be copied into
``bot/learning/memory.py``. Also printed: per-message CPU time with 20, 100 and 1,000 corrections
against none (medians of repeated alternating runs over the same messages, in-process, so the
machine's load affects both alike; the load average is printed), and how many bytes the Store
keeps per server for 1,000 corrections. Exits 0 whatever the numbers; 2
when the real corpus is missing.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))  # run as a script from anywhere, without installing

import real_corpus  # noqa: E402

from bot.analysis import Analysis, Analyzer, Context  # noqa: E402
from bot.learning import (  # noqa: E402
    LEARNING_LIMITS,
    CorrectionMemory,
    LearningLimits,
    similarity_words,
)
from bot.learning.examples import learned_example  # noqa: E402

KS = (5, 10, 20)
GAIN_TARGET = 0.05  # mean request F1 gain after 20 corrections
WORST_TARGET = -0.01  # no server more than this much worse
GROUPINGS = ("project", "slice")
COST_TARGET = 1.2  # per-message cost with adaptation, times without
STATE_TARGET = 1_000_000  # bytes of a server's learning state for 1,000 corrections
GUILD = 1
TIE = 0.001  # mean F1: one message in a thousand
ANSWERING = Context(answers_request=True)


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    request: bool
    category: str | None
    accept: tuple[str, ...]
    answers_request: bool  # read with its thread: the opener is a request by Clamor's verdict


def project_of(source: str) -> str:
    """The project a corpus source belongs to: ``owner/repo`` of a GitHub ``owner/repo#N``
    (GitHub ignores case), the site of a page URL."""
    if "://" in source:
        return urlsplit(source).hostname or source
    return source.split("#", 1)[0].lower()


def group_of(item: real_corpus.Item, grouping: str) -> str:
    return project_of(item.source) if grouping == "project" else item.corpus_slice


def servers(splits: Sequence[str], grouping: str = "slice") -> dict[str, list[Message]]:
    """The split's real messages by project or slice (``GROUPINGS``), each read with its thread
    as the bot would."""
    plain = Analyzer()
    by_group: defaultdict[str, list[real_corpus.Item]] = defaultdict(list)
    for item in real_corpus.items():
        if item.split in splits and item.real:
            by_group[group_of(item, grouping)].append(item)
    out: dict[str, list[Message]] = {}
    for name, items in sorted(by_group.items()):
        opened = {i.thread for i in items if i.position == 0 and plain.analyze(i.text).request}
        out[name] = [
            Message(
                i.text,
                i.request,
                i.category,
                i.accept,
                i.position > 0 and i.thread in opened,
            )
            for i in items
        ]
    return out


def read(analyzer: Analyzer, message: Message) -> Analysis:
    context = ANSWERING if message.answers_request else Context(answers_request=False)
    return analyzer.analyze(message.text, context=context)


def wrong(message: Message, analysis: Analysis) -> bool:
    if analysis.request != message.request:
        return True
    return analysis.request and analysis.category not in message.accept


def label(message: Message) -> str:
    return message.category or "demand" if message.request else "not-a-request"


def request_f1(gold: Sequence[bool], predicted: Sequence[bool]) -> float:
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
    fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
    if tp + fp + fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)


def memory_of(
    plain: Analyzer, corrected: Sequence[Message], limits: LearningLimits
) -> CorrectionMemory:
    examples = [
        learned_example(plain, GUILD, 10, number, m.text, label(m))
        for number, m in enumerate(corrected, start=1)
    ]
    return CorrectionMemory(examples, limits)


@dataclass(frozen=True, slots=True)
class Outcome:
    server: str
    k: int
    rest: int
    before: float
    after: float

    @property
    def gain(self) -> float:
        return self.after - self.before


def simulate(
    groups: dict[str, list[Message]], limits: LearningLimits, ks: Sequence[int] = KS
) -> list[Outcome]:
    plain = Analyzer()
    outcomes: list[Outcome] = []
    for name, messages in groups.items():
        verdicts = [read(plain, m) for m in messages]
        errors = [n for n, (m, a) in enumerate(zip(messages, verdicts, strict=True)) if wrong(m, a)]
        for k in ks:
            if len(errors) < k:
                continue
            cut = errors[k - 1] + 1
            rest = messages[cut:]
            if not rest:
                continue
            adapted = Analyzer(adapter=memory_of(plain, [messages[n] for n in errors[:k]], limits))
            gold = [m.request for m in rest]
            before = request_f1(gold, [a.request for a in verdicts[cut:]])
            after = request_f1(gold, [read(adapted, m).request for m in rest])
            outcomes.append(Outcome(name, k, len(rest), before, after))
    return outcomes


def table(outcomes: Sequence[Outcome], groups: int) -> None:
    """``groups``: how many servers were simulated; those missing from a row were skipped."""
    print(
        f"{'k':>3} {'servers':>7} {'skipped':>7} {'F1 before':>9} {'F1 after':>9}"
        f" {'mean gain':>9}  worst"
    )
    for k in KS:
        rows = [o for o in outcomes if o.k == k]
        if not rows:
            print(f"{k:>3} {0:>7} {groups:>7}  (no server has {k} errors and messages after)")
            continue
        worst = min(rows, key=lambda o: o.gain)
        print(
            f"{k:>3} {len(rows):>7} {groups - len(rows):>7}"
            f" {statistics.mean(o.before for o in rows):>9.3f}"
            f" {statistics.mean(o.after for o in rows):>9.3f}"
            f" {statistics.mean(o.gain for o in rows):>+9.3f}  {worst.gain:+.3f} ({worst.server})"
        )
    if not outcomes:
        return
    print("per server:")
    for o in outcomes:
        print(
            f"  k={o.k:<2} {o.server:<36} rest {o.rest:>4}  {o.before:.3f} -> {o.after:.3f}"
            f" ({o.gain:+.3f})"
        )


def tune(groupings: Sequence[dict[str, list[Message]]]) -> LearningLimits:
    """The limits with the best mean gain at k = 10 and 20 with no server worse than
    WORST_TARGET, on the given (train and dev) servers of every grouping. Gains within TIE of
    the best count as a tie, won by the highest min_similarity: a correction's reach stays as
    narrow as can be."""
    scored: list[tuple[float, LearningLimits]] = []
    for similarity, shift, scale in itertools.product((0.3, 0.4, 0.5, 0.6), (4.0, 8.0), (0.5, 1.0)):
        limits = LearningLimits(similarity, shift, scale)
        outcomes = [o for groups in groupings for o in simulate(groups, limits, (10, 20))]
        if not outcomes or min(o.gain for o in outcomes) < WORST_TARGET:
            continue
        score = statistics.mean(o.gain for o in outcomes)
        print(f"  {limits}: mean gain {score:+.4f} over {len(outcomes)} runs")
        scored.append((score, limits))
    if not scored:
        print("no limits keep every server within the worst-case target")
        return LEARNING_LIMITS
    best_score = max(score for score, _limits in scored)
    ties = [limits for score, limits in scored if score >= best_score - TIE]
    chosen = max(ties, key=lambda limits: (limits.min_similarity, -limits.max_shift))
    print(f"chosen on train+dev: {chosen} (best mean gain {best_score:+.4f}, ties within {TIE})")
    return chosen


def reach(groups: dict[str, list[Message]], k: int = 20, bins: int = 10) -> None:
    """Whether a correction's label is worth more than the model's verdict on a message like it:
    after each server's first k errors (fewer if it has fewer) are corrected, every later message
    by its similarity to the most alike correction, with how often the model is right about it
    and how often that correction's label is. Where the second is not above the first, letting
    corrections reach that far can only cost F1; read it on train+dev to choose the reach."""
    plain = Analyzer()
    counts = [[0, 0, 0] for _bin in range(bins)]  # messages, the model right, the correction right
    for messages in groups.values():
        verdicts = [read(plain, m) for m in messages]
        errors = [n for n, (m, a) in enumerate(zip(messages, verdicts, strict=True)) if wrong(m, a)]
        if not errors:
            continue
        cut = errors[min(k, len(errors)) - 1] + 1
        corrected = [messages[n] for n in errors[:k]]
        memory = memory_of(plain, corrected, LearningLimits(1.0 / bins, 0.0, 1.0))
        for message, verdict in zip(messages[cut:], verdicts[cut:], strict=True):
            words = similarity_words(plain.model_inputs(message.text).request_features)
            near = memory.neighbours(words)
            similarity, nearest = near[0] if near else (0.0, None)
            row = counts[min(int(similarity * bins), bins - 1)]
            row[0] += 1
            row[1] += verdict.request == message.request
            row[2] += nearest is not None and nearest.request == message.request
    print(f"  {'similarity':>10} {'messages':>8} {'model right':>11} {'correction right':>16}")
    for number, (total, model, correction) in enumerate(counts):
        if total:
            share = f"{correction / total:>7.0%}" if number else "      -"
            print(
                f"  {number / bins:>4.1f}-{(number + 1) / bins:<5.1f} {total:>8}"
                f" {model / total:>11.0%} {share:>16}"
            )


def cost(
    messages: Sequence[Message],
    taught: Sequence[Message],
    limits: LearningLimits,
    sizes: Sequence[int] = (20, 100, 1000),
    repeats: int = 7,
) -> dict[int, float]:
    """CPU seconds per message with a memory of `size` corrections (from `taught`: other
    messages than those read) over without, the hot path's call (``score_all=False``); medians
    of `repeats` alternating runs. {size: ratio}."""
    plain = Analyzer()
    analyzers = {0: plain}
    for size in sizes:
        corrected = [taught[n % len(taught)] for n in range(size)]
        analyzers[size] = Analyzer(adapter=memory_of(plain, corrected, limits))
    runs: dict[int, list[float]] = {size: [] for size in analyzers}
    for _ in range(repeats):
        for size, analyzer in analyzers.items():
            start = time.process_time()
            for m in messages:
                analyzer.analyze(m.text, score_all=False)
            runs[size].append((time.process_time() - start) / len(messages))
    medians = {size: statistics.median(times) for size, times in runs.items()}
    ratios = {size: medians[size] / medians[0] for size in sizes}
    load = ", ".join(f"{average:.1f}" for average in os.getloadavg())
    print(
        f"per-message CPU (median of {repeats}; {os.cpu_count()} cores, load {load}):"
        f" {medians[0] * 1e6:.1f} us without learning"
    )
    for size in sizes:
        print(f"  {size:>5} corrections: {medians[size] * 1e6:.1f} us ({ratios[size]:.2f}x)")
    return ratios


def state_bytes(messages: Sequence[Message]) -> int:
    """What the Store keeps per correction that learning reads: the text and the label, plus
    the row's ids, times and hashes (8-byte numbers, a 64-character hash, the language)."""
    row_overhead = 3 * 8 + 8 + 64 + 2 + 16
    corrected = [messages[n % len(messages)] for n in range(1000)]
    total = sum(len(m.text.encode()) + len(label(m)) + row_overhead for m in corrected)
    print(
        f"learning state for 1,000 corrections: {total:,} bytes of correction rows "
        f"(target <= {STATE_TARGET:,}); nothing else is stored"
    )
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tune", action="store_true", help="search the limits on train+dev")
    parser.add_argument(
        "--reach", action="store_true", help="on train+dev: is a similar correction right?"
    )
    args = parser.parse_args(argv)
    if not real_corpus.available():
        print(real_corpus.MISSING, file=sys.stderr)
        return 2
    if args.reach:
        for grouping in GROUPINGS:
            print(f"train+dev by {grouping}, after up to 20 corrections:")
            reach(servers(("train", "dev"), grouping))
    limits = LEARNING_LIMITS
    if args.tune:
        print("tuning on train+dev:")
        limits = tune([servers(("train", "dev"), grouping) for grouping in GROUPINGS])
    at_20: dict[str, list[Outcome]] = {}
    test: dict[str, list[Message]] = {}
    for grouping in GROUPINGS:
        test = servers(("test",), grouping)
        print(f"\nreal corpus, test split, by {grouping}: {len(test)} servers; limits {limits}")
        outcomes = simulate(test, limits)
        table(outcomes, len(test))
        at_20[grouping] = [o for o in outcomes if o.k == 20]
    print()
    everything = [m for messages in test.values() for m in messages]
    train = [m for messages in servers(("train",)).values() for m in messages]
    ratios = cost(everything, train, limits)
    state = state_bytes(everything)
    for grouping, rows in at_20.items():
        if not rows:
            print(f"n/a  by {grouping}: no server has 20 errors to correct")
            continue
        gain = statistics.mean(o.gain for o in rows)
        worst = min(o.gain for o in rows)
        print(
            f"{'PASS' if gain >= GAIN_TARGET else 'MISS'} by {grouping}: mean gain at k=20"
            f" {gain:+.3f} over {len(rows)} servers"
        )
        print(
            f"{'PASS' if worst >= WORST_TARGET else 'MISS'} by {grouping}: worst server at k=20"
            f" {worst:+.3f}"
        )
    for size, ratio in ratios.items():
        verdict = "PASS" if ratio <= COST_TARGET else "MISS"
        print(f"{verdict} per-message cost with {size} corrections {ratio:.2f}x")
    print(f"{'PASS' if state <= STATE_TARGET else 'MISS'} state {state:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
