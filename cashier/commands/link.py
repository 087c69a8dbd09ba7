"""``cashier link``: send a customer an Alipay payment link (phone and delivery orders).

Exit codes as for ``cashier qr``: 0 paid, 1 closed (the link expired unpaid) or declined, 2 bad
input or settings (nothing journaled), 3 still open when the wait ended (the link stays payable
until it expires; ``cashier status ORDER_ID`` or ``cashier recover`` settles it later).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cashier.commands.common import (
    amount_and_tip,
    exit_for_sale,
    load,
    note,
    print_paid_receipt,
    reports_errors,
    running,
    sale_json,
    sale_text,
)
from cashier.commands.outcome import EXIT_PENDING, emit
from cashier.money import format_cents

MAX_WAIT_SECONDS = 7 * 24 * 3600


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    link = subparsers.add_parser(
        "link", parents=[common], help="send the customer a payment link (Alipay in a browser)",
        description="Create a payment link for AMOUNT, print it (and as a QR on a terminal) to "
        "send to the customer, then wait until it is paid or expires ([payments] "
        "link_valid_seconds). Needs [ottpay] merchant_payment_key and callback_url (demo mode "
        "has both). Exit 0 paid, 1 expired unpaid, 2 bad input (nothing journaled), 3 still "
        "open when the wait ended (the link stays payable until it expires).",
    )
    link.add_argument("amount", metavar="AMOUNT")
    link.add_argument("--tip", default="0", metavar="AMOUNT", help="tip on top of the amount")
    link.add_argument("--wait", type=_wait_seconds, metavar="SECONDS",
                      help="how long to wait for the payment; 0 prints the link and returns "
                      "(default: until the link expires)")
    link.set_defaults(handler=run_pay_link)


def _wait_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= value <= MAX_WAIT_SECONDS:
        raise argparse.ArgumentTypeError(f"{text} must be between 0 and {MAX_WAIT_SECONDS}")
    return value


@reports_errors
def run_pay_link(args: argparse.Namespace) -> int:
    config = load(args)
    cents, tip = amount_and_tip(args, config)
    with running(config, changes_money=True) as rt:
        # ValueError / WapPayLinkError (no merchant payment key, no https callback): exit 2.
        handle = rt.engine.start_link(cents, tip_cents=tip)
        valid = rt.engine.links.valid_seconds(handle.order_id)
        money = format_cents(cents) + (f" + tip {format_cents(tip)}" if tip else "")
        _show_link(args, handle.link_url, money=money, valid=valid, demo=rt.demo)
        wait = valid + rt.engine.settings.poll_interval + 5.0 if args.wait is None else args.wait
        try:
            sale = handle.wait(wait)
        except KeyboardInterrupt:
            note("cashier: stopped waiting; the link stays payable until it expires.")
            sale = handle.sale
        code = exit_for_sale(sale)
        refunds = rt.journal.refunds_for(sale.order_id)
        text = sale_text(sale, refunds)
        if code == EXIT_PENDING:
            text += ("\n  Not paid yet; the link stays payable until it expires. Do not send "
                     f"another link for this sale: run 'cashier status {sale.order_id}' later.")
        receipt, said = print_paid_receipt(config, sale)
        payload: dict[str, Any] = {"sale": sale_json(sale, refunds), "link": handle.link_url,
                                   "valid_seconds": valid, **receipt}
        emit(args, payload, text + said)
        return code


def _show_link(args: argparse.Namespace, url: str | None, *, money: str, valid: float,
               demo: bool) -> None:
    if args.json:
        note(f"link: {url}")
        return
    minutes = f"{valid / 60:g} minutes" if valid >= 60 else f"{valid:g} seconds"
    print(f"Send this payment link to the customer ({money}, Alipay; valid {minutes}):",
          flush=True)
    print(url, flush=True)
    if url and sys.stdout.isatty():
        import qrcode

        code = qrcode.QRCode(border=2)
        code.add_data(url)
        code.print_ascii(out=sys.stdout, invert=True)
    if demo:
        note("Demo: open the link in a browser and press Pay to play the customer; the demo "
             "payment page lives only while this command runs.")
    sys.stdout.flush()
