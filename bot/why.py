"""What `/clamor why` answers: why a message is (or is not) a request, in one Discord message.

Pure: the cog finds the logged row or analyses the fetched message, and passes it here.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.analysis import Analysis, format_cue, summarize
from bot.store.labels import LabelCorrection
from bot.store.records import RequestRecord
from bot.watch.rules import is_member_post

MESSAGE_LIMIT = 2000  # characters in one Discord message
QUOTE_LIMIT = 300
# Retention or the content setting erased the text; what is left still explains the verdict.
TEXT_ERASED = (
    "Its text is no longer stored (this server's retention period or content setting erased "
    "it), so this is what is left: the verdict and tone above, read when it was posted."
)
CUES_ERASED = "The cues behind the verdict were erased with the text."
NO_REQUEST_CUES = (
    "no word about opening something up (open source, weights, release, código, pesos...), "
    "and it answers no request message"
)


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > QUOTE_LIMIT:
        flat = flat[: QUOTE_LIMIT - 1] + "…"
    # Quoted as a block so the author's formatting and mentions cannot change the answer's shape.
    return "> " + (flat.replace("@", "@\u200b") or "(no text)")


def _tone(compound: float, pos: float, neu: float, neg: float) -> str:
    return f"tone {compound:+.2f} (pos {pos:.2f}, neu {neu:.2f}, neg {neg:.2f})"


def correction_line(correction: LabelCorrection) -> str:
    was = correction.original_category or "not a request"
    return (
        f"**Moderator correction:** `{correction.label}` (Clamor said: {was}), "
        f"<t:{int(correction.corrected_at)}:R>. Digests use the moderator's label."
    )


def _bounded(head: list[str], cue_lines: Sequence[str], tail: list[str]) -> str:
    """`head`, as many cue lines as fit, then `tail`, within Discord's message limit."""
    budget = MESSAGE_LIMIT - sum(len(line) + 1 for line in (*head, *tail)) - 40
    shown: list[str] = []
    for index, line in enumerate(cue_lines):
        if budget - len(line) - 1 < 0:
            shown.append(f"- … and {len(cue_lines) - index} more")
            break
        shown.append(line)
        budget -= len(line) + 1
    return "\n".join([*head, *shown, *tail])[:MESSAGE_LIMIT]


def why_logged(record: RequestRecord, link: str, correction: LabelCorrection | None) -> str:
    """A message in the log: what was stored when it was read, and any correction."""
    facts = [
        f"category **{record.category or 'none'}**",
        f"language {record.language}",
        _tone(record.compound, record.pos, record.neu, record.neg),
    ]
    if record.targets:
        facts.append("targets " + ", ".join(record.targets))
    if record.alternatives:
        facts.append("alternatives " + ", ".join(record.alternatives))
    edited = " (after an edit)" if record.edited else ""
    head = [f"**Logged as a request{edited}:** {link}", " · ".join(facts)]
    if record.content.strip():
        head.append(_quote(record.content))
        head.append("**Why:**" if record.cues else "**Why:** no cues were stored for this message.")
    else:
        head.append(TEXT_ERASED if record.cues else f"{TEXT_ERASED} {CUES_ERASED}")
        if record.cues:
            head.append("**Why:**")
    tail = [correction_line(correction)] if correction is not None else []
    return _bounded(head, [f"- {cue}" for cue in record.cues], tail)


def why_not_request(analysis: Analysis) -> str:
    """One line saying what kept an analysed message out of the log."""
    vetoes = [cue for cue in analysis.cues if cue.kind == "ignore"]
    if vetoes:
        return "an ignore rule vetoed it: " + "; ".join(format_cue(cue) for cue in vetoes[:3])
    # The corrections overturned the model (bot/learning/memory.py says "decided" then).
    learned = [cue for cue in analysis.cues if cue.kind == "learning" and "decided" in cue.detail]
    if learned:
        return (
            "this server's corrections of messages like it decided; the corrected message most "
            f"like it: {learned[0].text}"
        )
    model = [cue for cue in analysis.cues if cue.kind == "request" and cue.text == "model"]
    if model:
        return (
            f"it is on the topic, but the model's confidence ({model[0].weight:.2f}) stayed"
            " under its threshold (see below)"
        )
    return NO_REQUEST_CUES


def never_counted(*, author_is_bot: bool, webhook_id: int | None, message_type: int) -> str | None:
    """Why a message is never counted, whatever it says; None for a member's own message."""
    if is_member_post(
        author_is_bot=author_is_bot, webhook_id=webhook_id, message_type=message_type
    ):
        return None
    if author_is_bot and webhook_id is None:
        who = "a bot"
    elif webhook_id is not None:
        who = "a webhook"
    else:
        who = "Discord itself (a system message)"
    return f"Posted by {who}: I never count messages from bots, webhooks or Discord itself."


BY_THE_TEAM = (
    "Written by a member of this server's team (`/clamor-mod team list`): the team's messages "
    "answer requests, so I never count them as requests."
)


def why_fresh(
    analysis: Analysis,
    link: str,
    correction: LabelCorrection | None,
    *,
    excluded: str | None = None,
) -> str:
    """A message not in the log, analysed now with the server's current terms. `excluded` is
    why its author is never counted (see `never_counted`), when that is the reason."""
    if analysis.request and excluded is not None:
        head = [f"**Not logged, but it reads as a request:** {link}", summarize(analysis), excluded]
    elif analysis.request:
        head = [
            f"**Not logged, but it is a request now:** {link}",
            summarize(analysis),
            "It was probably posted before I watched that channel, in a channel I do not "
            "watch, or before the rules or this server's terms changed.",
        ]
    else:
        head = [
            f"**Not a request:** {link}",
            summarize(analysis),
            f"**Why not:** {why_not_request(analysis)}",
        ]
        if excluded is not None:
            head.append(excluded)
    head.append(_quote(analysis.text))
    cue_lines = [f"- {format_cue(cue)}" for cue in analysis.cues if cue.kind != "language"]
    if cue_lines:
        head.append("**Cues:**")
    tail = [correction_line(correction)] if correction is not None else []
    return _bounded(head, cue_lines, tail)
