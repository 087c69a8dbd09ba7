"""``cashier demo``: what ``make demo`` runs. Starts the app in demo mode.

Until the Qt terminal exists this starts the embedded OTT Pay simulator and serves until
interrupted, printing how to try it.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("demo", parents=[common], help="run the app in demo mode")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from cashier.commands.simulator import serve_forever

    return serve_forever(host="127.0.0.1", port=0, merchant_id=None, sign_key=None, demo=True)
