"""Hypothesis strategies for what strangers type: every Unicode category (lone surrogates
included), control and invisible characters, bidi overrides, zalgo, emoji floods, Discord markup,
and walls of text up to Discord's 4,000-character cap, with request phrases mixed in so the
expensive paths (rules, categories, tone) run too."""

from __future__ import annotations

from hypothesis import strategies as st

DISCORD_MAX_CHARS = 4000

# Every Unicode general category: "C" covers "Cs" (lone surrogates) and "Cc" (controls, NUL),
# which hypothesis leaves out unless a category list asks for them.
ANY_CHARACTER = st.characters(categories=["L", "M", "N", "P", "S", "Z", "C"])
SURROGATES = st.characters(categories=["Cs"])
INVISIBLE = st.sampled_from(
    [
        "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u00ad", "\u061c", "\u180e", "\u200b",
        "\u200c", "\u200d", "\u200e", "\u200f", "\u2028", "\u2029", "\u202a", "\u202b",
        "\u202d", "\u202e", "\u2060", "\u2066", "\u2067", "\u2069", "\ufeff", "\ufff9",
        "\ue100", "\ue000", "\U000e0001", "\U000e007f",
    ]
)  # fmt: skip
COMBINING = st.characters(categories=["Mn", "Me", "Mc"])
EMOJI = st.sampled_from(
    [
        "🔥", "😂", "🤡", "❤️", "❤", "👍🏽", "🇪🇸", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🧑🏿‍💻", "🫠", "1️⃣",
        "©️", "🐸", "🎉", "💀", "😭", "🙏", "👀", "🤖", "<:ClosedAI:1234567890>",
        "<a:party_parrot:98765>", ":fire:", ":skin-tone-3:", ":thumbsup::skin-tone-5:",
    ]
)  # fmt: skip
REQUEST_PHRASES = st.sampled_from(
    [
        "OpenAI should open source Sora",
        "release the weights already",
        "when will they open-source GPT-4??",
        "they will never open source it, forget it",
        "olvídense, jamás va a pasar",
        "ojalá liberen los pesos de Sora",
        "¿cuándo van a liberar el código?",
        "ClosedAI strikes again lol",
        "just use LTX-Video instead",
        "I doubt they'll ever release the model, the compute bill alone",
        "open sourcing this would be huge 🙏",
    ]
)
MARKUP = st.sampled_from(
    [
        "**", "__", "~~", "||", "`", "```", "```py\n", "> ", ">>> ", "# ", "-# ", "- ",
        "1. ", "[link](https://example.com/x)", "https://github.com/a/b", "<@123>",
        "<#456>", "@everyone", "<t:1700000000:R>", "\\*", "-_-", "^_^", ":*", "*_*",
        "\n", "\r\n", "\t", "  ",
    ]
)  # fmt: skip

_PIECE = st.one_of(
    st.text(ANY_CHARACTER, max_size=12),
    SURROGATES,
    INVISIBLE,
    COMBINING,
    EMOJI,
    REQUEST_PHRASES,
    MARKUP,
    st.sampled_from([" ", "a", "é", "ñ", "?", "!", "..."]),
)
# A mix of everything above, as a message of normal length.
MIXED = st.lists(_PIECE, max_size=40).map("".join)


def _wall(pieces: list[str], total: int) -> str:
    unit = "".join(pieces) or "🔥"
    return (unit * (total // len(unit) + 1))[:total]


# Long messages, up to Discord's cap (and past it: exports and the CLI have no cap), built by
# repeating a drawn unit, since drawing 4,000 characters one by one is slow and shrinks badly.
WALL = st.builds(
    _wall,
    st.lists(_PIECE, min_size=1, max_size=8),
    st.integers(min_value=1000, max_value=DISCORD_MAX_CHARS + 500),
)
EMOJI_FLOOD = st.builds(
    _wall,
    st.lists(st.one_of(EMOJI, REQUEST_PHRASES, st.just(" ")), min_size=1, max_size=12),
    st.integers(min_value=200, max_value=DISCORD_MAX_CHARS),
)
# Spanish-looking text, so the Spanish tone path and its lexicon run on hostile input.
SPANISH = st.lists(
    st.one_of(
        st.sampled_from(
            ["jaja", "xd", "ptm", "no", "nunca", "jamás", "olvídense", "ojalá", "que", "los",
             "pesos", "liberar", "código", "abierto", "¡", "¿", "muy", "bueno", "malo", "sin"]
        ),
        REQUEST_PHRASES,
        _PIECE,
    ),
    max_size=30,
).map(" ".join)  # fmt: skip

HOSTILE_TEXT = st.one_of(st.text(ANY_CHARACTER, max_size=200), MIXED, WALL, EMOJI_FLOOD, SPANISH)
