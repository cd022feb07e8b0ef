"""Start-up: from `clamor run` (a new process, the real entry point) to the first gateway
IDENTIFY received by the fake Discord (tests/fakediscord), with where the time goes.

    .venv/bin/python bench/startup.py [--runs 5]

Each run starts a FakeDiscord in this process and `python -c LAUNCHER` in a fresh folder with
a .env, the way an operator runs `clamor run`; the launcher points discord.py at the fake (as
tests/e2e/test_secrets.py does), wraps a few functions to print wall-clock marks on stderr, and
calls `bot.cli.main(["run"])`. Stages: interpreter start, imports, settings, Store open and
migrate, login (REST; discord.py runs setup_hook inside it: extensions, command sync),
connect to IDENTIFY. The analyser's warm-up is reported beside them: it runs in a worker
thread alongside the stages after it. Also reported: whether matplotlib was imported by the
time of IDENTIFY (it must not be). Target: < 1.5 s. Nothing is asserted.

Then `clamor classify` on one line against a bare VADER script that does the least the same
job needs (import VADER, build its analyser, print the scores of each line as JSON), each a
fresh `python` process fed the same line, run in turn (A B A B ...) so that load from other
work on the machine falls on both alike. Reported: the median wall time and CPU time (user +
system, from `getrusage` of the children) of each and their ratio. Target (issue 15, item 6):
classify <= 2x the bare script.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakediscord import FakeDiscord  # noqa: E402

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"

LAUNCHER = r"""
import sys, time
def mark(name): sys.stderr.write(f"MARK {name} {time.time():.6f}\n"); sys.stderr.flush()
mark("interpreter")
import functools, yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = sys.argv[1], yarl.URL(sys.argv[2])
from bot.cli import main
import bot.cli.run as run, bot.client as client, discord
from bot.store import Store
mark("imports")
def timed(owner, name, label, asynchronous=True):
    inner = getattr(owner, name)
    if asynchronous:
        @functools.wraps(inner)
        async def wrapper(*args, **kwargs):
            mark(label + ">")
            try:
                return await inner(*args, **kwargs)
            finally:
                mark(label + "<")
    else:
        @functools.wraps(inner)
        def wrapper(*args, **kwargs):
            mark(label + ">")
            try:
                return inner(*args, **kwargs)
            finally:
                mark(label + "<")
    setattr(owner, name, wrapper)
timed(run, "settings", "settings", asynchronous=False)
timed(client, "warm_up", "warm-up", asynchronous=False)
opener = Store.open.__func__
async def open_store(cls, *args, **kwargs):
    mark("store>")
    try:
        return await opener(cls, *args, **kwargs)
    finally:
        mark("store<")
Store.open = classmethod(open_store)
timed(client.ClamorBot, "setup_hook", "setup_hook")
timed(discord.Client, "login", "login")
identify = DiscordWebSocket.identify
async def identified(self):
    mark("identify")
    print("MATPLOTLIB", "matplotlib" in sys.modules, file=sys.stderr, flush=True)
    await identify(self)
    sys.stderr.flush()
    import os; os._exit(0)
DiscordWebSocket.identify = identified
sys.exit(main(["run"]))
"""


async def one_run(folder: Path) -> tuple[float, dict[str, float], bool]:
    """(seconds to IDENTIFY seen by the fake, marks relative to launch, matplotlib loaded)."""
    (folder / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\nCLAMOR_DB=data/c.db\n")
    (folder / ".env").chmod(0o600)
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "CLAMOR_", "LOG_"))
    }
    environ["PYTHONPATH"] = str(ROOT)
    async with FakeDiscord(token=TOKEN) as fake:
        launched = time.time()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            LAUNCHER,
            fake.api_base,
            fake.gateway_url,
            cwd=folder,
            env=environ,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        seen: float | None = None
        while seen is None and process.returncode is None:
            if fake.gateway.identify_count:
                seen = time.time() - launched
            await asyncio.sleep(0.002)
        async with asyncio.timeout(30):
            _, err = await process.communicate()
        if seen is None:
            seen = time.time() - launched if fake.gateway.identify_count else float("nan")
    marks: dict[str, float] = {}
    matplotlib = False
    # Log lines from other threads can land mid-line: find the marks wherever they are.
    text = err.decode()
    for name, at in re.findall(r"MARK (\S+) (\d+\.\d{6})", text):
        marks.setdefault(name, float(at) - launched)
    matplotlib = re.search(r"MATPLOTLIB True", text) is not None
    if "identify" not in marks:
        print(err.decode()[-2000:], file=sys.stderr)
    return seen, marks, matplotlib


LINE = "OpenAI should open source Sora already\n"
BARE_VADER = """
import json, sys
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
analyzer = SentimentIntensityAnalyzer()
for line in sys.stdin:
    print(json.dumps(analyzer.polarity_scores(line)))
