"""What a ``rsp_code`` and an ``order_status`` mean for the terminal (protocol sections 4 and 5)."""

from __future__ import annotations

import enum


class Outcome(enum.Enum):
    """What the terminal should do with an answer."""

    PAID = "paid"          # money moved: the order is paid
    PENDING = "pending"    # customer still confirming: poll STATUS_QUERY
    DECLINED = "declined"  # the payment failed (a query may still confirm otherwise)
    REJECTED = "rejected"  # the request itself was refused; nothing was charged
    UNKNOWN = "unknown"    # no trustworthy answer: poll STATUS_QUERY, never resend
    CLOSED = "closed"      # confirmed unpaid: expired or closed
    ACCEPTED = "accepted"  # a non-payment request succeeded (query, refund, order created)


_RSP_CODES: dict[str, Outcome] = {
    "SUCCESS": Outcome.ACCEPTED,
    "PROCESSING": Outcome.PENDING,
    "PWD_INCORRECT": Outcome.PENDING,
    "TIMEOUT": Outcome.UNKNOWN,
    "SYSTEM_ERROR": Outcome.UNKNOWN,
    "DB_ERROR": Outcome.UNKNOWN,
    "FAIL": Outcome.DECLINED,
    "PARAM_INVALID": Outcome.REJECTED,
    "PARAM_ERROR": Outcome.REJECTED,
    "ORDER_PAID": Outcome.PAID,  # only after a query confirms the amount
    "ORDER_USED": Outcome.REJECTED,
    "ORDER_TYPE_ERROR": Outcome.REJECTED,
}

KNOWN_RSP_CODES = frozenset(_RSP_CODES)


def classify_rsp_code(rsp_code: str | None) -> Outcome:
    """Section 4: anything undocumented (or missing) is an unknown outcome."""
    return _RSP_CODES.get((rsp_code or "").strip().upper(), Outcome.UNKNOWN)


class OrderStatus(enum.Enum):
    """Section 5, lower-case on the wire (compared case-insensitively)."""

    INIT = "init"
    NOTPAY = "notpay"
    SUCCESS = "success"
    CANCELING = "canceling"
    FAILURE = "failure"
    ORDERCLOSED = "orderclosed"
    PARTIAL_REFUNDED = "partial_refunded"
    FULLY_REFUNDED = "fully_refunded"
    AUTHFINISH = "authfinish"

    @classmethod
    def parse(cls, text: str | None) -> OrderStatus | None:
        """The status, or ``None`` for a missing or undocumented value."""
        try:
            return cls((text or "").strip().lower())
        except ValueError:
            return None


_STATUS_OUTCOMES: dict[OrderStatus, Outcome] = {
    OrderStatus.SUCCESS: Outcome.PAID,
    OrderStatus.PARTIAL_REFUNDED: Outcome.PAID,
    OrderStatus.FULLY_REFUNDED: Outcome.PAID,
    OrderStatus.FAILURE: Outcome.DECLINED,
    OrderStatus.ORDERCLOSED: Outcome.CLOSED,
    OrderStatus.INIT: Outcome.PENDING,
    OrderStatus.NOTPAY: Outcome.PENDING,
    OrderStatus.CANCELING: Outcome.PENDING,
    OrderStatus.AUTHFINISH: Outcome.PENDING,
}


def classify_order_status(status: str | OrderStatus | None) -> Outcome:
    """What a payment's ``order_status`` means; undocumented values are unknown."""
    parsed = status if isinstance(status, OrderStatus) else OrderStatus.parse(status)
    if parsed is None:
        return Outcome.UNKNOWN
    return _STATUS_OUTCOMES[parsed]


def is_final_payment_status(status: str | OrderStatus | None) -> bool:
    """Section 5: success, failure, orderclosed and the two refunded states are final."""
    return classify_order_status(status) in (Outcome.PAID, Outcome.DECLINED, Outcome.CLOSED)
