"""The n-gram tables shipped in the package are what training on today's corpus and rules gives:
a corpus or rule change without retraining (``python bench/train_model.py``) fails here."""

from __future__ import annotations

from tests.analysis.bench_loader import load_bench

train = load_bench("train_model")


def test_the_shipped_tables_are_a_fresh_training() -> None:
    assert train.main(["--check"]) == 0


def test_a_changed_table_is_reported() -> None:
    shipped = {
        name: (train.DATA / name).read_text(encoding="utf-8")
        for name in (train.REQUEST_TABLE, train.CATEGORY_TABLE)
    }
    assert train.stale_tables(shipped) == []
    changed = dict(shipped)
    changed[train.CATEGORY_TABLE] += "w:extra\t0.1\t0\t0\t0\t0\n"
    assert train.stale_tables(changed) == [train.CATEGORY_TABLE]
