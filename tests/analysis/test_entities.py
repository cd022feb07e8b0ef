"""Targets and open alternatives: canonical names, word boundaries, links, guild targets."""

from __future__ import annotations

import pytest

from bot.analysis import Analyzer, GuildTerms, analyze
from bot.analysis.entities import Entity, EntityFinder, builtin_entities
from bot.analysis.folding import fold

CASES = [
    ("OpenAI should open source Sora", ("OpenAI", "Sora"), ()),
    ("ClosedAI strikes again", ("OpenAI",), ()),
    ('"Open"AI lol', ("OpenAI",), ()),
    ("gpt-4o, GPT-4, GPT-4.5 and gpt5", ("GPT-4o", "GPT-4", "GPT-4.5", "GPT-5"), ()),
    ("o1 and o3-mini", ("o1", "o3"), ()),
    ("DALL·E 3 and dalle2", ("DALL-E",), ()),
    (
        "Midjourney, Gemini 2.5 Pro, Claude, Anthropic",
        ("Midjourney", "Gemini", "Claude", "Anthropic"),
        (),
    ),
    ("Google Veo 3 and Kling and Grok and RunwayML", ("Veo", "Kling", "Grok", "Runway"), ()),
    ("Google should open Gemini", ("Google", "Gemini"), ()),
    ("Just get LTX.", (), ("LTX-Video",)),
    ("ltx-video or LTXV", (), ("LTX-Video",)),
    ("Wan 2.1 and wan2.2", (), ("Wan",)),
    ("HunyuanVideo, Mochi 1, CogVideoX-5b", (), ("HunyuanVideo", "Mochi", "CogVideoX")),
    ("Open-Sora is not Sora", ("Sora",), ("Open-Sora",)),
    ("stable video diffusion vs SDXL", (), ("Stable Video Diffusion", "Stable Diffusion")),
    (
        "Flux.1-dev, Llama 3, Mistral, DeepSeek R1, Qwen2.5",
        (),
        ("Flux", "Llama", "Mistral", "DeepSeek", "Qwen"),
    ),
    ("gpt-oss-120b is open", (), ("gpt-oss",)),
    # word boundaries and look-alike words
    ("I want it and I wanted it", (), ()),
    ("WAN port on my router", (), ()),
    ("everything is in flux", (), ()),
    ("se llama Juan", (), ()),
    ("no veo nada", (), ()),
    ("the runway at the airport", (), ()),
    ("just google it", (), ()),
    ("Sora from Kingdom Hearts", ("Sora",), ()),
]


@pytest.mark.parametrize(("text", "targets", "alternatives"), CASES)
def test_targets_and_alternatives(
    text: str, targets: tuple[str, ...], alternatives: tuple[str, ...]
) -> None:
    analysis = analyze(text)
    assert analysis.targets == targets
    assert analysis.alternatives == alternatives


@pytest.mark.parametrize(
    "entity", builtin_entities(), ids=[f"{e.kind}:{e.canonical}" for e in builtin_entities()]
)
def test_every_table_row_recognises_its_examples(entity: Entity) -> None:
    finder = EntityFinder()
    assert entity.examples, "every row of entities.tsv lists spellings to check"
    for example in entity.examples:
        found = [m.canonical for m in finder.find(fold(f"about {example} today"))]
        assert found == [entity.canonical], example


def test_link_to_an_open_alternative_counts_as_that_alternative() -> None:
    analysis = analyze("just use this https://huggingface.co/Wan-AI/Wan2.1-T2V-14B")
    assert analysis.alternatives == ("Wan",)
    assert "huggingface" not in analysis.clean
    detection = Analyzer().read("https://huggingface.co/Wan-AI/Wan2.1-T2V-14B").detection
    assert "x:alternative_link" in detection.features  # the model reads it as a feature


def test_a_link_to_an_alternative_passes_the_gate_and_is_named() -> None:
    analysis = analyze("https://github.com/Lightricks/LTX-Video")
    assert analysis.alternatives == ("LTX-Video",)
    assert any(c.detail == "links to an open alternative" for c in analysis.cues)


def test_guild_targets_extend_the_list() -> None:
    terms = GuildTerms(targets=frozenset({"Nano Banana"}))
    analysis = analyze("Google should open source nano banana", terms)
    assert analysis.targets == ("Google", "Nano Banana")
    assert analyze("Google should open source nano banana").targets == ("Google",)


def test_a_longer_guild_target_wins_over_one_it_extends() -> None:
    terms = GuildTerms(targets=frozenset({"nano", "nano banana", "nano banana pro"}))
    assert analyze("Google should open source nano banana pro", terms).targets == (
        "Google",
        "nano banana pro",
    )
    assert analyze("open source nano banana already", terms).targets == ("nano banana",)
    assert analyze("open source nano already", terms).targets == ("nano",)


def test_a_guild_target_with_a_hyphen_matches_it_written_with_a_space() -> None:
    terms = GuildTerms(targets=frozenset({"Veo-3 Fast"}))
    for text in ("open source veo 3 fast", "open source Veo-3-Fast", "open source VEO-3 fast"):
        assert analyze(text, terms).targets == ("Veo-3 Fast",), text


def test_a_thousand_guild_targets_still_find_the_right_one() -> None:
    names = {f"model {number:04d} turbo" for number in range(1000)}
    finder = EntityFinder(names)
    found = finder.find(fold("they should open model 0999 turbo and model 0500 turbo"))
    assert [m.canonical for m in found] == ["model 0999 turbo", "model 0500 turbo"]


def test_generic_target_is_the_model_when_nothing_is_named() -> None:
    assert analyze("release the weights already").targets == ("the model",)
    assert analyze("liberen los pesos").targets == ("the model",)
    assert analyze("release the Sora weights").targets == ("Sora",)
