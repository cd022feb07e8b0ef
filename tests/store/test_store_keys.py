"""The author pseudonym key and hash."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.store import MissingKeyError, Store, StoreError, author_hash, load_or_create_key
from tests.store.store_factory import BASE_TIME, request

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))


def test_author_hash_is_stable_for_a_key() -> None:
    assert author_hash(KEY_A, 80351110224678912) == author_hash(KEY_A, 80351110224678912)


def test_author_hash_differs_across_keys_and_users() -> None:
    hashes = {
        author_hash(KEY_A, 1),
        author_hash(KEY_B, 1),
        author_hash(KEY_A, 2),
        author_hash(KEY_B, 2),
    }
    assert len(hashes) == 4


def test_author_hash_is_32_hex_chars_and_hides_the_id() -> None:
    value = author_hash(KEY_A, 80351110224678912)
    assert len(value) == 32
    int(value, 16)  # raises if not hexadecimal
    assert "80351110224678912" not in value


def test_author_hash_refuses_a_short_key() -> None:
    with pytest.raises(ValueError, match="too short"):
        author_hash(b"", 1)


def test_key_is_created_private_then_reused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "clamor.key"
    old_umask = os.umask(0o022)
    try:
        first = load_or_create_key(path)
    finally:
        os.umask(old_umask)
    assert len(first) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == first
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_keys_differ_between_installations(tmp_path: Path) -> None:
    assert load_or_create_key(tmp_path / "one.key") != load_or_create_key(tmp_path / "two.key")


@pytest.mark.parametrize("content", [b"", b"short", bytes(33)])
def test_damaged_key_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "clamor.key"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="damaged") as raised:
        load_or_create_key(path)
    assert str(path) in str(raised.value)
    assert path.read_bytes() == content  # never silently replaced


def test_unreadable_key_location_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    with pytest.raises(StoreError, match="cannot"):
        load_or_create_key(tmp_path / "plain" / "clamor.key")


async def test_a_lost_key_is_refused_while_the_database_holds_author_hashes(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "keys" / "clamor.key"
    first = await store.author_key(path)  # nothing hashed yet: a key is made
    assert await store.author_key(path) == first
    await store.upsert_request(request(1, author_hash=author_hash(first, 42)))

    path.unlink()
    with pytest.raises(MissingKeyError) as raised:
        await store.author_key(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: the author key is missing")
    assert f"clamor init --key {path}" in message
    assert "\n" not in message
    assert not path.exists()  # never silently replaced

    # Retention blanks every hash: nothing is left to tie to members, a new key is harmless.
    assert await store.erase_expired(now=BASE_TIME + 400 * 86400) == {1: 1}
    assert await store.author_key(path) != first


async def test_an_opt_out_alone_needs_its_key(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "clamor.key"
    key = await store.author_key(path)
    await store.opt_out_author(1, author_hash(key, 42), at=BASE_TIME)
    path.unlink()
    with pytest.raises(MissingKeyError):
        await store.author_key(path)
