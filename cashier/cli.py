"""The ``cashier`` command: every operation without a window.

Each area registers its subcommands from its own module in ``cashier/commands/``; this module owns
only the global options, the JSON/exit-code conventions and the single place where errors become
sentences.

Exit codes, one rule for every command: 0 success/paid; 1 declined or failed (a payment
declined, a receipt, report or test page that did not print, a self-check step that failed);
2 bad input or settings, found before anything was done (no printer configured for a print
command is a setting); 3 outcome still pending/unknown at the deadline; 4 gateway or network
error on a non-payment operation. A payment that succeeded is 0 even if its receipt did not
print (the output says so): never charge again because of an exit code.

With ``--json`` a command's result (``emit``) is printed once it has finished, as one JSON object
carrying its ``exit_code``; errors are ``{"error": ..., "exit_code": ...}``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

EXIT_OK = 0
EXIT_DECLINED = 1
EXIT_BAD_INPUT = 2
EXIT_PENDING = 3
EXIT_GATEWAY = 4

#: Modules under cashier/commands/ that add subcommands; each has ``register(subparsers, common)``.
COMMAND_MODULES: tuple[str, ...] = (
    "cashier.commands.demo",
    "cashier.commands.simulator",
    "cashier.commands.devices",
    "cashier.commands.gui",
    "cashier.commands.selfcheck",
    "cashier.commands.support",
    "cashier.commands.payments",
    "cashier.commands.link",
    "cashier.commands.records",
    "cashier.commands.journal",
    "cashier.commands.configure",
)


class CommandError(Exception):
    """A failure the command reports as one sentence with an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class _UsageError(Exception):
    """argparse found the command line malformed (raised instead of exiting, see ``_Parser``)."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors ``main`` can report as JSON under ``--json``."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(self, message)


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    """The command's result: the human text now, or with ``--json`` the object ``main`` prints
    when the command returns, with its exit code added."""
    if getattr(args, "json", False):
        args.json_result = payload
    else:
        print(text)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cashier", description="Cashier terminal for OTT Pay (WeChat Pay, Alipay, UnionPay)."
    )
    parser.add_argument(
        "--config",
        default=os.environ.get("CASHIER_CONFIG"),
        help="settings file (default: $CASHIER_CONFIG, else the platform config dir)",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        message = f"{exc.parser.prog}: {exc}"
        if "--json" in argv:
            print(json.dumps({"error": message, "exit_code": EXIT_BAD_INPUT}, ensure_ascii=False))
        else:
            exc.parser.print_usage(sys.stderr)
            print(message, file=sys.stderr)
        return EXIT_BAD_INPUT
    as_json = getattr(args, "json", False)
    try:
        code = int(args.handler(args) or EXIT_OK)
    except CommandError as exc:
        if as_json:
            print(json.dumps({"error": str(exc), "exit_code": exc.exit_code}, ensure_ascii=False))
        else:
            print(f"cashier: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    if as_json:
        result = {**getattr(args, "json_result", {}), "exit_code": code}
        print(json.dumps(result, ensure_ascii=False, sort_keys=True), flush=True)
    return code


if __name__ == "__main__":  # pragma: no cover
    # Run the imported module, not this __main__ copy: otherwise CommandError raised by the
    # command modules (which import cashier.cli) would be a different class and escape.
    from cashier.cli import main as _main

    sys.exit(_main())
