"""Clamor's DiscordChatExporter reader against one built on ijson's C backend, on a large export.

    .venv/bin/python bench/import_reader.py [--megabytes 200] [--runs 5] [--keep PATH] [--roles]

Writes a seeded DCE-shaped export (indented as DCE writes it: a header, then a long `messages`
array of members' posts, replies, reactions, mentions and the odd embed), then reads it with
each reader in a child process of its own, alternating A B A B so that load from other work on
the machine falls on both alike. Each child reports the CPU time of the read
(`time.process_time`, the parse and the building of every `ExportMessage`) and its peak resident
memory (`VmHWM`); a child that only imports reports the baseline memory to subtract.
Prints the medians (and ranges) for both readers in one table, after checking that both read
the same messages from a 5 MB export. `--roles` adds a third: Clamor's reader with the authors'
roles, as `clamor analyze` reads an export when a team is named (`--team-role`).

The ijson reader is the least that does the same job: the header's `guild` and `channel` with
`ijson.items` (a second, short pass that stops at once), then `ijson.items(f, "messages.item")`
through `export_message`. It has none of Clamor's checks (key order, a second `messages`, byte
offsets in errors), so it is a lower bound on the cost of an ijson reader. Needs
`pip install ijson` (its wheel brings the yajl2_c backend); not a dependency of Clamor.

Result (ijson 3.6.0, yajl2_c; 200 MB, 213,607 messages, 7 runs each, 2 shared cores at load 10):
CPU 2.75 s (2.68-3.35) for Clamor's reader, 2.65 s (2.54-3.03) for ijson; peak memory above
the imports 8.6 MiB against 0.4 MiB. As fast, then, and lighter, but not simpler: put in place
of `read_export`, that 60-line ijson reader failed 49 of the 235 tests of tests/chat_import,
tests/cli and tests/hostile/test_hostile_exports.py (no byte offsets in errors, yajl's wording,
a UTF-8 BOM refused, no per-chunk progress, no cap on one value's size, stopping early), and a
message nested 100,000 arrays deep (100 KB) took it past 1.4 GB of memory, where the Clamor
reader says "nested too deeply" in one line. Matching all of that would take as much code as
the reader it replaces, so Clamor keeps its own.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.chat_import import ExportMessage, read_export  # noqa: E402
from bot.chat_import.fields import export_message, exported_channel  # noqa: E402

READERS = ("clamor", "ijson")
WITH_ROLES = "clamor+roles"
DISCORD_EPOCH_MS = 1420070400000
START_MS = 1733853871123  # 2024-12-10
PHRASES = (
    "when will they open source sora",
    "just release the weights",
    "openai is closed ai lol",
    "use ltx video or wan instead, it runs local on 24 GB of vram",
    "never going to happen",
    "olvídense, jamás va a pasar 🙏",
    "por favor, pesos abiertos",
    "the api is fine honestly 😂",
    "hunyuan and mochi are already out 🎉",
)


def _snowflake(ms: int, sequence: int) -> str:
    return str(((ms - DISCORD_EPOCH_MS) << 22) | (sequence & 0x3FFFFF))


def _stamp(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{text}.{millis:03d}+00:00"


def _author(rng: random.Random) -> dict[str, Any]:
    user = rng.randrange(400)
    return {
        "id": str(605709674741893746 + user),
        "name": f"user{user}",
        "discriminator": "0000",
        "nickname": f"User {user}",
        "color": None if user % 3 else "#E67E22",
        "isBot": user == 0,
        "roles": [] if user % 4 else [{"id": "1", "name": "member", "color": None}],
        "avatarUrl": f"https://cdn.discordapp.com/avatars/{user}/a.png",
    }


def _message(rng: random.Random, index: int, ms: int, previous_id: str | None) -> dict[str, Any]:
    message_id = _snowflake(ms, index)
    reply = previous_id is not None and rng.random() < 0.2
    message: dict[str, Any] = {
        "id": message_id,
        "type": "Reply" if reply else "Default",
        "timestamp": _stamp(ms),
        "timestampEdited": _stamp(ms + 60_000) if rng.random() < 0.05 else None,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": " ".join(rng.choices(PHRASES, k=rng.randint(1, 8))),
        "author": _author(rng),
        "attachments": [],
        "embeds": [],
        "stickers": [],
        "reactions": [
            {"emoji": {"id": None, "name": "🎉", "code": "tada", "isAnimated": False}, "count": 3}
        ]
        if rng.random() < 0.3
        else [],
        "mentions": [_author(rng)] if rng.random() < 0.1 else [],
    }
    if reply:
        message["reference"] = {"messageId": previous_id, "channelId": "1", "guildId": "1"}
    if rng.random() < 0.02:
        message["embeds"] = [
            {"title": "a link", "url": "https://example.org/x", "description": "x " * 80}
        ]
    return message


def write_export(path: Path, megabytes: int, seed: int = 13) -> int:
    """Write a DCE-shaped export of about `megabytes` MB, never built whole in memory."""
    rng = random.Random(seed)
    header = {
        "guild": {"id": "1037813696954499072", "name": "Latent Space Lounge", "iconUrl": ""},
        "channel": {
            "id": "1097705820520448010",
            "type": "GuildTextChat",
            "categoryId": None,
            "category": None,
            "name": "general",
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2024-12-11T09:00:00.1234567+01:00",
    }
    target = megabytes * 1_000_000
    count = 0
    ms = START_MS
    previous: str | None = None
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(header, ensure_ascii=False, indent=2)[:-2])
        out.write(',\n  "messages": [\n')
        while out.tell() < target:
            ms += rng.randint(1, 90_000)
            message = _message(rng, count, ms, previous)
            previous = message["id"]
            text = json.dumps(message, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            out.write((",\n    " if count else "    ") + text)
            count += 1
        out.write(f'\n  ],\n  "messageCount": {count}\n}}\n')
    return count


def ijson_messages(path: Path) -> Iterator[ExportMessage]:
    import ijson

    backend = ijson.get_backend("yajl2_c")
    with path.open("rb") as handle:
        guild = next(backend.items(handle, "guild"))
        handle.seek(0)
        channel = next(backend.items(handle, "channel"))
        handle.seek(0)
        place = exported_channel(guild, channel)
        for raw in backend.items(handle, "messages.item", use_float=True):
            yield export_message(raw, place)


def _child(reader: str, path: Path | None) -> None:
    if reader == "ijson":
        import ijson  # noqa: F401
    count = 0
    cpu = 0.0
    if path is not None:
        if reader == "ijson":
            messages: Iterator[ExportMessage] = ijson_messages(path)
        else:
            messages = read_export(path, roles=reader == WITH_ROLES)
        started = time.process_time()
        for _ in messages:
            count += 1
        cpu = time.process_time() - started
    print(json.dumps({"reader": reader, "messages": count, "cpu": cpu, "peak_kib": _peak_kib()}))


def _peak_kib() -> int:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork and exec, so a child would
    # report its parent's peak; VmHWM belongs to the address space exec gave this process.
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise SystemExit("no VmHWM in /proc/self/status (this benchmark needs Linux)")


def _run_child(reader: str, path: Path | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", reader]
    if path is not None:
        command.append(str(path))
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _spread(values: list[float], unit: str, digits: int) -> str:
    low, high = min(values), max(values)
    return f"{statistics.median(values):.{digits}f} {unit} ({low:.{digits}f}-{high:.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the export here and keep it")
    parser.add_argument(
        "--roles", action="store_true", help=f"also time {WITH_ROLES}: the reader with roles"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]) if len(args.child) > 1 else None)
        return

    readers = (*READERS, WITH_ROLES) if args.roles else READERS
    with tempfile.TemporaryDirectory() as folder:
        small = Path(folder) / "small.json"
        write_export(small, 5)
        if list(read_export(small)) != list(ijson_messages(small)):
            raise SystemExit("the two readers disagree on a 5 MB export")
        path = args.keep or Path(folder) / "export.json"
        count = write_export(path, args.megabytes)
        size = path.stat().st_size
        baseline = {reader: _run_child(reader, None)["peak_kib"] for reader in readers}
        results: dict[str, list[dict[str, Any]]] = {reader: [] for reader in readers}
        for _ in range(args.runs):
            for reader in readers:
                result = _run_child(reader, path)
                if result["messages"] != count:
                    raise SystemExit(f"{reader} read {result['messages']} of {count} messages")
                results[reader].append(result)

    print(f"export: {size / 1e6:.0f} MB, {count:,} messages; {args.runs} runs of each reader")
    print(f"python {sys.version.split()[0]}; load average {' '.join(_load())}")
    print("| reader | CPU s, median (range) | MB/s | peak RSS above imports, MiB (range) |")
    print("|---|---|---|---|")
    for reader in readers:
        cpu = [r["cpu"] for r in results[reader]]
        rss = [(r["peak_kib"] - baseline[reader]) / 1024 for r in results[reader]]
        rate = size / 1e6 / statistics.median(cpu)
        print(f"| {reader} | {_spread(cpu, 's', 2)} | {rate:.0f} | {_spread(rss, 'MiB', 1)} |")


def _load() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


if __name__ == "__main__":
    main()
