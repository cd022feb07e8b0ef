"""The shared real corpus (``../shared/data/real-corpus/real.jsonl``) and its frozen thread split.

The corpus's texts are other people's sentences: they are read from ``../shared`` at training and
benchmark time and never copied into the project. What the project keeps is the split, a list of
thread keys (``bench/real_split.tsv``), so a thread never moves between train, dev and test. A
thread the list does not name yet (the corpus grows) is placed by a hash of its key, and
``python bench/train_model.py --write-split`` appends it to the list.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.analysis.pipeline import opening_post_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(
    os.environ.get(
        "CLAMOR_REAL_CORPUS", ROOT.parent / "shared" / "data" / "real-corpus" / "real.jsonl"
    )
)
RESERVED = CORPUS.parent.parent / "reserved-sources.txt"
SPLIT_FILE = ROOT / "bench" / "real_split.tsv"
SPLITS = ("train", "dev", "test")
MISSING = f"the real corpus is not at {CORPUS} (set CLAMOR_REAL_CORPUS): nothing to read"


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    language: str
    request: bool
    category: str | None
    accept: tuple[str, ...]
    source: str
    thread: str
    position: int
    real: bool  # False for translations: training only, never scored
    needs_context: bool
    base_rate: bool  # ordinary chat gathered for the false-alarm rate
    split: str
    corpus_slice: str = ""  # the collection it was gathered in ("en-ai-threads", ...)
    # "owner" for the repository's own maintainers (a Discord server's team), else "member"
    author_role: str = ""


def hashed_split(thread: str) -> str:
    """30% of threads to test, 15% to dev, the rest to train, by a hash of the key."""
    share = int(hashlib.sha256(thread.encode()).hexdigest()[:8], 16) / 2**32
    return "test" if share < 0.30 else "dev" if share < 0.45 else "train"


def frozen_split() -> dict[str, str]:
    if not SPLIT_FILE.exists():
        return {}
    out: dict[str, str] = {}
    for line in SPLIT_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            thread, split = line.rsplit("\t", 1)
            out[thread] = split
    return out


def available() -> bool:
    return CORPUS.is_file()


def items(*, include_skipped: bool = False) -> Iterator[Item]:
    """Every labelled item, with its split (``skip`` ones left out unless asked for)."""
    split = frozen_split()
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row.get("skip") and not include_skipped:
                continue
            thread = str(row["thread"])
            text = str(row["text"])
            position = int(row.get("position") or 0)
            if position == 0 and isinstance(title := row.get("context"), str):
                # An opening post recorded under its title (an issue's) is read as the bot
                # reads a forum post: the title, then the text.
                text = opening_post_text(title, text)
            yield Item(
                text=text,
                language=str(row["language"]),
                request=bool(row["request"]),
                category=row.get("category") or None,
                accept=tuple(row.get("accept") or ()),
                source=str(row["source"]),
                thread=thread,
                position=position,
                real=row.get("origin") == "real",
                needs_context=bool(row.get("needs_context")),
                base_rate=row.get("slice") == "base-rate-chat",
                split=split.get(thread) or hashed_split(thread),
                corpus_slice=str(row.get("slice") or ""),
                author_role=str(row.get("author_role") or ""),
            )


def reserved_sources() -> set[str]:
    """Sources set aside for independent evaluation: never to be read or used."""
    if not RESERVED.is_file():
        return set()
    lines = RESERVED.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def write_split() -> int:
    """Append the threads the split file does not name yet; how many were added."""
    known = frozen_split()
    new = sorted({item.thread for item in items(include_skipped=True)} - set(known))
    header = (
        ""
        if SPLIT_FILE.exists()
        else (
            "# The frozen split of the real corpus by thread: thread key <TAB> train|dev|test.\n"
            "# Never move a thread; bench/train_model.py --write-split appends new threads.\n"
        )
    )
    with SPLIT_FILE.open("a", encoding="utf-8") as out:
        out.write(header)
        for thread in new:
            if "\t" in thread or "\n" in thread:
                raise ValueError(f"a thread key holds a tab or newline: {thread!r}")
            out.write(f"{thread}\t{hashed_split(thread)}\n")
    return len(new)
