"""The passive flow (the cashier scans the customer's code), run on the sale's worker thread.

Protocol section 6: the intent is already journaled when this runs; PASSIVEPAY is sent exactly
once; pending and unknown outcomes are settled by STATUS_QUERY (at ``flow.poll_delay``'s
cadence) up to the deadline; a payment is paid only when the confirmed amount equals the
requested one.
"""

from __future__ import annotations

import logging

from cashier.ottpay.codes import Outcome
from cashier.ottpay.errors import OttPayError, OutcomeUnknownError, RequestNotSentError
from cashier.ottpay.results import PaymentResult
from cashier.payments.flow import FlowContext, poll_until
from cashier.payments.handle import SaleHandle
from cashier.payments.settle import gateway_fields
from cashier.payments.states import IllegalTransition, SaleState
from cashier.wallets import Wallet

log = logging.getLogger("cashier.payments")


def run_passive(ctx: FlowContext, handle: SaleHandle, auth_code: str) -> None:
    """Send the PASSIVEPAY, then poll until final, cancelled, stopped or past the deadline."""
    deadline = ctx.clock() + ctx.settings.passive_timeout
    sale = handle.sale
    try:
        result = ctx.client.passive_pay(
            order_id=sale.order_id, amount_cents=sale.amount_cents, auth_code=auth_code,
            biz_type=Wallet(sale.wallet), tip_cents=sale.tip_cents,
            operator_id=sale.operator_id,
        )
    except RequestNotSentError as exc:  # failed before a byte of it left: nothing charged
        ctx.settler.advance(sale.order_id, SaleState.DECLINED, note=str(exc),
                            rsp_msg=exc.message)
    except OutcomeUnknownError as exc:
        ctx.settler.advance(sale.order_id, SaleState.UNKNOWN, note=str(exc),
                               rsp_code=exc.rsp_code, rsp_msg=exc.message)
    except ValueError as exc:  # refused by the client before anything was sent
        ctx.settler.advance(sale.order_id, SaleState.DECLINED,
                               note=f"not sent: {exc}", rsp_msg=str(exc))
    except OttPayError as exc:  # defensive: treat any other gateway failure as unknown
        ctx.settler.advance(sale.order_id, SaleState.UNKNOWN, note=str(exc),
                               rsp_code=exc.rsp_code, rsp_msg=exc.message)
    else:
        _apply_payment_result(ctx, sale.order_id, result)
    poll_until(ctx, handle, deadline)


def _apply_payment_result(ctx: FlowContext, order_id: str, result: PaymentResult) -> None:
    settler = ctx.settler
    sale = ctx.journal.require_sale(order_id)
    fields = {"rsp_code": result.rsp_code, "rsp_msg": result.rsp_msg}
    outcome = result.outcome
    try:
        if outcome is Outcome.PAID:
            mismatch = settler.amount_mismatch(sale, result.total_cents, result.tip_cents)
            if mismatch:
                settler.advance(order_id, SaleState.UNKNOWN, note=f"PASSIVEPAY: {mismatch}",
                                **fields)
                return
            settler.advance(order_id, SaleState.PAID, note="PASSIVEPAY: paid",
                            **fields, **gateway_fields(result))
        elif outcome is Outcome.PENDING:
            settler.note(order_id, f"PASSIVEPAY: {result.rsp_code}, customer confirming",
                         **fields)
        elif outcome is Outcome.DECLINED:
            _confirm_decline(ctx, order_id, result)
        elif outcome is Outcome.REJECTED and result.rsp_code.upper() != "ORDER_USED":
            settler.advance(order_id, SaleState.DECLINED,
                            note=f"PASSIVEPAY rejected: {result.rsp_code}", **fields)
        else:
            # ORDER_PAID, ORDER_USED, gateway trouble, undocumented codes: ask, never resend.
            settler.advance(order_id, SaleState.UNKNOWN,
                            note=f"PASSIVEPAY: {result.rsp_code}, querying", **fields)
    except IllegalTransition as exc:
        log.error("sale %s: %s", order_id, exc)


def _confirm_decline(ctx: FlowContext, order_id: str, result: PaymentResult) -> None:
    """FAIL means declined, but a query may still say otherwise (protocol section 4)."""
    ctx.settler.note(order_id, "PASSIVEPAY: FAIL, confirming by query",
                        rsp_code=result.rsp_code, rsp_msg=result.rsp_msg)
    sale = ctx.settler.query(order_id)
    if sale.is_open:
        ctx.settler.advance(order_id, SaleState.DECLINED, note="PASSIVEPAY: FAIL",
                               rsp_code=result.rsp_code, rsp_msg=result.rsp_msg)
