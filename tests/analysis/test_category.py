"""Reaction categories of request messages (DESIGN.md): demand, frustration, optimism,
skepticism, defeatism. The learned category model decides (measured on real text by
``bench/accuracy.py``); the written tables here check that it agrees with most of them, the
article's reactions in reply to a request exactly."""

from __future__ import annotations

import pytest

from bot.analysis import CATEGORIES, Context, analyze, detect_language
from bot.analysis.category import categorize
from bot.analysis.results import NEUTRAL_TONE, Category, Tone

ARTICLE: list[tuple[str, Category]] = [
    ("Nah, it is closedAI and they don't open source anything.", "frustration"),
    ("Just get LTX.", "optimism"),
    ("Olvídense eso jamás va a pasar!", "defeatism"),
    ("I don't think it will happen soon or at all", "skepticism"),
    # "Deluded is more accurate" is not a request on its own (see test_detection.py); written
    # into a message that is about open-sourcing, the same word makes it skepticism.
    ("Deluded is more accurate if you think OpenAI will open source Sora", "skepticism"),
]

CASES: list[tuple[str, Category]] = [
    # demand
    ("please open source it", "demand"),
    ("when will the weights be released?", "demand"),
    ("OpenAI should open source Sora", "demand"),
    ("release the weights", "demand"),
    ("Is Sora open source?", "demand"),
    ("Sora weights when", "demand"),
    ("liberen los pesos", "demand"),
    ("OpenAI debería liberar el código de Sora", "demand"),
    ("hagan open source a Sora porfa", "demand"),
    ("¿y los pesos para cuándo?", "demand"),
    ("que publiquen el código fuente de una vez", "demand"),
    ("exigimos que liberen los pesos", "demand"),
    ("¿van a liberar el código de Sora?", "demand"),
    ("publiquen los pesos de Sora por favor", "demand"),
    # frustration
    ("ClosedAI strikes again", "frustration"),
    ("fake open source marketing", "frustration"),
    ("OpenAI is not open at all lmao", "frustration"),
    ("drop the weights already, cowards", "frustration"),
    ("The only thing open about OpenAI is their wallet", "frustration"),
    ("Sora is closed source garbage", "frustration"),
    ("ClosedAI como siempre 🤡", "frustration"),
    ("OpenAI de open solo tiene el nombre", "frustration"),
    ("qué hipócritas, se llaman OpenAI y todo es cerrado", "frustration"),
    ("abran el código, cobardes", "frustration"),
    ("los de OpenAI son unos vendidos, nunca liberan nada", "frustration"),
    ("otra vez ClosedAI haciendo de las suyas", "frustration"),
    # optimism
    ("fingers crossed they release it", "optimism"),
    ("just run the open alternative", "optimism"),
    ("who needs sora when we have hunyuan", "optimism"),
    ("hopefully they drop the weights for sora 1 once sora 2 is out", "optimism"),
    ("give it a year and open models will match Sora", "optimism"),
    ("I'm hopeful they'll open source Sora 1 eventually", "optimism"),
    ("ojalá liberen Sora algún día", "optimism"),
    ("usen Wan 2.1 que ya es open source", "optimism"),
    ("mejor prueben HunyuanVideo, es de código abierto", "optimism"),
    ("ya hay alternativas abiertas como LTX", "optimism"),
    ("si liberaran Sora sería increíble", "optimism"),
    ("Wan ya hace casi lo mismo que Sora y es libre", "optimism"),
    # skepticism
    ("I doubt they will, the compute costs are huge", "skepticism"),
    ("I'll believe it when I see it", "skepticism"),
    ("they have zero incentive to release the weights", "skepticism"),
    ("lmao you actually think they'll open source it?", "skepticism"),
    ("Why would they release it? Sora is their cash cow", "skepticism"),
    ("lol sure, OpenAI open sourcing Sora, sure", "skepticism"),
    ("lo dudo mucho, no les conviene", "skepticism"),
    ("no creo que lo liberen nunca", "skepticism"),
    ("jajaja sí claro, OpenAI liberando algo", "skepticism"),
    ("dudo mucho que OpenAI libere Sora", "skepticism"),
    ("ilusos, OpenAI no va a liberar nada porque pierde dinero", "skepticism"),
    ("no creo que liberen los pesos, les quitaría clientes", "skepticism"),
    # defeatism
    ("it's never going to happen", "defeatism"),
    ("forget it", "defeatism"),
    ("don't hold your breath", "defeatism"),
    ("not happening lol", "defeatism"),
    ("They will never release Sora. Period.", "defeatism"),
    ("OpenAI will open source Sora the same day hell freezes over", "defeatism"),
    ("nunca van a liberar el modelo, olvídense", "defeatism"),
    ("ni lo sueñen", "defeatism"),
    ("esperen sentados jaja", "defeatism"),
    ("eso no va a pasar nunca", "defeatism"),
    ("nunca lo van a liberar, ya resígnense", "defeatism"),
    ("olvídense de los pesos de Sora", "defeatism"),
]


ANSWERING = Context(answers_request=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *(case for case in ARTICLE if not case[0].startswith("I don't think")),
        pytest.param(
            "I don't think it will happen soon or at all",
            "skepticism",
            marks=pytest.mark.xfail(strict=True, reason="not found as a request today"),
        ),
    ],
)
def test_the_articles_reactions_in_reply_to_a_request(text: str, expected: Category) -> None:
    analysis = analyze(text, context=ANSWERING)
    assert analysis.request
    assert analysis.category == expected, [c for c in analysis.cues if c.kind == "category"]


def test_the_model_agrees_with_most_written_cases() -> None:
    analyses = [(expected, analyze(text)) for text, expected in CASES]
    found = [(expected, a) for expected, a in analyses if a.request]
    assert len(found) / len(CASES) >= 0.75  # 0.79 on 2026-12-06
    assert sum(a.category == expected for expected, a in found) / len(found) >= 0.90  # 0.96


def test_at_least_six_cases_per_category_in_each_language() -> None:
    for category in CATEGORIES:
        languages = [detect_language(text) for text, expected in CASES if expected == category]
        assert languages.count("en") >= 6, category
        assert languages.count("es") >= 6, category


def test_the_verdict_is_the_models_most_likely_category() -> None:
    decision = categorize(("w:x",), NEUTRAL_TONE)
    assert decision.category == max(decision.scores, key=lambda c: decision.scores[c])
    assert sum(decision.scores.values()) == pytest.approx(1.0)
    assert decision.cues[0].detail.startswith("learned model, p=")


def test_tone_reaches_the_model() -> None:
    feats = ("w:release", "w:it")
    negative = categorize(feats, Tone(-0.8, 0.0, 0.5, 0.5))
    positive = categorize(feats, Tone(0.8, 0.5, 0.5, 0.0))
    assert negative.scores["frustration"] > positive.scores["frustration"]
    assert positive.scores["optimism"] > negative.scores["optimism"]


def test_the_category_cue_names_the_words_behind_it() -> None:
    analysis = analyze("Nah, it is closedAI and they don't open source anything.")
    [cue] = [c for c in analysis.cues if c.kind == "category"]
    assert cue.text == analysis.category
    assert '"' in cue.detail  # the features that weighed most, quoted
