"""The README's "How it is built" matches the tree: every room of `bot/` and `cogs/` is named
there, and every path it names exists, so a newcomer finds the room for a change from it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A path the section names: `bot/store/`, `bot/why.py`, `cogs/moderation`.
_PATH = re.compile(r"\b((?:bot|cogs)/[\w/]*\w(?:\.py)?/?)")
_BACKTICKED = re.compile(r"`([\w.]+)`")


def _layout_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## How it is built\n")
    end = readme.index("\n## ", start + 1)
    return readme[start:end]


def _named_paths(section: str) -> set[str]:
    return {path.rstrip("/") for path in _PATH.findall(section)}


def _rooms() -> set[str]:
    """The packages under `bot/` and `cogs/`, and the modules at their top level (a module
    deeper in is found through its package)."""
    rooms: set[str] = set()
    for top in ("bot", "cogs"):
        for child in (ROOT / top).iterdir():
            package = child.is_dir() and (child / "__init__.py").exists()
            module = child.suffix == ".py" and not child.name.startswith("__")
            if package or module:
                rooms.add(f"{top}/{child.name}")
    return rooms


def _cogs_entry(section: str) -> str:
    """The section's entry on `cogs/`, which names its extensions and shared parts."""
    start = section.index("\n- `cogs/`")
    end = section.find("\n- ", start + 1)
    return section[start:] if end == -1 else section[start:end]


def _is_named(room: str, section: str) -> bool:
    if room in _named_paths(section):
        return True
    # The cogs entry names its extensions (`watcher`) and shared parts (`_posting.py`) in
    # backticks; a name elsewhere in the section (`team.py` of bot/watch) is another file.
    top, name = room.split("/", 1)
    named = set(_BACKTICKED.findall(_cogs_entry(section)))
    return top == "cogs" and bool({name, name.removesuffix(".py")} & named)


def test_every_room_of_the_tree_is_named_in_the_layout_section() -> None:
    section = _layout_section()
    unnamed = sorted(room for room in _rooms() if not _is_named(room, section))
    assert unnamed == []


def test_every_path_the_layout_section_names_exists() -> None:
    missing = sorted(path for path in _named_paths(_layout_section()) if not (ROOT / path).exists())
    assert missing == []


def test_the_check_sees_a_room_left_out() -> None:
    section = _layout_section()
    assert _is_named("bot/store", section)
    assert not _is_named("bot/store", section.replace("bot/store", "bot/elsewhere"))
    assert _is_named("cogs/gap_fill.py", section)
    assert not _is_named("cogs/gap_fill.py", section.replace("`gap_fill`", "gap_fill"))
    # A file of that name in another package is not a cog.
    assert "`team.py`" in section
    assert not _is_named("cogs/team.py", section)
