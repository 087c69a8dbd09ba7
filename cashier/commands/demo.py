"""``cashier demo``: what ``make demo`` runs. The terminal window in demo mode.

The terminal runs against the embedded OTT Pay simulator with a DEMO marker, sharing the demo
journal and simulator state with the other commands. Without a display (Linux, no DISPLAY or
WAYLAND_DISPLAY and no QT_QPA_PLATFORM) it says how to run instead of letting Qt abort.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("demo", parents=[common],
                                   help="open the terminal in demo mode (built-in simulator)")
    parser.add_argument("--language", choices=("en", "zh_CN"), default=None,
                        help="interface language (default: the settings file, else English)")
    parser.add_argument("--exit-after", type=float, default=None, metavar="SECONDS",
                        help=argparse.SUPPRESS)  # tests
    parser.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from cashier.commands.common import load
    from cashier.commands.gui import open_terminal

    config = load(args)
    return open_terminal(config, demo=True, language=args.language or str(config.ui.language),
                         exit_after=args.exit_after)
