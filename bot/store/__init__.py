"""The Store: one aiosqlite connection, numbered migrations, and every SQL statement of Clamor."""

from bot.store.errors import StoreError
from bot.store.guilds import normalize_term
from bot.store.keys import author_hash, load_or_create_key
from bot.store.labels import LABELS, NOT_A_REQUEST, Label, LabelCorrection
from bot.store.records import (
    TERM_KINDS,
    ChannelRule,
    DigestRun,
    GuildSettings,
    RequestRecord,
    TermKind,
    WatchMode,
)
from bot.store.store import Store

__all__ = [
    "LABELS",
    "NOT_A_REQUEST",
    "TERM_KINDS",
    "ChannelRule",
    "DigestRun",
    "GuildSettings",
    "Label",
    "LabelCorrection",
    "RequestRecord",
    "Store",
    "StoreError",
    "TermKind",
    "WatchMode",
    "author_hash",
    "load_or_create_key",
    "normalize_term",
]
