"""``cashier pay`` and ``qr``: take a payment (a scanned code, or a QR the customer scans).

Exit codes: 0 paid, 1 declined/failed, 2 bad input or settings (nothing sent), 3 still pending or
unknown when the wait ended (the sale stays open in the journal; ``cashier recover`` settles it).
What happens to a sale afterwards (status, refunds, recovery, late payments) is ``sales``.
"""

from __future__ import annotations

import argparse
import getpass
import queue
import sys
import time
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
    seconds,
    unpaid_meaning,
)
from cashier.commands.outcome import EXIT_BAD_INPUT, EXIT_PENDING, CommandError, emit
from cashier.config import Config, ScannerKind
from cashier.money import format_cents
from cashier.sentence import sentence
from cashier.wallets import Wallet, classify_payment_code, clean_scan, mask_code

WALLET_CHOICES = ("alipay", "wechat", "unionpay")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    pay = subparsers.add_parser(
        "pay", parents=[common], help="charge a customer's wallet code (passive pay)",
        description="Charge AMOUNT (typed like 12.34, 12 or 0.5) to the customer's WeChat Pay, "
        "Alipay or UnionPay code. Without --code, waits for one scan from the configured serial "
        "scanner, or reads the code from stdin. Exit 0 paid, 1 declined, 2 bad input (nothing "
        "sent), 3 still unsettled at the deadline (run 'cashier recover' later).",
    )
    pay.add_argument("amount", metavar="AMOUNT")
    pay.add_argument("--code", help="the customer's payment code (default: scan it)")
    pay.add_argument("--tip", default="0", metavar="AMOUNT", help="tip on top of the amount")
    pay.add_argument("--scan-timeout", type=seconds, default=60.0, metavar="SECONDS",
                     help="how long to wait for a scan (default 60)")
    pay.set_defaults(handler=run_pay)

    qr = subparsers.add_parser(
        "qr", parents=[common], help="show a QR code for the customer to pay (active pay)",
        description="Create a QR payment of AMOUNT, print its code_url (and the QR as text on a "
        "terminal), then wait until it is paid or the wait ends.",
    )
    qr.add_argument("amount", metavar="AMOUNT")
    qr.add_argument("--wallet", required=True, type=str.lower, choices=WALLET_CHOICES)
    qr.add_argument("--tip", default="0", metavar="AMOUNT", help="tip on top of the amount")
    qr.add_argument("--wait", type=seconds, metavar="SECONDS",
                    help="how long to wait for the customer (default: [payments] "
                    "active_timeout_seconds)")
    qr.set_defaults(handler=run_qr)


# --- pay -------------------------------------------------------------------------------------


@reports_errors
def run_pay(args: argparse.Namespace) -> int:
    config = load(args)
    cents, tip = amount_and_tip(args, config)
    if args.code is not None:
        code = clean_scan(args.code)
        classify_payment_code(code)  # PaymentCodeError: exit 2, nothing sent
    with running(config, changes_money=True) as rt:
        if args.code is None:
            rt.engine.prepare_soon()  # connect to the gateway while the customer shows the code
            code = read_code(config, args)
        wallet = classify_payment_code(code)
        _warn_open_sales(rt)
        if not args.json:
            note(f"Charging {_money(cents, tip)} to {wallet.label} ({mask_code(code)})...")
        limit = time.monotonic() + rt.engine.settings.passive_timeout + rt.client.request_seconds
        handle = rt.engine.start_passive(cents, code, tip_cents=tip)
        sale = _wait(handle, limit)
        return _report_sale(args, config, rt, sale)


def read_code(config: Config, args: argparse.Namespace) -> str:
    """One payment code: from the configured serial scanner, else a line of stdin."""
    if config.scanner.kind is ScannerKind.SERIAL and config.scanner.port:
        return _scan_serial(config, args.scan_timeout, quiet=args.json)
    if sys.stdin is None:
        raise CommandError("No payment code: give --code or configure a scanner.", EXIT_BAD_INPUT)
    if sys.stdin.isatty():
        # No echo: the code is a bearer token for the customer's money.
        line = getpass.getpass("Scan or type the customer's payment code: ", stream=sys.stderr)
    else:
        line = sys.stdin.readline()
    code = clean_scan(line)
    if not code:
        raise CommandError("No payment code was entered; nothing was sent.", EXIT_BAD_INPUT)
    return code


