"""The Store: one database connection (SQLite by default, PostgreSQL by URL), numbered migrations,
and every SQL statement of Clamor."""

from bot.store.errors import StoreError, StoreUnavailableError
from bot.store.guilds import TeamLimitError, TermLimitError, normalize_term
from bot.store.keys import MissingKeyError, author_hash, load_or_create_key
from bot.store.labels import LABELS, NOT_A_REQUEST, Label, LabelCorrection
from bot.store.privacy import CONTENT_MODES
from bot.store.records import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    TERM_KINDS,
    ChannelMessages,
    ChannelRule,
    ContentMode,
    DigestRun,
    GuildSettings,
    PrivacySettings,
    RequestRecord,
    TermKind,
    WatchMode,
)
from bot.store.store import Store

__all__ = [
    "CONTENT_MODES",
    "DEFAULT_RETENTION_DAYS",
    "LABELS",
    "MAX_RETENTION_DAYS",
    "MIN_RETENTION_DAYS",
    "NOT_A_REQUEST",
    "TERM_KINDS",
    "ChannelMessages",
    "ChannelRule",
    "ContentMode",
    "DigestRun",
    "GuildSettings",
    "Label",
    "LabelCorrection",
    "MissingKeyError",
    "PrivacySettings",
    "RequestRecord",
    "Store",
    "StoreError",
    "StoreUnavailableError",
    "TeamLimitError",
    "TermKind",
    "TermLimitError",
    "WatchMode",
    "author_hash",
    "load_or_create_key",
    "normalize_term",
]
