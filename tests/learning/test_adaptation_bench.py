"""``bench/adaptation.py`` groups the corpus into simulated servers by project: a GitHub
source's owner/repo, a page's site."""

from __future__ import annotations

import pytest

from tests.analysis.bench_loader import load_bench

bench = load_bench("adaptation")


@pytest.mark.parametrize(
    ("source", "project"),
    [
        ("openai/sora#12", "openai/sora"),
        ("OpenAI/Sora#3", "openai/sora"),  # GitHub ignores case: one project
        ("xoreaxeaxeax/..cantor.dust..#3", "xoreaxeaxeax/..cantor.dust.."),
        ("https://news.ycombinator.com/item?id=39737444", "news.ycombinator.com"),
        ("http://138.68.43.109:3001/r/LocalLLaMA/comments/x", "138.68.43.109"),
        ("https://Example.org/2018/02/a-post#comments", "example.org"),
    ],
)
def test_a_source_belongs_to_its_repository_or_site(source: str, project: str) -> None:
    assert bench.project_of(source) == project
