"""Reaction categories of request messages (DESIGN.md): demand, frustration, optimism,
skepticism, defeatism. Tables in English and Spanish, the article's quotes, and the rule table's
own examples."""

from __future__ import annotations

import pytest

from bot.analysis import CATEGORIES, analyze, detect_language
from bot.analysis.category import CategoryRule, categorize, category_rules
from bot.analysis.model import NEUTRAL_TONE, Category, Tone

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


@pytest.mark.parametrize(("text", "expected"), ARTICLE + CASES)
def test_category(text: str, expected: Category) -> None:
    analysis = analyze(text)
    assert analysis.request
    assert analysis.category == expected, [c for c in analysis.cues if c.kind == "category"]


def test_at_least_six_cases_per_category_in_each_language() -> None:
    for category in CATEGORIES:
        languages = [detect_language(text) for text, expected in CASES if expected == category]
        assert languages.count("en") >= 6, category
        assert languages.count("es") >= 6, category


RULES = list(category_rules())


@pytest.mark.parametrize("rule", RULES, ids=[f"{r.category}:{r.detail}" for r in RULES])
def test_every_category_rule_example_lands_in_its_category(rule: CategoryRule) -> None:
    assert rule.examples, f"category_rules.tsv row {rule.detail!r} has no example"
    for example in rule.examples:
        analysis = analyze(example)
        assert analysis.category == rule.category, (example, analysis.cues)


def test_request_without_cue_is_a_plain_demand_for_the_rules_alone() -> None:
    decision = categorize("x", "x", "x", NEUTRAL_TONE, model_vote=0.0)
    assert decision.category == "demand"
    assert decision.cues[0].detail.startswith("no reaction cue")


def test_tone_breaks_a_tie() -> None:
    # One frustration cue ("pathetic") and one optimism cue ("hope"), same weight.
    text = "pathetic, i hope"
    negative = categorize(text, text, text, Tone(-0.8, 0.0, 0.5, 0.5), model_vote=0.0)
    positive = categorize(text, text, text, Tone(0.8, 0.5, 0.5, 0.0), model_vote=0.0)
    assert negative.scores["frustration"] == negative.scores["optimism"]
    assert negative.category == "frustration"
    assert positive.category == "optimism"


def test_strongly_negative_call_without_cue_words_is_frustration() -> None:
    decision = categorize("x", "x", "x", Tone(-0.9, 0.0, 0.2, 0.8), model_vote=0.0)
    assert decision.category == "frustration"


def test_category_cues_quote_the_message() -> None:
    analysis = analyze("Nah, it is closedAI and they don't open source anything.")
    quoted = [c.text for c in analysis.cues if c.kind == "category"]
    assert "closedAI" in quoted
