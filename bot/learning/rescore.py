"""`/clamor-mod rescore`: the logged rows of a period read again with today's model and the
server's corrections, and what that changes. Pure: the cog reads the rows and writes the result.

Only rows whose text is kept can be read again; the others keep their label. A row a moderator
relabelled is left as it is: the moderator's label decides it anyway, and the row keeps Clamor's
own verdict beside it for exports. The log holds request messages only, so a rescore can remove
requests and move categories, never add a message that was not logged (a backfill reads the
history again for that).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Set
from dataclasses import dataclass, replace

from bot.analysis import FLOW_CUE, NO_CONTEXT, Analyzer, Context
from bot.store.records import RequestRecord
from bot.watch.writer import analysed_fields


@dataclass(frozen=True, slots=True)
class Rescore:
    read: int  # rows read again
    updated: tuple[RequestRecord, ...]  # rows still requests, under another category
    removed: tuple[int, ...]  # message ids no longer read as requests
    moves: Counter[tuple[str, str]]  # (old category, new category): how many
    erased: int  # rows without text: kept as they were
    relabelled: int  # rows a moderator corrected: left as they are


def rescore(records: Iterable[RequestRecord], analyzer: Analyzer, relabelled: Set[int]) -> Rescore:
    read = erased = corrected = 0
    updated: list[RequestRecord] = []
    removed: list[int] = []
    moves: Counter[tuple[str, str]] = Counter()
    for record in records:
        if record.message_id in relabelled:
            corrected += 1
            continue
        if not record.content:
            erased += 1
            continue
        read += 1
        analysis = analyzer.analyze(
            record.content, context=_context_of(record), message_id=record.message_id
        )
        if not analysis.request:
            removed.append(record.message_id)
        elif analysis.category != record.category:
            moves[(record.category or "none", analysis.category or "none")] += 1
            updated.append(replace(record, **analysed_fields(analysis)))
    return Rescore(read, tuple(updated), tuple(removed), moves, erased, corrected)


def _context_of(record: RequestRecord) -> Context:
    """The context the row was read in: the request it replies to, or its channel's flow (the
    row keeps no id of that one, only the cue saying the flow was its context)."""
    if record.replies_to is not None:
        return Context(answers_request=True, message_id=record.replies_to)
    if any(cue.startswith("context: ") and FLOW_CUE in cue for cue in record.cues):
        return Context(answers_request=True, flow=True)
    return NO_CONTEXT


def describe_rescore(result: Rescore, days: int) -> str:
    """The moderator's answer, in a few lines."""
    lines = [
        f"Re-read {result.read} logged message(s) of the last {days} day(s) with today's model "
        "and this server's corrections."
    ]
    lines.append(f"Requests removed (no longer read as requests): {len(result.removed)}.")
    if result.moves:
        moved = ", ".join(
            f"{old} → {new} ×{count}" for (old, new), count in sorted(result.moves.items())
        )
        lines.append(f"Categories moved: {moved}.")
    else:
        lines.append("Categories moved: none.")
    lines.append(
        "Requests added: none (only request messages are logged; `/clamor-mod backfill` reads "
        "the history again)."
    )
    if result.erased:
        lines.append(f"{result.erased} message(s) without stored text kept their label.")
    if result.relabelled:
        lines.append(f"{result.relabelled} relabelled message(s) keep the moderator's label.")
    lines.append("Digests and exports count the new verdicts from now on.")
    return "\n".join(lines)
