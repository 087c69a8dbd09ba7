"""The ``cashier`` command: every operation without a window.

Each area registers its subcommands from its own module in ``cashier/commands/``; this module owns
only the global options and runs the command. How a command ends (exit codes, ``CommandError``,
the ``--json`` result) is ``cashier.commands.outcome``, which the commands import.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from cashier.commands import (
    configure,
    demo,
    devices,
    gui,
    journal,
    link,
    payments,
    records,
    sales,
    selfcheck,
    simulator,
    store,
    support,
)
from cashier.commands.outcome import (
    EXIT_BAD_INPUT,
    EXIT_DECLINED,
    EXIT_OK,
    CommandError,
    print_error,
    print_result,
)

#: The modules that add subcommands, in the order ``--help`` lists them; each has
#: ``register(subparsers, common)``.
COMMAND_MODULES = (demo, simulator, devices, gui, selfcheck, support, payments, sales, link,
                   records, journal, configure, store)


class _UsageError(Exception):
    """argparse found the command line malformed (raised instead of exiting, see ``_Parser``)."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors ``main`` can report as JSON under ``--json``."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(self, message)


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
    for module in COMMAND_MODULES:
        module.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code. Output piped into a reader that stops early (``cashier
    report --x | head -1``) ends the command quietly, as the Python documentation's "Note on
    SIGPIPE" advises: no traceback, and nothing more is written to the closed pipe."""
    try:
        code = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not as an error at interpreter exit
    except BrokenPipeError:
        # Python flushes stdout again at exit: point it at the null device so that is quiet too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_DECLINED
    return code


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        message = f"{exc.parser.prog}: {exc}"
        if "--json" in argv:
            print_error(message, EXIT_BAD_INPUT, as_json=True)
        else:
            exc.parser.print_usage(sys.stderr)
            print(message, file=sys.stderr)
        return EXIT_BAD_INPUT
    as_json = getattr(args, "json", False)
    try:
        code = int(args.handler(args) or EXIT_OK)
    except CommandError as exc:
        print_error(str(exc), exc.exit_code, as_json=as_json)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    print_result(args, code)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
