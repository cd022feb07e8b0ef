"""What a message answers: is the message it replies to, or its thread's opening post, a request
message? (issue 14: a reaction need not name what it reacts to.)

Discord-free. The cogs say which message a message answers (`cogs/_messages.py`); this
decides whether that one is a request, as cheaply as it can: a bounded memory of the verdicts
this process reached (every watched message gets one, so a reply to a recent message costs no
database read), then the log (a logged row is a request), then the answered message's own text
when Discord sent it along, read alone. What is learned is remembered.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable

from bot.analysis import NO_CONTEXT, Context

REMEMBERED_VERDICTS = 65_536


class ConversationMemory:
    """The request verdicts of the last messages this process read or looked up."""

    def __init__(self, size: int = REMEMBERED_VERDICTS) -> None:
        self.size = size
        self._verdicts: OrderedDict[int, bool] = OrderedDict()

    def note(self, message_id: int, request: bool) -> None:
        self._verdicts[message_id] = request
        self._verdicts.move_to_end(message_id)
        if len(self._verdicts) > self.size:
            self._verdicts.popitem(last=False)

    def verdict(self, message_id: int) -> bool | None:
        return self._verdicts.get(message_id)

    def forget(self, message_ids: list[int]) -> None:
        for message_id in message_ids:
            self._verdicts.pop(message_id, None)


async def context_of(
    memory: ConversationMemory,
    answered_id: int | None,
    *,
    link: str,
    logged: Callable[[int], Awaitable[bool]],
    judge_text: Callable[[], Awaitable[bool | None]],
    missing: bool = False,
) -> Context:
    """The context of a message that answers `answered_id` (None: it answers nothing). `logged`
    says whether an id has a row in the log; `judge_text` analyses the answered message's text
    when Discord sent it (None when it did not)."""
    if answered_id is None:
        return Context(False, missing=missing)
    verdict = memory.verdict(answered_id)
    if verdict is None:
        # Not logged and not sent along (an opener older than the bot, in a channel it did not
        # watch): taken for what the log says, not a request.
        verdict = await logged(answered_id) or bool(await judge_text())
        memory.note(answered_id, verdict)
    return Context(True, link, message_id=answered_id) if verdict else NO_CONTEXT
