"""Errors of the payments layer, each with a sentence a cashier or support engineer can act on.

Bad input is refused before anything is journaled or sent: amounts raise
``cashier.money.AmountError`` and scans ``cashier.wallets.PaymentCodeError`` (both
``ValueError``), unchanged, because their messages are already written for the cashier.
"""

from __future__ import annotations

from cashier.journal.store import DayAlreadyClosedError, RefundNotAllowedError, SaleNotFoundError
from cashier.payments.states import IllegalTransition


class PaymentError(RuntimeError):
    """Base of payment-engine errors."""


class EngineClosedError(PaymentError):
    """The engine was shut down; nothing new was started."""


class SalesInProgressError(PaymentError):
    """A day cannot be closed now: sales that are, or may become, of it are being taken."""

    def __init__(self, order_ids: list[str]) -> None:
        super().__init__(f"sale(s) {', '.join(order_ids)} are being taken")
        self.order_ids = order_ids


class RefundsInProgressError(PaymentError):
    """A day cannot be closed now: refunds of it are being sent to the gateway."""

    def __init__(self, day: str, refund_ids: list[str]) -> None:
        super().__init__(f"refund(s) {', '.join(refund_ids)} of business day {day} are still "
                         "being sent to the gateway; close the day once they are answered")
        self.refund_ids = refund_ids


class StoreUnreachableError(RefundNotAllowedError):
    """A sale this lane did not make cannot be refunded now: the store database, which knows
    it, cannot be reached. Nothing was recorded or sent."""

    def __init__(self) -> None:
        super().__init__(STORE_UNREACHABLE)


#: ``StoreUnreachableError``'s sentence (the screens show their translation of it).
STORE_UNREACHABLE = ("The store database cannot be reached, so only sales made at this lane "
                     "can be refunded now.")


__all__ = [
    "DayAlreadyClosedError",
    "EngineClosedError",
    "IllegalTransition",
    "PaymentError",
    "RefundNotAllowedError",
    "STORE_UNREACHABLE",
    "SaleNotFoundError",
    "StoreUnreachableError",
]