"""


# As an installed Clamor runs: with its bytecode cached (pip compiles it on install; a checkout
# writes __pycache__ on the first run), which PYTHONDONTWRITEBYTECODE would forbid.
BYTECODE_ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPATH": str(ROOT),
}


def timed_child(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process fed `LINE`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        argv,
        input=LINE,
        text=True,
        stdout=subprocess.DEVNULL,
        check=True,
        env=BYTECODE_ENV,
        cwd=ROOT,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def classify_start(runs: int) -> None:
    commands = {
        "bare VADER script": [sys.executable, "-c", BARE_VADER],
        "clamor classify": [sys.executable, "-m", "bot", "classify"],
    }
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for argv in commands.values():  # a first run of each fills the file cache
        timed_child(argv)
    for _ in range(runs):
        for name, argv in commands.items():
            timings[name].append(timed_child(argv))
    print(
        f"\n{'one line, median of ' + str(runs) + ' interleaved runs':<40}"
        f"{'wall ms':>9}{'CPU ms':>9}"
    )
    medians = {}
    for name, pairs in timings.items():
        wall = statistics.median(w for w, _ in pairs) * 1000
        cpu = statistics.median(c for _, c in pairs) * 1000
        medians[name] = (wall, cpu)
        print(f"{name:<40}{wall:>9.0f}{cpu:>9.0f}")
    (bare_wall, bare_cpu), (wall, cpu) = medians.values()
    print(
        f"clamor classify / bare VADER: {wall / bare_wall:.1f}x wall, {cpu / bare_cpu:.1f}x CPU "
        "(target <= 2x)"
    )


STAGES = (
    ("interpreter start", None, "interpreter"),
    ("imports", "interpreter", "imports"),
    ("settings (.env)", "settings>", "settings<"),
    ("store open + migrate", "store>", "store<"),
    ("login (REST) + setup_hook", "login>", "login<"),
    ("  of which setup_hook", "setup_hook>", "setup_hook<"),
    ("connect -> IDENTIFY", "login<", "identify"),
    ("analyser warm-up (thread)", "warm-up>", "warm-up<"),
)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--classify-runs", type=int, default=10)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")
    totals: list[float] = []
    runs: list[dict[str, float]] = []
    matplotlib_seen = False
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            total, marks, matplotlib = await one_run(Path(folder))
        totals.append(total)
        runs.append(marks)
        matplotlib_seen |= matplotlib
    print(f"\n{'stage (median of ' + str(args.runs) + ' runs)':<32}{'ms':>8}{'ends at ms':>12}")
    for name, begin, end in STAGES:
        spans = [
            (m[end] - (m[begin] if begin else 0.0), m[end])
            for m in runs
            if end in m and (begin is None or begin in m)
        ]
        if not spans:
            started = [m[begin] for m in runs if begin in m]
            note = f"still running at IDENTIFY (began at {statistics.median(started) * 1000:.0f})"
            print(f"{name:<32}{'-':>8}  {note if started else ''}")
            continue
        took = statistics.median(s for s, _ in spans) * 1000
        at = statistics.median(e for _, e in spans) * 1000
        print(f"{name:<32}{took:>8.0f}{at:>12.0f}")
    print(
        f"\n`clamor run` -> IDENTIFY seen by the fake: median "
        f"{statistics.median(totals) * 1000:.0f} ms, "
        f"best {min(totals) * 1000:.0f}, worst {max(totals) * 1000:.0f} (target < 1500 ms)"
    )
    print(f"matplotlib imported before IDENTIFY: {'YES' if matplotlib_seen else 'no'}")
    classify_start(args.classify_runs)
    print(f"load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
