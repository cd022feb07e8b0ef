"""Parsing the `message:` option of `/clamor why` and `/clamor-mod relabel`."""

from __future__ import annotations

import pytest

from bot.errors import UserFacingError
from bot.message_links import ACCEPTED, MessageRef, message_link, parse_message_ref

GUILD = 1100000000000000001
CHANNEL = 1200000000000000002
MESSAGE = 1300000000000000003
PATH = f"channels/{GUILD}/{CHANNEL}/{MESSAGE}"
IN_CHANNEL = MessageRef(MESSAGE, CHANNEL)

ACCEPTED_INPUTS = [
    (f"https://discord.com/{PATH}", IN_CHANNEL),
    (f"https://ptb.discord.com/{PATH}", IN_CHANNEL),
    (f"https://canary.discord.com/{PATH}", IN_CHANNEL),
    (f"https://discordapp.com/{PATH}", IN_CHANNEL),
    (f"https://canary.discordapp.com/{PATH}", IN_CHANNEL),
    (f"http://www.discord.com/{PATH}", IN_CHANNEL),
    (f"discord.com/{PATH}", IN_CHANNEL),
    (f"HTTPS://Discord.com/{PATH}", IN_CHANNEL),
    (f"  <https://discord.com/{PATH}>  ", IN_CHANNEL),  # a link pasted with embeds suppressed
    (f"https://discord.com/{PATH}/", IN_CHANNEL),
    (f"https://discord.com/{PATH}?utm=x", IN_CHANNEL),
    (str(MESSAGE), MessageRef(MESSAGE)),
    (f" {MESSAGE}\n", MessageRef(MESSAGE)),
    (f"{CHANNEL}-{MESSAGE}", IN_CHANNEL),  # Shift + Copy Message ID
    ("1", MessageRef(1)),
    (str(2**63 - 1), MessageRef(2**63 - 1)),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED_INPUTS)
def test_accepted(text: str, expected: MessageRef) -> None:
    assert parse_message_ref(text, GUILD) == expected


REFUSED_INPUTS = [
    ("", "An empty value is not a message link or id"),
    ("   ", "An empty value is not a message link or id"),
    ("hello", "`hello` is not a message link or id"),
    ("0", "0 is not a Discord id"),
    (str(2**63), f"{2**63} is not a Discord id"),
    ("123456789012345678901", "is not a message link or id"),  # 21 digits
    ("-5", "is not a message link or id"),
    (f"https://discord.com/channels/{GUILD}/{CHANNEL}", "is not a message link or id"),
    (f"https://evil.example/{PATH}", "is not a message link or id"),
    (f"https://discord.com.evil.example/{PATH}", "is not a message link or id"),
    (f"https://discord.gg/{PATH}", "is not a message link or id"),
    (f"https://discord.com/{PATH} and more", "is not a message link or id"),
    ("a `sneaky` one", "`a 'sneaky' one` is not a message link or id"),
    (f"https://discord.com/channels/{GUILD + 1}/{CHANNEL}/{MESSAGE}", "not to a message in this"),
    (f"https://discord.com/channels/@me/{CHANNEL}/{MESSAGE}", "not to a message in this server"),
]


@pytest.mark.parametrize(("text", "expected"), REFUSED_INPUTS)
def test_refused_with_one_line_that_says_what_is_accepted(text: str, expected: str) -> None:
    with pytest.raises(UserFacingError) as raised:
        parse_message_ref(text, GUILD)
    answer = str(raised.value)
    assert expected in answer
    assert answer.endswith(ACCEPTED)
    assert "\n" not in answer


def test_another_guilds_link_says_nothing_about_that_guild() -> None:
    other = GUILD + 1
    with pytest.raises(UserFacingError) as raised:
        parse_message_ref(f"https://discord.com/channels/{other}/{CHANNEL}/{MESSAGE}", GUILD)
    assert str(other) not in str(raised.value)
    assert str(MESSAGE) not in str(raised.value)


def test_a_long_value_is_cut_in_the_answer() -> None:
    with pytest.raises(UserFacingError) as raised:
        parse_message_ref("x" * 500, GUILD)
    assert len(str(raised.value)) < 250


def test_message_link_round_trips() -> None:
    assert parse_message_ref(message_link(GUILD, CHANNEL, MESSAGE), GUILD) == IN_CHANNEL
