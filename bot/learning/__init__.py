"""Per-server learning from moderators' corrections (`/clamor-mod relabel`).

Pure: no discord import and no I/O. The Store keeps the corrections; `CorrectionMemory` is what
a server's analyser consults (see `bot.analysis.pipeline.Adapter`).
"""

from bot.learning.memory import (
    LEARNING_LIMITS,
    CorrectionMemory,
    LearnedExample,
    LearningLimits,
    similarity_words,
)

__all__ = [
    "LEARNING_LIMITS",
    "CorrectionMemory",
    "LearnedExample",
    "LearningLimits",
    "similarity_words",
]
