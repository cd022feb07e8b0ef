"""The Store: one aiosqlite connection, numbered migrations, and every SQL statement of Clamor."""

from bot.store.errors import StoreError
from bot.store.guilds import normalize_term
from bot.store.keys import author_hash, load_or_create_key
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
    "TERM_KINDS",
    "ChannelRule",
    "DigestRun",
    "GuildSettings",
    "RequestRecord",
    "Store",
    "StoreError",
    "TermKind",
    "WatchMode",
    "author_hash",
    "load_or_create_key",
    "normalize_term",
]