def _scan_serial(config: Config, timeout: float, *, quiet: bool) -> str:
    from cashier.devices.scanner import ScannerStatus, SerialScanner, SerialSettings

    settings = SerialSettings.from_section(config.scanner)
    scans: queue.Queue[str] = queue.Queue()

    def status(state: ScannerStatus, message: str) -> None:
        if state is ScannerStatus.DISCONNECTED:
            note(f"cashier: {message}")

    scanner = SerialScanner(settings, on_scan=scans.put, on_status=status)
    if not quiet:
        note(f"Scan the customer's payment code (scanner {settings.port})...")
    scanner.start()
    try:
        return scans.get(timeout=timeout)
    except queue.Empty:
        raise CommandError(f"No code was scanned within {timeout:g} seconds; nothing was sent.",
                           EXIT_BAD_INPUT) from None
    finally:
        scanner.stop()


# --- qr --------------------------------------------------------------------------------------


@reports_errors
def run_qr(args: argparse.Namespace) -> int:
    config = load(args)
    cents, tip = amount_and_tip(args, config)
    wallet = Wallet.parse(args.wallet)
    overrides = {"active_timeout": args.wait} if args.wait else {}
    with running(config, changes_money=True, payment_overrides=overrides) as rt:
        limit = time.monotonic() + rt.engine.settings.active_timeout + rt.client.request_seconds
        try:  # ValueError: no callback URL configured (the gateway requires one)
            handle = rt.engine.start_active(cents, wallet, tip_cents=tip)
        except ValueError as exc:
            raise CommandError(sentence(exc), EXIT_BAD_INPUT) from None
        url = handle.wait_code_url(max(0.0, limit - time.monotonic()))
        if url:
            _show_code_url(args, url, demo=rt.demo, money=_money(cents, tip), wallet=wallet)
        sale = _wait(handle, limit)
        return _report_sale(args, config, rt, sale)


def _show_code_url(args: argparse.Namespace, url: str, *, demo: bool, money: str,
                   wallet: Wallet) -> None:
    if args.json:
        note(f"code_url: {url}")
        return
    print(f"Show this QR code to the customer ({money}, {wallet.label}):", flush=True)
    print(url, flush=True)
    if sys.stdout.isatty():
        import qrcode

        code = qrcode.QRCode(border=2)
        code.add_data(url)
        code.print_ascii(out=sys.stdout, invert=True)
    if demo:
        note("Demo: open the link in a browser and press Pay to play the customer.")
    sys.stdout.flush()


# --- shared by pay and qr --------------------------------------------------------------------


def _wait(handle: Any, limit: float) -> Any:
    """Wait for the sale until ``limit`` (monotonic): the sale's own wait plus one request's
    time limit, so the command ends in time whatever the gateway does; a sale still open then
    stays open for ``cashier recover``. Ctrl-C stops waiting the same way."""
    try:
        return handle.wait(max(0.0, limit - time.monotonic()))
    except KeyboardInterrupt:
        note("cashier: stopped waiting; the sale is left open for 'cashier recover'.")
        return handle.cancel()


def _report_sale(args: argparse.Namespace, config: Config, rt: Any, sale: Any) -> int:
    code = exit_for_sale(sale)
    refunds = rt.journal.refunds_for(sale.order_id)
    text = sale_text(sale, refunds)
    if code == EXIT_PENDING:
        text += ("\n  No final answer yet. Do not charge the customer again: run "
                 f"'cashier status {sale.order_id}' or 'cashier recover' later.")
    receipt, said = print_paid_receipt(config, sale)
    meaning = unpaid_meaning(sale)
    emit(args, {"sale": sale_json(sale, refunds), **({"reason": meaning} if meaning else {}),
                **receipt}, text + said)
    return code


def _warn_open_sales(rt: Any) -> None:
    count = len(rt.journal.open_sales())
    if count:
        note(f"cashier: {count} earlier sale(s) are still open; run 'cashier recover'.")


def _money(cents: int, tip: int) -> str:
    return format_cents(cents) + (f" + tip {format_cents(tip)}" if tip else "")
