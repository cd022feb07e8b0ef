"""The shipped models are what training on today's real corpus gives, and the frozen split
never names a source set aside for independent evaluation. Both need ``../shared`` (the real
corpus is never copied into the project): without it they skip, saying so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.analysis.ngram_model import unpack_models
from tests.analysis.bench_loader import load_bench

train = load_bench("train_model")
corpus = train.real_corpus

needs_corpus = pytest.mark.skipif(not corpus.available(), reason=corpus.MISSING)


@needs_corpus
# In a process of its own, as a developer runs it: OpenBLAS takes its thread count when numpy
# first loads, and the script's single thread (5x less CPU) must be set before then. Coverage
# does not follow it there: training traced line by line takes six times as long, and the models
# it checks are read by every analysis test, which coverage does measure.
def test_the_shipped_models_are_a_fresh_training() -> None:
    script = Path(train.__file__)
    run = subprocess.run(
        [sys.executable, str(script), "--check"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_changed_model_is_reported() -> None:
    shipped = unpack_models((train.DATA / train.MODELS_FILE).read_bytes()).weights()
    assert train.stale_models(shipped) == []
    feature, weight = next(iter(shipped.request.items()))
    rounding = shipped._replace(request={**shipped.request, feature: weight + train.TOLERANCE / 2})
    assert train.stale_models(rounding) == []
    nudged = shipped._replace(request={**shipped.request, feature: weight + 0.01})
    assert train.stale_models(nudged) == ["request"]
    changed = shipped._replace(category={**shipped.category, "w:extra": (0.1, 0, 0, 0, 0)})
    assert train.stale_models(changed) == ["category"]
    moved = shipped._replace(threshold=0.9)
    assert train.stale_models(moved) == ["request"]
    flow_moved = shipped._replace(flow_threshold=shipped.flow_threshold - 0.05)
    assert train.stale_models(flow_moved) == ["request"]


def test_a_changed_reply_model_is_reported() -> None:
    shipped = unpack_models((train.DATA / train.REPLY_MODEL_FILE).read_bytes()).weights()
    assert not train.stale_reply_model(shipped)
    feature, weight = next(iter(shipped.request.items()))
    assert train.stale_reply_model(
        shipped._replace(request={**shipped.request, feature: weight + 0.01})
    )
    assert train.stale_reply_model(shipped._replace(request_bias=shipped.request_bias + 0.01))


def test_a_reply_model_file_with_other_thresholds_or_category_rows_is_reported() -> None:
    # Its thresholds are copies of the request model's, and it has no category rows: a file
    # that differs from training in either was not written with the request model beside it.
    shipped = unpack_models((train.DATA / train.REPLY_MODEL_FILE).read_bytes()).weights()
    assert train.stale_reply_model(shipped._replace(context_threshold=0.9))
    assert train.stale_reply_model(shipped._replace(flow_threshold=shipped.flow_threshold - 0.05))
    with_rows = shipped._replace(category={"w:extra": (0.1, 0, 0, 0, 0)})
    assert train.stale_reply_model(with_rows)


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
