"""analyze() end to end: the public API, the hot path, explanations and hostile input."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis import (
    CATEGORIES,
    NEUTRAL_TONE,
    Analysis,
    Analyzer,
    Context,
    Cue,
    GuildTerms,
    analyze,
    explain,
    format_cue,
    opening_post_text,
)

HOSTILE = {
    "empty": "",
    "whitespace only": " \n\t  \n",
    "4,000 characters": ("OpenAI should open source Sora, it is ridiculous. " * 90)[:4000],
    "4,000 characters of chatter": ("lorem ipsum dolor sit amet " * 160)[:4000],
    "2,000 emoji": "😂" * 2000,
    "2,000 mixed emoji": "".join(chr(0x1F600 + i % 80) for i in range(2000)),
    "null bytes": "open\x00 source\x00 it\x00",
    "lone surrogate": "\ud800",
    "surrogates around a request": "\udfffrelease the weights\ud800",
    "right-to-left": "\u202eافتحوا الكود المصدري\u202c",
    "zalgo": "o\u0334\u0321p\u0336e\u0337n\u0338 s\u0335o\u0334urce i\u0335t",
    "only markup": "** __ ~~ || `` > #",
    "only a mention": "<@1234567890>",
    "deep backticks": "`" * 4000,
    "private use": "\ue0a1\ue0a2" * 100,
    "mixed scripts": "Sora オープンソース 开源 открыть",
}


def _assert_valid(analysis: Analysis) -> None:
    assert isinstance(analysis, Analysis)
    assert analysis.language
    assert -1.0 <= analysis.tone.compound <= 1.0
    assert (analysis.category is None) == (not analysis.request)
    assert analysis.category is None or analysis.category in CATEGORIES
    assert all(isinstance(cue, Cue) for cue in analysis.cues)
    json.dumps(analysis.text)  # encodable: no lone surrogates leak out
    analysis.clean.encode("utf-8")
    for cue in analysis.cues:
        assert "\n" not in format_cue(cue)


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_input_gives_a_valid_analysis(text: str) -> None:
    _assert_valid(analyze(text))
    _assert_valid(Analyzer().analyze(text, score_all=False))


def test_request_inside_zalgo_is_still_found() -> None:
    assert analyze(HOSTILE["zalgo"]).request


def test_long_request_is_found_and_bounded() -> None:
    analysis = analyze(HOSTILE["4,000 characters"])
    assert analysis.request
    assert analysis.category is not None
    assert len(analysis.clean) == 4000 - 1  # the trailing space is stripped


def test_empty_message() -> None:
    analysis = analyze("")
    assert analysis.language == "und"
    assert not analysis.request
    assert analysis.tone == NEUTRAL_TONE


def test_hot_path_skips_tone_for_chatter_only() -> None:
    analyzer = Analyzer()
    chatter = analyzer.analyze("I love this community so much!", score_all=False)
    assert chatter.tone == NEUTRAL_TONE
    assert analyze("I love this community so much!").tone.compound > 0.5
    request = analyzer.analyze("ClosedAI strikes again, pathetic", score_all=False)
    assert request.request
    assert request.tone.compound < 0


@pytest.mark.parametrize("score_all", [True, False])
@pytest.mark.parametrize("answers_request", [False, True])
def test_without_explanations_every_decision_is_the_same(
    score_all: bool, answers_request: bool
) -> None:
    analyzer = Analyzer()
    context = Context(answers_request, "a request message")
    texts = [*HOSTILE.values(), "ClosedAI strikes again, pathetic", "olvídense, jamás va a pasar"]
    texts += ["OpenAI should open source Sora", "we're still waiting :(", "I love this community"]
    for text in texts:
        full = analyzer.analyze(text, score_all=score_all, context=context)
        lean = analyzer.analyze(text, score_all=score_all, context=context, explain=False)
        assert lean == full._replace(cues=()), text


def test_analysis_fields() -> None:
    analysis = analyze("**OpenAI** should open source <:sora:1> Sora, just use Wan :fire:")
    assert analysis.text.startswith("**OpenAI**")
    assert analysis.clean == "OpenAI should open source sora Sora, just use Wan 🔥"
    assert analysis.language == "en"
    assert analysis.request
    assert analysis.targets == ("OpenAI", "Sora")
    assert analysis.alternatives == ("Wan",)
    kinds = {cue.kind for cue in analysis.cues}
    assert {"language", "request", "target", "alternative", "category", "tone"} <= kinds


def test_format_cue() -> None:
    cue = Cue("request", "open source it", "call to open-source", 1.0)
    assert format_cue(cue) == 'request: "open source it" (call to open-source)'
    assert format_cue(Cue("language", "es")) == 'language: "es"'
    assert format_cue(Cue("tone", 'a "quoted"\nword')) == "tone: \"a 'quoted' word\""
    assert len(format_cue(Cue("request", "x" * 500))) < 100


def test_explain_lists_every_cue() -> None:
    analysis = analyze("Olvídense eso jamás va a pasar!", context=Context(True, "a request"))
    text = explain(analysis)
    lines = text.splitlines()
    assert lines[0].startswith("request (defeatism) · language es · tone -")
    assert len(lines) == 1 + len(analysis.cues)
    assert lines[1:3] == [
        '  - language: "es"',
        '  - context: "a request" (a reply to a request message: the context decided)',
    ]
    assert lines[3].startswith('  - request: "model" (learned model: request, p=')


VOCABULARY = [
    "open source",
    "release",
    "the weights",
    "Sora",
    "ClosedAI",
    "LTX",
    "never",
    "happen",
    "liberen",
    "los pesos",
    "olvídense",
    "jamás",
    "please",
    "?",
    "!",
    ":joy:",
    "<@1>",
    "**",
    "`",
    "```",
    "||",
    "http://x.y/z",
    "\ud800",
    "\x00",
    "\u202e",
    "\u0301",
    "🤡",
    "🔥",
    " ",
]


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(VOCABULARY), max_size=30).map(" ".join),
        st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=8)), max_size=20).map(
            "".join
        ),
    )
)
def test_any_text_gives_a_valid_analysis(text: str) -> None:
    analysis = analyze(text)
    assert -1.0 <= analysis.tone.compound <= 1.0
    assert (analysis.category is None) == (not analysis.request)
    assert analysis.language != ""


def test_one_analyser_is_shared_per_set_of_guild_terms() -> None:
    """Building an analyser compiles its detector (about 2 ms): `analyze` must not pay it per
    call, and a guild's messages share theirs."""
    from bot.analysis.pipeline import analyzer_for

    terms = GuildTerms(keywords=frozenset({"nano banana"}))
    assert analyzer_for() is analyzer_for()
    assert analyzer_for(terms) is analyzer_for(GuildTerms(keywords=frozenset({"nano banana"})))
    assert analyzer_for(terms) is not analyzer_for()


def test_a_titled_post_is_read_title_first() -> None:
    assert opening_post_text("Open the weights?", "As the title says.") == (
        "Open the weights?\nAs the title says."
    )
    assert opening_post_text("Open the weights?", "") == "Open the weights?"  # an image post
    assert opening_post_text("", "As the title says.") == "As the title says."  # no title
