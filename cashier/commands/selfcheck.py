"""``cashier self-check``: prove this installation works, without a window or real data.

Opens a journal in a temporary folder, starts the built-in OTT Pay simulator, takes one real
passive payment through the client and the payment engine, renders its receipt and checks the
bytes. Exit 0 only if every step passed (1 otherwise). Installers and support run it.
"""

from __future__ import annotations

import argparse

from cashier.commands.outcome import EXIT_DECLINED, EXIT_OK, CommandError, emit
from cashier.selfcheck import StepResult, run_self_check


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "self-check", parents=[common], help="check this installation end to end (no window)",
        description="Run one demo payment against the built-in simulator in a temporary folder "
        "and print each step. Nothing reaches a real gateway, printer or journal.",
    )
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="seconds the payment may take (default 20)")
    parser.set_defaults(handler=run_self_check_command)


def _print_step(step: StepResult) -> None:
    mark = "ok  " if step.ok else "FAIL"
    print(f"[{mark}] {step.name:<10} {step.detail}", flush=True)


def run_self_check_command(args: argparse.Namespace) -> int:
    """``cashier self-check``: the installation check (``cashier.selfcheck``), step by step."""
    if not args.timeout > 0:
        raise CommandError("--timeout must be a positive number of seconds.")
    report = run_self_check(timeout=args.timeout,
                            on_step=None if args.json else _print_step)
    emit(args, report.to_dict(), "self-check passed" if report.ok else "self-check FAILED")
    return EXIT_OK if report.ok else EXIT_DECLINED
