"""The raw pre-check may turn a message away before cleaning only when the full path would too:
no stem found by the pre-filter on the cleaned text, no link to an open alternative."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis import Analyzer
from bot.analysis.detection import builtin_trigger_words, builtin_triggers
from bot.analysis.folding import fold_lower
from bot.analysis.results import NEUTRAL_TONE, GuildTerms
from tests.hostile.strategies import MARKUP, MIXED, REQUEST_PHRASES

CORPUS = Path(__file__).parents[1] / "data" / "corpus.jsonl"
PLAIN = Analyzer()
GUILD = Analyzer(GuildTerms(keywords=frozenset({"weights drop", "llama-4 when"})))
STEMS = sorted({*builtin_triggers(), *builtin_trigger_words()})
# What cleaning removes or rewrites, and what may hide a stem from a naive look at raw text.
TRICKS = st.sampled_from(
    [
        "**", "__", "~~", "||", "*", "_", "~", "|", "`", "``", "```", "\\", "\\*", "\n> ",
        "\n>>>", "\n# ", "\n-# ", "\n- ", "\n1. ", "\n12) ", " ", "  ", "\n", "\t", "\x00",
        "\x1b", "\x7f", ":", ":fire:", ":open_source:", ":skin-tone-2:", "<:OpenSource:1>",
        "<:weights_drop:2>", "<@123>", "<#4>", "@here", "@everyone", "www.", "www.x.com/",
        "https://github.com/deepseek-ai/x", "discord.gg/", "[x](https://a.b)", "](", "'", '"',
        "-", "-_-", ":*", "T_T", "O", "W", ".", "?", "¿", "é", "ｏｐｅｎ", "\u200b", "🔥", "❤️",
        "👍🏽", "\u200d", "\u00a0", "\u2028", "e\u0301", "ﬁ", "Ⅳ", "ö", "İ", "ς", "à", "の", "代",
        "к", "\u3000", "10:30", ":)", ": ", "a:b:", "wan2", "s",
    ]
)  # fmt: skip
WORDS = st.sampled_from([*STEMS, *(stem.upper() for stem in STEMS), "weights drop", "llama-4"])
GENERATED = st.lists(st.one_of(WORDS, TRICKS, REQUEST_PHRASES, MARKUP), max_size=14).map("".join)


def full_path_may_find(analyzer: Analyzer, text: str) -> bool:
    """Whether the full path reaches the rules: the pre-filter on the cleaned text, or a link."""
    reading = analyzer.read(text)
    return analyzer._detector.might_be_request(fold_lower(reading.scan)) or bool(
        reading.url_alternatives
    )


def check(analyzer: Analyzer, text: str) -> None:
    if not analyzer._detector.could_be_request(text):
        assert not full_path_may_find(analyzer, text), repr(text)
        assert not analyzer.analyze(text).request, repr(text)


def corpus_texts() -> list[str]:
    with CORPUS.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    return texts + [text.upper() for text in texts]


def test_no_corpus_text_is_wrongly_turned_away() -> None:
    turned_away = 0
    for text in corpus_texts():
        for analyzer in (PLAIN, GUILD):
            check(analyzer, text)
        turned_away += not PLAIN._detector.could_be_request(text)
    assert turned_away > 100  # the check does turn ordinary chatter away


@settings(max_examples=400, deadline=None)
@given(GENERATED)
def test_no_generated_text_is_wrongly_turned_away(text: str) -> None:
    for analyzer in (PLAIN, GUILD):
        check(analyzer, text)


@settings(max_examples=150, deadline=None)
@given(MIXED)
def test_no_hostile_text_is_wrongly_turned_away(text: str) -> None:
    check(PLAIN, text)


@pytest.mark.parametrize(
    "text",
    [
        "op**en source it",  # markup deleted between letters
        "release\n> the weights",  # line markup inside a stem with a space
        "RELEASE THE WEIGHTS",
        "<:OpenSource:1> pls",  # an emoji name becomes words
        "ｏｐｅｎ ｓｏｕｒｃｅ it",  # folded by NFKC
        "see https://github.com/deepseek-ai/DeepSeek-V3",  # a link to an alternative
    ],
)
def test_what_only_cleaning_reveals_goes_the_full_way(text: str) -> None:
    assert PLAIN._detector.could_be_request(text)


def test_a_guild_keyword_outside_ascii_leaves_the_check_on_for_ascii_text() -> None:
    # Such a keyword can only be in non-ASCII text, which the check always lets by.
    analyzer = Analyzer(GuildTerms(keywords=frozenset({"🔥 drop"})))
    assert not analyzer._detector.could_be_request("anyone up for ranked tonight?")
    assert analyzer._detector.could_be_request("🔥 drop tonight?")
    assert analyzer.analyze("🔥 drop tonight?", score_all=False).request


def test_the_hot_path_answers_turned_away_chatter_at_once() -> None:
    text = "anyone up for ranked tonight? i need two more"
    assert not PLAIN._detector.could_be_request(text)
    fast = PLAIN.analyze(text, score_all=False)
    full = PLAIN.analyze(text)
    assert (fast.request, fast.category, fast.text, fast.clean) == (
        full.request,
        full.category,
        full.text,
        full.clean,
    )
    assert fast.tone == NEUTRAL_TONE
    assert (fast.language, fast.cues) == ("und", ())


@pytest.mark.parametrize(
    "text",
    [
        "lmao 😂😂",
        "gg ❤️ see you at 10:30",
        "¿qué tal el partido? jaja",
        "café later? 👍🏽",
        "ok :)",
    ],
)
def test_chatter_with_emoji_and_accents_is_turned_away_on_the_raw_text(text: str) -> None:
    assert not PLAIN._detector.could_be_request(text)
    assert not PLAIN.analyze(text).request


@pytest.mark.parametrize(
    "text",
    [
        "¿van a liberar el código? 🙏",
        "请问代码什么时候开源",
        "когда выложите веса?",
        "opén sourcé it",
        "open\u200bsource it 🔥",  # cleaning drops the invisible character
        "reléase it :fire:",  # a shortcode becomes an emoji or words
        "e\u0301 open",  # NFKC composes the accent
        "café op`en source",  # cleaning drops the stray backtick (folding would hide it)
    ],
)
def test_non_ascii_text_with_a_stem_or_unsure_characters_goes_the_full_way(text: str) -> None:
    assert PLAIN._detector.could_be_request(text)
