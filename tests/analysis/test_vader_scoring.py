"""``vader_scoring`` gives the same Tone as vaderSentiment's ``polarity_scores`` with Clamor's
clause patch (``vader_reference``), float for float, on every text tried: all 23,703 sentences of
the four VADER ICWSM 2014 files (cleaned as the pipeline cleans them; the 4,200 tweets raw too),
every text of the in-house corpus (cleaned and raw), a table of hand-written cases, long unbounded
texts, and generated word salads of the words the rules react to. The ICWSM part needs
``../shared`` (or ``$CLAMOR_ICWSM_DIR``) and skips, saying so, without it; it takes about 3 s on
one core (about 8 s traced by coverage).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SPECIAL_CASES

from bot.analysis import clean_text
from bot.analysis.tone import english_scorer, score_english, spell_emoji, vader
from tests.analysis.bench_loader import load_accuracy_bench
from tests.analysis.vader_reference import reference_scores, reference_tone

accuracy = load_accuracy_bench()
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus.jsonl"

EDGE_CASES = [
    # negation, in and across clauses
    "this is not good",
    "not good, great actually",
    "they'll never release it, closedAI as usual",
    "they never, ever release good models",
    "it isn't bad",
    "isn't it great",
    "it's not that it isn't good",
    "nobody likes this",
    "nobody panic",
    "noone asked for this amazing feature",
    "nobody's happy about it",
    "no one is happy",
    "nothing good ever happens",
    "without doubt a great idea",
    "without a doubt, an excellent idea",
    "without any doubt good",
    "never so good",
    "never this good",
    "never so very good",
    "it was never really that good",
    "this is so good",
    "so this good",
    "don't you dare say it's great",
    "uh-uh that's not nice",
    # "no" before a sentiment word, and "no" alone
    "no good",
    "no no good",
    "no, good",
    "no problem at all",
    "no fun or joy",
    "no fun nor joy",
    "no",
    "NO",
    "no way",
    "good no",
    # but
    "the plot was good, but the acting was awful",
    "good good but good",
    "great, but but terrible",
    "but it is fine",
    "it is fine but",
    "love love BUT hate hate",
    "good but good but bad",
    # kind of, sort of, least
    "it is kind of good",
    "kind of",
    "the kind of good thing",
    "sort of bad",
    "just enough good",
    "the least compelling",
    "at least it is good",
    "at the very least good",
    "least good",
    "one of the least good ideas",
    # boosters and dampeners
    "very good",
    "very very good",
    "extremely bad",
    "slightly bad",
    "barely good enough",
    "absolutely fucking amazing",
    "kinda sux",
    "the really extremely very good thing",
    "hardly a happy ending",
    # capitals among lower case
    "VERY GOOD",
    "this is VERY good",
    "this is very GOOD",
    "THIS IS GREAT news",
    "GREAT",
    "I LOVE it",
    "NOT good at all",
    "no GOOD",
    "NO good",
    "Not bad at all",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    # punctuation emphasis
    "good!",
    "good!!",
    "good!!!!",
    "good!!!!!!!",
    "bad!!!!",
    "good?",
    "good??",
    "good???",
    "good????",
    "bad??!!",
    "!!!!",
    "??",
    "...",
    "?!?!?!",
    "",
    "   ",
    ":) :( :D",
    "(:",
    "meh.",
    # emoji with and without spaces
    "great 😂",
    "great😂",
    "😂😂😂",
    "🤡 moves",
    "love it❤️🔥",
    "💘 and 💋 and 😁",
    "not 😂",
    "very 😡",
    "I am 🤞 they release it",
    # idioms and special cases
    "the shit",
    "this is the shit",
    "it is the bomb",
    "what a bad ass car",
    "such a badass",
    "wait at the bus stop",
    "yeah right, as if",
    "that was the kiss of death",
    "a cake to die for",
    "a beating heart",
    "cut the mustard",
    "under the weather today",
    "this new model is the shit",
    "my heart is beating",
    # multi-word lexicon entries joined, stretched words
    "I am fed up with this",
    "can't stand it",
    "soooo goooood",
    "yesssss finally",
    "nooooo why",
    # other scripts and odd tokens
    "ΑΣ ΚΑΛΟ good",
    "İİ. good",
    "straße is great",
    "the K kelvin good",
    "a-ok :-) good",
    "https://example.com/great awful",
]


def same(clean: str) -> None:
    assert score_english(clean, explain=False).tone == reference_tone(clean), clean


def same_unbounded(text: str) -> None:
    """The scorer alone on the whole text (emoji spelled, nothing cut or joined)."""
    spelled = spell_emoji(vader(), text)
    assert english_scorer().scores(spelled) == reference_scores(spelled), text


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_score_as_vader_does(text: str) -> None:
    same(text)
    same(clean_text(text))
    same_unbounded(text)


def test_long_texts_score_as_vader_does() -> None:
    """Bounded by ``score_english``, and whole (the scorer alone, past any bound)."""
    pieces = [*EDGE_CASES[:60], "good", "NOT", "but", "the shit", "kind of", "😂"]
    for seed in range(3):
        words = [pieces[(seed * 7 + 13 * n) % len(pieces)] for n in range(400)]
        text = " ".join(words)
        same(text)
        same_unbounded(text)
    same("great " * 2000)
    same("good!" * 500)


def test_the_corpus_texts_score_as_vader_does() -> None:
    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    assert len(texts) > 1000
    for text in texts:
        same(text)
        same(clean_text(text))


@pytest.mark.skipif(not accuracy.ICWSM_DIR.is_dir(), reason=f"{accuracy.ICWSM_DIR} not found")
@pytest.mark.parametrize("name", accuracy.ICWSM_FILES)
def test_every_icwsm_sentence_scores_as_vader_does(name: str) -> None:
    rows = accuracy.read_ground_truth(accuracy.ICWSM_DIR / f"{name}_GroundTruth.txt")
    assert len(rows) > 3000
    for _rating, text in rows:
        same(clean_text(text))
        if name == "tweets":
            same(text)


# The words VADER's rules react to, in the spellings they react to.
VOCABULARY = sorted(
    {
        *NEGATE[::4],
        *[key for key in BOOSTER_DICT if key.isalpha()][::6],
        *(word for key in SPECIAL_CASES for word in key.split()),
        *(word for key in BOOSTER_DICT if " " in key for word in key.split()),
        *("no", "nor", "or", "but", "BUT", "least", "at", "very", "never", "so", "this"),
        *("without", "doubt", "nobody", "noone", "kind", "of", "n't", "isn't"),
        *("good", "GOOD", "bad", "BAD", "love", "hate", "great", "awful", "fun", "okay"),
        *("the", "a", "model", "weights", "release", ":)", ":(", "😂", "🤡", "❤️", "lol"),
    }
)
SEPARATORS = [" ", " ", " ", ", ", ". ", "! ", "? ", "!!", "", "  "]
salads = st.lists(
    st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), min_size=1, max_size=25
).map(lambda pairs: "".join(word + separator for word, separator in pairs))


@settings(max_examples=500, deadline=None)
@given(salads)
def test_word_salads_score_as_vader_does(text: str) -> None:
    same(text)
    same_unbounded(text)


def test_emoji_names_hold_no_emoji() -> None:
    """The scorer takes text whose emoji are spelled; ``polarity_scores`` spells them again,
    which changes nothing only while no emoji's name holds an emoji of the table."""
    emojis = vader().emojis
    assert not any(char in emojis for name in emojis.values() for char in name)
