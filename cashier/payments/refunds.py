"""Refunds: full or partial, bounded locally, journaled first, sent once, confirmed by query.

The refundable remainder (amount + tip, minus every refund not failed) is checked in the same
journal transaction that records the refund's intent, so an over-refund is refused before any
request and two refunds racing cannot exceed the sale. The REFUND is never resent: an unknown
outcome is confirmed by STATUS_QUERY on the refund's own order id (and cross-checked on the
original), now or later by the resolver or recovery.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from cashier.journal.records import Refund
from cashier.journal.store import Journal
from cashier.money import check_cents
from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import OrderStatus, Outcome
from cashier.ottpay.errors import OrderNotFoundError, OttPayError, OutcomeUnknownError
from cashier.payments.events import EngineEvent, RefundUpdated, SaleUpdated
from cashier.payments.ids import new_order_id
from cashier.payments.settings import PaymentSettings
from cashier.payments.states import RefundState

log = logging.getLogger("cashier.payments")


class Refunder:
    """Makes and confirms refunds against one journal and client."""

    def __init__(
        self,
        client: OttPayClient,
        journal: Journal,
        settings: PaymentSettings,
        *,
        emit: Callable[[EngineEvent], None],
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.journal = journal
        self.settings = settings
        self._emit = emit
        self._wall_clock = wall_clock
        self._sleep = sleep

    def refund(
        self,
        order_id: str,
        amount_cents: int | None = None,
        *,
        operator_id: str | None = None,
        confirm_attempts: int = 3,
    ) -> Refund:
        """Refund ``amount_cents`` (everything left when ``None``) of a paid sale.

        Raises ``AmountError`` for a bad amount, ``SaleNotFoundError`` or
        ``RefundNotAllowedError`` (not paid, or more than remains) before anything is recorded
        or sent. Otherwise returns the refund: ``succeeded``, ``failed``, or still ``pending`` /
        ``unknown`` when the gateway could not confirm it yet (the engine keeps checking).
        """
        if amount_cents is not None:
            check_cents(amount_cents, max_cents=10**12)
        refund = self._journal_intent(order_id, amount_cents, operator_id)
        try:
            result = self.client.refund(
                ori_order_id=order_id, refund_cents=refund.amount_cents, order_id=refund.refund_id
            )
        except OutcomeUnknownError as exc:
            self._finish(refund.refund_id, RefundState.UNKNOWN, rsp_code=exc.rsp_code,
                         rsp_msg=exc.message)
        except ValueError as exc:  # refused by the client before sending
            self._finish(refund.refund_id, RefundState.FAILED, rsp_msg=f"not sent: {exc}")
            return self._get(refund.refund_id)
        except OttPayError as exc:
            self._finish(refund.refund_id, RefundState.UNKNOWN, rsp_code=exc.rsp_code,
                         rsp_msg=exc.message)
        else:
            if result.outcome in (Outcome.DECLINED, Outcome.REJECTED):
                self._finish(refund.refund_id, RefundState.FAILED, rsp_code=result.rsp_code,
                             rsp_msg=result.rsp_msg)
                return self._get(refund.refund_id)
            if result.outcome is not Outcome.ACCEPTED:
                self._finish(refund.refund_id, RefundState.UNKNOWN, rsp_code=result.rsp_code,
                             rsp_msg=result.rsp_msg)
        for attempt in range(max(1, confirm_attempts)):
            current = self.confirm(refund.refund_id)
            if not RefundState(current.state).is_open:
                return current
            if attempt + 1 < confirm_attempts:
                self._sleep(self.settings.poll_interval)
        return self._get(refund.refund_id)

    def _journal_intent(self, order_id: str, amount_cents: int | None,
                        operator_id: str | None) -> Refund:
        sale = self.journal.require_sale(order_id)
        for _ in range(5):
            refund_id = new_order_id(sale.terminal_no or self.settings.terminal_no)
            if self.journal.get_refund(refund_id) is None and \
                    self.journal.get_sale(refund_id) is None:
                break
        refund = self.journal.create_refund(
            refund_id=refund_id, sale_order_id=order_id, amount_cents=amount_cents,
            operator_id=operator_id,
        )
        self._emit(RefundUpdated(refund, self.journal.require_sale(order_id)))
        return refund

    def confirm(self, refund_id: str) -> Refund:
        """Query an open refund once and settle it if the gateway's answer is final."""
        refund = self._get(refund_id)
        if not RefundState(refund.state).is_open:
            return refund
        try:
            result = self.client.status_query(refund_id)
        except OrderNotFoundError:
            age = self._wall_clock() - refund.created_at
            if age >= self.settings.unknown_grace:
                self._finish(refund_id, RefundState.FAILED, rsp_msg="refund order not found",
                             note=f"gateway has no record of refund {refund_id} after {age:.1f}s")
            return self._get(refund_id)
        except OttPayError as exc:
            log.info("refund %s: query failed (%s); will ask again", refund_id, exc)
            return refund
        status = result.order_status
        if status is OrderStatus.SUCCESS:
            if result.total_cents not in (None, refund.amount_cents):
                log.error("refund %s: gateway confirms %s cents, we asked %s; left unknown",
                          refund_id, result.total_cents, refund.amount_cents)
                return refund
            self._finish(refund_id, RefundState.SUCCEEDED, rsp_code="SUCCESS")
            self._cross_check(refund.sale_order_id)
        elif status in (OrderStatus.FAILURE, OrderStatus.ORDERCLOSED):
            self._finish(refund_id, RefundState.FAILED, rsp_msg=status.value)
        return self._get(refund_id)

    def _cross_check(self, sale_order_id: str) -> None:
        """Compare the gateway's refund_fee on the original with what the journal booked."""
        try:
            original = self.client.status_query(sale_order_id)
        except OttPayError as exc:
            log.info("sale %s: refund cross-check query failed: %s", sale_order_id, exc)
            return
        booked = self.journal.require_sale(sale_order_id).refunded_cents
        if original.refund_cents != booked:
            log.warning("sale %s: gateway shows %s cents refunded, journal %s", sale_order_id,
                        original.refund_cents, booked)

    def _finish(self, refund_id: str, state: RefundState, *, rsp_code: str | None = None,
                rsp_msg: str | None = None, note: str = "") -> None:
        done = self.journal.finish_refund(refund_id, state, rsp_code=rsp_code, rsp_msg=rsp_msg,
                                          note=note)
        if done is not None:
            refund, sale = done
            self._emit(RefundUpdated(refund, sale))
            if state is RefundState.SUCCEEDED:
                self._emit(SaleUpdated(sale))

    def _get(self, refund_id: str) -> Refund:
        refund = self.journal.get_refund(refund_id)
        assert refund is not None
        return refund
