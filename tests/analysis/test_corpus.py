"""The labelled corpus (tests/data/corpus.jsonl) keeps the shape issue 4 asks for.

Sizes and fields only: how well the analysis does on it is the benchmark's business.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from bot.analysis import CATEGORIES

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus.jsonl"
FIELDS = {"text", "language", "request", "category", "source", "split", "hard_negative"}


def _rows() -> list[dict[str, object]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


ROWS = _rows()


def test_every_row_has_the_corpus_fields_with_consistent_values() -> None:
    for row in ROWS:
        assert set(row) == FIELDS, row
        assert isinstance(row["text"], str), row
        assert row["text"].strip(), row
        assert row["language"] in ("en", "es"), row
        assert row["split"] in ("dev", "holdout"), row
        assert row["source"] is None or (isinstance(row["source"], str) and row["source"]), row
        if row["request"] is True:
            assert row["category"] in CATEGORIES, row
            assert row["hard_negative"] is False, row
        else:
            assert row["request"] is False, row
            assert row["category"] is None, row
            assert isinstance(row["hard_negative"], bool), row


def test_no_message_is_in_the_corpus_twice() -> None:
    texts = Counter(" ".join(str(row["text"]).lower().split()) for row in ROWS)
    assert [text for text, count in texts.items() if count > 1] == []


def test_corpus_meets_the_size_rules() -> None:
    requests = [row for row in ROWS if row["request"]]
    negatives = [row for row in ROWS if not row["request"]]
    categories = Counter(row["category"] for row in requests)
    assert len(ROWS) >= 400
    assert len(requests) >= 200
    assert all(categories[category] >= 30 for category in CATEGORIES), categories
    assert sum(1 for row in ROWS if row["language"] == "es") >= 60
    assert len(negatives) >= 150
    assert sum(1 for row in negatives if row["hard_negative"]) >= 80


def test_a_fifth_is_held_out_and_both_splits_cover_every_label_and_language() -> None:
    # The held-out split is frozen at its 350 rows; dev grows with new training messages.
    holdout = [row for row in ROWS if row["split"] == "holdout"]
    assert len(holdout) >= 350
    assert len(holdout) * 5 >= len(ROWS)
    for split in ("dev", "holdout"):
        chosen = [row for row in ROWS if row["split"] == split]
        assert {row["category"] for row in chosen} == {*CATEGORIES, None}
        assert {row["language"] for row in chosen} == {"en", "es"}
        assert any(row["hard_negative"] for row in chosen)


def test_the_hard_negatives_cover_the_look_alike_topics() -> None:
    hard = " ".join(str(row["text"]).lower() for row in ROWS if row["hard_negative"])
    for topic in ("contribut", "licen", "release", "loss", "kingdom hearts", "memoria", "pesos"):
        assert topic in hard, topic
