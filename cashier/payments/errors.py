"""Errors of the payments layer, each with a sentence a cashier or support engineer can act on.

Bad input is refused before anything is journaled or sent: amounts raise
``cashier.money.AmountError`` and scans ``cashier.wallets.PaymentCodeError`` (both
``ValueError``), unchanged, because their messages are already written for the cashier.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        self.day = day
        self.refund_ids = refund_ids


class StoreUnreachableError(RefundNotAllowedError):
    """A sale this lane did not make cannot be refunded now: the store database, which knows
    it, cannot be reached. Nothing was recorded or sent."""

    def __init__(self) -> None:
        super().__init__(STORE_UNREACHABLE)


@dataclass(frozen=True)
class StoreRefusal:
    """Why the store database refused a refund, in fields a screen can word in its own language
    (the exception's text is the English sentence). ``kind`` is one of:

    - ``upgrading``: the store's schema is being upgraded; only this lane's sales now.
    - ``locked``: another lane is reserving a refund of ``order_id`` right now.
    - ``nothing_left``: nothing of ``order_id`` is left to refund.
    - ``over_refund``: ``amount_cents`` asked, only ``remaining_cents`` left.
    - ``ambiguous``: more than one lane used ``order_id``.
    - ``not_paid``: the sale is in ``state``, not paid.
    - ``not_found``: no lane has shipped a sale ``order_id`` to the store.
    - ``other_merchant``: ``lane`` made the sale under another OTT Pay merchant.
    - ``bad_amount``: ``amount_cents`` is not more than 0.

    ``reserving`` holds (lane, cents) of the sale held by other lanes' refunds the store has not
    been shipped yet: being sent, or done and not shipped.
    """

    kind: str
    order_id: str
    lane: str | None = None
    amount_cents: int | None = None
    remaining_cents: int | None = None
    state: str | None = None
    reserving: tuple[tuple[str, int], ...] = ()


class StoreRefusedError(RefundNotAllowedError):
    """The store database refused a refund (``refusal`` says why); nothing was recorded or sent."""

    def __init__(self, message: str, refusal: StoreRefusal) -> None:
        super().__init__(message)
        self.refusal = refusal


class StoreSaleNotFoundError(SaleNotFoundError):
    """Neither this lane's journal nor the store database knows the sale (``refusal``, of kind
    ``not_found``); nothing was recorded or sent."""

    def __init__(self, message: str, refusal: StoreRefusal) -> None:
        super().__init__(message)
        self.refusal = refusal


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
    "StoreRefusal",
    "StoreRefusedError",
    "StoreSaleNotFoundError",
    "StoreUnreachableError",
]
