"""Re-reading logged rows with a server's corrections: removed, moved, and left alone."""

from __future__ import annotations

from bot.analysis import Analyzer, Context
from bot.learning import CorrectionMemory
from bot.learning.examples import learned_example
from bot.learning.rescore import describe_rescore, rescore
from bot.store.records import RequestRecord
from bot.watch.writer import request_record

G = 1
GYM = "open the weights room at the gym please"
CALL = "please open source the weights of the model"


def row(message_id: int, content: str, category: str = "demand") -> RequestRecord:
    return RequestRecord(
        message_id=message_id,
        guild_id=G,
        channel_id=10,
        author_hash="a" * 32,
        created_at=1_700_000_000.0 + message_id,
        content=content,
        language="en",
        compound=0.0,
        pos=0.0,
        neu=1.0,
        neg=0.0,
        category=category,
        targets=(),
        alternatives=(),
        cues=(),
    )


def analyzer_with(*corrections: tuple[str, str]) -> Analyzer:
    analyzer = Analyzer()
    analyzer.adapter = CorrectionMemory(
        learned_example(analyzer, G, 10, 900 + n, text, label)
        for n, (text, label) in enumerate(corrections)
    )
    return analyzer


def test_rows_are_removed_moved_or_left_as_they_were() -> None:
    analyzer = analyzer_with((GYM, "not-a-request"), (CALL, "frustration"))
    rows = [
        row(1, GYM + ", again"),  # like a not-a-request correction: removed
        row(2, CALL + " now"),  # like a frustration correction: moved
        row(3, ""),  # text erased: kept
        row(4, GYM),  # relabelled by a moderator: left alone
        row(5, "OpenAI should open source Sora"),  # unchanged
    ]
    result = rescore(rows, analyzer, {4})
    assert result.read == 3
    assert result.removed == (1,)
    assert [(r.message_id, r.category) for r in result.updated] == [(2, "frustration")]
    assert dict(result.moves) == {("demand", "frustration"): 1}
    assert (result.erased, result.relabelled) == (1, 1)
    answer = describe_rescore(result, 7)
    assert "Requests removed (no longer read as requests): 1." in answer
    assert "demand → frustration ×1" in answer


def test_without_corrections_nothing_changes_for_rows_read_as_today() -> None:
    plain = Analyzer()
    rows = [row(5, "OpenAI should open source Sora")]
    result = rescore(rows, plain, set())
    assert (result.removed, result.updated) == ((), ())


REACTION = "same, it's never happening"


def logged_as_read(text: str, context: Context, message_id: int = 7) -> RequestRecord:
    analysis = Analyzer().analyze(text, score_all=False, context=context)
    assert analysis.request
    return request_record(
        message_id=message_id,
        guild_id=G,
        channel_id=10,
        author_key=b"k" * 32,
        author_id=42,
        created_at=1_700_000_000.0,
        edited=False,
        analysis=analysis,
    )


def test_a_row_read_in_its_channels_flow_is_read_in_it_again() -> None:
    flow = Context(answers_request=True, link="https://discord.com/channels/1/10/", flow=True)
    assert not Analyzer().analyze(REACTION, score_all=False).request  # alone, it is chat
    row = logged_as_read(REACTION, flow)
    assert row.replies_to is None  # it replies to nothing: only its cue says the flow decided
    result = rescore([row], Analyzer(), set())
    assert (result.read, result.removed, result.updated) == (1, (), ())


def test_a_reply_is_read_with_the_request_it_answers_again() -> None:
    reply = Context(answers_request=True, link="a request", message_id=99)
    row = logged_as_read(REACTION, reply)
    assert row.replies_to == 99
    result = rescore([row], Analyzer(), set())
    assert (result.read, result.removed) == (1, ())
