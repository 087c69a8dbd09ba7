"""How a command ends: its exit code, its one-sentence failure, its ``--json`` result.

Exit codes, one rule for every command: 0 success/paid; 1 declined or failed (a payment
declined, a receipt, report or test page that did not print, a self-check step that failed);
2 bad input or settings, found before anything was done (no printer configured for a print
command is a setting); 3 outcome still pending/unknown at the deadline; 4 gateway or network
error on a non-payment operation. A payment that succeeded is 0 even if its receipt did not
print (the output says so): never charge again because of an exit code.

With ``--json`` a command's result (``emit``) is printed once it has finished, as one JSON object
carrying its ``exit_code``; errors are ``{"error": ..., "exit_code": ...}`` (``print_error``).
Every command module imports these from here; ``cashier.cli`` only runs them.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

EXIT_OK = 0
EXIT_DECLINED = 1
EXIT_BAD_INPUT = 2
EXIT_PENDING = 3
EXIT_GATEWAY = 4


class CommandError(Exception):
    """A failure the command reports as one sentence with an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def emit(args: argparse.Namespace, payload: dict[str, Any], text: str) -> None:
    """The command's result: the human text now, or with ``--json`` the object ``cashier.cli``
    prints when the command returns, with its exit code added."""
    if getattr(args, "json", False):
        args.json_result = payload
    else:
        print(text)


def print_result(args: argparse.Namespace, exit_code: int) -> None:
    """With ``--json``: the result ``emit`` kept, with its exit code, as one JSON line."""
    if getattr(args, "json", False):
        result = {**getattr(args, "json_result", {}), "exit_code": exit_code}
        print(json.dumps(result, ensure_ascii=False, sort_keys=True), flush=True)


def print_error(message: str, exit_code: int, *, as_json: bool) -> None:
    """A failure: ``{"error", "exit_code"}`` on stdout with ``--json``, else ``cashier: ...`` on
    stderr."""
    if as_json:
        print(json.dumps({"error": message, "exit_code": exit_code}, ensure_ascii=False))
    else:
        print(f"cashier: {message}", file=sys.stderr)
