"""The sample export `clamor demo` analyses: present, well-formed, and shaped like the story."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.chat_import import ExportMessage, read_export, sample_export_paths

DISCORD_EPOCH_MS = 1420070400000
MESSAGE_KEYS = {
    "id",
    "type",
    "timestamp",
    "timestampEdited",
    "callEndedTimestamp",
    "isPinned",
    "content",
    "author",
    "attachments",
    "embeds",
    "stickers",
    "reactions",
    "mentions",
}
AUTHOR_KEYS = {"id", "name", "discriminator", "nickname", "color", "isBot", "roles", "avatarUrl"}


@pytest.fixture(scope="module")
def paths() -> list[Path]:
    return sample_export_paths()


@pytest.fixture(scope="module")
def raw_docs(paths: list[Path]) -> dict[Path, dict[str, Any]]:
    # The sample is small, so the standard library can serve as an independent oracle.
    return {path: json.loads(path.read_text(encoding="utf-8")) for path in paths}


@pytest.fixture(scope="module")
def exports(paths: list[Path]) -> dict[Path, list[ExportMessage]]:
    return {path: list(read_export(path)) for path in paths}


@pytest.fixture(scope="module")
def messages(exports: dict[Path, list[ExportMessage]]) -> list[ExportMessage]:
    return [message for listed in exports.values() for message in listed]


def test_two_or_three_channel_exports_ship_with_the_package(paths: list[Path]) -> None:
    assert 2 <= len(paths) <= 3
    assert all(path.parent.parts[-3:] == ("bot", "data", "sample") for path in paths)
    assert paths == sorted(paths)
    assert sum(path.stat().st_size for path in paths) < 600 * 1024


def test_counts_match_the_files(
    exports: dict[Path, list[ExportMessage]], raw_docs: dict[Path, dict[str, Any]]
) -> None:
    for path, listed in exports.items():
        assert len(listed) == raw_docs[path]["messageCount"] == len(raw_docs[path]["messages"])
    assert 300 <= sum(len(listed) for listed in exports.values()) <= 450


def test_ids_ascend_and_encode_the_message_time(
    exports: dict[Path, list[ExportMessage]],
) -> None:
    for listed in exports.values():
        ids = [message.message_id for message in listed]
        assert ids == sorted(set(ids))
        for message in listed:
            snowflake_ms = (message.message_id >> 22) + DISCORD_EPOCH_MS
            assert snowflake_ms == round(message.created_at * 1000)


def test_times_agree_with_the_written_timestamps_whatever_the_offset(
    exports: dict[Path, list[ExportMessage]], raw_docs: dict[Path, dict[str, Any]]
) -> None:
    offsets = set()
    for path, listed in exports.items():
        for message, raw in zip(listed, raw_docs[path]["messages"], strict=True):
            written = datetime.fromisoformat(raw["timestamp"])
            offsets.add(written.utcoffset())
            assert message.created_at == pytest.approx(written.timestamp(), abs=1e-6)
            assert message.edited == (raw["timestampEdited"] is not None)
    assert len(offsets) >= 2  # one export was made on a machine outside UTC


def test_one_guild_distinct_channels(
    exports: dict[Path, list[ExportMessage]], raw_docs: dict[Path, dict[str, Any]]
) -> None:
    guilds = {(m.guild_id, m.guild_name) for listed in exports.values() for m in listed}
    assert len(guilds) == 1
    for path, listed in exports.items():
        channel = raw_docs[path]["channel"]
        assert {(m.channel_id, m.channel_name) for m in listed} == {
            (int(channel["id"]), channel["name"])
        }
    assert len({listed[0].channel_id for listed in exports.values()}) == len(exports)


def test_every_message_has_the_fields_dce_writes(raw_docs: dict[Path, dict[str, Any]]) -> None:
    for doc in raw_docs.values():
        assert list(doc)[:2] == ["guild", "channel"]
        for raw in doc["messages"]:
            assert set(raw) >= MESSAGE_KEYS
            assert set(raw["author"]) >= AUTHOR_KEYS
            assert re.fullmatch(r"\d{17,20}", raw["id"])
            if raw["type"] in ("Reply", "ChannelPinnedMessage"):
                assert int(raw["reference"]["messageId"]) < int(raw["id"])
        exported = datetime.fromisoformat(doc["exportedAt"])
        assert datetime.fromisoformat(doc["messages"][-1]["timestamp"]) < exported


def test_spans_six_consecutive_days_with_a_mid_week_spike(messages: list[ExportMessage]) -> None:
    per_day = Counter(datetime.fromtimestamp(m.created_at, UTC).date() for m in messages)
    first = min(per_day)
    days = [first + timedelta(days=n) for n in range(6)]
    assert all(per_day[day] > 0 for day in days)
    busiest = max(per_day, key=lambda day: per_day[day])
    assert busiest in (days[3], days[4])
    assert per_day[busiest] > 1.3 * per_day[first]


def test_has_what_a_real_server_has(messages: list[ExportMessage]) -> None:
    kinds = Counter(m.kind for m in messages)
    assert kinds["Reply"] >= 20
    assert kinds["GuildMemberJoin"] + kinds["ChannelPinnedMessage"] >= 1
    assert 1 <= sum(m.author_is_bot for m in messages) <= 5
    assert sum(m.edited for m in messages) >= 3
    assert len({m.author_id for m in messages}) >= 10
    text = "\n".join(m.content for m in messages)
    assert re.search(r"<a?:\w+:\d+>", text)  # custom emoji
    assert re.search(r"<@\d+>", text)  # user mention
    assert "```" in text
    for phrase in ("sora", "openai", "ltx", "wan", "hunyuan", "mochi", "olvídense", "jamás"):
        assert phrase in text.lower(), phrase
