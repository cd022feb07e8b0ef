"""Request detection: is the message about open-sourcing something? (DESIGN.md, "request message")

Tables of messages written by us, English and Spanish, including every hard negative from the
brief. The learned model decides, and it is trained and measured on real people's text
(``bench/accuracy.py``), not on these: here they check behaviour on the chat the bot reads, as
the share of each table the model agrees with (a floor a few points under today's figure, so a
retraining that loses the Discord register fails), and the mechanics (topic gate, guild keywords
and ignore phrases, context, explanations) exactly.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.analysis import CATEGORIES, Analyzer, Context, GuildTerms, analyze
from bot.analysis.detection import builtin_trigger_words, builtin_triggers
from bot.analysis.ngram_model import RequestModel, readable, with_context

REQUESTS_EN = [
    # the article's quotes that are requests on their own
    "Nah, it is closedAI and they don't open source anything.",
    "Just get LTX.",
    "I don't think it will happen soon or at all",
    "They likely have reduced/disbanded the team working on it, reallocating them to higher "
    "priority projects. Given how long it took to release gpt-oss, I don't think it will happen "
    "soon or at all.",
    # DESIGN.md's examples
    "please open source it",
    "when will the weights be released?",
    "ClosedAI strikes again",
    "fake open source marketing",
    "fingers crossed they release it",
    "just run the open alternative",
    "I doubt they will, the compute costs are huge",
    "it's never going to happen",
    "forget it",
    # calls and questions
    "OpenAI should open source Sora",
    "release the weights",
    "Sora weights when",
    "drop the weights already, cowards",
    "Make Sora open source!!!",
    "will GPT-4 ever be open sourced?",
    "Is Sora open source?",
    "Give us the weights Sam",
    "someone please leak the Sora weights",
    "It would be amazing if OpenAI released the source code for DALL-E 2",
    "I'd love to run Sora locally on my 4090",
    "open weights or it didn't happen",
    "Sora on HF when?",
    "OpenAI, open source DALL-E 3 please",
    # mockery, doubt, resignation
    "OpenAI is not open at all lmao",
    "put the open back in OpenAI",
    "The only thing open about OpenAI is their wallet",
    "they will never release the model, it's their moat",
    "Sora is going to stay locked behind an API forever",
    "don't hold your breath",
    "I'll believe it when I see it",
    "they have zero incentive to release the weights",
    "lmao you actually think they'll open source it?",
    "greedy corporation will never share anything",
    "They will never release Sora. Period.",
    # pointing to an open alternative
    "who needs sora when we have hunyuan",
    "honestly Wan 2.1 is already better than Sora and it's fully open",
    "LTX Video already does this and you can run it at home",
    "Stop begging OpenAI, just use Mochi",
    "They released gpt-oss, so maybe Sora is next?",
    "The open source community will catch up anyway, Wan is already close",
    "https://github.com/Lightricks/LTX-Video",
]

REQUESTS_ES = [
    "Olvídense eso jamás va a pasar!",
    "OpenAI debería liberar el código de Sora",
    "liberen los pesos",
    "que lo liberen ya",
    "hagan open source a Sora porfa",
    "pesos abiertos o nada",
    "OpenAI de open solo tiene el nombre",
    "ojalá liberen Sora algún día",
    "nunca van a liberar el modelo, olvídense",
    "lo dudo mucho, no les conviene",
    "¿y los pesos para cuándo?",
    "usen Wan 2.1 que ya es open source",
    "ClosedAI como siempre 🤡",
    "¿Sora será de código abierto algún día?",
    "que publiquen el código fuente de una vez",
    "ni lo sueñen",
    "no creo que lo liberen nunca",
    "ya hay alternativas abiertas como LTX",
    "esperen sentados jaja",
    "qué hipócritas, se llaman OpenAI y todo es cerrado",
    "Sora abierto ya!",
    "quiero los pesos de Sora",
    "Wan ya hace casi lo mismo que Sora y es libre",
    "los de OpenAI son unos vendidos, nunca liberan nada",
]

NOT_REQUESTS_EN = [
    # the hard negatives of the brief
    "my first PR to an open source project got merged!",
    "it's MIT licensed",
    "v2.3 released today with bug fixes",
    "the weights of the loss function need tuning",
    "try adding weight decay to fix the overfitting",
    "Sora from Kingdom Hearts is my favourite character",
    "Sora is amazing, the videos look so real",
    "Sora is so slow today, it keeps failing",
    # open-source software, licences, version releases
    "I love open source",
    "contributing to open source is a great way to learn",
    "the docs are open source, feel free to send a PR",
    "we just open sourced our discord bot framework",
    "It's GPL, so you have to share your changes",
    "Apache 2.0 or MIT, which license should I pick?",
    "release date is next friday",
    "the movie was released last week",
    "releasing my new song tomorrow!",
    # weights that are not released weights
    "how do I load the weights into comfyui?",
    "initialize the weights with xavier",
    "the weights and biases dashboard is down",
    "I lost so much weight this year",
    "lifting weights at the gym",
    # product talk that says nothing about opening it
    "GPT-4o is great at coding",
    "OpenAI announced a new model today",
    "Midjourney v7 is out and it looks incredible",
    "I'm running Llama 3 on my laptop, works fine",
    "Flux gives me better hands than SDXL",
    "Kingdom Hearts: Sora vs Riku",
    # generic words that also appear in requests
    "hey anyone tried the new update? it broke my workflow lol",
    "that bug will never happen again after this fix",
    "it never happens to me",
    "forget it, I'll do it myself",
    "not happening today, I'm too tired",
    "I doubt the train will be on time",
    "fingers crossed for my exam tomorrow",
    "please release the hostages",
    "open the pod bay doors HAL",
    "can you share the code of your bot?",
    "the store is closed today",
    "gm everyone",
    # Deluded is more accurate: the article's reply to a thread about open-sourcing Sora. On its
    # own it names nothing and asks for nothing, and "deluded" is everyday chat, so it is only a
    # cue (skepticism, "context" tier) that needs the thread's topic in the same message; see
    # test_category.py for the same word inside a request.
    "Deluded is more accurate",
]

NOT_REQUESTS_ES = [
    "liberar memoria RAM en Windows",
    "hay que liberar la memoria de la GPU",
    "libera espacio en disco antes de instalar",
    "cuesta 500 pesos",
    "cuánto cuesta? como mil pesos",
    "me cobraron 300 pesos por el envío",
    "me encanta el software de código abierto",
    "estoy usando Stable Diffusion para hacer arte",
    "usé Flux ayer y quedó bien",
    "Sora es increíble, los videos se ven reales",
    "el modelo de mi tesis no converge",
    "la nueva versión salió ayer",
    "nunca me contestan los correos",
    "olvidé mi contraseña",
    "olvídalo, ya lo arreglé",
    "ni modo, mañana lo intento",
    "dudo que llueva hoy",
    "ojalá mañana haga sol",
    "abran la puerta por favor",
    "publica tu código en github para que te ayudemos",
    "se llama Juan",
    "no veo nada en la pantalla",
]


# Everyday talk in an AI server that uses the same words: open models, releases, weights, code.
AI_SERVER_CHATTER = [
    "just released a new LoRA for Flux, link in bio",
    "which open model is best for coding right now?",
    "Llama 3.1 405B weights are 800GB lol",
    "pushing my weights to HF now",
    "how do I convert safetensors to gguf?",
    "open webui is great for local models",
    "we should release the update on friday",
    "the source code for the bot is in the pinned message",
    "I'll drop the workflow in #resources",
    "Google just released Veo 3 to everyone",
    "Mistral released a new small model",
    "Stable Diffusion 3.5 is out on Hugging Face",
    "running Wan 2.1 on a 3060 takes forever",
    "I love how open this community is",
    "¿cómo cargo los pesos en ComfyUI?",
    "liberaron una nueva versión de ChatGPT",
    "me encanta Wan, lo uso todos los días",
    "ese jugador nunca va a pasar el balón",
]

MORE_REQUESTS = [
    "OpenAI: please put Sora on GitHub",
    "OpenAI is the most ironic company name ever",
    "I'm sure the community will reverse engineer something similar",
    "Wan is basically open Sora at this point",
    "they'd never risk the deepfake liability of releasing it",
    "OpenAI takes and never gives back, classic",
    "¿algún día van a abrir Sora?",
    "mientras tanto, Hunyuan funciona perfecto en local",
    "no les conviene liberarlo, es su producto estrella",
]


ANSWERING = Context(answers_request=True, link="a request")
# The seed article's reactions (context/seed-article.txt): each answers a call to open Sora.
SEED_REACTIONS = [
    "Nah, it is closedAI and they don't open source anything.",
    "Just get LTX.",
    "Olvídense eso jamás va a pasar!",
    "I don't think it will happen soon or at all",
]


def agreement(texts: list[str], request: bool, context: Context | None = None) -> float:
    said = [analyze(text, context=context or Context(False)).request for text in texts]
    return sum(verdict == request for verdict in said) / len(texts)


@pytest.mark.parametrize(
    ("table", "is_request", "floor"),
    [
        ("requests", True, 0.72),  # 0.76 on 2026-12-06
        ("not requests", False, 0.87),  # 0.90
        ("AI server chatter", False, 0.66),  # 0.72: the weak spot, see the README
    ],
)
def test_the_model_agrees_with_most_written_examples(
    table: str, is_request: bool, floor: float
) -> None:
    texts = {
        "requests": REQUESTS_EN + REQUESTS_ES + MORE_REQUESTS,
        "not requests": NOT_REQUESTS_EN + NOT_REQUESTS_ES,
        "AI server chatter": AI_SERVER_CHATTER,
    }[table]
    assert agreement(texts, is_request) >= floor


@pytest.mark.parametrize(
    "text",
    [
        *SEED_REACTIONS[:3],
        pytest.param(
            SEED_REACTIONS[3],
            marks=pytest.mark.xfail(
                strict=True, reason="a known miss of today's models (p 0.44, threshold 0.46)"
            ),
        ),
    ],
)
def test_the_seed_reactions_are_requests_in_reply_to_a_request(text: str) -> None:
    analysis = analyze(text, context=ANSWERING)
    assert analysis.request, [c for c in analysis.cues if c.kind == "request"]
    assert analysis.category is not None


@pytest.mark.parametrize("text", ["lol", "gm everyone", "ok"])
def test_an_off_topic_reply_to_a_request_is_not_a_request(text: str) -> None:
    assert not analyze(text, context=ANSWERING).request


def test_context_that_decided_is_said() -> None:
    analysis = analyze("we're still waiting.. :(", context=ANSWERING)
    assert not analyze("we're still waiting.. :(").request
    assert analysis.request
    context = [c for c in analysis.cues if c.kind == "context"]
    assert [(c.text, c.detail) for c in context] == [
        ("a request", "a reply to a request message: the context decided")
    ]


def test_missing_context_is_said() -> None:
    analysis = analyze("forget it", context=Context(False, missing=True))
    assert [c.text for c in analysis.cues if c.kind == "context"] == ["missing"]


@pytest.mark.parametrize("text", NOT_REQUESTS_EN + NOT_REQUESTS_ES)
def test_a_message_that_is_not_a_request_has_no_category(text: str) -> None:
    analysis = analyze(text)
    assert (analysis.category is None) is (not analysis.request)


def test_tables_are_big_enough() -> None:
    assert len(REQUESTS_EN) + len(REQUESTS_ES) >= 40
    assert len(NOT_REQUESTS_EN) + len(NOT_REQUESTS_ES) >= 40
    assert min(len(REQUESTS_ES), len(NOT_REQUESTS_ES)) >= 20


def test_a_hard_negative_says_what_weighed_against_it() -> None:
    analysis = analyze("my first PR to an open source project got merged!")
    assert not analysis.request
    [model] = [c for c in analysis.cues if c.kind == "request" and c.text == "model"]
    assert model.detail.startswith("learned model: not a request, p=")
    assert "; against: " in model.detail


def test_the_gate_stems_are_topic_words_and_alternatives_not_stances() -> None:
    stems = {*builtin_triggers(), *builtin_trigger_words()}
    assert {"open", "weight", "liber", "pesos", "codigo", "开源"} <= stems
    assert "ltx" in stems  # alternatives' names too
    assert not {"never", "happen", "olvid", "forget"} & stems


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ("i want to go home", False),  # "wan" is the Wan model only as a word
        ("wanna play later?", False),
        ("wan2.1 is out and open", True),
        ("any news on wan 2.2?", True),
        ("thanks for the bug report", False),  # "repo" as a word, not inside "report"
        ("this repo is empty", True),
        ("are the repos public?", True),
        ("the metadata is wrong", False),
        ("meta should release it", True),
        ("democracy is hard", False),
    ],
)
def test_short_names_and_stems_pass_the_gate_only_as_words(text: str, passes: bool) -> None:
    assert Analyzer().passes_gate(text) == passes


def test_ordinary_chatter_stops_at_the_prefilter() -> None:
    detection = Analyzer().read("gm everyone, what did you build this weekend?").detection
    assert detection.features == ()
    assert detection.cues == ()


def test_guild_keyword_is_an_extra_trigger() -> None:
    terms = GuildTerms(keywords=frozenset({"#FreeSora"}))
    assert not analyze("#FreeSora!").request
    analysis = analyze("#FreeSora!", terms)
    assert analysis.request
    assert any(c.kind == "request" and c.detail == "guild keyword" for c in analysis.cues)


def test_guild_ignore_phrase_vetoes_a_request() -> None:
    terms = GuildTerms(ignore=frozenset({"weights room"}))
    text = "release the weights room schedule, they should open source it"
    assert analyze(text).request
    analysis = analyze(text, terms)
    assert not analysis.request
    assert analysis.category is None
    assert analysis.cues[1].kind == "ignore"
    assert analysis.cues[1].text == "weights room"


def test_a_stance_alone_needs_a_topic_or_a_request_to_answer() -> None:
    long_chatter = (
        "forget it, the meeting moved to thursday and nobody told me, "
        "so now I have to redo the whole schedule for the team again"
    )
    assert not analyze("olvídense, jamás va a pasar").request
    assert not analyze(long_chatter).request
    assert not analyze(long_chatter, context=ANSWERING).request


@pytest.mark.parametrize("text", ["Olvídense eso jamás va a pasar!", "olvídense, jamás va a pasar"])
def test_a_stance_in_reply_to_a_request_is_one(text: str) -> None:
    assert analyze(text, context=ANSWERING).request


def _labelled() -> list[tuple[str, str]]:
    path = Path(__file__).with_name("labelled_messages.tsv")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


LABELLED = _labelled()


def test_the_model_agrees_with_most_labelled_messages() -> None:
    analyses = [(label, analyze(text)) for label, text in LABELLED]
    requests = [a.request == (label != "no") for label, a in analyses]
    assert sum(requests) / len(requests) >= 0.83  # 0.87 on 2026-12-06
    found = [(label, a) for label, a in analyses if label in CATEGORIES and a.request]
    assert sum(a.category == label for label, a in found) / len(found) >= 0.88  # 0.92


def test_labelled_file_is_balanced_and_bilingual() -> None:
    labels = [label for label, _text in LABELLED]
    assert labels.count("no") >= 100
    assert len(labels) - labels.count("no") >= 150
    assert sum(1 for _l, text in LABELLED if analyze(text).language == "es") >= 60


def _strongest_for(weights: dict[str, float], feats: tuple[str, ...]) -> list[str]:
    pushed = sorted((f for f in set(feats) if weights.get(f, 0.0) > 0), key=lambda f: -weights[f])
    return [readable(feature) for feature in pushed[:3]]


def test_a_reply_is_explained_by_both_models_it_was_read_with() -> None:
    """In context the probability is the mean of the request and the reply model's: the words
    listed for it are those with the largest mean weight, not the request model's alone."""
    text = "Olvídense eso jamás va a pasar!"
    feats = with_context(Analyzer().model_inputs(text).request_features)
    request, reply = RequestModel.builtin().weights, RequestModel.builtin_reply().weights
    both = {f: (request.get(f, 0.0) + reply.get(f, 0.0)) / 2 for f in feats}
    expected = _strongest_for(both, feats)
    assert expected != _strongest_for(request, feats)  # the check below can fail

    model_cue = next(c for c in analyze(text, context=ANSWERING).cues if c.kind == "request")
    listed = model_cue.detail.split("; for: ")[1].split("; against: ")[0]
    assert listed == ", ".join(f'"{word}"' for word in expected)
