"""A moderator's correction as the memory keeps it: the words the request model reads of the
corrected message, and the label."""

from __future__ import annotations

from bot.analysis import CATEGORIES, Analyzer
from bot.learning.memory import LearnedExample, similarity_words


def learned_example(
    analyzer: Analyzer, guild_id: int, channel_id: int, message_id: int, text: str, label: str
) -> LearnedExample:
    """``label``: a category, or anything else for "not a request" (``not-a-request``)."""
    features = analyzer.model_inputs(text).request_features
    category = next((c for c in CATEGORIES if c == label), None)
    return LearnedExample(
        guild_id=guild_id,
        channel_id=channel_id,
        message_id=message_id,
        request=category is not None,
        category=category,
        words=similarity_words(features),
    )
