"""What the payment commands share: settings, the running core, errors as sentences, JSON shapes.

Errors reach the user through ``outcome.CommandError`` (one sentence, one exit code):
bad input or settings 2 (nothing was sent), gateway or network trouble on a non-payment
operation 4. Sales in ``--json`` output are ``sale_json`` objects.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import sqlite3
import sys
from collections.abc import Callable, Iterator
from typing import Any

from cashier.commands.outcome import (
    EXIT_BAD_INPUT,
    EXIT_DECLINED,
    EXIT_OK,
    EXIT_PENDING,
    CommandError,
)
from cashier.config import Config, ConfigError, load_config
from cashier.journal.records import OPEN_STATES, PAID_STATES, Refund, Sale
from cashier.money import AmountError, check_total, format_cents, parse_amount
from cashier.sentence import sentence
from cashier.wallets import PaymentCodeError, Wallet

Handler = Callable[[argparse.Namespace], int]


# --- settings and the core -------------------------------------------------------------------


def load(args: argparse.Namespace) -> Config:
    """The settings named by ``--config`` / ``$CASHIER_CONFIG`` (exit 2 with one sentence)."""
    try:
        return load_config(args.config)
    except ConfigError as exc:
        raise CommandError(str(exc), EXIT_BAD_INPUT) from None


def note(message: str) -> None:
    """A line for the person at the terminal, on stderr (never in ``--json`` stdout)."""
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def running(config: Config, *, changes_money: bool = False, **options: Any) -> Iterator[Any]:
    """The core (``cashier.runtime.Runtime``) for one command, with logging to the log file.

    Says so on stderr in demo mode. ``options`` go to ``Runtime.open``. ``changes_money``: the
    command takes or gives back money, or closes the day; it is refused (exit 2) while the
    terminal runs on the same journal, which does those itself.
    """
    from cashier.journal.store import JournalError, JournalGoneError
    from cashier.logsetup import start_logging, stop_logging
    from cashier.runtime import Runtime, RuntimeSetupError, demo_dir
    from cashier.simulator.state import SimulatorStateError

    start_logging(config, demo=options.get("demo"))
    try:
        demo = options.get("demo")
        if config.demo if demo is None else demo:
            note(f"cashier: demo mode (no gateway credentials configured): payments go to the "
                 f"built-in OTT Pay simulator; demo sales are kept in {demo_dir(config)}.")
        try:
            runtime = Runtime.open(config, **options)
        except (RuntimeSetupError, SimulatorStateError) as exc:
            raise CommandError(str(exc), EXIT_BAD_INPUT) from None
        except JournalGoneError as exc:
            raise CommandError(sentence(exc), EXIT_BAD_INPUT) from None
        except (OSError, sqlite3.Error, JournalError) as exc:
            raise CommandError(f"Cannot open the journal or start the gateway connection: "
                               f"{exc}.", EXIT_BAD_INPUT) from None
        with runtime:
            if changes_money:
                refuse_while_terminal_runs(runtime.journal)
            try:
                yield runtime
            finally:
                # A command ends in time: requests still in flight end now (what they were
                # for stays open in the journal for 'cashier recover').
                runtime.engine.shutdown(abort_requests=True)
    finally:
        stop_logging()


def refuse_while_terminal_runs(journal: Any) -> None:
    """Exit 2 with one sentence when the terminal runs on ``journal`` in another process."""
    terminal = journal.running_terminal()
    if terminal is not None:
        raise CommandError(f"The terminal is running (pid {terminal.pid}) on this journal; do "
                           "this in its window, or close it first.", EXIT_BAD_INPUT)


def reports_errors(handler: Handler) -> Handler:
    """Turn the core's refusals of bad input into exit 2 with their own sentence."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        from cashier.devices.receipt import ReceiptError
        from cashier.journal.store import (
            DayAlreadyClosedError,
            RefundNotAllowedError,
            SaleNotFoundError,
        )

        try:
            return handler(args)
        except (AmountError, PaymentCodeError, ReceiptError) as exc:
            raise CommandError(str(exc), EXIT_BAD_INPUT) from None
        except (SaleNotFoundError, RefundNotAllowedError, DayAlreadyClosedError) as exc:
            raise CommandError(sentence(exc), EXIT_BAD_INPUT) from None
        except ValueError as exc:  # the engine refusing input (no operator id, wallet...)
            raise CommandError(sentence(exc), EXIT_BAD_INPUT) from None

    return run


