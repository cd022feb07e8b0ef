"""Per-server learning in the Store: on/off, reset, and which corrections teach (only those
with their text, so forget-me, retention and dropping content reach what was learned)."""

from __future__ import annotations

from dataclasses import replace

from bot.store import LabelCorrection, Store
from bot.store.learning import LearningSettings
from tests.store.store_factory import BASE_TIME

A, B = 1, 2
ALICE, BOB = "a" * 64, "b" * 64
DAY = 86_400.0


def correction(message_id: int, guild_id: int = A, **changes: object) -> LabelCorrection:
    base = LabelCorrection(
        guild_id=guild_id,
        message_id=message_id,
        channel_id=10,
        label="not-a-request",
        content=f"open the weights room at the gym {message_id}",
        language="en",
        original_category="demand",
        corrected_at=BASE_TIME + message_id,
        author_hash=ALICE,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def taught(store: Store, guild_id: int = A) -> list[int]:
    return [c.message_id for c in await store.teaching_corrections(guild_id)]


async def test_a_new_server_learns_and_was_never_reset(store: Store) -> None:
    assert await store.learning_settings(A) == LearningSettings(A, enabled=True, reset_at=None)


async def test_learning_off_and_on_is_kept_per_server(store: Store) -> None:
    await store.set_learning_enabled(A, False)
    assert (await store.learning_settings(A)).enabled is False
    assert (await store.learning_settings(B)).enabled is True
    await store.set_learning_enabled(A, True)
    assert (await store.learning_settings(A)).enabled is True


async def test_corrections_teach_only_their_own_server(store: Store) -> None:
    await store.set_label_correction(correction(1))
    await store.set_label_correction(correction(2, guild_id=B))
    assert await taught(store, A) == [1]
    assert await taught(store, B) == [2]


async def test_reset_forgets_earlier_corrections_but_keeps_them(store: Store) -> None:
    await store.set_label_correction(correction(1))
    await store.set_label_correction(correction(2))
    assert await store.reset_learning(A, BASE_TIME + 1.5) == 1
    assert await taught(store, A) == [2]
    # The correction still stands for the message it corrects.
    assert await store.label_correction(A, 1) is not None
    # Relabelling again after the reset teaches again.
    await store.set_label_correction(correction(1, corrected_at=BASE_TIME + 10))
    assert await taught(store, A) == [2, 1]


async def test_forget_me_forgets_what_was_learned_from_the_member(store: Store) -> None:
    await store.set_label_correction(correction(1))
    await store.set_label_correction(correction(2, author_hash=BOB))
    await store.opt_out_author(A, ALICE, BASE_TIME + 100)
    assert await taught(store, A) == [2]


async def test_dropping_content_forgets_what_was_learned(store: Store) -> None:
    await store.set_label_correction(correction(1))
    await store.set_label_correction(correction(3, guild_id=B))
    await store.set_content_mode(A, "drop")
    assert await taught(store, A) == []
    assert await taught(store, B) == [3]


async def test_retention_forgets_what_was_learned_from_old_corrections(store: Store) -> None:
    await store.set_retention_days(A, 7)
    await store.set_label_correction(correction(1))
    await store.set_label_correction(correction(2, corrected_at=BASE_TIME + 6 * DAY))
    erased = await store.erase_expired(BASE_TIME + 7 * DAY + 10)
    assert erased[A] >= 1
    assert await taught(store, A) == [2]


async def test_forgetting_a_server_forgets_its_learning_settings(store: Store) -> None:
    await store.set_learning_enabled(A, False)
    await store.reset_learning(A, BASE_TIME)
    await store.forget_guild(A)
    assert await store.learning_settings(A) == LearningSettings(A)
