"""The `clamor` command line: init, run, demo, analyze, classify, digest, labels.

Every expected failure (bad setting, bad file, bad option) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from bot import __version__
from bot.cli.common import EXIT_USAGE, CommandError
from bot.cli.terminal import visible

# Each command's module, in the order `clamor --help` lists them. Only the module of the command
# being run is imported: `clamor classify` does not load what `run` (discord.py) or `analyze`
# (the Store's readers, spikes, exports) need.
COMMANDS = {
    "init": "init",
    "run": "run",
    "analyze": "analyze",
    "classify": "classify",
    "digest": "digest",
    "labels": "labels",
    "export": "export",
    "demo": "analyze",
}


def _command_of(argv: Sequence[str]) -> str | None:
    """The command named in `argv` (the first word that is not an option: `clamor`'s own
    options take no value), or None when there is none or it is not one of ours."""
    word = next((arg for arg in argv if not arg.startswith("-")), None)
    return word if word in COMMANDS else None


# Expected failures whose modules only some commands import (the settings', the Store's, the
# export reader's): a command that never imported one cannot have raised its error, so it is
# looked up in sys.modules rather than imported for every command just to be caught.
_EXPECTED_ELSEWHERE = (
    ("bot.config", "SettingsError"),
    ("bot.chat_import.records", "ExportError"),
    ("bot.store.errors", "StoreError"),
)


def _expected(exc: Exception) -> bool:
    if isinstance(exc, CommandError):
        return True
    for module_name, class_name in _EXPECTED_ELSEWHERE:
        module = sys.modules.get(module_name)
        if module is not None and isinstance(exc, getattr(module, class_name)):
            return True
    return False


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the whole usage block; one line with a pointer to --help reads better.
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The `clamor` parser; given `argv` that names a command, with that command only (the
    others' modules stay unimported), else with every command."""
    parser = _Parser(
        prog="clamor",
        description="Track the tone of open-sourcing requests in Discord servers.",
    )
    parser.add_argument("--version", action="version", version=f"clamor {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    chosen = _command_of(sys.argv[1:] if argv is None else argv)
    for name, module_name in COMMANDS.items():
        if chosen in (None, name):
            module = importlib.import_module(f"bot.cli.{module_name}")
            (module.register_demo if name == "demo" else module.register)(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `clamor classify | head` closes the pipe early; that is not an error worth a traceback.
        sys.stderr.close()
        return 0
    except Exception as exc:
        if not _expected(exc):
            raise
        from bot.redaction import SecretRedactor

        # Shape-based redaction: a setting echoed back in an error may be a pasted token.
        line = visible(SecretRedactor().redact(str(exc)))
        print(f"clamor {args.command}: {line}", file=sys.stderr)
        return EXIT_USAGE
    return status
