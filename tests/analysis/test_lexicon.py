"""The data tables and the helpers that read them."""

from __future__ import annotations

import re

import pytest

from bot.analysis.emoji import shortcodes
from bot.analysis.folding import fold, fold_lower
from bot.analysis.lexicon import bounded, read_table, stems_regex

TABLES = [
    ("entities.tsv", 5),
    ("topic_words.tsv", 2),
    ("language_words.tsv", 3),
    ("emoji_shortcodes.tsv", 2),
    ("emoji_valence.tsv", 3),
    ("tone_es.tsv", 2),
]


@pytest.mark.parametrize(("name", "columns"), TABLES)
def test_tables_parse_without_stray_columns(name: str, columns: int) -> None:
    rows = read_table(name, columns)
    assert rows
    assert all(len(row.cells) == columns for row in rows)


@pytest.mark.parametrize(
    ("name", "columns"), [("tone_es.tsv", 2), ("emoji_valence.tsv", 3), ("topic_words.tsv", 2)]
)
def test_tables_have_no_duplicate_keys(name: str, columns: int) -> None:
    keys = [row.cells[0] for row in read_table(name, columns)]
    assert len(keys) == len(set(keys))


def test_shortcode_table_covers_the_common_discord_names() -> None:
    table = shortcodes()
    assert len(set(table.values())) >= 80
    for name in ["joy", "sob", "rage", "heart", "fire", "skull", "thumbsup", "thinking", "clown"]:
        assert name in table
    assert all("\ufe0f" not in emoji for emoji in table.values())


def test_bounded_fragments_match_whole_words_only() -> None:
    regex = re.compile(bounded("wan|open source"))
    assert regex.search("use wan now")
    assert not regex.search("i want it")
    assert not regex.search("reopen sources")


@pytest.mark.parametrize(("text", "found"), [("请问代码什么时候开源", True), ("源代", False)])
def test_stems_in_scripts_without_spaces_are_found_anywhere(text: str, found: bool) -> None:
    assert (stems_regex(["代码", "open"]).search(text) is not None) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [("the opensource way", True), ("reopen", False), ("so", True), ("sorry", True), ("xo", False)],
)
def test_stems_regex_finds_word_starts(text: str, found: bool) -> None:
    regex = stems_regex(["open", "opens", "so", "sora", "#free"])
    assert (regex.search(text) is not None) == found


def test_stems_regex_is_a_trie() -> None:
    pattern = stems_regex(["open", "opt", "sora"]).pattern
    assert pattern == r"\b(?:op(?:en|t)|sora)"
    assert re.compile(pattern).search("optional")


@pytest.mark.parametrize("text", ["Olvídense", "código", "İstanbul", "straße", "ﬁne", "’quoted’"])
def test_folding_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)
    assert len(fold_lower(text)) == len(text)


def test_folding_strips_accents_and_unifies_quotes() -> None:
    assert fold_lower("Olvídense ‘ESO’ jamás – ¿cuándo?") == "olvidense 'eso' jamas - ¿cuando?"
