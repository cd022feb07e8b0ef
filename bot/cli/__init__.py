"""The `clamor` command line: init, run, demo, analyze, classify, digest, labels.

Every expected failure (bad setting, bad file, bad option) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from bot import __version__
from bot.chat_import import ExportError
from bot.cli import analyze, classify, digest, export, init, labels, run
from bot.cli.common import EXIT_USAGE, CommandError
from bot.cli.terminal import visible
from bot.config import SettingsError
from bot.redaction import SecretRedactor
from bot.store import StoreError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the whole usage block; one line with a pointer to --help reads better.
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="clamor",
        description="Track the tone of open-sourcing requests in Discord servers.",
    )
    parser.add_argument("--version", action="version", version=f"clamor {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    for module in (init, run, analyze, classify, digest, labels, export):
        module.register(commands)
    analyze.register_demo(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except (CommandError, SettingsError, ExportError, StoreError) as exc:
        # Shape-based redaction: a setting echoed back in an error may be a pasted token.
        line = visible(SecretRedactor().redact(str(exc)))
        print(f"clamor {args.command}: {line}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `clamor classify | head` closes the pipe early; that is not an error worth a traceback.
        sys.stderr.close()
        return 0
    return status
