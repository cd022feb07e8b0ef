"""English tone: vaderSentiment's ``polarity_scores`` (the old path) against ``vader_scoring``.

    .venv/bin/python bench/tone.py [--runs 5] [--lines 20000] [--classify-runs 5]

Per message, CPU time (``time.process_time``) of

- ``score_english(clean, explain=False)`` as it was (text prepared, then vaderSentiment's
  ``polarity_scores`` with Clamor's clause patch: ``tests/analysis/vader_reference.py``) and as
  it is (the same prepared text scored by ``vader_scoring``);
- the rules alone on the prepared text: ``polarity_scores`` against ``VaderScorer.scores``;

on each of the four VADER ICWSM 2014 files (``../shared/data/vader-icwsm2014``, each sentence
cleaned as the pipeline cleans it) and on the texts of ``tests/data/corpus.jsonl``. Old and new
run in turn over the whole file, ``--runs`` times; each figure is the median of its runs.

Then ``clamor classify --jsonl FILE`` on ``--lines`` lines made as ``bench/cli_throughput.py``
makes them (5% requests), in a child process each, CPU time (user + system) of the child: before
(the old scoring put back in the child: ``english_scorer`` answering with the reference) and
after, in turn, medians. One run of each is also compared whole: the two outputs must be the
same bytes. Nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from accuracy import ICWSM_DIR, ICWSM_FILES, IN_HOUSE, read_ground_truth  # noqa: E402
from cli_throughput import cpu_seconds, write_lines  # noqa: E402
from memory import write_chat_export  # noqa: E402
from stream import load_pools  # noqa: E402

from bot.analysis import clean_text  # noqa: E402
from bot.analysis.tone import english_scorer, prepare_english, score_english  # noqa: E402
from tests.analysis.vader_reference import reference_scores, reference_tone  # noqa: E402

# `clamor classify` with the scoring as it was: the reference answers for the scorer.
OLD_CLASSIFY = """
import sys
import bot.analysis.tone as tone
from tests.analysis.vader_reference import reference_scores

class OldScorer:
    scores = staticmethod(reference_scores)

tone.english_scorer = lambda: OldScorer
from bot.cli import main
raise SystemExit(main(sys.argv[1:]))
"""
NEW_CLASSIFY = """
import sys
from bot.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def cpu_per_item(function: Callable[[str], object], items: Sequence[str]) -> float:
    """CPU microseconds per item of one pass over ``items``."""
    start = time.process_time()
    for item in items:
        function(item)
    return 1e6 * (time.process_time() - start) / len(items)


def new_tone(clean: str) -> object:
    return score_english(clean, explain=False)


def interleaved(
    pairs: Sequence[tuple[Callable[[str], object], Sequence[str]]], runs: int
) -> list[float]:
    """Median CPU us/item of each (function, items), the functions run in turn ``runs`` times."""
    times: list[list[float]] = [[] for _ in pairs]
    for _ in range(runs):
        for slot, (function, items) in enumerate(pairs):
            times[slot].append(cpu_per_item(function, items))
    return [statistics.median(slot) for slot in times]


def corpora() -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for name in ICWSM_FILES:
        path = ICWSM_DIR / f"{name}_GroundTruth.txt"
        if path.is_file():
            found.append((name, [clean_text(text) for _, text in read_ground_truth(path)]))
        else:
            print(f"{path} not found, skipped")
    chat = [json.loads(line)["text"] for line in IN_HOUSE.read_text(encoding="utf-8").splitlines()]
    found.append(("corpus.jsonl chat", [clean_text(text) for text in chat]))
    return found


def per_message(runs: int) -> None:
    print(f"\nCPU us per message, median of {runs} interleaved runs")
    print(
        f"  {'texts':<22}{'n':>7}{'old':>9}{'new':>9}{'ratio':>8}"
        f"{'rules old':>11}{'new':>8}{'ratio':>8}"
    )
    scorer = english_scorer()
    for name, texts in corpora():
        for text in texts[:200]:  # warm both paths (the reference builds its analyser once)
            new_tone(text)
            reference_tone(text)
        spelled = [prepare_english(text)[1] for text in texts if text]
        old, new, rules_old, rules_new = interleaved(
            [
                (reference_tone, texts),
                (new_tone, texts),
                (reference_scores, spelled),
                (scorer.scores, spelled),
            ],
            runs,
        )
        print(
            f"  {name:<22}{len(texts):>7}{old:>9.1f}{new:>9.1f}{old / new:>7.2f}x"
            f"{rules_old:>11.1f}{rules_new:>8.1f}{rules_old / rules_new:>7.2f}x",
            flush=True,
        )


def classify(lines: int, runs: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        export, jsonl = folder / "export.json", folder / "messages.jsonl"
        requests = write_chat_export(export, load_pools(), lines, 0.05, seed)
        write_lines(export, jsonl)
        old = [sys.executable, "-c", OLD_CLASSIFY, "classify", "--jsonl", str(jsonl)]
        new = [sys.executable, "-c", NEW_CLASSIFY, "classify", "--jsonl", str(jsonl)]
        env = {**os.environ, "CLAMOR_TIMEZONE": "UTC", "PYTHONPATH": str(ROOT)}
        digests = [
            hashlib.sha256(
                subprocess.run(command, check=True, capture_output=True, cwd=folder, env=env).stdout
            ).hexdigest()
            for command in (old, new)
        ]
        before: list[float] = []
        after: list[float] = []
        for _ in range(runs):
            before.append(cpu_seconds(old, folder))
            after.append(cpu_seconds(new, folder))
    old_cpu, new_cpu = statistics.median(before), statistics.median(after)
    print(f"\nclamor classify --jsonl, {lines:,} lines ({requests:,} requests), CPU s, {runs} runs")
    print(f"  before {old_cpu:.2f} s ({min(before):.2f}-{max(before):.2f})")
    print(f"  after  {new_cpu:.2f} s ({min(after):.2f}-{max(after):.2f})")
    per_line = f"{1e6 * old_cpu / lines:.0f} -> {1e6 * new_cpu / lines:.0f} us/line"
    print(f"  {old_cpu / new_cpu:.2f}x; {per_line}")
    same = "identical" if digests[0] == digests[1] else "DIFFER"
    print(f"  outputs {same} (sha256 {digests[1][:12]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="interleaved runs per text set")
    parser.add_argument("--lines", type=int, default=20_000, help="classify's lines (0: skip)")
    parser.add_argument(
        "--classify-runs", type=int, default=5, help="classify runs in turn (0: skip)"
    )
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.runs < 1 or args.lines < 0 or args.classify_runs < 0:
        parser.error("--runs must be at least 1; --lines and --classify-runs 0 or more")
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")
    per_message(args.runs)
    if args.lines and args.classify_runs:
        classify(args.lines, args.classify_runs, args.seed)
    print(f"\nload {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
