"""Worst-case analysis time: Clamor's analyser against plain VADER on hostile and very long input.

Run from the repository root:  .venv/bin/python bench/worst_case.py

Every input is timed three ways in the same run: ``Analyzer().analyze(text)`` (full scoring),
``analyze(text, score_all=False)`` (the bot's hot path: tone only for request messages) and an
unmodified VADER ``polarity_scores(text)`` as the baseline. Figures are wall-clock medians and
95th percentiles over repeated single-threaded calls after warm-up. Each input comes in several
variants of the same kind (other shuffles and seeds), taken in turn, so that no call is faster for
having seen the same text just before (the analyser keeps a small per-text index). Plain VADER
needs seconds on emoji floods, so its repetitions are capped by a time budget (the ``n`` column
says how many ran). The last row is the median over the short messages of the labelled corpus, to
show that making long messages fast did not make ordinary ones slow. The target (issue 4, item 7;
issue 11, item 20) is at most 10 ms per message on one core, with the largest term list a guild
may have. Nothing here is asserted; this is a report, not a test.

Hand-picked inputs only find the slow cases someone thought of. So a generator also builds
adversarial messages from the words the analyser reacts to (topic stems, the entities' names and
examples, the words the request model weighs most): one word repeated after a lead word, two
words alternating, word salad, a written request repeated, with several separators, at
the scan window's length and at 4,000 characters. Each candidate is timed once, the slowest are
mutated (a word swapped, the separator changed) for a few rounds, and the slowest found are timed
like the inputs above. The same search runs again with the largest term list a guild may have
(MAX_TERMS_PER_KIND targets, keywords and ignore phrases of MAX_TERM_CHARS characters), built
from the text's own word sequence so that every term nearly matches at every word.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from itertools import cycle
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.analysis import Analyzer, GuildTerms
from bot.analysis.entities import builtin_entities
from bot.analysis.lexicon import read_table
from bot.analysis.ngram_model import RequestModel
from bot.analysis.pipeline import MAX_SCAN_CHARS
from bot.config import MAX_TERM_CHARS, MAX_TERMS_PER_KIND

MESSAGE_CHARS = 4000  # Discord's longest message (Nitro)
TARGET_MS = 10.0
VARIANTS = 12  # of each input, taken in turn (see the module docstring)
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus.jsonl"

# Chat-register sentences, written for this benchmark; a wall of text is built by cycling them.
REQUEST_LINES = (
    "ok so hear me out, OpenAI should just open source Sora already.",
    "like genuinely what are they waiting for, the weights are sitting on a server doing nothing",
    "ClosedAI strikes again lmao <:kekw:802341125553340416>",
    "<@219876543210987654> you said last week they'd release it by summer, still nothing 🙃",
    "i doubt they ever will tbh, the compute costs alone make it a product not a research thing",
    "> when will the weights be released?\nnever. the answer is never :joy:",
    "meanwhile https://github.com/Lightricks/LTX-Video runs on my 3090 and it's honestly fine",
    "**please** just release the model card + weights, even a distilled one would do",
    "fingers crossed they drop an open version like whisper, that went great for everyone",
    "it's never going to happen, forget it, move on to Wan or HunyuanVideo",
    "fake open source marketing, the 'open' in the name has been a joke for years",
    "if they opened gpt-2 back then why not sora now?? what changed besides money",
    "idk man i kinda get it, safety stuff with video is real, but then say that instead",
    "someone on hf already reproduced half the architecture lol, just open it",
    "the community would fine-tune it into something amazing within a week ngl",
    "they won't. they never do. next thread",
    "honestly mochi is good enough for what i do, who cares about sora at this point",
    "open source it or stop calling yourselves OpenAI, pick one",
)
CHATTER_LINES = (
    "anyone up for ranked tonight? i need two more for the squad",
    "just got back from lunch, the new ramen place downstairs is actually good",
    "lol that clip from yesterday's stream is still living in my head",
    "my cat knocked my coffee onto the keyboard again, send help 😭",
    "<@301122334455667788> did you push the fix or is it still on your branch",
    "reminder: server maintenance saturday 10:00 utc, bot will be offline ~20 min",
    "the weather here is so weird, snow in april??",
    "finally beat the last boss, took me like 40 tries",
    "who's watching the match later, I have snacks",
    "ngl that meme is old but it still gets me every time",
    "brb, dinner",
    "the update broke my keybinds again, anyone know where the config file lives",
    "happy birthday <@412233445566778899>!! 🎉🎂",
    "can someone pin the event schedule pls",
    "my build finally compiles, we take those",
    "gm everyone ☀️ coffee first, words later",
)
# Right-to-left chat (Arabic and Hebrew) with the Latin names people actually type inside it,
# and the bidi marks some keyboards insert.
RTL_LINES = (
    "متى ستنشر OpenAI أوزان Sora؟",
    "لن يفتحوا المصدر أبدا، انسوا الموضوع",
    "النموذج المفتوح أفضل بكثير 👍",
    "هذا مخيب للآمال جدا 😞",
    "\u200fشباب، من جرب LTX-Video؟\u200f",
    "מתי הם ישחררו את המשקולות?",
    "אין סיכוי שזה יקרה",
    "חחח ClosedAI כמו תמיד",
    "\u202bתפתחו את הקוד כבר\u202c",
    "مساء الخير للجميع، كيف حالكم اليوم",
)
# A mix of what floods look like on Discord: faces, hands with skin tones, ZWJ sequences,
# hearts with and without a variation selector, flags, keycaps.
FLOOD_EMOJI = (
    "😂", "🔥", "❤️", "❤", "👍", "👍🏽", "😭", "🙏", "😍", "🤡", "💀", "✨", "🤦‍♂️",
    "🫠", "🥲", "😡", "🙄", "🎉", "🇺🇸", "🇪🇸", "1️⃣", "👀", "💯", "😎", "🤣", "😤",
    "👏🏿", "🧑‍💻", "❤️‍🔥", "🚀", "😢", "🤔",
)  # fmt: skip
ZALGO_MARKS = [chr(code) for code in range(0x0300, 0x0370)]


def wall_of_text(lines: tuple[str, ...], seed: int) -> str:
    """Exactly MESSAGE_CHARS characters of the lines in a shuffled, repeating order."""
    rng = random.Random(seed)
    order = list(lines)
    pieces: list[str] = []
    size = 0
    while size < MESSAGE_CHARS:
        rng.shuffle(order)
        for line in order:
            pieces.append(line)
            size += len(line) + 1
    text = "\n".join(pieces)[:MESSAGE_CHARS]
    return text[:-1] + "." if text[-1].isspace() else text


def emoji_flood(count: int, emoji: tuple[str, ...], seed: int) -> str:
    """``count`` emoji (not code points), with an occasional space as people type them."""
    rng = random.Random(seed)
    source: Iterator[str] = cycle(emoji)
    return "".join(next(source) + (" " if rng.random() < 0.1 else "") for _ in range(count))


def zalgo(seed: int) -> str:
    """A request sentence under stacks of combining marks, MESSAGE_CHARS code points long."""
    rng = random.Random(seed)
    base = cycle("they will never open source sora, forget it ")
    out: list[str] = []
    while len(out) < MESSAGE_CHARS:
        out.append(next(base))
        out.extend(rng.choices(ZALGO_MARKS, k=rng.randint(4, 14)))
    return "".join(out[:MESSAGE_CHARS])


def inputs(variants: int = 1) -> list[tuple[str, list[str]]]:
    """Each input as ``variants`` texts of the same kind (the first is the classic one)."""
    seeds = range(variants)
    return [
        ("request wall of text", [wall_of_text(REQUEST_LINES, seed=1 + 10 * i) for i in seeds]),
        ("ordinary chatter", [wall_of_text(CHATTER_LINES, seed=2 + 10 * i) for i in seeds]),
        ("2,000 emoji, mixed", [emoji_flood(2000, FLOOD_EMOJI, seed=3 + 10 * i) for i in seeds]),
        ("2,000 emoji, one repeated", [e * 2000 for e in taking(("😂", "🔥", "💀"), variants)]),
        ("800 emoji (VADER's slow case)", [e * 800 for e in taking(("😂", "🔥"), variants)]),
        (
            "one 4,000-char word",
            [("opensource" * 400)[: MESSAGE_CHARS - i] + "s" * i for i in seeds],
        ),
        ("zalgo", [zalgo(seed=4 + 10 * i) for i in seeds]),
        (
            "weights + a target repeated",
            [("weights " + "OpenAI " * 900)[: MAX_SCAN_CHARS - i] for i in seeds],
        ),
        ("right-to-left", [wall_of_text(RTL_LINES, seed=5 + 10 * i) for i in seeds]),
    ]


# ---- the adversarial generator (see the module docstring)

SEPARATORS = (" ", ", ", "-", "\n> ", "? ", "'s ", "")
SEARCH_LENGTHS = (MAX_SCAN_CHARS, MESSAGE_CHARS)
MODEL_WORDS = 300
SEED_EXAMPLES = 400
KEEP = 8  # candidates mutated each round, and timed in full at the end (the slowest few)
ROUNDS = 4
_WORD = re.compile(r"[^\W\d_][\w'-]*")


def names() -> list[str]:
    """Every spelling of a target or an open alternative the tables give (rules see each as
    one marker run, which is what a repeated group like ``(?:<target> )*`` runs over)."""
    spellings = [s for e in builtin_entities() for s in (e.canonical, *e.examples)]
    return sorted(dict.fromkeys(spellings))


def vocabulary() -> list[str]:
    """Every word the analyser reacts to, lowercased, without repeats: the topic stems, entity
    names, and the words the request model weighs most either way."""
    texts: list[str] = [row.cells[0] for row in read_table("topic_words.tsv", 2)]
    for entity in builtin_entities():
        texts.append(entity.canonical)
        texts.extend(entity.examples)
    weights = RequestModel.builtin().weights
    # Ties by name: the same words whatever order the shipped file lists the features in.
    heaviest = sorted(
        (f for f in weights if f.startswith("w:")), key=lambda f: (-abs(weights[f]), f)
    )
    texts.extend(feature[2:] for feature in heaviest[:MODEL_WORDS])
    words = (word.lower() for text in texts for word in _WORD.findall(text) if "ue0a" not in word)
    return sorted(dict.fromkeys(words))


def seed_examples() -> list[str]:
    """Short requests to build on: the written corpus's, which the model mostly takes."""
    rows = (json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines())
    return sorted({str(row["text"]) for row in rows if row["request"]})[:SEED_EXAMPLES]