# --- parsing what a cashier types ------------------------------------------------------------


def amount(text: str, config: Config, *, what: str = "amount", allow_zero: bool = False) -> int:
    """Cents from ``12.34``/``12``/``0.5``; exit 2 with a sentence naming what was wrong."""
    try:
        return parse_amount(text, max_cents=config.payments.max_amount_cents,
                            allow_zero=allow_zero)
    except AmountError as exc:
        prefix = "" if what == "amount" else "Tip: "
        raise CommandError(f"{prefix}{exc}", EXIT_BAD_INPUT) from None


def amount_and_tip(args: argparse.Namespace, config: Config) -> tuple[int, int]:
    """``args.amount`` and ``args.tip`` in cents, each and together within ``max_amount``."""
    cents = amount(args.amount, config)
    tip = amount(args.tip, config, what="tip", allow_zero=True)
    try:
        check_total(cents, tip, max_cents=config.payments.max_amount_cents)
    except AmountError as exc:
        raise CommandError(str(exc), EXIT_BAD_INPUT) from None
    return cents, tip


def day(text: str | None) -> str | None:
    """A business day ``YYYY-MM-DD`` (or None); exit 2 otherwise."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise CommandError(f"{text!r} is not a date like 2026-01-31.", EXIT_BAD_INPUT) from None


def seconds(text: str) -> float:
    """argparse type: a positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text} must be more than 0 and at most 3600 seconds")
    return value


# --- exit codes and JSON shapes --------------------------------------------------------------


def exit_for_sale(sale: Sale) -> int:
    """0 paid (refunds included), 1 declined/closed, 3 still pending/unknown."""
    if sale.state in PAID_STATES:
        return EXIT_OK
    if sale.state in OPEN_STATES:
        return EXIT_PENDING
    return EXIT_DECLINED


def exit_for_refund(refund: Refund) -> int:
    if refund.state == "succeeded":
        return EXIT_OK
    if refund.state == "failed":
        return EXIT_DECLINED
    return EXIT_PENDING


def sale_json(sale: Sale, refunds: list[Refund] | None = None) -> dict[str, Any]:
    """A sale for ``--json``: every journal field (``order_id``, ``state``, ``amount_cents``,
    ``tip_cents``, ``wallet``, ``mode``, ``masked_code``, ``bizpay_order_id``, ``trade_time``,
    ``late``...) plus ``total_cents`` and its refunds."""
    out = sale.to_dict()
    out["refunds"] = [refund.to_dict() for refund in refunds or []]
    return out


#: Widths of the tip column ("+ tip 12345.67 = 123456.78") and the wallet column ("WeChat Pay").
_TIP_COLUMN = len("+ tip 12345.67 = 123456.78")
_WALLET_COLUMN = max(len(wallet.label) for wallet in Wallet)


def sale_line(sale: Sale) -> str:
    """One line a cashier can read: state, money, wallet, order id. The columns line up from
    sale to sale (``history``) whether or not a sale has a tip."""
    tip = (f"+ tip {format_cents(sale.tip_cents):>8} = {format_cents(sale.total_cents):>9}"
           if sale.tip_cents else "")
    parts = [f"{sale.state.upper():<18}", f"{format_cents(sale.amount_cents):>10}",
             f"{tip:<{_TIP_COLUMN}}", f"{Wallet.label_of(sale.wallet):<{_WALLET_COLUMN}}",
             sale.order_id]
    if sale.masked_code:
        parts.append(sale.masked_code)
    if sale.refunded_cents:
        parts.append(f"refunded {format_cents(sale.refunded_cents)}")
    if sale.late:
        parts.append(f"LATE PAYMENT ({sale.late_resolution or 'unresolved'})")
    return "  ".join(parts)


