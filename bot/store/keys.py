"""Authors are never stored as Discord ids, only as a keyed hash that cannot be reversed.

The key lives in its own file beside the database, so a copied or shared database alone does not
let anyone test "did user 1234 write this?" by hashing candidate ids.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.store.errors import StoreError

KEY_BYTES = 32
# 128 bits of HMAC output: far beyond any collision risk for a server's authors, and shorter rows.
AUTHOR_HASH_CHARS = 32


def author_hash(key: bytes, user_id: int) -> str:
    """A stable pseudonym for `user_id`: equal for one key, unrelated across keys."""
    if len(key) < 16:
        raise ValueError("author key is too short; use load_or_create_key()")
    digest = hmac.new(key, str(user_id).encode("ascii"), hashlib.sha256).hexdigest()
    return digest[:AUTHOR_HASH_CHARS]


class MissingKeyError(StoreError):
    """The database holds author hashes, but their key file is gone."""


def load_or_create_key(path: Path) -> bytes:
    """The key in `path`, created (32 random bytes, mode 0600) on first use. For the key of a
    database that may already hold rows, use `Store.author_key`, which never replaces a lost
    key behind the operator's back."""
    key = read_key(path)
    return key if key is not None else create_key(path)


def read_key(path: Path) -> bytes | None:
    """The key in `path`, or None when there is no such file."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the author key ({exc.strerror or exc})") from None


def create_key(path: Path) -> bytes:
    """A new key in `path` (32 random bytes, mode 0600); the existing one if another process
    created it first."""
    try:
        _create_key(path)
        return _read_key(path)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the author key ({exc.strerror or exc})") from None


def missing_key_error(path: Path, database: str) -> MissingKeyError:
    return MissingKeyError(
        f"{path}: the author key is missing, but {database} holds members' rows hashed with "
        f"it: restore it from a backup (without it forget-me cannot find those rows), or start "
        f"a new key on purpose with `clamor init --key {path}`"
    )


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        # A wrong key would silently re-pseudonymise every author, so refuse it loudly.
        raise StoreError(
            f"{path}: the author key is damaged ({len(key)} bytes, expected {KEY_BYTES}); "
            "restore it from a backup or move it away to start a new one"
        )
    return key


def _create_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write a private temporary file, then link it into place: the link fails if another
    # process won the race, and nobody can ever read a half-written key.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(secrets.token_bytes(KEY_BYTES))
            file.flush()
            os.fsync(file.fileno())
        # If another process created the key first, its key is the one to use.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