def filled(piece: str, length: int, lead: str = "") -> str:
    """``lead`` then ``piece`` repeated, exactly ``length`` characters."""
    if not piece:
        return lead[:length]
    text = lead + piece * (length // len(piece) + 1)
    return text[:length]


@dataclass(frozen=True, slots=True)
class Candidate:
    description: str
    text: str


def candidates(rng: random.Random, count: int) -> list[Candidate]:
    """``count`` adversarial messages of the shapes in the module docstring."""
    words = vocabulary()
    named = names()
    examples = seed_examples()
    made: list[Candidate] = []
    while len(made) < count:
        length = rng.choice(SEARCH_LENGTHS)
        separator = rng.choice(SEPARATORS)
        shape = rng.randrange(4)
        # Half the repeated pieces are names: many rule groups repeat over "<target> ".
        piece = rng.choice(named if rng.random() < 0.5 else words)
        if shape == 0:
            lead = rng.choice(words)
            description = f"{lead!r} then {piece!r} repeated, sep {separator!r}"
            text = filled(piece + separator, length, lead + " ")
        elif shape == 1:
            first, second = rng.choice(words), piece
            description = f"{first!r} and {second!r} alternating, sep {separator!r}"
            text = filled(first + separator + second + separator, length)
        elif shape == 2:
            salad = separator.join(rng.choice(words) for _ in range(60)) + separator
            description = f"salad of 60 rule words, sep {separator!r}"
            text = filled(salad, length)
        else:
            example = rng.choice(examples)
            description = f"example {example[:40]!r} repeated, sep {separator!r}"
            text = filled(example + separator, length)
        made.append(Candidate(f"{description}, {length} chars", text))
    return made


def mutated(rng: random.Random, candidate: Candidate) -> Candidate:
    """The same message with one word swapped for a rule word, or another separator."""
    words = vocabulary()
    pieces = candidate.text.split(" ")
    if len(pieces) > 2 and rng.random() < 0.7:
        where = rng.randrange(len(pieces))
        pieces[where] = rng.choice(words)
        text = " ".join(pieces)
        description = f"{candidate.description}; word {where} swapped"
    else:
        separator = rng.choice(SEPARATORS)
        text = candidate.text.replace(" ", separator)
        description = f"{candidate.description}; spaces as {separator!r}"
    return Candidate(description, text[: len(candidate.text)])


def once_ms(analyzer: Analyzer, text: str) -> float:
    before = time.perf_counter_ns()
    analyzer.analyze(text)
    return (time.perf_counter_ns() - before) / 1e6


def slowest(
    analyzer: Analyzer, pool: list[Candidate], rng: random.Random, budget_s: float
) -> list[Candidate]:
    """The KEEP slowest candidates of ``pool`` and their mutations, searched for ``budget_s``."""
    started = time.perf_counter()
    timed = [(once_ms(analyzer, c.text), c) for c in pool]
    for _ in range(ROUNDS):
        if time.perf_counter() - started > budget_s:
            break
        timed.sort(key=lambda pair: -pair[0])
        children = [mutated(rng, c) for _ms, c in timed[:KEEP] for _ in range(8)]
        timed = timed[:KEEP] + [(once_ms(analyzer, c.text), c) for c in children]
    timed.sort(key=lambda pair: -pair[0])
    # Retimed once more so that one unlucky sample (another process) does not pick the rows.
    retimed = [(min(once_ms(analyzer, c.text) for _ in range(3)), c) for _ms, c in timed[:KEEP]]
    retimed.sort(key=lambda pair: -pair[0])
    return [c for _ms, c in retimed[:3]]


def largest_term_list(rng: random.Random) -> tuple[GuildTerms, str]:
    """MAX_TERMS_PER_KIND terms of MAX_TERM_CHARS characters of each kind, each a stretch of one
    word sequence with its last character changed, so that every term nearly matches wherever
    the sequence is; and a message made of that sequence (plus one keyword that does match, so
    the message takes the whole request path: keywords, ignore phrases, tone, category)."""
    words = vocabulary()
    sequence = " ".join(rng.choice(words) for _ in range(400))
    starts = [m.start() for m in re.finditer(r"(?<= )\S", sequence)]

    def terms(count: int, tail: str) -> frozenset[str]:
        made: set[str] = set()
        for start in rng.sample(starts, count):
            stretch = sequence[start : start + MAX_TERM_CHARS - len(tail)].rstrip()
            made.add(stretch + tail)
        return frozenset(made)

    keywords = terms(MAX_TERMS_PER_KIND - 1, "q")
    matching = sequence[starts[10] : starts[14]].strip()
    guild = GuildTerms(
        targets=terms(MAX_TERMS_PER_KIND, "q"),
        keywords=keywords | {matching},
        ignore=terms(MAX_TERMS_PER_KIND, "z"),
    )
    return guild, filled(sequence + " ", MESSAGE_CHARS)


def generated_inputs(seed: int, budget_s: float) -> list[tuple[str, str, GuildTerms]]:
    """The slowest generated messages, without guild terms and with the largest list."""
    rng = random.Random(seed)
    found: list[tuple[str, str, GuildTerms]] = []
    plain = Analyzer()
    for candidate in slowest(plain, candidates(rng, 400), rng, budget_s / 2):
        found.append((candidate.description, candidate.text, GuildTerms()))
    terms, own_text = largest_term_list(rng)
    with_terms = Analyzer(terms)
    pool = [Candidate("the term list's own word sequence", own_text), *candidates(rng, 200)]
    for candidate in slowest(with_terms, pool, rng, budget_s / 2):
        found.append((f"{candidate.description}; largest term list", candidate.text, terms))
    return found


def taking(items: tuple[str, ...], count: int) -> list[str]:
    """``count`` items, starting over when they run out."""
    return [items[i % len(items)] for i in range(count)]


def corpus_texts() -> list[str]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


@dataclass(frozen=True, slots=True)
class Timing:
    samples_ms: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        if len(self.samples_ms) < 2:
            return self.samples_ms[0]
        return statistics.quantiles(self.samples_ms, n=20, method="inclusive")[-1]


def measure(
    call: Callable[[str], object],
    texts: list[str],
    *,
    warmup: int,
    min_runs: int,
    max_runs: int,
    budget_s: float,
) -> Timing:
    """Runs until ``max_runs`` or until ``budget_s`` has passed (but at least ``min_runs``),
    taking the texts in turn."""
    turn = cycle(texts)
    for _ in range(warmup):
        call(next(turn))
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < max_runs and (
        len(samples) < min_runs or time.perf_counter() - started < budget_s
    ):
        text = next(turn)
        before = time.perf_counter_ns()
        call(text)
        samples.append((time.perf_counter_ns() - before) / 1e6)
    return Timing(tuple(samples))


def per_message(call: Callable[[str], object], texts: list[str], rounds: int) -> Timing:
    """One sample per message: its fastest of ``rounds`` passes (the machine may be shared)."""
    best = [float("inf")] * len(texts)
    for _ in range(rounds):
        for i, text in enumerate(texts):
            before = time.perf_counter_ns()
            call(text)
            best[i] = min(best[i], (time.perf_counter_ns() - before) / 1e6)
    return Timing(tuple(best))


def ms(value: float) -> str:
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def ratio(clamor: Timing, baseline: Timing) -> str:
    """Clamor's median over VADER's, to two significant digits however small."""
    return f"{clamor.median / baseline.median:.2g}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clamor-runs", type=int, default=200, help="max runs per Clamor case")
    parser.add_argument("--vader-budget", type=float, default=2.0, help="seconds per VADER case")
    parser.add_argument("--seed", type=int, default=11, help="of the adversarial generator")
    parser.add_argument(
        "--search-budget", type=float, default=30.0, help="seconds for the generator's search"
    )
    args = parser.parse_args()

    clamor = Analyzer()
    vader = SentimentIntensityAnalyzer()  # untouched: Clamor's own analyser adds chat emoji
    vader.polarity_scores("warm up the baseline :)")

    def time_clamor(call: Callable[[str], object], texts: list[str]) -> Timing:
        return measure(call, texts, warmup=3, min_runs=20, max_runs=args.clamor_runs, budget_s=1.0)

    load = os.getloadavg()
    print("Worst-case analysis time: Clamor vs plain VADER (wall clock, one thread)")
    print(
        f"cores: {os.cpu_count()} | Python {platform.python_version()} "
        f"({platform.python_implementation()}) | vaderSentiment {version('vaderSentiment')} "
        f"| load average {load[0]:.2f}"
    )
    header = (
        f"{'input':<30} {'chars':>5} {'read as':>10} "
        f"| {'full med':>8} {'p95':>6} | {'hot med':>7} {'p95':>6} "
        f"| {'VADER med':>9} {'p95':>6} {'n':>3} | {'full/V':>7} {'hot/V':>7} | target"
    )
    missed = 0

    def report(name: str, texts: list[str], analyzer: Analyzer) -> None:
        nonlocal missed

        def hot_path(text: str) -> object:
            return analyzer.analyze(text, score_all=False)

        text = texts[0]
        full = time_clamor(analyzer.analyze, texts)
        hot = time_clamor(hot_path, texts)
        baseline = measure(
            vader.polarity_scores,
            texts,
            warmup=0,
            min_runs=1,
            max_runs=30,
            budget_s=args.vader_budget,
        )
        reading = analyzer.analyze(text)
        read_as = f"{'request' if reading.request else 'other'}/{reading.language}"
        met = max(full.median, hot.median) <= TARGET_MS
        missed += not met
        print(
            f"{name[:30]:<30} {len(text):>5} {read_as:>10} "
            f"| {ms(full.median):>8} {ms(full.p95):>6} "
            f"| {ms(hot.median):>7} {ms(hot.p95):>6} "
            f"| {ms(baseline.median):>9} {ms(baseline.p95):>6} {len(baseline.samples_ms):>3} "
            f"| {ratio(full, baseline):>7} {ratio(hot, baseline):>7} "
            f"| {'met' if met else 'MISSED'}",
            flush=True,
        )

    started = time.perf_counter()
    print(header)
    print("-" * len(header))
    for name, texts in inputs(VARIANTS):
        report(name, texts, clamor)
    generated = generated_inputs(args.seed, args.search_budget)
    print(
        f"-- generated (seed {args.seed}, {time.perf_counter() - started:.0f} s so far): the "
        f"slowest found, without guild terms (g1-g3) and with the largest term list (g4-g6)"
    )
    for number, (description, text, terms) in enumerate(generated, 1):
        rotations = [text[shift:] + text[:shift] for shift in range(0, 7 * VARIANTS, 7)]
        report(f"g{number}: {description}", rotations, Analyzer(terms))
    corpus = corpus_texts()
    full = per_message(clamor.analyze, corpus, rounds=3)
    hot = per_message(lambda text: clamor.analyze(text, score_all=False), corpus, rounds=3)
    baseline = per_message(vader.polarity_scores, corpus, rounds=3)
    chars = statistics.median(len(text) for text in corpus)
    print(
        f"{'short messages (corpus median)':<30} {chars:>5.0f} {len(corpus):>10} "
        f"| {ms(full.median):>8} {ms(full.p95):>6} | {ms(hot.median):>7} {ms(hot.p95):>6} "
        f"| {ms(baseline.median):>9} {ms(baseline.p95):>6} {'':>3} "
        f"| {ratio(full, baseline):>7} {ratio(hot, baseline):>7} |",
        flush=True,
    )
    print(
        f"\nTimes in ms. full = Analyzer().analyze(text); hot = analyze(text, score_all=False);\n"
        f"Each input: {VARIANTS} variants of its kind taken in turn (chars and read as: the "
        f"first).\n"
        f"Short messages: each corpus message's fastest of 3 passes; chars = median length, "
        f"then the message count.\n"
        f"VADER = plain polarity_scores(text), one analyser built once, capped at "
        f"{args.vader_budget:g} s or 30 runs per input (n); Clamor up to {args.clamor_runs} runs "
        f"or 1 s after 3 warm-up calls.\n"
        f"read as = Clamor's request decision/language (requests get tone even on the hot path).\n"
        f"full/V and hot/V = Clamor median / VADER median (below 1 = faster than VADER).\n"
        f"g1-g6 = the generator's slowest finds (full descriptions below), each timed on "
        f"{VARIANTS} rotations of its text;\n"
        f"the largest term list = {MAX_TERMS_PER_KIND} targets, keywords and ignore phrases of "
        f"up to {MAX_TERM_CHARS} characters, each nearly matching at every word.\n"
        f"target = Clamor median <= {TARGET_MS:g} ms in both modes (issue 4, item 7; issue 11, "
        f"item 20); {missed} input(s) missed it. Total {time.perf_counter() - started:.0f} s."
    )
    for number, (description, text, _terms) in enumerate(generated, 1):
        print(f"g{number}: {description}: {text[:70]!r}...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
