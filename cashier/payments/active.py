"""The active flow (the customer scans the terminal's QR), run on the sale's worker thread.

ACTIVEPAY is sent exactly once; its ``code_url`` is journaled and announced so the UI can show the
QR; the sale then settles by STATUS_QUERY polling or by a verified callback (``on_callback``),
whichever comes first: both are compare-and-set, so exactly one of them wins.
"""

from __future__ import annotations

import logging

from cashier.ottpay.codes import Outcome
from cashier.ottpay.errors import OttPayError, OutcomeUnknownError, RequestNotSentError
from cashier.payments.flow import FlowContext, poll_until
from cashier.payments.handle import SaleHandle
from cashier.payments.states import IllegalTransition, SaleState
from cashier.wallets import Wallet

log = logging.getLogger("cashier.payments")


def run_active(ctx: FlowContext, handle: SaleHandle, callback_url: str) -> None:
    """Create the QR order, then poll until final, cancelled, stopped or past the deadline."""
    deadline = ctx.clock() + ctx.settings.active_timeout
    sale = handle.sale
    settler = ctx.settler
    try:
        result = ctx.client.active_pay(
            order_id=sale.order_id, amount_cents=sale.amount_cents, biz_type=Wallet(sale.wallet),
            call_back_url=callback_url, tip_cents=sale.tip_cents, operator_id=sale.operator_id,
        )
    except RequestNotSentError as exc:  # failed before a byte of it left: nothing charged
        settler.advance(sale.order_id, SaleState.DECLINED, note=str(exc), rsp_msg=exc.message)
    except OutcomeUnknownError as exc:
        settler.advance(sale.order_id, SaleState.UNKNOWN, note=str(exc),
                        rsp_code=exc.rsp_code, rsp_msg=exc.message)
    except ValueError as exc:
        settler.advance(sale.order_id, SaleState.DECLINED, note=f"not sent: {exc}",
                        rsp_msg=str(exc))
    except OttPayError as exc:
        settler.advance(sale.order_id, SaleState.UNKNOWN, note=str(exc),
                        rsp_code=exc.rsp_code, rsp_msg=exc.message)
    else:
        fields = {"rsp_code": result.rsp_code, "rsp_msg": result.rsp_msg}
        try:
            if result.outcome is Outcome.ACCEPTED:
                extra = {"bizpay_order_id": result.bizpay_order_id} if result.bizpay_order_id \
                    else {}
                settler.note(sale.order_id, "ACTIVEPAY: QR code ready",
                             code_url=result.code_url, **fields, **extra)
            elif result.outcome in (Outcome.REJECTED, Outcome.DECLINED) and \
                    result.rsp_code.upper() != "ORDER_USED":
                settler.advance(sale.order_id, SaleState.DECLINED,
                                note=f"ACTIVEPAY refused: {result.rsp_code}", **fields)
            else:
                settler.advance(sale.order_id, SaleState.UNKNOWN,
                                note=f"ACTIVEPAY: {result.rsp_code}, querying", **fields)
        except IllegalTransition as exc:
            log.error("sale %s: %s", sale.order_id, exc)
    poll_until(ctx, handle, deadline)
