"""What `/clamor-mod learning show` says: whether the server learns, from how many corrections,
and the words its corrections agree on most."""

from __future__ import annotations

from collections import Counter

from bot.analysis.ngram_model import readable
from bot.learning.memory import CorrectionMemory

PATTERN_COUNT = 5
_MIN_SHARED = 2  # a pattern is a word or pair at least this many corrections share


def strongest_patterns(
    memory: CorrectionMemory, top: int = PATTERN_COUNT
) -> list[tuple[str, str, int]]:
    """(words, verdict, corrections) for the words and word pairs most corrections with one
    verdict share and none with the other, most shared first."""
    by_verdict: dict[bool, Counter[str]] = {True: Counter(), False: Counter()}
    for example in memory.examples:
        by_verdict[example.request].update(
            w for w in example.words if not w.startswith("b:<s>") and not w.endswith("</s>")
        )
    found: list[tuple[int, str, str]] = []
    for request, counts in by_verdict.items():
        other = by_verdict[not request]
        for word, count in counts.items():
            if count >= _MIN_SHARED and word not in other:
                found.append((count, word, "request" if request else "not a request"))
    found.sort(key=lambda row: (-row[0], row[1]))
    return [(readable(word), verdict, count) for count, word, verdict in found[:top]]


def describe_learning(
    *, enabled: bool, teaching: int, memory: CorrectionMemory, reset_at: float | None
) -> str:
    """The moderator's answer: on or off, corrections learned from, and the patterns."""
    state = "on" if enabled else "off (`/clamor-mod learning on` to resume)"
    lines = [f"**Learning from this server's corrections:** {state}."]
    requests = sum(1 for e in memory.examples if e.request)
    lines.append(
        f"Learned from {teaching} correction(s) with their text kept"
        + (
            f": {requests} request(s), {len(memory) - requests} not-a-request."
            if enabled
            else " (not used while learning is off)."
        )
    )
    if reset_at is not None:
        lines.append(
            f"Corrections made before the reset <t:{int(reset_at)}:f> are not learned from."
        )
    patterns = strongest_patterns(memory)
    if patterns:
        lines.append("Strongest patterns (corrections sharing them):")
        lines.extend(f'- "{words}" -> {verdict} ({count})' for words, verdict, count in patterns)
    lines.append(
        "A correction reaches only messages much like it; corrections whose text was erased "
        "(forget-me, retention, content dropped) teach nothing."
    )
    return "\n".join(lines)
