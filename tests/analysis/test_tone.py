"""Tone: one VADER per process, emoji that carry meaning on Discord, Spanish, bounded work."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.analysis import Analyzer, analyze, clean_text
from bot.analysis import tone as tone_module
from bot.analysis.emoji import is_emoji
from bot.analysis.tone import (
    MAX_TONE_CHARS,
    MAX_TONE_EMOJI,
    bound_text,
    score_english,
    spell_emoji,
    vader,
)
from bot.analysis.tone_es import score_spanish, spanish_lexicon


def test_vader_is_built_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []

    class CountingAnalyzer(SentimentIntensityAnalyzer):  # type: ignore[misc]
        def __init__(self) -> None:
            built.append(1)
            super().__init__()

    monkeypatch.setattr(tone_module, "SentimentIntensityAnalyzer", CountingAnalyzer)
    monkeypatch.setattr(tone_module, "_analyzer", None)
    analyzer = Analyzer()
    for text in ["great news", "this is awful", "😂", "ClosedAI strikes again", "meh"]:
        analyzer.analyze(text)
    analyze("one more, with the module-level helper")
    assert built == [1]
    assert vader() is vader()
    assert isinstance(vader(), CountingAnalyzer)


@pytest.mark.parametrize(
    ("raw", "sign"),
    [
        (":joy:", 1),
        (":sob:", -1),
        (":rage:", -1),
        (":heart:", 1),
        (":fire:", 1),
        (":thumbsup:", 1),
        (":clown:", -1),
        (":pray:", 1),
        ("<:pepe_cry:123>", -1),
        ("<a:happy_dance:9>", 1),
        ("❤️", 1),
        ("🤡", -1),
        ("🤞", 1),
    ],
)
def test_emoji_and_shortcodes_carry_their_tone(raw: str, sign: int) -> None:
    compound = analyze(raw).tone.compound
    assert compound * sign > 0.1


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("qué hipócritas", -1),
        ("esto es una mierda", -1),
        ("Olvídense eso jamás va a pasar!", -1),
        ("OpenAI es genial", 1),
        ("ojalá lo liberen, sería increíble", 1),
        ("jajaja", 1),
        ("no es genial", -1),  # negation flips
        ("no es malo", 1),
        ("es caro pero muy bueno", 1),  # what follows "pero" weighs more
        ("es muy bueno pero caro", -1),
    ],
)
def test_spanish_is_scored_with_the_spanish_lexicon(text: str, sign: int) -> None:
    analysis = analyze(text)
    assert analysis.language == "es"
    assert analysis.tone.compound * sign > 0.05


@pytest.mark.parametrize("text", ["qué hipócritas", "Olvídense eso jamás va a pasar", "jajaja"])
def test_vader_alone_is_blind_to_spanish(text: str) -> None:
    assert score_english(clean_text(text)).tone.compound == 0.0
    assert analyze(text).tone.compound != 0.0


def test_spanish_boosters_caps_and_exclamations_intensify() -> None:
    plain = score_spanish("es malo").tone.compound
    assert score_spanish("es muy malo").tone.compound < plain
    assert (
        score_spanish("es MALO de verdad").tone.compound
        < score_spanish("es malo de verdad").tone.compound
    )
    assert score_spanish("es malo!!!").tone.compound < plain


def test_spanish_lexicon_size_and_range() -> None:
    lexicon = spanish_lexicon()
    assert 600 <= len(lexicon) <= 1200
    assert all(-4.0 <= value <= 4.0 for value in lexicon.values())
    assert all(word == word.lower() and word.isascii() for word in lexicon)
    assert all(word == " ".join(word.split()) for word in lexicon)  # phrases: single spaces


# ---- Spanish reactions (issue 12, item 5): messages we wrote in the registers of real Spanish
# chat, Spain and Latin America, with and without accents; most scored 0 or the wrong sign
# before the lexicon grew past its first 240 words.


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # complaint, anger, delay
        ("Ya van tres meses de retraso y ni una palabra", -1),
        ("Estoy harto de esperar, esto es una tomadura de pelo", -1),
        ("Me tienen hasta la madre con sus promesas", -1),
        ("estoy hasta las narices de esta empresa", -1),
        ("me cabrea que cierren todo otra vez", -1),
        ("es indignante que no publiquen nada", -1),
        ("Otra vez ignoran a la comunidad", -1),
        ("el repo esta abandonado desde hace un año", -1),
        ("Una decepción, esperaba mucho más de ellos", -1),
        ("que frustrante todo esto", -1),
        ("inaceptable lo que hicieron", -1),
        # deception, greed
        ("Son unos vendehumos", -1),
        ("Nos están tomando el pelo", -1),
        ("lo de open source es puro postureo", -1),
        ("Menuda farsa, nos engañaron", -1),
        ("abierto entre comillas, es engañoso", -1),
        ("nos mintieron a todos", -1),
        ("pura codicia, se vendieron", -1),
        ("una traición a la comunidad", -1),
        # contempt
        ("Estos tipos son unos caraduras", -1),
        ("Qué cutre, vaya tela", -1),
        ("la verdad es una cagada lo que hicieron", -1),
        ("son bien culeros", -1),
        ("que gilipollez de anuncio", -1),
        ("una porquería de licencia", -1),
        ("qué descaro", -1),
        ("una falta de respeto a los usuarios", -1),  # lacking a good thing
        ("el repo sigue vacío", -1),
        ("qué chapuza de lanzamiento", -1),
        ("son unos incompetentes", -1),
        ("incumplieron su promesa otra vez", -1),
        ("nos ocultan el código", -1),
        ("me echa para atrás que no lo publiquen", -1),
        # doubt
        ("Muy sospechoso que no muestren el codigo", -1),
        ("Desconfío de sus promesas", -1),
        ("suena a humo", -1),
        ("me parece dudoso", -1),
        # resignation
        ("Ni modo, no lo van a soltar", -1),
        ("Ya perdí la esperanza", -1),
        ("Sigan soñando", -1),
        ("ni de broma lo liberan", -1),
        ("Es inútil pedirlo, me rindo", -1),
        # hope, praise, thanks
        ("Tengo esperanza de que lo publiquen este mes", 1),
        ("muy prometedor, un gran avance", 1),
        ("¡Por fin!", 1),
        ("son unos cracks", 1),
        ("enhorabuena al equipo", 1),
        ("felicitaciones, qué bacán", 1),
        ("Está de puta madre", 1),
        ("qué padre que lo abrieron", 1),
        ("copado lo que hicieron, una joya", 1),
        ("Menos mal que lo liberaron", 1),
        ("vale la pena probarlo", 1),
        ("se lo agradezco mucho", 1),
        ("estupendo trabajo, muy útil", 1),
        ("me alegra un montón", 1),
        ("qué ilusión, estoy deseando probarlo", 1),
        ("bienvenidos al código abierto", 1),
        ("lo aprecio de verdad", 1),
        ("asombroso lo rápido que va", 1),
    ],
)
def test_spanish_reactions_read_their_way(text: str, sign: int) -> None:
    assert score_spanish(clean_text(text)).tone.compound * sign > 0.05


@pytest.mark.parametrize(
    "text",
    [
        "Es software libre y de código abierto",  # "libre" names a licence here
        "Justo ahora lo estaba mirando",
        "Seguro que es por la licencia",
        "Es una fundación sin ánimo de lucro",
        "Tengo una duda sobre el tutorial",  # a question, not doubt
        "El código está en GitHub bajo licencia MIT",
    ],
)
def test_spanish_words_that_are_plain_here_carry_no_tone(text: str) -> None:
    assert score_spanish(clean_text(text)).tone.compound == 0.0


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("No, es genial", 1),  # the "no" answers something else
        ("No. Me encanta", 1),
        ("no me gusta", -1),
        ("nada mal", 1),
        ("no está nada mal", 1),
        ("no solo es genial", 1),  # "no solo ... sino" adds, it does not deny
        ("Ya perdí la fe", -1),  # losing a good thing
        ("perdimos la esperanza", -1),
    ],
)
def test_spanish_negation_stays_in_its_clause(text: str, sign: int) -> None:
    assert score_spanish(clean_text(text)).tone.compound * sign > 0.05


@pytest.mark.parametrize(
    ("text", "sign"),
    [("graciasss", 1), ("geniaaal", 1), ("buenisimooo", 1), ("nooo es bueno", -1)],
)
def test_spanish_chat_stretching_is_read(text: str, sign: int) -> None:
    assert score_spanish(text).tone.compound * sign > 0.05


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("vale la pena", 1),  # not "pena" (pity)
        ("merece la pena", 1),
        ("no vale la pena", -1),
        ("de puta madre", 1),  # not "puta"
        ("menos mal", 1),  # not "mal"
        ("mala suerte", -1),
    ],
)
def test_spanish_fixed_phrases_outweigh_their_words(text: str, sign: int) -> None:
    assert score_spanish(text).tone.compound * sign > 0.05


def test_spanish_bien_before_a_sentiment_word_only_intensifies() -> None:
    assert score_spanish("es bien malo").tone.compound < score_spanish("es malo").tone.compound
    assert score_spanish("está bien").tone.compound > 0


def test_spanish_phrase_cue_names_the_phrase() -> None:
    cues = score_spanish("Nos están tomando el pelo").cues
    assert [cue.text for cue in cues] == ["tomando el pelo"]


def test_tone_scores_are_well_formed() -> None:
    for text in ["I hate this", "I love this", "a table", "", "!!!"]:
        tone = analyze(text).tone
        assert -1.0 <= tone.compound <= 1.0
        assert abs(tone.pos + tone.neu + tone.neg - 1.0) < 0.01


def test_tone_cues_name_the_words_that_moved_the_score() -> None:
    analysis = analyze("ClosedAI strikes again, pathetic 🤡")
    tone_cues = [c for c in analysis.cues if c.kind == "tone"]
    assert [c.text for c in tone_cues][:1] == ["pathetic"]
    assert all(c.weight < 0 for c in tone_cues)


def test_negation_flips_an_english_tone_cue() -> None:
    cues = [c for c in analyze("this is not good").cues if c.kind == "tone"]
    assert cues[0].text == "good"
    assert cues[0].weight < 0


@pytest.mark.parametrize(
    "text",
    [
        "😂" * 2000,
        "".join(chr(0x1F600 + i % 80) for i in range(2000)),
        ("this is a really bad idea but good " * 200)[:4000],
        "a" * 4000,
        "!" * 4000,
    ],
    ids=["same emoji", "mixed emoji", "long text", "one letter", "punctuation"],
)
def test_vader_input_is_bounded(text: str) -> None:
    bounded = bound_text(text)
    assert len(bounded) <= MAX_TONE_CHARS + 1
    assert sum(1 for char in bounded if 0x1F600 <= ord(char) <= 0x1F64F) <= MAX_TONE_EMOJI


def test_bounding_keeps_the_end_of_a_long_message() -> None:
    text = "filler words here " * 100 + "and honestly this is terrible"
    assert bound_text(text).endswith("this is terrible")
    assert analyze(text).tone.compound < 0


# ---- chat fixes (issue 4, §3): each row is a message plain VADER scores 0 or with the wrong sign


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("nobody likes this", -1),  # subject negation; plain VADER: positive
        ("noone cares about this", -1),
        ("I am fed up with this", -1),  # multi-word lexicon entries; plain VADER: 0
        ("i can't stand this", -1),
        ("this is sooooo goooood", 1),  # stretched words; plain VADER: 0
        ("sora is trash", -1),  # chat words missing from VADER's lexicon
        ("rip open weights", -1),
        ("closed again T_T", -1),  # emoticons missing from the lexicon, kept through cleaning
        ("finally ^_^", 1),
        # The seed article's own quotes that plain VADER scores 0 or barely negative.
        ("Deluded is more accurate", -1),
        ("I haven't seen Sam Altman indicate he gives a single f--k about PR", -1),
        ("Nah, it is closedAI and they don't open source anything.", -1),
        ("who gives a f*ck about sora", -1),  # masked profanity survives markdown cleaning
    ],
)
def test_chat_forms_vader_misses_get_a_tone(text: str, sign: int) -> None:
    plain = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    ours = analyze(text).tone.compound
    assert ours * sign > 0.1
    assert ours * sign > plain * sign


def test_subject_negation_only_denies_praise() -> None:
    assert analyze("nobody panic").tone.compound < 0  # not "nobody" + "panic" = happy


@pytest.mark.parametrize("text", ["ugh -_-", "**so** T_T", "ok :* bye", "x_x"])
def test_cleaning_keeps_emoticons_built_from_markdown_characters(text: str) -> None:
    emoticon = next(word for word in text.split() if "_" in word or word == ":*")
    assert emoticon in clean_text(text).split()


def test_cleaning_still_strips_markdown_around_emoticons() -> None:
    assert clean_text("**bold** -_- __under__ snake_case") == "bold -_- under snake case"


@pytest.mark.parametrize(
    ("text", "sign"),
    [("Me too :-)", 1), ("Thank ya!!!!!", 1), ("la casa es nice", 1)],
)
def test_english_or_emoticons_in_a_message_tagged_spanish_still_count(text: str, sign: int) -> None:
    analysis = analyze(text)
    assert analysis.language == "es"
    assert analysis.tone.compound * sign > 0.1


def test_spanish_no_is_not_read_as_the_english_word_no() -> None:
    # VADER's lexicon scores "no" negative; in Spanish it is mostly a plain negation.
    assert analyze("no creo").tone.compound == 0.0


# ---- negation stays inside its clause (issue 11, item 21)


def test_negation_does_not_reach_across_a_comma() -> None:
    # "never" denies "release", not the mocking name after the comma.
    whole = analyze("They'll never release it, closedAI as usual")
    alone = analyze("closedAI as usual")
    assert whole.tone.compound < 0
    assert whole.tone.compound == pytest.approx(alone.tone.compound)
    closedai = next(cue for cue in whole.cues if cue.kind == "tone" and cue.text == "closedAI")
    assert closedai.weight < 0


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("they never fail. great work", 1),  # a full stop ends the clause "never" is in
        ("not good; great actually", 1),
        ("no way they open it: pathetic", -1),
    ],
)
def test_a_negator_denies_nothing_after_its_clause_ends(text: str, sign: int) -> None:
    assert analyze(text).tone.compound * sign > 0.1


def test_negation_still_works_inside_one_clause() -> None:
    assert analyze("they will never be good, sadly").tone.compound < 0
    assert analyze("this is not good").tone.compound < 0


def test_emoji_names_do_not_shift_where_clauses_end() -> None:
    # VADER reads 🗺 as two words ("world map"), so "never" is three words before "good".
    assert analyze("they never 🗺, good").tone.compound > 0


def test_no_ascii_character_is_an_emoji() -> None:
    # The tone skips the emoji checks on ASCII text: they could find nothing there.
    ascii_text = "".join(map(chr, range(128)))
    assert not any(is_emoji(char) for char in ascii_text)
    assert not any(name.isascii() for name in vader().emojis)
    assert spell_emoji(vader(), f" {ascii_text} ") == ascii_text.strip()
