"""``cashier journal show`` / ``cashier journal new``: which journal this terminal keeps, and
starting a new one on purpose.

A journal that was emptied or lost is never replaced silently (``cashier.journal.identity``):
``journal new`` is the one way to start over. The old files are set aside under a dated name,
never deleted; a journal that holds sales needs ``--yes``; and it is refused while the terminal
runs on that journal.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cashier.commands.outcome import EXIT_BAD_INPUT, EXIT_OK, CommandError, emit

if TYPE_CHECKING:
    from cashier.journal import Journal


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("journal", help="show the journal, or start a new one on "
                                                   "purpose")
    actions = parser.add_subparsers(dest="journal_action", metavar="ACTION")
    actions.required = True
    show = actions.add_parser("show", parents=[common],
                              help="the journal file, its id, open sales, a running terminal")
    show.set_defaults(handler=run_journal_show)
    new = actions.add_parser(
        "new", parents=[common], help="set the journal aside and start an empty one",
        description="Start a new, empty journal at the configured path (the demo journal in "
        "demo mode). The old file, if any, is kept beside it as <name>.replaced-<date-time>. "
        "Use it after a journal was lost or emptied, once nothing can be restored.",
    )
    new.add_argument("--yes", action="store_true",
                     help="also when the current journal holds sales")
    new.set_defaults(handler=run_journal_new)


def _path(args: argparse.Namespace) -> Path:
    from cashier.commands.common import load
    from cashier.runtime import journal_path_for

    config = load(args)
    return journal_path_for(config, demo=config.demo)


def _opened(path: Path) -> Journal:
    from cashier.journal import Journal, JournalError
    from cashier.sentence import sentence

    try:
        return Journal(path)
    except JournalError as exc:
        raise CommandError(sentence(exc), EXIT_BAD_INPUT) from None


def run_journal_show(args: argparse.Namespace) -> int:
    path = _path(args)
    with _opened(path) as journal:
        terminal = journal.running_terminal()
        payload = {
            "path": str(path), "journal_id": journal.journal_id,
            "open_sales": len(journal.open_sales()),
            "terminal_pid": terminal.pid if terminal else None,
        }
    text = (f"Journal {path}\n  id {payload['journal_id']}\n  {payload['open_sales']} open "
            "sale(s)\n  " + (f"the terminal is running on it (pid {terminal.pid})" if terminal
                              else "no terminal running on it"))
    emit(args, payload, text)
    return EXIT_OK


def run_journal_new(args: argparse.Namespace) -> int:
    from cashier.commands.common import refuse_while_terminal_runs
    from cashier.journal import identity

    path = _path(args)
    if path.exists() and identity.refuse_lost(path) is None:  # an intact journal is there
        with _opened(path) as journal:
            refuse_while_terminal_runs(journal)
            holds_sales = bool(journal.history(limit=1))
        if holds_sales and not args.yes:
            raise CommandError(f"The journal {path} holds sales; add --yes to set it aside and "
                               "start a new one.", EXIT_BAD_INPUT)
    kept = identity.set_aside(path)
    with _opened(path) as journal:
        new_id = journal.journal_id
    text = f"Started a new journal {path} (id {new_id})" + (
        f"; the old one is kept as {kept}." if kept else ".")
    emit(args, {"path": str(path), "journal_id": new_id, "kept": str(kept) if kept else None},
         text)
    return EXIT_OK
