"""The data tables and the helpers that read them."""

from __future__ import annotations

import re

import pytest

from bot.analysis.emoji import shortcodes
from bot.analysis.folding import fold, fold_lower
from bot.analysis.lexicon import LexiconError, compile_rule, expand, read_table, stems_regex

TABLES = [
    ("macros.tsv", 2),
    ("entities.tsv", 5),
    ("request_rules.tsv", 7),
    ("category_rules.tsv", 5),
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


@pytest.mark.parametrize("name", ["tone_es.tsv", "emoji_valence.tsv", "macros.tsv"])
def test_tables_have_no_duplicate_keys(name: str) -> None:
    keys = [row.cells[0] for row in read_table(name, 2 if name != "emoji_valence.tsv" else 3)]
    assert len(keys) == len(set(keys))


def test_shortcode_table_covers_the_common_discord_names() -> None:
    table = shortcodes()
    assert len(set(table.values())) >= 80
    for name in ["joy", "sob", "rage", "heart", "fire", "skull", "thumbsup", "thinking", "clown"]:
        assert name in table
    assert all("\ufe0f" not in emoji for emoji in table.values())


def test_unknown_macro_is_an_error() -> None:
    with pytest.raises(LexiconError, match="unknown macro <nope>"):
        expand("a <nope> b", {}, where="test")


def test_bad_pattern_is_an_error_naming_its_place() -> None:
    with pytest.raises(LexiconError, match="here:1"):
        compile_rule("(unclosed", where="here:1")


def test_rules_match_whole_words_only() -> None:
    rule = compile_rule("wan|open source")
    assert rule.search("use wan now")
    assert not rule.search("i want it")
    assert not rule.search("reopen sources")


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
