"""What `/clamor-mod watch list` and `terms list` answer, within Discord's message limit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.config import MAX_TERMS_PER_KIND
from bot.store.records import TERM_KINDS, TermKind, WatchMode

MESSAGE_LIMIT = 2000  # characters in one Discord message
LIST_BUDGET = 800  # per list, so a few lists and their headings stay under the limit
EMPTY_WATCH_LIST = "empty (add channels with /clamor-mod watch add)"

TERM_KIND_MEANINGS: dict[TermKind, str] = {
    "target": "what people want opened, beyond the built-in names",
    "keyword": "words that make a message a request",
    "ignore": "phrases that keep a message out of the log",
}


def bounded_list(items: Sequence[str], budget: int = LIST_BUDGET, empty: str = "none") -> str:
    """`items` joined by commas, cut to `budget` characters with "and N more" at the end."""
    if not items:
        return empty
    everything = ", ".join(items)
    if len(everything) <= budget:
        return everything
    shown: list[str] = []
    used = 0
    for index, item in enumerate(items):
        cost = len(item) + (2 if shown else 0)
        tail = len(f" and {len(items) - index - 1} more")
        if used + cost + tail > budget:
            break
        shown.append(item)
        used += cost
    if not shown:
        return f"{len(items)} in all (too long to show)"
    return ", ".join(shown) + f" and {len(items) - len(shown)} more"


def describe_watch(mode: WatchMode, ruled: Sequence[str], watched: Sequence[str]) -> str:
    """`ruled`: mentions of the excluded (mode all) or listed (mode listed) channels;
    `watched`: mentions of the channels I can read whose messages are logged now."""
    if mode == "all":
        lines = [
            "Mode **all**: every text, news and forum channel I can read is watched, "
            "except excluded ones.",
            f"Excluded: {bounded_list(ruled)}",
        ]
    else:
        lines = [
            "Mode **listed**: only channels on the watch list are watched.",
            f"Watch list: {bounded_list(ruled, empty=EMPTY_WATCH_LIST)}",
        ]
    lines.append(f"Watched now: {bounded_list(watched, empty='nothing')}")
    lines.append("Threads and forum posts follow their parent channel.")
    return "\n".join(lines)


def describe_terms(terms: Mapping[TermKind, Sequence[str]]) -> str:
    budget = (MESSAGE_LIMIT - 200) // len(TERM_KINDS) - 80
    lines = []
    for kind in TERM_KINDS:
        shown = [_code(term) for term in terms.get(kind, ())]
        lines.append(f"**{kind}** ({TERM_KIND_MEANINGS[kind]}): {bounded_list(shown, budget)}")
    return "\n".join(lines)


def term_limit_reached(kind: TermKind) -> str:
    return (
        f"This server already has {MAX_TERMS_PER_KIND} {kind} terms, the most it may have: "
        f"remove one with `/clamor-mod terms remove` to add another."
    )


def _code(term: str) -> str:
    # A backtick inside would end the code span early and garble the rest of the line.
    return "`" + term.replace("`", "'") + "`"
