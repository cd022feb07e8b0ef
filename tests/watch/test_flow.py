"""A channel's flow: the last few request messages of a channel, as context for what follows."""

from __future__ import annotations

import pytest

from bot.analysis import NO_CONTEXT, Context
from bot.watch.rules import (
    FLOW_FOLLOWERS,
    FLOW_REQUESTS_KEPT,
    FLOW_WINDOW_SECONDS,
    ConversationMemory,
    Place,
    context_of,
    flow_context,
)

CHANNEL = 10
OTHER_CHANNEL = 11
LINK = "https://discord.com/channels/1/10/"
REQUEST_ID = 500
POSTED = 1_700_000_000.0


def place(message_id: int, at: float, channel_id: int = CHANNEL) -> Place:
    return Place(message_id, channel_id, at, f"https://discord.com/channels/1/{channel_id}/")


def with_request(**kwargs: int | float) -> ConversationMemory:
    memory = ConversationMemory(**kwargs)  # type: ignore[arg-type]
    memory.note(REQUEST_ID, True, place=place(REQUEST_ID, POSTED))
    return memory


@pytest.mark.parametrize(
    ("channel_id", "seconds_after", "follows"),
    [
        (CHANNEL, 1.0, True),
        (CHANNEL, FLOW_WINDOW_SECONDS, True),  # the window's edge is in it
        (CHANNEL, FLOW_WINDOW_SECONDS + 1, False),  # after the window
        (CHANNEL, -1.0, False),  # posted before the request (history read after it)
        (OTHER_CHANNEL, 1.0, False),  # another channel's request is not this one's flow
    ],
)
def test_a_message_follows_a_request_of_its_channel_within_the_window(
    channel_id: int, seconds_after: float, follows: bool
) -> None:
    memory = with_request()
    context = flow_context(memory, place(600, POSTED + seconds_after, channel_id))
    if follows:
        assert context == Context(True, f"{LINK}{REQUEST_ID}", message_id=REQUEST_ID, flow=True)
    else:
        assert context == NO_CONTEXT


def test_the_latest_request_of_the_window_is_the_context() -> None:
    memory = with_request()
    memory.note(501, True, place=place(501, POSTED + 10))
    memory.note(502, False, place=place(502, POSTED + 20))  # chat joins no flow
    assert memory.follows(place(600, POSTED + 30)) == 501
    # A message read from history between the two follows the one before it.
    assert memory.follows(place(550, POSTED + 5)) == REQUEST_ID


def test_only_the_first_few_messages_after_a_request_follow_it() -> None:
    memory = with_request()
    after = [place(600 + n, POSTED + 1 + n) for n in range(FLOW_FOLLOWERS + 1)]
    assert [memory.follows(p) for p in after] == [REQUEST_ID] * FLOW_FOLLOWERS + [None]
    # Read again (an edit, /clamor why), a message gets the same answer.
    assert memory.follows(after[0]) == REQUEST_ID
    assert memory.follows(after[-1]) is None
    # A new request starts a flow of its own.
    memory.note(700, True, place=place(700, POSTED + 30))
    assert memory.follows(place(701, POSTED + 31)) == 700


def test_only_the_last_few_requests_are_kept() -> None:
    memory = ConversationMemory()
    ids = list(range(REQUEST_ID, REQUEST_ID + FLOW_REQUESTS_KEPT + 1))
    for offset, message_id in enumerate(ids):
        memory.note(message_id, True, place=place(message_id, POSTED + offset))
    # The newest ones deleted, the oldest was dropped already: nothing is left to follow.
    memory.forget(ids[1:], channel_id=CHANNEL)
    assert memory.follows(place(600, POSTED + 60)) is None
    assert memory.flowing(CHANNEL)


def test_a_request_does_not_follow_itself_when_read_again() -> None:
    memory = with_request()
    assert memory.follows(place(REQUEST_ID, POSTED)) is None
    memory.note(REQUEST_ID, True, place=place(REQUEST_ID, POSTED))  # an edit, read again
    memory.note(501, True, place=place(501, POSTED + 1))
    memory.forget([501], channel_id=CHANNEL)
    assert memory.follows(place(600, POSTED + 2)) == REQUEST_ID


def test_a_deleted_request_leaves_the_flow() -> None:
    memory = with_request()
    memory.forget([REQUEST_ID], channel_id=CHANNEL)
    assert memory.follows(place(600, POSTED + 1)) is None
    assert not memory.knows(REQUEST_ID)


def test_the_least_recently_active_channels_are_forgotten_past_the_bound() -> None:
    memory = with_request(flow_channels=2)
    memory.note(700, True, place=place(700, POSTED, 20))
    memory.note(800, True, place=place(800, POSTED, 30))
    assert not memory.flowing(CHANNEL)
    assert memory.flowing(20)
    assert memory.flowing(30)


async def never_logged(message_id: int) -> bool:
    return False


async def chat() -> bool | None:
    return False


async def a_request() -> bool | None:
    return True


async def unreadable() -> bool | None:
    return None


@pytest.mark.parametrize(
    ("answered", "judge", "flow", "expected"),
    [
        # Nothing answered: the channel's flow decides.
        (None, chat, True, "flow"),
        (None, chat, False, "none"),
        # A reply to a request (or a thread opened by one) wins over the flow.
        (900, a_request, True, "answered"),
        # A reply to chat answers that chat: the caller passes no flow for a reply.
        (900, chat, False, "none"),
        # In a thread whose opening post is not a request, the thread's flow counts.
        (900, chat, True, "flow"),
        # A reply to a message that cannot be read says so, whatever the flow.
        (900, unreadable, False, "missing"),
    ],
)
async def test_a_reply_or_thread_wins_over_the_flow(
    answered: int | None, judge: object, flow: bool, expected: str
) -> None:
    memory = with_request()
    context = await context_of(
        memory,
        answered,
        link=f"{LINK}{answered}",
        logged=never_logged,
        judge_text=judge,  # type: ignore[arg-type]
        flow=place(950, POSTED + 30) if flow else None,
    )
    assert {
        "flow": Context(True, f"{LINK}{REQUEST_ID}", message_id=REQUEST_ID, flow=True),
        "answered": Context(True, f"{LINK}{answered}", message_id=answered),
        "none": NO_CONTEXT,
        "missing": Context(False, f"{LINK}{answered}", message_id=answered, missing=True),
    }[expected] == context


async def test_a_deleted_reference_is_missing_context_not_flow() -> None:
    memory = with_request()
    context = await context_of(
        memory,
        None,
        link="",
        logged=never_logged,
        judge_text=chat,
        missing=True,
        flow=place(950, POSTED + 30),
    )
    assert context == Context(False, missing=True)


def test_a_deleted_channel_leaves_no_flow() -> None:
    memory = with_request()
    memory.forget_channel(CHANNEL)
    assert not memory.flowing(CHANNEL)
    assert memory.follows(place(600, POSTED + 1)) is None
