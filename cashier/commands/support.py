"""``cashier support-bundle``: one zip for support (logs, settings without secrets, journal stats).

Works even when the settings file is broken: the bundle then says why it could not be loaded.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cashier.commands.outcome import EXIT_OK, CommandError, emit
from cashier.support import SupportBundleError, default_bundle_name, export_support_bundle


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "support-bundle", parents=[common], help="write a zip of logs and settings for support",
        description="Write a zip with the log files, the settings without the sign key or other "
        "secrets, journal statistics (no payment codes) and version information.",
    )
    parser.add_argument("--output", metavar="FILE.zip", type=Path, default=None,
                        help="where to write it (default: cashier-support-<time>.zip here)")
    parser.set_defaults(handler=run_support_bundle)


def run_support_bundle(args: argparse.Namespace) -> int:
    from cashier.config import ConfigError, load_config

    config, config_error = None, None
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        config_error = str(exc)
    output = args.output or Path.cwd() / default_bundle_name()
    if output.suffix.lower() != ".zip":
        raise CommandError(f"{output}: the support bundle must be a .zip file")
    try:
        bundle = export_support_bundle(config, output, config_error=config_error)
    except SupportBundleError as exc:
        raise CommandError(str(exc)) from None
    text = f"Support bundle written to {bundle.path} ({len(bundle.members)} files)."
    if config_error:
        text += f"\nNote: the settings could not be loaded: {config_error}"
    emit(args, {"path": str(bundle.path), "files": list(bundle.members),
                "config_error": config_error}, text)
    return EXIT_OK
