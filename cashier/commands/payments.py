"""``cashier pay``, ``qr``, ``status``, ``refund``, ``recover``: take and settle payments.

Exit codes: 0 paid, 1 declined/failed, 2 bad input or settings (nothing sent), 3 still pending or
unknown when the wait ended (the sale stays open in the journal; ``cashier recover`` settles it),
4 gateway or network trouble on a non-payment operation (``status``).
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import queue
import sys
import time
from typing import Any

from cashier.commands.common import (
    EXIT_BAD_INPUT,
    EXIT_DECLINED,
    EXIT_GATEWAY,
    EXIT_OK,
    EXIT_PENDING,
    CommandError,
    amount_and_tip,
    exit_for_refund,
    exit_for_sale,
    load,
    note,
    print_paid_receipt,
    reports_errors,
    running,
    sale_json,
    sale_text,
    seconds,
)
from cashier.commands.outcome import emit
from cashier.config import Config, ScannerKind
from cashier.money import format_cents, parse_amount
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

    status = subparsers.add_parser(
        "status", parents=[common], help="a sale as journaled and as the gateway sees it now",
        description="Show a sale from the journal and ask the gateway (STATUS_QUERY); an open "
        "sale is settled by the answer. Exit 0 paid, 1 declined/closed, 3 still open, 4 the "
        "gateway could not be asked.",
    )
    status.add_argument("order_id", metavar="ORDER_ID")
    status.set_defaults(handler=run_status)

    refund = subparsers.add_parser(
        "refund", parents=[common], help="refund a paid sale, fully or partly",
        description="Refund AMOUNT of a paid sale (default: everything not yet refunded). "
        "More than what is left is refused before anything is sent.",
    )
    refund.add_argument("order_id", metavar="ORDER_ID")
    refund.add_argument("amount", metavar="AMOUNT", nargs="?")
    refund.set_defaults(handler=run_refund)

    release = subparsers.add_parser(
        "refund-release", parents=[common],
        help="a manager's decision: count an unknown refund as failed",
        description="A refund the gateway never answered about keeps its amount reserved, so "
        "the same money cannot be refunded twice. This asks the gateway once more and, if it "
        "still does not answer, counts the refund as failed so its amount can be refunded "
        "again. Without --yes it only prints the warning.",
    )
    release.add_argument("refund_id", metavar="REFUND_ID")
    release.add_argument("--yes", action="store_true",
                         help="I have read the warning and release the refund")
    release.set_defaults(handler=run_refund_release)

    recover = subparsers.add_parser(
        "recover", parents=[common], help="settle sales a crash or a lost answer left open",
        description="Ask the gateway about every sale and refund left pending or unknown and "
        "settle them. Exit 0 when all are settled, 3 when some are still open.",
    )
    recover.add_argument("--wait", type=seconds, metavar="SECONDS",
                         help="keep asking this long (default: the passive payment timeout)")
    recover.set_defaults(handler=run_recover)

    late = subparsers.add_parser(
        "late", parents=[common], help="payments that succeeded after the terminal gave up",
        description="List late payments nobody has resolved yet, or resolve one: --refund gives "
        "the money back (what is left of it), --keep keeps it.",
    )
    choice = late.add_mutually_exclusive_group()
    choice.add_argument("--refund", metavar="ORDER_ID", help="refund this late payment")
    choice.add_argument("--keep", metavar="ORDER_ID", help="keep this late payment")
    late.set_defaults(handler=run_late)


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
    emit(args, {"sale": sale_json(sale, refunds), **receipt}, text + said)
    return code


def _warn_open_sales(rt: Any) -> None:
    count = len(rt.journal.open_sales())
    if count:
        note(f"cashier: {count} earlier sale(s) are still open; run 'cashier recover'.")


def _money(cents: int, tip: int) -> str:
    return format_cents(cents) + (f" + tip {format_cents(tip)}" if tip else "")


# --- status ----------------------------------------------------------------------------------


@reports_errors
def run_status(args: argparse.Namespace) -> int:
    from cashier.ottpay.errors import OrderNotFoundError, OttPayError

    config = load(args)
    order_id = args.order_id.strip()
    with running(config) as rt:
        sale = rt.journal.get_sale(order_id)
        refund = rt.journal.get_refund(order_id) if sale is None else None
        live: Any = None
        live_error: str | None = None
        # An open sale another live process works on is only shown, never settled from here.
        settles = sale is not None and sale.is_open and rt.journal.claim_sale(order_id)
        try:
            live = rt.client.status_query(order_id)
        except OrderNotFoundError:
            if settles:
                sale = rt.engine.settler.apply_not_found(sale)
        except (OttPayError, ValueError) as exc:
            live_error = str(exc)
        else:
            if settles:
                sale = rt.engine.settler.apply_status(sale, live)
            elif sale is not None and sale.recheck_until is not None:  # closed on silence
                sale = rt.engine.settler.apply_after_silence(sale, live)
            elif sale is not None and sale.mode == "link":  # an expired link paid anyway
                sale = rt.engine.links.apply_late(sale, live)
            if refund is not None and refund.state in ("pending", "unknown"):
                refund = rt.engine.refunder.confirm(refund.refund_id)
        payload: dict[str, Any] = {
            "order_id": order_id,
            "sale": sale_json(sale, rt.journal.refunds_for(order_id)) if sale else None,
            "refund": refund.to_dict() if refund else None,
            "gateway": _live_json(live),
            "gateway_error": live_error,
        }
        if sale is None and refund is None and live is None:
            if live_error:
                raise CommandError(f"No sale {order_id} in the journal, and the gateway could "
                                   f"not be asked: {live_error}", EXIT_GATEWAY)
            raise CommandError(f"No sale {order_id} in the journal, and the gateway does not "
                               "know it.", EXIT_BAD_INPUT)
        if live_error:
            code = EXIT_GATEWAY
        elif sale is not None:
            code = exit_for_sale(sale)
        elif refund is not None:
            code = exit_for_refund(refund)
        else:
            code = _exit_for_live(live)
        emit(args, payload, _status_text(order_id, sale, refund, live, live_error, rt))
        return code


def _live_json(live: Any) -> dict[str, Any] | None:
    if live is None:
        return None
    return {
        "order_status": live.order_status.value if live.order_status else None,
        "total_cents": live.total_cents, "tip_cents": live.tip_cents,
        "refund_cents": live.refund_cents, "bizpay_order_id": live.bizpay_order_id,
        "trade_time": live.trade_time.isoformat() if live.trade_time else None,
    }


def _exit_for_live(live: Any) -> int:
    from cashier.ottpay.codes import Outcome

    if live.outcome is Outcome.PAID:
        return EXIT_OK
    if live.outcome in (Outcome.PENDING, Outcome.UNKNOWN):
        return EXIT_PENDING
    return EXIT_DECLINED


def _status_text(order_id: str, sale: Any, refund: Any, live: Any, live_error: str | None,
                 rt: Any) -> str:
    lines = []
    if sale is not None:
        lines.append(sale_text(sale, rt.journal.refunds_for(order_id)))
    elif refund is not None:
        lines.append(f"Refund {refund.refund_id} of sale {refund.sale_order_id}: "
                     f"{format_cents(refund.amount_cents)} {refund.state}")
    else:
        lines.append(f"{order_id}: not in this terminal's journal")
    if live is not None:
        status = live.order_status.value if live.order_status else "?"
        total = "" if live.total_cents is None else f", amount {format_cents(live.total_cents)}"
        lines.append(f"  gateway now: {status}{total}")
    elif live_error:
        lines.append(f"  gateway could not be asked: {live_error}")
    else:
        lines.append("  gateway now: does not know this order")
    return "\n".join(lines)


# --- refund ----------------------------------------------------------------------------------


@reports_errors
def run_refund(args: argparse.Namespace) -> int:
    config = load(args)
    cents = None
    if args.amount is not None:
        cents = parse_amount(args.amount, max_cents=10**12)  # bounded by what is left below
    order_id = args.order_id.strip()
    with running(config, changes_money=True) as rt:
        refund = rt.engine.refund(order_id, cents)
        sale = rt.journal.require_sale(order_id)
        code = exit_for_refund(refund)
        text = (f"Refund {refund.refund_id}: {format_cents(refund.amount_cents)} "
                f"{refund.state.upper()}\n" + sale_text(sale, rt.journal.refunds_for(order_id)))
        if code == EXIT_PENDING:
            text += "\n  Not confirmed yet; 'cashier recover' confirms it. Do not refund again."
        emit(args, {"refund": refund.to_dict(),
                    "sale": sale_json(sale, rt.journal.refunds_for(order_id))}, text)
        return code


@reports_errors
def run_refund_release(args: argparse.Namespace) -> int:
    from cashier.payments.errors import PaymentError
    from cashier.payments.refunds import RELEASE_WARNING

    config = load(args)
    refund_id = args.refund_id.strip()
    if not args.yes:
        raise CommandError(f"{RELEASE_WARNING} Add --yes to release refund {refund_id}.",
                           EXIT_BAD_INPUT)
    with running(config, changes_money=True) as rt:
        try:
            refund = rt.engine.release_refund(refund_id)
        except PaymentError as exc:
            raise CommandError(sentence(exc), EXIT_BAD_INPUT) from None
        sale = rt.journal.require_sale(refund.sale_order_id)
        if refund.recheck_until is not None:
            text = (f"Refund {refund_id} released: {format_cents(refund.amount_cents)} may be "
                    "refunded again. The terminal keeps asking the gateway about it.")
        else:
            text = f"The gateway answered: refund {refund_id} {refund.state}; nothing released."
        refunds = rt.journal.refunds_for(sale.order_id)
        emit(args, {"refund": refund.to_dict(), "sale": sale_json(sale, refunds)},
             text + "\n" + sale_text(sale, refunds))
        return EXIT_OK


# --- recover ---------------------------------------------------------------------------------


@reports_errors
def run_recover(args: argparse.Namespace) -> int:
    config = load(args)
    with running(config, changes_money=True) as rt:
        settings = rt.engine.settings
        wait = args.wait or max(settings.passive_timeout,
                                settings.unknown_grace + 2 * settings.poll_interval)
        sales = rt.engine.recover(timeout=wait)
        refunds = rt.journal.open_refunds()
        still_open = [sale for sale in sales if sale.is_open]
        code = EXIT_PENDING if still_open or refunds else EXIT_OK
        lines = [f"{len(sales)} open sale(s) checked, {len(still_open)} still open."]
        lines += [sale_text(sale, rt.journal.refunds_for(sale.order_id)) for sale in sales]
        if refunds:
            lines.append(f"{len(refunds)} refund(s) still unconfirmed.")
        swept = rt.engine.last_sweep
        if swept is not None and (swept.sales_checked or swept.refunds_checked):
            lines.append(
                f"{swept.sales_checked} closed sale(s) and {swept.refunds_checked} refund(s) "
                "whose outcome rests on the gateway's silence asked about again"
                + ("; the gateway did not answer, so run 'cashier recover' again later."
                   if swept.unreachable else "."))
        late = rt.engine.late_payments()
        if late:
            lines.append(f"{len(late)} late payment(s) need a decision (refund or keep):")
            lines += ["  " + sale.order_id for sale in late]
        emit(args, {
            "sales": [sale_json(sale, rt.journal.refunds_for(sale.order_id)) for sale in sales],
            "still_open": [sale.order_id for sale in still_open],
            "open_refunds": [refund.to_dict() for refund in refunds],
            "late_payments": [sale.order_id for sale in late],
            "reconciliation": dataclasses.asdict(swept) if swept is not None else None,
        }, "\n".join(lines))
        return code


# --- late ------------------------------------------------------------------------------------


@reports_errors
def run_late(args: argparse.Namespace) -> int:
    from cashier.payments.errors import PaymentError

    config = load(args)
    order_id = (args.refund or args.keep or "").strip()
    with running(config, changes_money=bool(order_id)) as rt:
        resolved = None
        if order_id:
            try:
                resolved = rt.engine.resolve_late(order_id, "refund" if args.refund else "keep")
            except PaymentError as exc:
                raise CommandError(sentence(exc), EXIT_BAD_INPUT) from None
        late = rt.engine.late_payments()
        lines = [sale_text(resolved, rt.journal.refunds_for(order_id))] if resolved else []
        lines.append(f"{len(late)} late payment(s) to resolve." if late
                     else "No late payments to resolve.")
        lines += [sale_text(sale) for sale in late]
        code = EXIT_OK
        if resolved is not None and resolved.late_resolution is None:
            code = EXIT_PENDING  # the refund is not confirmed yet
        emit(args, {
            "resolved": sale_json(resolved, rt.journal.refunds_for(order_id))
            if resolved else None,
            "late_payments": [sale_json(sale) for sale in late],
        }, "\n".join(lines))
        return code
