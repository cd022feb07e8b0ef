"""`clamor classify [FILE]`: one message per line in, one JSON object per line out."""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from bot.analysis import (
    NO_CONTEXT,
    Analyzer,
    Context,
    explain,
    format_cue,
    opening_post_text,
    summarize,
    team_answer,
)
from bot.analysis.results import Analysis
from bot.cli.common import EXIT_OK, EXIT_PARTIAL, CommandError
from bot.cli.terminal import json_visible, visible

# What `--explain` says of a message the input marks as the team's ("team": true): as the bot
# and `clamor analyze --team-role` read it, whatever its words.
TEAM_VERDICT = "by the team: an answer, never counted"

# The longest input line read: Discord's largest message (4,000 characters, up to 16,000 bytes
# of UTF-8, 24,000 as JSON escapes) with room to spare. Longer lines are not read into memory:
# each gets an error object in its place, so the output keeps one line per input line.
MAX_LINE_BYTES = 64 * 1024


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "classify",
        help="classify messages, one per line, printing JSON lines",
        description="Read one message per line (or JSON objects with a 'text' key) and print one "
        "JSON object per line: text, request, category, language, compound, pos, neu, neg, "
        "targets, alternatives.",
    )
    parser.add_argument("file", nargs="?", type=Path, help="input file (default: standard input)")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="input lines are JSON objects with a 'text' key, and optionally a 'context': the "
        'text of the message it answers, or {"request": true} when that one is a request; '
        '"flow": true in that object when the message only follows it in the channel; '
        "a 'title' when the message opens a post under one (a forum post, an issue): it is read "
        'first; "team": true when the server\'s team wrote it: an answer, never a request',
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="add the cues behind each decision ('cues' and 'summary' keys); on a terminal, "
        "print a readable block per message instead of JSON",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--human",
        action="store_true",
        help="print a readable explanation block per message (implies --explain)",
    )
    output.add_argument(
        "--json", action="store_true", help="JSON lines even on a terminal (the default elsewhere)"
    )
    parser.set_defaults(handler=handle)


def result(analysis: Analysis, *, explain: bool, team: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "text": analysis.text,
        "request": analysis.request,
        "category": analysis.category,
        "language": analysis.language,
        "compound": round(analysis.tone.compound, 4),
        "pos": round(analysis.tone.pos, 3),
        "neu": round(analysis.tone.neu, 3),
        "neg": round(analysis.tone.neg, 3),
        "targets": list(analysis.targets),
        "alternatives": list(analysis.alternatives),
    }
    if explain:
        out["summary"] = summarize(analysis, verdict=TEAM_VERDICT if team else None)
        out["cues"] = [format_cue(cue) for cue in analysis.cues]
    return out


def human_block(number: int, text: str, analysis: Analysis, *, team: bool = False) -> str:
    """What `--explain` prints for a person: the message, the verdict, one line per cue."""
    import textwrap  # for a person only: JSON lines, what scripts read, never load it

    shown = " ".join(text.split())
    verdict = TEAM_VERDICT if team else None
    return (
        f"{number}. {shown}\n" + textwrap.indent(explain(analysis, verdict=verdict), "   ") + "\n"
    )


def wants_human(args: argparse.Namespace, stdout_is_terminal: bool) -> bool:
    return bool(args.human or (args.explain and stdout_is_terminal and not args.json))


