"""``cashier gui [--demo]``: the Qt terminal; ``cashier operators``: who may use it.

Without gateway credentials (or with ``--demo``) the terminal runs against the embedded
simulator, with a DEMO marker on screen, so every flow can be tried at once. Operators sign in
with a PIN (stored hashed); refunds, the Z report and settings need a manager's PIN.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cashier.config import Config


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "gui", parents=[common], help="open the cashier terminal window",
        description="Open the cashier terminal. With no gateway credentials configured, or with "
        "--demo, it runs against the built-in OTT Pay simulator. Logs go to the platform log "
        "folder (or $CASHIER_LOG_DIR), with keys and payment codes masked.",
        epilog="Start-up probe for benchmarks: with --print-ready, or CASHIER_STARTUP_PROBE=1 in "
        "the environment, the terminal prints 'ready <seconds since process start>' on stdout "
        "once its window is shown and takes input.",
    )
    parser.add_argument("--demo", action="store_true",
                        help="use the built-in simulator even if credentials are configured")
    parser.add_argument("--language", choices=("en", "zh_CN"), default=None,
                        help="interface language (default: the settings file, else English)")
    parser.add_argument("--exit-after", type=float, default=None, metavar="SECONDS",
                        help=argparse.SUPPRESS)  # smoke tests and screenshots
    parser.add_argument("--self-check", action="store_true",
                        help="open the terminal window in demo mode (offscreen unless "
                        "QT_QPA_PLATFORM says otherwise), take one payment through it as a "
                        "cashier would (amount, demo scan), check PAID and the receipt, and exit "
                        "0 (non-zero with the failing step on stderr)")
    parser.add_argument("--print-ready", action="store_true",
                        help="print 'ready <seconds since process start>' once the window takes "
                        "input (same as CASHIER_STARTUP_PROBE=1)")
    parser.add_argument("--screenshots", metavar="DIR", default=None,
                        help="save screenshots of the main screens (demo mode) to DIR and exit")
    parser.set_defaults(handler=run_gui)
    _register_operators(subparsers, common)


def _register_operators(subparsers: argparse._SubParsersAction,
                        common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("operators", help="list, add or remove terminal operators")
    actions = parser.add_subparsers(dest="operators_action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", parents=[common], help="list operators (no PINs)")
    listing.set_defaults(handler=run_operators)
    add = actions.add_parser("add", parents=[common], help="add an operator; asks for the PIN")
    add.add_argument("name")
    add.add_argument("operator_id", help="the OTT Pay operator id (10 digits)")
    add.add_argument("--manager", action="store_true", help="may refund, close the day, "
                     "change settings")
    add.add_argument("--pin-stdin", action="store_true",
                     help="read the PIN from standard input (scripts) instead of asking")
    add.set_defaults(handler=run_operators)
    remove = actions.add_parser("remove", parents=[common], help="remove an operator")
    remove.add_argument("name")
    remove.set_defaults(handler=run_operators)


def run_operators(args: argparse.Namespace) -> int:
    import getpass
    from pathlib import Path

    from cashier.commands.common import load
    from cashier.commands.outcome import EXIT_BAD_INPUT, CommandError, emit
    from cashier.operators import OperatorError, OperatorStore, operators_path

    config = load(args)
    try:
        store = OperatorStore(operators_path(Path(config.path) if config.path else None))
        if args.operators_action == "add":
            if args.pin_stdin:
                pin = sys.stdin.readline().strip()
            else:
                pin = getpass.getpass("PIN (4-8 digits): ")
                if getpass.getpass("PIN again: ") != pin:
                    raise OperatorError("The two PINs differ; nothing was saved.")
            role = "manager" if args.manager else "cashier"
            operator = store.add(args.name, args.operator_id, role, pin)
            emit(args, {"added": _public(operator)},
                 f"Added {operator.name} ({operator.role}, operator id {operator.operator_id}).")
        elif args.operators_action == "remove":
            operator = store.remove(args.name)
            emit(args, {"removed": _public(operator)}, f"Removed {operator.name}.")
        else:
            rows = [_public(o) for o in store.operators]
            text = "\n".join(f"{o['name']}\t{o['role']}\t{o['operator_id']}" for o in rows)
            emit(args, {"operators": rows}, text or "No operators yet.")
    except OperatorError as exc:
        raise CommandError(str(exc), EXIT_BAD_INPUT) from None
    return 0


def _public(operator: object) -> dict[str, str]:
    """An operator for output: never the PIN hash."""
    return {key: getattr(operator, key) for key in ("name", "operator_id", "role")}


def run_gui(args: argparse.Namespace) -> int:
    from cashier.commands.common import load

    if not (args.demo or args.screenshots or args.self_check):
        from cashier.ui.first_run import maybe_run_first_run

        maybe_run_first_run(args.config, language=args.language)
    config = load(args)
    if args.screenshots:
        from cashier.commands.outcome import emit
        from cashier.ui.launch import save_screenshots

        paths = [str(path) for path in save_screenshots(args.screenshots,
                                                        language=args.language or "en")]
        emit(args, {"screenshots": paths}, "\n".join(paths))
        return 0
    if args.self_check:
        from cashier.ui.window_check import run_window_check

        return run_window_check(config, language=args.language)
    return open_terminal(config, demo=args.demo or config.demo,
                         language=args.language or str(config.ui.language),
                         exit_after=args.exit_after, print_ready=args.print_ready or None)


def open_terminal(config: Config, *, demo: bool, language: str | None,
                  exit_after: float | None = None, print_ready: bool | None = None) -> int:
    """Logging, then the terminal window until it closes; failures to start are one sentence
    (exit 2). Also what ``cashier demo`` runs."""
    import sqlite3

    from cashier.commands.outcome import EXIT_BAD_INPUT, CommandError
    from cashier.journal.store import JournalError
    from cashier.logsetup import start_logging, stop_logging
    from cashier.sentence import sentence
    from cashier.ui.launch import START_REFUSALS, display_problem, run_terminal

    problem = display_problem()
    if problem is not None:
        raise CommandError(problem, EXIT_BAD_INPUT)
    start_logging(config, demo=demo)
    try:
        return run_terminal(config, demo=demo, language=language,
                            argv=[sys.argv[0]], exit_after=exit_after, print_ready=print_ready)
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_BAD_INPUT) from None
    except START_REFUSALS as exc:  # already said in a message box too
        raise CommandError(sentence(exc), EXIT_BAD_INPUT) from None
    except (OSError, sqlite3.Error, JournalError) as exc:
        raise CommandError(f"Cannot open the journal or start the gateway connection: {exc}.",
                           EXIT_BAD_INPUT) from None
    finally:
        stop_logging()
