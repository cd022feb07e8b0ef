"""Command-line throughput against plain VADER on every message (issue 15's targets).

    .venv/bin/python bench/cli_throughput.py [--messages 200000] [--requests 0.05,0.3] [--runs 3]

For each request share it writes a seeded DiscordChatExporter export (bench/memory.py's
generator: one channel, 30 days, the stream's texts) and the same texts as JSON Lines, then
times, each in a fresh child process, by CPU time (user + system of the child):

- `clamor analyze EXPORT --db FILE` (a new database file each run) and `clamor analyze EXPORT`,
  against a bare script that reads the same export with `json.load` and calls VADER's
  `polarity_scores` on every message;
- `clamor classify --jsonl FILE`, against a bare script that reads the same lines, calls
  `polarity_scores` on each text and prints its scores as a JSON line.

The commands and their baselines run in turn (A B A B ...), so load from other work on the
machine falls on both alike; the figure is the median of the per-run ratios (baseline CPU /
Clamor CPU: above 1 means Clamor is faster). Targets (issue 15): at 5% requests, `analyze --db`
and `classify --jsonl` at least 2x faster than plain VADER; at 30% requests, no slower (>= 1x).
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from memory import write_chat_export
from stream import ROOT, load_pools

VADER_ON_EXPORT = """
import json, sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
vader = SentimentIntensityAnalyzer()
with open(sys.argv[1], encoding="utf-8") as f:
    export = json.load(f)
for message in export["messages"]:
    vader.polarity_scores(message["content"])
"""

VADER_ON_LINES = """
import json, sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
vader = SentimentIntensityAnalyzer()
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        text = json.loads(line)["text"]
        print(json.dumps({"text": text, **vader.polarity_scores(text)}, ensure_ascii=False))
"""


def cpu_seconds(argv: list[str], folder: Path) -> float:
    """User + system CPU seconds of `argv` run in a child process of its own, output dropped."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(usage.ru_utime + usage.ru_stime)\n"
    )
    env = {**os.environ, "CLAMOR_TIMEZONE": "UTC", "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an operator's commands run from compiled modules
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *argv],
        check=True,
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
    )
    return float(done.stdout)


def write_lines(export: Path, lines: Path) -> None:
    with export.open(encoding="utf-8") as source:
        messages = json.load(source)["messages"]
    with lines.open("w", encoding="utf-8") as out:
        for message in messages:
            out.write(json.dumps({"text": message["content"]}, ensure_ascii=False) + "\n")


def measure(size: int, share: float, runs: int, seed: int) -> None:
    pools = load_pools()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        export, lines = folder / "export.json", folder / "messages.jsonl"
        requests = write_chat_export(export, pools, size, share, seed)
        write_lines(export, lines)
        clamor = [sys.executable, "-m", "bot"]
        pairs = {
            "analyze EXPORT --db FILE": (
                lambda run: [*clamor, "analyze", str(export), "--db", str(folder / f"{run}.db")],
                [sys.executable, "-c", VADER_ON_EXPORT, str(export)],
            ),
            "analyze EXPORT": (
                lambda run: [*clamor, "analyze", str(export)],
                [sys.executable, "-c", VADER_ON_EXPORT, str(export)],
            ),
            "classify --jsonl FILE": (
                lambda run: [*clamor, "classify", "--jsonl", str(lines)],
                [sys.executable, "-c", VADER_ON_LINES, str(lines)],
            ),
        }
        for label, (command, baseline) in pairs.items():
            ours: list[float] = []
            theirs: list[float] = []
            for run in range(runs):
                theirs.append(cpu_seconds(baseline, folder))
                ours.append(cpu_seconds(command(run), folder))
            ratios = [v / c for v, c in zip(theirs, ours, strict=True)]
            clamor_cpu, vader_cpu = statistics.median(ours), statistics.median(theirs)
            print(
                f"{size:>9,}{requests:>9,}  {label:<26}{clamor_cpu:>9.1f}{vader_cpu:>9.1f}"
                f"{statistics.median(ratios):>8.2f}x  {min(ratios):.2f}-{max(ratios):.2f}"
                f"{1e6 * clamor_cpu / size:>8.0f}{1e6 * vader_cpu / size:>8.0f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--requests", default="0.05,0.3", help="request shares, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")
    print(
        f"\n{'messages':>9}{'requests':>9}  {'command':<26}{'CPU s':>9}{'VADER s':>9}"
        f"{'ratio':>9}  {'range':<9}{'us/msg':>8}{'VADER':>8}"
    )
    for share in (float(s) for s in args.requests.split(",")):
        measure(args.messages, share, args.runs, args.seed)
    print("\nratio = plain VADER's CPU / Clamor's (> 1: Clamor is faster); targets: >= 2x at 5%")
    print("requests for analyze --db and classify --jsonl, >= 1x at 30%")
    print(f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
