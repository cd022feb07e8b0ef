"""Privacy settings, dropping content, opting out and in, and authors of label corrections."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from bot.store import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    LabelCorrection,
    PrivacySettings,
    Store,
)
from tests.store.store_factory import BASE_TIME, request

A = 1
ALICE, BOB = "a" * 32, "b" * 32


def correction(message_id: int, author: str | None = ALICE, **changes: object) -> LabelCorrection:
    base = LabelCorrection(
        guild_id=A,
        message_id=message_id,
        channel_id=10,
        label="frustration",
        content="they will never open source it",
        language="en",
        original_category="defeatism",
        corrected_at=BASE_TIME + message_id,
        author_hash=author,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def test_a_guild_without_choices_has_the_defaults(store: Store) -> None:
    assert await store.privacy_settings(A) == PrivacySettings(A, DEFAULT_RETENTION_DAYS, "keep")
    assert await store.opted_out_authors(A) == frozenset()


@pytest.mark.parametrize("days", [MIN_RETENTION_DAYS, 30, MAX_RETENTION_DAYS])
async def test_retention_is_stored_and_keeps_the_content_mode(store: Store, days: int) -> None:
    await store.set_content_mode(A, "drop")
    await store.set_retention_days(A, days)
    assert await store.privacy_settings(A) == PrivacySettings(A, days, "drop")


@pytest.mark.parametrize("days", [MIN_RETENTION_DAYS - 1, MAX_RETENTION_DAYS + 1, 0, -90, True])
async def test_retention_outside_the_range_is_refused(store: Store, days: int) -> None:
    await store.set_retention_days(A, 30)
    with pytest.raises(ValueError, match=r"retention|days"):
        await store.set_retention_days(A, days)
    assert (await store.privacy_settings(A)).retention_days == 30


async def test_dropping_content_erases_stored_text_at_once(store: Store) -> None:
    await store.upsert_requests([request(1), request(2), request(3, content="", cues=())])
    await store.set_label_correction(correction(1))
    await store.set_label_correction(correction(9, content=""))

    # Two messages with text (one also has a correction with text: counted once);
    # already-empty rows are not counted.
    assert await store.set_content_mode(A, "drop") == 2
    assert (await store.privacy_settings(A)).content_mode == "drop"
    rows = await store.requests_between(A, 0, math.inf)
    assert [(r.content, r.cues) for r in rows] == [("", ())] * 3
    # Everything else a digest counts stays.
    assert [(r.category, r.targets, r.author_hash) for r in rows] == [
        ("demand", ("the weights",), ALICE)
    ] * 3
    assert [c.content for c in await store.label_corrections(A)] == ["", ""]

    assert await store.set_content_mode(A, "drop") == 0  # nothing left to erase
    assert await store.set_content_mode(A, "keep") == 0
    assert (await store.privacy_settings(A)).content_mode == "keep"


async def test_an_unknown_content_mode_is_refused(store: Store) -> None:
    await store.upsert_request(request(1))
    with pytest.raises(ValueError, match="content mode"):
        await store.set_content_mode(A, "shred")  # type: ignore[arg-type]
    assert (await store.get_request(A, 1)) == request(1)
    assert (await store.privacy_settings(A)).content_mode == "keep"


async def test_opting_out_deletes_the_authors_rows_and_corrections(store: Store) -> None:
    await store.upsert_requests(
        [request(1), request(2, author_hash=BOB), request(3), request(4, channel_id=11)]
    )
    await store.set_label_correction(correction(1))
    await store.set_label_correction(correction(2, author=BOB))
    await store.set_label_correction(correction(5, author=None))
    await store.set_label_correction(correction(7))  # a correction without a log row

    # Messages 1, 3, 4 and 7: the correction of 1 is the same message as its row.
    assert await store.opt_out_author(A, ALICE, BASE_TIME) == 4
    assert await store.opted_out_authors(A) == frozenset({ALICE})
    assert [r.message_id for r in await store.requests_between(A, 0, math.inf)] == [2]
    assert [c.message_id for c in await store.label_corrections(A)] == [2, 5]

    # Again: nothing left to delete, still opted out.
    assert await store.opt_out_author(A, ALICE, BASE_TIME + 50) == 0
    assert await store.opted_out_authors(A) == frozenset({ALICE})


async def test_opting_in_again(store: Store) -> None:
    await store.opt_out_author(A, ALICE, BASE_TIME)
    await store.opt_out_author(A, BOB, BASE_TIME)
    assert await store.opt_in_author(A, ALICE) is True
    assert await store.opt_in_author(A, ALICE) is False
    assert await store.opted_out_authors(A) == frozenset({BOB})


async def test_an_empty_author_hash_cannot_opt_out(store: Store) -> None:
    # Retention blanks author hashes to '': opting out '' would delete every erased row.
    await store.upsert_request(request(1, author_hash=""))
    with pytest.raises(ValueError, match="empty"):
        await store.opt_out_author(A, "", BASE_TIME)
    assert await store.count_requests(A) == 1
    assert await store.opted_out_authors(A) == frozenset()


async def test_corrections_keep_their_author(store: Store) -> None:
    await store.set_label_correction(correction(1))
    await store.set_label_correction(correction(2, author=None))
    assert await store.label_correction(A, 1) == correction(1)
    assert await store.label_correction(A, 2) == correction(2, author=None)
    # A later verdict without an author keeps the one known, so an opt-out still reaches it.
    await store.set_label_correction(correction(1, author=None, label="demand"))
    assert await store.label_correction(A, 1) == correction(1, label="demand")
    await store.set_label_correction(correction(2, author=BOB))
    assert await store.label_correction(A, 2) == correction(2, author=BOB)


# Token-shaped (three base64url pieces, as Discord bot tokens are); made up, not a real one.
PASTED_TOKEN = "MTE4NzQ2NTk4OTk2MzE2MTYwMA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


async def test_a_pasted_token_is_never_stored(store: Store) -> None:
    text = f"release the weights lol, also my bot token is {PASTED_TOKEN} oops"
    await store.upsert_request(request(1, content=text, cues=(f"request: {PASTED_TOKEN}",)))
    await store.set_label_correction(correction(1, content=text))
    await store.upsert_request(request(2, content="v1.2.3 is out, open source it"))

    logged = await store.get_request(A, 1)
    assert logged is not None
    assert logged.content == "release the weights lol, also my bot token is [redacted] oops"
    assert logged.cues == ("request: [redacted]",)
    [corrected, *_] = await store.label_corrections(A)
    assert corrected.content == logged.content
    kept = await store.get_request(A, 2)
    assert kept is not None
    assert kept.content == "v1.2.3 is out, open source it"  # dots alone are not a token


async def test_a_disguised_pasted_token_is_never_stored(store: Store) -> None:
    # Zero-width space, soft hyphen and a one-dot leader: it still reads as the token.
    head, middle, tail = PASTED_TOKEN.split(".")
    disguised = f"{head[:6]}\u200b{head[6:]}\u00ad\u2024{middle}. {tail}"
    text = f"olvídense, mi token es {disguised} jaja"
    await store.upsert_request(request(1, content=text, cues=(f"request: {disguised}",)))
    await store.set_label_correction(correction(1, content=text))

    logged = await store.get_request(A, 1)
    assert logged is not None
    assert logged.content == "olvídense, mi token es [redacted] jaja"
    assert logged.cues == ("request: [redacted]",)
    [corrected, *_] = await store.label_corrections(A)
    assert corrected.content == logged.content
