"""Human-readable explanations, for ``clamor classify --explain`` and ``/clamor why``."""

from __future__ import annotations

from bot.analysis.results import Analysis, Cue

_MAX_TEXT = 80
_MAX_LINK = 120
_MAX_DETAIL = 200  # the learned model names the features for and against it


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split()).replace('"', "'")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def format_cue(cue: Cue) -> str:
    """One line, e.g. ``request: "open source it" (call to open-source)``."""
    # A context or learning cue's text is a jump link, useless cut short (~100 characters).
    limit = _MAX_LINK if cue.kind in ("context", "learning") else _MAX_TEXT
    line = f'{cue.kind}: "{_one_line(cue.text, limit)}"'
    if cue.detail:
        line += f" ({_one_line(cue.detail, _MAX_DETAIL)})"
    return line


def summarize(analysis: Analysis, *, verdict: str | None = None) -> str:
    """One line: the decision (or `verdict`, one made outside the analysis), language and
    tone."""
    if verdict is None:
        verdict = f"request ({analysis.category})" if analysis.request else "not a request"
    tone = analysis.tone
    parts = [
        verdict,
        f"language {analysis.language}",
        f"tone {tone.compound:+.2f} (pos {tone.pos:.2f}, neu {tone.neu:.2f}, neg {tone.neg:.2f})",
    ]
    if analysis.targets:
        parts.append("targets " + ", ".join(analysis.targets))
    if analysis.alternatives:
        parts.append("alternatives " + ", ".join(analysis.alternatives))
    return " · ".join(parts)


def explain(analysis: Analysis, *, verdict: str | None = None) -> str:
    """The summary line followed by one indented line per cue."""
    lines = [summarize(analysis, verdict=verdict)]
    lines.extend(f"  - {format_cue(cue)}" for cue in analysis.cues)
    return "\n".join(lines)
