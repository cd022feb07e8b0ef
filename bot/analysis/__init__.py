"""Pure analysis of chat messages about open-sourcing requests.

No discord import and no I/O beyond reading the package's own data (``data/``: word tables and
the learned models' weights).
"""

from bot.analysis.cleaning import clean_text
from bot.analysis.explain import explain, format_cue, summarize
from bot.analysis.language import detect_language
from bot.analysis.pipeline import Analyzer, analyze, opening_post_text, warm_up
from bot.analysis.results import (
    CATEGORIES,
    FLOW_CUE,
    NEUTRAL_TONE,
    NO_CONTEXT,
    NO_TERMS,
    Analysis,
    Category,
    Context,
    Cue,
    GuildTerms,
    Tone,
    team_answer,
)

__all__ = [
    "CATEGORIES",
    "FLOW_CUE",
    "NEUTRAL_TONE",
    "NO_CONTEXT",
    "NO_TERMS",
    "Analysis",
    "Analyzer",
    "Category",
    "Context",
    "Cue",
    "GuildTerms",
    "Tone",
    "analyze",
    "clean_text",
    "detect_language",
    "explain",
    "format_cue",
    "opening_post_text",
    "summarize",
    "team_answer",
    "warm_up",
]
