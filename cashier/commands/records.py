"""``cashier history``, ``report``, ``receipt`` and ``rate``: look back at sales and print them.

``report --z`` closes a business day (numbered, once only: a second Z of the same day exits 2).
``receipt`` prints a sale's (or a refund's) receipt on the configured printer or writes its
ESC/POS bytes to a file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

from cashier.commands.common import day, load, reports_errors, running, sale_json, sale_line
from cashier.commands.outcome import (
    EXIT_BAD_INPUT,
    EXIT_DECLINED,
    EXIT_GATEWAY,
    EXIT_OK,
    CommandError,
    emit,
)
from cashier.config import PrinterKind
from cashier.journal.store import local_business_day
from cashier.money import format_cents
from cashier.wallets import Wallet

_CURRENCY_RE = re.compile(r"[A-Za-z]{3}")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    history = subparsers.add_parser(
        "history", parents=[common], help="list sales, newest first",
        description="List sales of a business day (default: all days), newest first. --search "
        "takes an amount with a decimal point (12.34), the last four digits of the code, or the "
        "start of an order id.",
    )
    history.add_argument("--date", metavar="YYYY-MM-DD", help="business day")
    history.add_argument("--search", metavar="TEXT", help="amount, code digits or order id")
    history.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    history.set_defaults(handler=run_history)

    report = subparsers.add_parser(
        "report", parents=[common], help="X report (running totals) or Z report (close the day)",
        description="Totals per wallet, tips, refunds, net and late payments of a business day "
        "(default: the current one). --z closes the day; a day can be closed once.",
    )
    kind = report.add_mutually_exclusive_group()
    kind.add_argument("--x", dest="kind", action="store_const", const="X",
                      help="running totals, changes nothing (default)")
    kind.add_argument("--z", dest="kind", action="store_const", const="Z",
                      help="close the business day")
    report.add_argument("--date", metavar="YYYY-MM-DD", help="business day")
    report.add_argument("--print", dest="print_it", action="store_true",
                        help="also print it on the receipt printer")
    report.add_argument("--output", metavar="FILE", help="write its ESC/POS bytes to FILE")
    report.set_defaults(handler=run_report, kind="X")

    receipt = subparsers.add_parser(
        "receipt", parents=[common], help="print a sale's or refund's receipt again",
        description="Print the receipt of a paid sale (or of a refund, by its order id) on the "
        "configured printer, or write its ESC/POS bytes to FILE.",
    )
    receipt.add_argument("order_id", metavar="ORDER_ID")
    receipt.add_argument("--output", metavar="FILE", help="write the bytes to FILE")
    receipt.add_argument("--copy", choices=("customer", "merchant"), default="customer")
    receipt.add_argument("--reprint", action="store_true", help='mark it "REPRINT"')
    receipt.set_defaults(handler=run_receipt)

    rate = subparsers.add_parser(
        "rate", parents=[common], help="the gateway's exchange rate to CNY",
        description="Ask the gateway for the rate from CURRENCY (default CAD) to CNY.",
    )
    rate.add_argument("currency", metavar="CURRENCY", nargs="?", default="CAD")
    rate.add_argument("--amount", metavar="AMOUNT", help="also convert this amount to CNY")
    rate.set_defaults(handler=run_rate)


# --- history ---------------------------------------------------------------------------------


@reports_errors
def run_history(args: argparse.Namespace) -> int:
    config = load(args)
    business_day = day(args.date)
    if args.limit <= 0:
        raise CommandError("--limit must be a positive number.", EXIT_BAD_INPUT)
    with running(config) as rt:
        sales = rt.engine.history(business_day, args.search, limit=args.limit)
        lines = [sale_line(sale) for sale in sales] or ["No sales."]
        emit(args, {
            "date": business_day, "search": args.search, "count": len(sales),
            "sales": [sale_json(sale, rt.journal.refunds_for(sale.order_id)) for sale in sales],
        }, "\n".join(lines))
    return EXIT_OK


# --- report ----------------------------------------------------------------------------------


@reports_errors
def run_report(args: argparse.Namespace) -> int:
    from cashier.printing import PrintError, report_bytes, send_to_printer

    config = load(args)
    business_day = day(args.date)
    if args.print_it and config.printer.kind is PrinterKind.NONE:
        raise CommandError("No receipt printer is configured ([printer] kind); nothing was "
                           "done. Give --output FILE to write the report to a file.",
                           EXIT_BAD_INPUT)
    with running(config, changes_money=args.kind == "Z") as rt:
        if args.kind == "Z":
            # Default: today's date, so a second Z today is refused rather than closing the
            # (empty) next day the journal has moved on to.
            report = rt.engine.z_report(business_day or local_business_day(time.time()))
        else:
            report = rt.engine.x_report(business_day)
    payload = report.to_dict()
    code = EXIT_OK
    if args.output or args.print_it:
        data = report_bytes(report, config)
        if args.output:
            _write(args.output, data)
            payload["output"] = args.output
        if args.print_it:
            try:
                payload["printed_on"] = send_to_printer(data, config)
            except PrintError as exc:
                payload["print_error"] = str(exc)
                code = EXIT_DECLINED
    text = _report_text(report)
    if payload.get("print_error"):
        text += f"\nNot printed: {payload['print_error']}"
    emit(args, payload, text)
    return code


def _report_text(report: Any) -> str:
    title = f"Z report #{report.number} (day closed)" if report.kind == "Z" else "X report"
    lines = [f"{title} for {report.business_day}"]
    for w in (*report.wallets, report.total):
        name = "Total" if w.wallet == "ALL" else Wallet.label_of(w.wallet)
        lines.append(
            f"  {name:<11} sales {w.sales_count:>3} {format_cents(w.sales_cents):>10}  "
            f"tips {format_cents(w.tips_cents):>8}  refunds {w.refunds_count:>2} "
            f"{format_cents(w.refunds_cents):>9}  net {format_cents(w.net_cents):>10}"
        )
    lines.append(f"  declined {report.declined_count}, closed {report.closed_count}, "
                 f"still open {report.open_count}")
    for sale in report.late_payments:
        lines.append(f"  late payment {sale.order_id} {format_cents(sale.total_cents)} "
                     f"({sale.late_resolution or 'unresolved'})")
    return "\n".join(lines)


# --- receipt ---------------------------------------------------------------------------------


@reports_errors
def run_receipt(args: argparse.Namespace) -> int:
    from cashier.printing import (
        PrintError,
        receipt_bytes_for_refund,
        receipt_bytes_for_sale,
        send_to_printer,
    )

    config = load(args)
    order_id = args.order_id.strip()
    with running(config) as rt:
        sale = rt.journal.get_sale(order_id)
        refund = rt.journal.get_refund(order_id) if sale is None else None
        if refund is not None:
            sale = rt.journal.require_sale(refund.sale_order_id)
    if sale is None:
        raise CommandError(f"No sale or refund {order_id} in the journal.", EXIT_BAD_INPUT)
    if refund is not None:
        data = receipt_bytes_for_refund(refund, sale, config, args.copy, reprint=args.reprint)
    else:
        data = receipt_bytes_for_sale(sale, config, args.copy, reprint=args.reprint)
    payload: dict[str, Any] = {"order_id": order_id, "copy": args.copy, "bytes": len(data),
                               "kind": "refund" if refund is not None else "sale"}
    if args.output:
        _write(args.output, data)
        payload["output"] = args.output
        text = f"Receipt of {order_id} ({args.copy} copy) written to {args.output}."
    else:
        try:
            payload["printed_on"] = send_to_printer(data, config)
        except PrintError as exc:
            kind = getattr(exc, "kind", "")
            if kind == "none":
                raise CommandError(f"{exc} Give --output FILE to write the receipt to a file.",
                                   EXIT_BAD_INPUT) from None
            raise CommandError(f"Receipt not printed: {exc}", EXIT_DECLINED) from None
        text = f"Receipt of {order_id} ({args.copy} copy) sent to the {payload['printed_on']}."
    emit(args, payload, text)
    return EXIT_OK


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).expanduser().write_bytes(data)
    except OSError as exc:
        raise CommandError(f"Cannot write {path}: {exc.strerror}.", EXIT_BAD_INPUT) from None


# --- rate ------------------------------------------------------------------------------------


@reports_errors
def run_rate(args: argparse.Namespace) -> int:
    from cashier.ottpay.errors import OttPayError

    config = load(args)
    currency = args.currency.strip()
    if not _CURRENCY_RE.fullmatch(currency):
        raise CommandError(f"{currency!r} is not a currency code like CAD or USD.",
                           EXIT_BAD_INPUT)
    currency = currency.upper()
    from cashier.money import parse_amount

    cents = parse_amount(args.amount, max_cents=10**12) if args.amount else None
    with running(config) as rt:
        try:
            rate = rt.client.exchange_rate(currency)
        except OttPayError as exc:
            raise CommandError(f"The gateway could not give the {currency} rate: {exc}",
                               EXIT_GATEWAY) from None
    shown = _decimal(rate.rate_e8)
    payload: dict[str, Any] = {"currency": currency, "rate_e8": rate.rate_e8, "rate": shown,
                               "at": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
    text = f"1 {currency} = {shown} CNY"
    if cents is not None:
        fen = rate.to_cny_fen(cents)
        payload.update(amount_cents=cents, cny_fen=fen)
        text += f"\n{format_cents(cents)} {currency} = {format_cents(fen)} CNY"
    emit(args, payload, text)
    return EXIT_OK


def _decimal(rate_e8: int) -> str:
    """``520000000`` -> ``"5.2"`` with integer math."""
    units, frac = divmod(rate_e8, 10**8)
    return f"{units}.{frac:08d}".rstrip("0").rstrip(".")
