"""The benchmark's metrics, checked on small tables worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analysis.bench_loader import load_accuracy_bench

bench = load_accuracy_bench()


def test_binary_scores_count_true_and_false_positives() -> None:
    gold = [True, True, True, False, False, True]
    predicted = [True, False, True, True, False, True]
    scores = bench.binary_scores(gold, predicted)
    assert (scores.tp, scores.fp, scores.fn) == (3, 1, 1)
    assert scores.precision == pytest.approx(0.75)
    assert scores.recall == pytest.approx(0.75)
    assert scores.f1 == pytest.approx(0.75)
    assert scores.support == 4


def test_scores_of_a_class_never_predicted_are_zero_not_an_error() -> None:
    scores = bench.binary_scores([True, False], [False, False])
    assert (scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0)


def test_per_class_scores_and_macro_f1() -> None:
    gold = ["a", "a", "b", "b", "c", "none"]
    predicted = ["a", "b", "b", "b", "none", "c"]
    per_class = bench.class_scores(gold, predicted, ("a", "b", "c"))
    # a: tp 1, fn 1 -> P 1, R .5, F1 2/3; b: tp 2, fp 1 -> P 2/3, R 1, F1 .8; c: nothing right.
    assert per_class["a"].precision == pytest.approx(1.0)
    assert per_class["a"].recall == pytest.approx(0.5)
    assert per_class["a"].f1 == pytest.approx(2 / 3)
    assert per_class["b"].precision == pytest.approx(2 / 3)
    assert per_class["b"].f1 == pytest.approx(0.8)
    assert (per_class["c"].tp, per_class["c"].fp, per_class["c"].fn) == (0, 1, 1)
    assert bench.macro_f1(per_class) == pytest.approx((2 / 3 + 0.8 + 0.0) / 3)


def test_confusion_matrix_rows_are_gold_columns_predicted() -> None:
    gold = ["a", "a", "b", "b", "c", "none"]
    predicted = ["a", "b", "b", "b", "none", "c"]
    assert bench.confusion(gold, predicted, ["a", "b", "c", "none"]) == [
        [1, 1, 0, 0],
        [0, 2, 0, 0],
        [0, 0, 0, 1],
        [0, 0, 1, 0],
    ]


@pytest.mark.parametrize(
    ("xs", "ys", "r"),
    [
        ([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], 1.0),
        ([1.0, 2.0, 3.0], [3.0, 2.0, 1.0], -1.0),
        ([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 4.0], 0.8),  # cov 4 / sqrt(5 * 5)
        ([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], 0.0),  # no variance: no correlation
    ],
)
def test_pearson(xs: list[float], ys: list[float], r: float) -> None:
    assert bench.pearson(xs, ys) == pytest.approx(r)


def test_ground_truth_reader_handles_bom_crlf_and_a_last_line_without_newline(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tiny_GroundTruth.txt"
    path.write_bytes(b"\xef\xbb\xbf1\t2.5\tgreat stuff\r\n2\t-1.25\tmeh\tstill text\r\n3\t0\tok")
    assert bench.read_ground_truth(path) == [
        (2.5, "great stuff"),
        (-1.25, "meh\tstill text"),
        (0.0, "ok"),
    ]


def _scored(request: bool, said: bool, *, answers: bool = True, needs: bool = False) -> object:
    from bot.analysis.results import NEUTRAL_TONE, Analysis

    analysis = Analysis("text", "text", "en", said, "demand" if said else None, NEUTRAL_TONE)
    category = "demand" if request else None
    return bench.Labelled(
        "text", "en", request, category, (), needs, False, not request, analysis, answers
    )


def test_the_replies_line_counts_with_the_thread_against_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    alone = [
        _scored(True, False, answers=False, needs=True),
        _scored(True, True, answers=False),
        _scored(False, False, answers=False),
        _scored(False, True, answers=False),
        _scored(True, False, answers=False),  # not a reply: left out
    ]
    with_thread = [
        _scored(True, True, needs=True),
        _scored(True, True),
        _scored(False, True),
        _scored(False, False),
        _scored(True, True, answers=False),
    ]
    bench.report_replies(alone, with_thread)
    assert capsys.readouterr().out == (
        "Replies: 4 read as answering a request; requests found 2 of 2 (alone 1), of them"
        " needing their thread 1 of 1 (alone 0); off-topic ones taken for requests 1 of 2"
        " (alone 1)\n"
        "  ordinary chat (base rate) read as if it replied to a request: 0 of 0 taken for"
        " requests (alone 0)\n"
    )


def test_issue_14s_targets_are_judged_on_what_the_context_changed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    alone = [
        _scored(True, False, answers=False, needs=True),
        _scored(True, False, answers=False, needs=True),
        _scored(False, False, answers=False),
        _scored(False, True, answers=False),
    ]
    with_thread = [
        _scored(True, True, needs=True),  # the context found it
        _scored(True, False, needs=True),  # still missed
        _scored(False, True),  # the context took an off-topic reply
        _scored(False, False),  # ... and let go of another
    ]
    before = bench.Report(bench.Scores(0, 1, 2), {}, 0.0, 0.0, 0.0)
    after = bench.Report(bench.Scores(1, 1, 1), {}, 0.0, 0.0, 0.0)
    bench.print_context_targets(before, after, alone, with_thread)
    assert capsys.readouterr().out.splitlines()[2:] == [
        "MISS  recall of reactions that need their thread: 0.500 >= 0.8 (1 of 2)",
        "MISS  precision of the requests the context decided: 0.500 >= 0.85 (1 of 2)",
        "PASS  request F1 gained with the thread: +0.500 >= 0.05 (0.000 -> 0.500)",
        "PASS  off-topic replies taken for requests, not more than read alone: 1 <= 1 (of 2)",
    ]


@pytest.mark.skipif(not bench.real_corpus.available(), reason=bench.real_corpus.MISSING)
def test_with_the_team_known_no_maintainers_message_counts_and_no_other_changes() -> None:
    items = [i for i in bench.real_corpus.items() if i.split == "dev" and i.real]
    plain = bench.real_split("dev", with_context=False)
    known = bench.real_split("dev", with_context=False, team_known=True)
    team = [i.author_role == bench.TEAM for i in items]
    assert any(a.analysis.request for a, by_team in zip(plain, team, strict=True) if by_team)
    for read, known_read, by_team in zip(plain, known, team, strict=True):
        if by_team:
            assert not known_read.analysis.request
        else:
            assert known_read.analysis == read.analysis