def unpaid_meaning(sale: Sale) -> str:
    """What a settled unpaid sale means for the cashier, in their words (the gateway's own
    ``rsp_code``/``rsp_msg`` stay in the journal and the ``--json`` output for support)."""
    from cashier.ottpay.codes import Outcome, classify_rsp_code
    from cashier.ottpay.errors import not_sent_reason

    if sale.state == "declined":
        unsent = not_sent_reason(sale.rsp_code, sale.rsp_msg)
        if unsent is not None:
            return _not_sent(unsent, "charged")
        if classify_rsp_code(sale.rsp_code) is Outcome.REJECTED:
            return (f"The gateway refused the payment request ({sale.rsp_code}); nothing was "
                    "charged.")
        return ("The customer's wallet declined the payment; nothing was charged. Ask the "
                "customer to pay another way.")
    if sale.state == "closed":
        return "The customer did not pay in time; the order was closed and nothing was charged."
    return ""


def refund_failure(refund: Refund) -> str:
    """Why a failed refund failed, for support: the gateway's own words (its ``rsp_msg`` and
    ``rsp_code``), or why it was never sent. Empty for a refund that did not fail."""
    from cashier.ottpay.errors import not_sent_reason

    if refund.state != "failed":
        return ""
    unsent = not_sent_reason(refund.rsp_code, refund.rsp_msg)
    if unsent is not None:
        return _not_sent(unsent, "refunded")
    if refund.rsp_code:
        words = refund.rsp_msg or "no reason given"
        return f"The gateway refused the refund: {words} ({refund.rsp_code})."
    if refund.rsp_msg:
        return f"The refund failed: {refund.rsp_msg.rstrip('.')}."
    return ""


def _not_sent(reason: str, what: str) -> str:
    """One sentence for a payment or refund that never left (``what``: "charged"/"refunded");
    an untrusted certificate names the setting that trusts it."""
    from cashier.ottpay.connection import CERTIFICATE_NOT_VERIFIED

    if reason.startswith(CERTIFICATE_NOT_VERIFIED):
        return (f"Not sent, so nothing was {what}: {reason}; trust the certificate authority "
                "that signed it with [ottpay] ca_bundle.")
    return f"Not sent, so nothing was {what}: {reason}."


def print_paid_receipt(config: Config, sale: Sale) -> tuple[dict[str, Any], str]:
    """The customer's receipt of a paid sale when ``[printer] auto_print`` is on, as the
    terminal prints it: ``(JSON fields, a new line for the cashier)``, both empty when there was
    nothing to print. A receipt that does not print is said, never an error: the sale is paid."""
    from cashier.config import PrinterKind
    from cashier.printing import PrintError, receipt_bytes_for_sale, send_to_printer

    if sale.state not in PAID_STATES or not config.printer.auto_print or \
            config.printer.kind is PrinterKind.NONE:
        return {}, ""
    try:
        printer = send_to_printer(receipt_bytes_for_sale(sale, config, "customer"), config)
    except PrintError as exc:
        return {"receipt_error": str(exc)}, (
            f"\n  Receipt NOT printed: {exc} Reprint it with 'cashier receipt {sale.order_id} "
            "--reprint'.")
    return {"receipt_printed_on": printer}, f"\n  Receipt printed on the {printer}."


def sale_text(sale: Sale, refunds: list[Refund] | None = None) -> str:
    """A sale in a few lines for the human output."""
    lines = [sale_line(sale)]
    if sale.lane is not None:
        lines.append(f"  sold at lane {sale.lane_name or sale.lane} (refunded here)")
    if sale.bizpay_order_id:
        lines.append(f"  gateway order {sale.bizpay_order_id}")
    if sale.trade_time:
        lines.append(f"  paid at {sale.trade_time}")
    meaning = unpaid_meaning(sale)
    if meaning:
        lines.append(f"  {meaning}")
    if sale.late and not sale.late_resolution:
        lines.append("  Paid after the terminal stopped waiting: refund it or keep it.")
    for refund in refunds or []:
        lines.append(f"  refund {refund.refund_id} {format_cents(refund.amount_cents)} "
                     f"{refund.state}")
    return "\n".join(lines)


__all__ = [
    "amount", "amount_and_tip", "day", "exit_for_refund", "exit_for_sale", "load", "note",
    "print_paid_receipt", "refund_failure", "reports_errors",
    "running", "sale_json", "sale_line", "sale_text", "seconds", "unpaid_meaning",
]
