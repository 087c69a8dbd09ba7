"""``cashier gui [--demo]``: the Qt terminal.

Without gateway credentials (or with ``--demo``) it runs against the embedded simulator, with a
DEMO marker on screen, so every flow can be tried at once.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "gui", help="open the cashier terminal window",
        description="Open the cashier terminal. With no gateway credentials configured, or with "
        "--demo, it runs against the built-in OTT Pay simulator.",
    )
    parser.add_argument("--demo", action="store_true",
                        help="use the built-in simulator even if credentials are configured")
    parser.add_argument("--language", choices=("en", "zh_CN"), default=None,
                        help="interface language (default: the settings file, else English)")
    parser.add_argument("--exit-after", type=float, default=None, metavar="SECONDS",
                        help=argparse.SUPPRESS)  # smoke tests and screenshots
    parser.add_argument("--screenshots", metavar="DIR", default=None,
                        help="save screenshots of the main screens (demo mode) to DIR and exit")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from cashier.cli import EXIT_BAD_INPUT, CommandError
    from cashier.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        raise CommandError(str(exc), EXIT_BAD_INPUT) from None
    if args.screenshots:
        from cashier.ui.launch import save_screenshots

        for path in save_screenshots(args.screenshots, language=args.language or "en"):
            print(path)
        return 0
    from cashier.ui.launch import run_terminal

    try:
        return run_terminal(config, demo=args.demo or config.demo,
                            language=args.language or str(config.ui.language),
                            argv=[sys.argv[0]], exit_after=args.exit_after)
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_BAD_INPUT) from None
