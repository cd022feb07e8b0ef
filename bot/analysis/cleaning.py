"""Discord markup -> plain text that the rules and VADER can read.

Every pattern here is linear: character classes bounded by their own delimiter, no nested
unbounded quantifiers, and code fences are found with ``str.find`` rather than a lazy ``.*?``.
"""

from __future__ import annotations

import re
import unicodedata

from bot.analysis.emoji import shortcodes

# Discord caps messages at 4,000 characters; exports and CLI input can be anything, so bound work.
MAX_INPUT_CHARS = 20_000

# Controls (except tab/newline/CR), soft hyphen, bidi and zero-width formatting, BOM, lone
# surrogates: invisible, and a classic way to split "open\u200bsource" past a filter. Private-use
# characters render as nothing useful on Discord, and the detector uses two of them as markers.
_INVISIBLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200c\u200e\u200f"
    r"\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\ue000-\uf8ff]+"
)
# After NFKC composes real accents, leftover combining marks are zalgo noise; variation
# selectors are dropped so VADER's emoji table sees the base emoji (❤️ -> ❤).
_MARKS = re.compile(
    r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f"
    r"\U000e0000-\U000e01ef]+"
)  # whole runs: zalgo stacks dozens of marks on each letter
_EMOJI_VARIATIONS = str.maketrans("", "", "\ufe0e\ufe0f")
_INLINE_CODE = re.compile(r"``(?:[^`]|`(?!`))+``|`[^`]+`")  # ``a`b`` and `code`
_MASKED_LINK = re.compile(r"\[([^\]\n]{0,300})\]\(\s*<?(?:https?://|www\.)[^)\s]*>?\s*\)")
# Case-insensitive links. Spelled so that every alternative starts with a plain character, which
# lets ``re`` jump between candidate characters instead of trying the pattern at every position;
# h, w and d have no case partner but their capitals (checked in tests/analysis/test_cleaning*.py).
_URL = re.compile(
    r"(?:<(?i:https?://|www\.|discord\.gg/)|h(?i:ttps?://)|H(?i:ttps?://)|w(?i:ww\.)|W(?i:ww\.)"
    r"|d(?i:iscord\.gg/)|D(?i:iscord\.gg/))(?i:[^\s<>]+>?)"
)
_MENTION = re.compile(
    r"<@[!&]?\d+>|<#\d+>|</[^\s<>:]{1,100}:\d+>|<t:-?\d+(?::[a-zA-Z])?>|<id:[a-z]+>"
    r"|@(?:everyone|here)\b"
)
_CUSTOM_EMOJI = re.compile(r"<a?:([A-Za-z0-9_~]{1,64}):\d+>")
_SKIN_TONE = re.compile(r":skin-tone-[1-5]:")
# A look-behind written after the first character (``:(?<!\w:)`` is ``(?<!\w):``) lets ``re``
# scan for that character instead of trying the pattern at every position.
_SHORTCODE = re.compile(r":(?<!\w:)([a-z0-9_+\-]{1,40}):(?!\w)", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_LINE_MARKUP = re.compile(
    r"^[ \t]*(?:>>>[ \t]?|>[ \t]|#{1,3}[ \t]+|-#[ \t]+|[-*+][ \t]+|\d{1,3}[.)][ \t]+)",
    re.MULTILINE,
)
_ESCAPE = re.compile(r"\\([*_~|`>#\-\\\[\]()])")
_PAIRED_MARKUP = re.compile(r"\*\*|__|~~|\|\|")
_EDGE_MARKUP = re.compile(r"[*_](?:(?<!\w[*_])[*_]*|[*_]*(?!\w))")  # (?<!\w)[*_]+|[*_]+(?!\w)
_INNER_UNDERSCORE = re.compile(r"_(?<=\w_)(?=\w)")  # (?<=\w)_(?=\w)
# Emoticons made of markdown characters ("-_-", "^_^", "T_T", ":*") would lose their "_" or "*"
# to the markup pass; they are set aside behind a private-use placeholder and put back after.
# (?<!\S)(?:[:;=][-']?\*|[-^tT;>oO0xX@][_.][-^tT;<oO0xX@]|\*[-_.]?\*)(?!\S), with the first
# character taken first and each alternative checking it with a look-behind.
_EMOTICON = re.compile(
    r"[-:;=^tT>oO0xX@*](?<!\S.)"
    r"(?:(?<=[:;=])[-']?\*|(?<=[-^tT;>oO0xX@])[_.][-^tT;<oO0xX@]|(?<=\*)[-_.]?\*)(?!\S)"
)
_PLACEHOLDER = "\ue100"


def _remove_code_fences(text: str) -> str:
    """Drop ```fenced``` blocks; an unclosed fence renders as plain text on Discord, so keep it."""
    pieces: list[str] = []
    position = 0
    while True:
        start = text.find("```", position)
        end = text.find("```", start + 3) if start >= 0 else -1
        if end < 0:
            break
        pieces.append(text[position:start])
        pieces.append(" ")
        position = end + 3
    pieces.append(text[position:])
    return "".join(pieces)


def _emoji_name_to_words(name: str) -> str:
    spaced = _CAMEL.sub(" ", name).replace("_", " ").replace("~", " ")
    return f" {spaced.strip()} "


def _shortcode(match: re.Match[str]) -> str:
    name = match.group(1).lower()
    emoji = shortcodes().get(name)
    if emoji is not None:
        return f" {emoji} "
    if name.strip("0123456789+-") == "":
        return match.group(0)  # ":30:" in a clock time or a score, not an emoji
    return _emoji_name_to_words(name.replace("-", " "))


def unicode_cleaned(text: str) -> str | None:
    """``text`` as `clean_text`'s Unicode steps leave it, when they only drop emoji variation
    selectors (❤️ -> ❤): nothing else invisible, no combining mark, NFKC-normalised already.
    None otherwise (the caller must clean the text to know)."""
    if "\ufe0f" in text or "\ufe0e" in text:
        text = text.translate(_EMOJI_VARIATIONS)
    if not unicodedata.is_normalized("NFKC", text) or _INVISIBLE.search(text):
        return None
    return None if _MARKS.search(text) else text


def clean_text(raw: str) -> str:
    """Plain, single-line text of a Discord message: no code, links, mentions or markup."""
    text = raw[:MAX_INPUT_CHARS]
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
        text = unicodedata.normalize("NFKC", text)  # also folds 𝓯𝓪𝓷𝓬𝔂 letters to plain ones
        text = _MARKS.sub("", text)
    elif not text.isprintable():
        text = _INVISIBLE.sub("", text)
    # Most messages carry no markup at all: only run the passes whose marker is present.
    if "`" in text:
        text = _INLINE_CODE.sub(" ", _remove_code_fences(text)).replace("`", "")
    if "](" in text:
        text = _MASKED_LINK.sub(r"\1", text)
    if "://" in text or "www." in text or "discord.gg/" in text:
        text = _URL.sub(" ", text)
    if "<" in text or "@" in text:
        text = _MENTION.sub(" ", text)
        text = _CUSTOM_EMOJI.sub(lambda match: _emoji_name_to_words(match.group(1)), text)
    if ":" in text:
        text = _SHORTCODE.sub(_shortcode, _SKIN_TONE.sub("", text))
    text = _LINE_MARKUP.sub("", text)
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if "*" in text or "_" in text or "~" in text or "|" in text:
        saved = _EMOTICON.findall(text)
        if saved:
            text = _EMOTICON.sub(_PLACEHOLDER, text)
        text = _PAIRED_MARKUP.sub("", text)
        text = _EDGE_MARKUP.sub("", text)
        text = _INNER_UNDERSCORE.sub(" ", text)
        if saved:
            emoticons = iter(saved)
            text = re.sub(_PLACEHOLDER, lambda _match: next(emoticons), text)
    return " ".join(text.split())  # str.split() and re's \s agree on what whitespace is
