"""``cashier status``, ``refund``, ``refund-release``, ``recover``, ``late``: a sale after it was
taken, as the journal has it and as the gateway settles it.

Exit codes: 0 paid/refunded/settled, 1 declined or failed, 2 bad input (nothing sent), 3 still
open, 4 the gateway could not be asked (``status``).
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from cashier.commands.common import (
    exit_for_refund,
    exit_for_sale,
    load,
    refund_failure,
    reports_errors,
    running,
    sale_json,
    sale_text,
    seconds,
)
from cashier.commands.outcome import (
    EXIT_BAD_INPUT,
    EXIT_DECLINED,
    EXIT_GATEWAY,
    EXIT_OK,
    EXIT_PENDING,
    CommandError,
    emit,
)
from cashier.money import format_cents, parse_amount
from cashier.sentence import sentence


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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
        reason = refund_failure(refund)
        if reason:
            text = text.replace("\n", f"\n  {reason}\n", 1)
        if code == EXIT_PENDING:
            text += "\n  Not confirmed yet; 'cashier recover' confirms it. Do not refund again."
        emit(args, {"refund": refund.to_dict(), **({"reason": reason} if reason else {}),
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
