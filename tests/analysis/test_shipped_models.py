"""The shipped model tables are what training on today's real corpus gives, and the frozen split
never names a source set aside for independent evaluation. Both need ``../shared`` (the real
corpus is never copied into the project): without it they skip, saying so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.analysis.bench_loader import load_bench

train = load_bench("train_model")
corpus = train.real_corpus

needs_corpus = pytest.mark.skipif(not corpus.available(), reason=corpus.MISSING)


@needs_corpus
# In a process of its own, as a developer runs it: OpenBLAS takes its thread count when numpy
# first loads, and the script's single thread (5x less CPU) must be set before then. Coverage
# does not follow it there: training traced line by line takes six times as long, and the tables
# it checks are read by every analysis test, which coverage does measure.
def test_the_shipped_tables_are_a_fresh_training() -> None:
    script = Path(train.__file__)
    run = subprocess.run(
        [sys.executable, str(script), "--check"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_changed_table_is_reported() -> None:
    shipped = {
        name: (train.DATA / name).read_text(encoding="utf-8")
        for name in (train.REQUEST_TABLE, train.CATEGORY_TABLE)
    }
    assert train.stale_tables(shipped) == []
    changed = dict(shipped)
    changed[train.CATEGORY_TABLE] += "w:extra\t0.1\t0\t0\t0\t0\n"
    assert train.stale_tables(changed) == [train.CATEGORY_TABLE]
    moved = dict(shipped)
    moved[train.REQUEST_TABLE] = moved[train.REQUEST_TABLE].replace("threshold\t", "threshold\t9")
    assert train.stale_tables(moved) == [train.REQUEST_TABLE]


def test_the_split_is_frozen_by_thread() -> None:
    split = corpus.frozen_split()
    assert len(split) > 1000
    assert set(split.values()) == set(corpus.SPLITS)
    assert sum(s == "test" for s in split.values()) / len(split) >= 0.25


@needs_corpus
def test_every_corpus_thread_is_in_the_frozen_split() -> None:
    threads = {item.thread for item in corpus.items(include_skipped=True)}
    assert threads <= set(corpus.frozen_split())


@pytest.mark.skipif(not corpus.RESERVED.is_file(), reason="no reserved-sources.txt beside it")
def test_no_split_thread_or_corpus_source_is_reserved_for_evaluation() -> None:
    reserved = corpus.reserved_sources()
    assert reserved
    assert not reserved & set(corpus.frozen_split())
    if corpus.available():
        sources = {item.source for item in corpus.items(include_skipped=True)}
        assert not reserved & sources