def _text_of(raw: bytes, number: int, *, jsonl: bool) -> tuple[str, str, object, bool]:
    """The message text of one input line, the title of the post it opens ("" without one),
    its 'context' value (None without one) and whether the server's team wrote it; ValueError
    says what is wrong with it."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"line {number}: not valid UTF-8") from None
    line = line.rstrip("\r\n")
    if not jsonl:
        return line, "", None, False
    try:
        item = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        raise ValueError(f"line {number}: not a JSON object") from None
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise ValueError(f"line {number}: expected a JSON object with a string 'text'")
    text: str = item["text"]
    title = item.get("title")
    if title is not None and not isinstance(title, str):
        raise ValueError(f"line {number}: 'title' must be a string")
    team = item.get("team")
    if team is not None and not isinstance(team, bool):
        raise ValueError(f"line {number}: 'team' must be true or false")
    # A null title, team or context: none, as if the key were not there.
    return text, title or "", item.get("context"), bool(team)


def _context(analyzer: Analyzer, spec: object, number: int) -> Context:
    """A 'context' value: the text of the message this one answers (a string, or an object
    with a 'text'), or an object saying whether that one is a request ({"request": true}); in
    an object, "flow": true says the message only follows that one in its channel."""
    if spec is None:
        return NO_CONTEXT
    if isinstance(spec, str):
        return Context(analyzer.analyze(spec, score_all=False).request, "the given context")
    if isinstance(spec, dict) and isinstance(spec.get("flow", False), bool):
        flow = bool(spec.get("flow", False))
        if isinstance(spec.get("request"), bool):
            return Context(spec["request"], "the given context", flow=flow)
        if isinstance(spec.get("text"), str):
            return _context(analyzer, spec["text"], number)._replace(flow=flow)
    raise ValueError(
        f"line {number}: 'context' must be the answered message's text, or an object with a"
        " string 'text' or a true/false 'request' (and optionally a true/false 'flow')"
    )


def _lines(stream: BinaryIO) -> Iterator[bytes | None]:
    """Each input line, or None for one longer than MAX_LINE_BYTES (read past, never kept)."""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 2)  # room for the line's own CRLF
        if not line:
            return
        ended = line.endswith(b"\n")
        newline = 2 if line.endswith(b"\r\n") else 1 if ended else 0
        if len(line) - newline <= MAX_LINE_BYTES:
            yield line
            continue
        yield None
        while line and not line.endswith(b"\n"):
            line = stream.readline(MAX_LINE_BYTES)


def too_long(number: int) -> str:
    return f"line {number}: longer than {MAX_LINE_BYTES:,} bytes, not classified"


def _dump(payload: dict[str, Any]) -> str:
    return json_visible(json.dumps(payload, ensure_ascii=False))


def handle(args: argparse.Namespace) -> int:
    if args.file is not None:
        try:
            stream: BinaryIO = args.file.open("rb")
        except OSError as exc:
            raise CommandError(f"{args.file}: cannot be read ({exc.strerror})") from None
    else:
        stream = sys.stdin.buffer
    # At exit the interpreter's last collections walk every object still alive, the analyser's
    # tables and caches among them (9 ms, a fifth of a bare VADER script's start); frozen, they
    # are skipped. Nothing here needs the collector to finish it: input and output are closed
    # and flushed by then.
    atexit.register(gc.freeze)
    analyzer = Analyzer()
    human = wants_human(args, sys.stdout.isatty())
    bad = 0
    with stream:
        for number, raw in enumerate(_lines(stream), start=1):
            if raw is None:
                bad += 1
                print(f"clamor classify: {too_long(number)}", file=sys.stderr)
                if not human:
                    sys.stdout.write(_dump({"line": number, "error": too_long(number)}) + "\n")
                continue
            try:
                text, title, spec, team = _text_of(raw, number, jsonl=args.jsonl)
                context = _context(analyzer, spec, number)
            except ValueError as exc:
                bad += 1
                print(f"clamor classify: {exc}", file=sys.stderr)
                continue
            read = opening_post_text(title, text)
            analysis = analyzer.analyze(read, context=context, explain=human or args.explain)
            if team:
                analysis = team_answer(analysis)
            if human:
                sys.stdout.write(visible(human_block(number, read, analysis, team=team)) + "\n")
                continue
            payload = result(analysis, explain=args.explain, team=team)
            payload["text"] = text  # echo the input as given, even where analysis had to mend it
            sys.stdout.write(_dump(payload) + "\n")
    sys.stdout.flush()
    return EXIT_PARTIAL if bad else EXIT_OK
