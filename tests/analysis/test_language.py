"""detect_language: English and Spanish first, other Latin languages, scripts, and "und"."""

from __future__ import annotations

import pytest

from bot.analysis import clean_text, detect_language

CASES = [
    # English, including the short phrases that carry most requests
    ("release the weights", "en"),
    ("open source it", "en"),
    ("Just get LTX.", "en"),
    ("ClosedAI strikes again", "en"),
    ("please", "en"),
    ("Nah, it is closedAI and they don't open source anything.", "en"),
    ("I don't think it will happen soon or at all", "en"),
    ("Deluded is more accurate", "en"),
    ("when will the weights be released?", "en"),
    ("fingers crossed they release it", "en"),
    # Spanish, with and without accents, and mixed with English loanwords
    ("liberen los pesos", "es"),
    ("Olvídense eso jamás va a pasar!", "es"),
    ("olvidense eso jamas va a pasar", "es"),
    ("hagan open source ya", "es"),
    ("que lo liberen", "es"),
    ("¿cuándo?", "es"),
    ("ptm no mames", "es"),
    ("OpenAI debería liberar el código de Sora", "es"),
    ("porfa suelten el modelo", "es"),
    # other Latin-script languages
    ("OpenAI deveria liberar o código do Sora, não é?", "pt"),
    ("Ils ne vont jamais ouvrir le code, c'est sûr", "fr"),
    ("Die Gewichte werden nie veröffentlicht", "de"),
    ("Non rilasceranno mai il codice, è ovvio", "it"),
    # scripts
    ("Откройте исходный код", "ru"),
    ("Відкрийте їхній код", "uk"),
    ("オープンソースにして", "ja"),
    ("开源吧", "zh"),
    ("오픈소스 해주세요", "ko"),
    ("افتحوا الكود", "ar"),
    ("کد را باز کنید پس", "fa"),
    ("קוד פתוח", "he"),
    ("ओपन सोर्स करो", "hi"),
    ("Ανοίξτε τον κώδικα", "el"),
    ("โอเพนซอร์ส", "th"),
    # nothing to go on
    ("", "und"),
    ("   ", "und"),
    ("😂😂😂", "und"),
    ("12345 !!!", "und"),
    ("LTX", "und"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(clean_text(text)) == expected


def test_cyrillic_lookalikes_inside_english_stay_english() -> None:
    # One homoglyph does not make an English sentence Russian.
    assert detect_language("please rеlease the weights") == "en"


@pytest.mark.parametrize("text", ["closedAI as usual", "as usual lol", "do it"])
def test_a_few_english_words_are_not_portuguese(text: str) -> None:
    assert detect_language(clean_text(text)) == "en"


@pytest.mark.parametrize("text", ["closedai as", "sora com"])
def test_one_word_shared_with_english_does_not_make_a_minor_language(text: str) -> None:
    # "as" and "com" alone are Portuguese words, but one word is no evidence.
    assert detect_language(clean_text(text)) not in ("pt", "fr", "de", "it")
