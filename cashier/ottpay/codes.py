"""What a ``rsp_code`` and an ``order_status`` mean for the terminal (protocol sections 4 and 5)."""

from __future__ import annotations

import enum
import re


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

#: Codes that can only mean "no such order" (OTT Pay's own is undocumented; these are the
#: spellings of the gateway family and the wallets behind it, ``ACQ.`` prefix dropped).
NOT_FOUND_RSP_CODES = frozenset({
    "ORDER_NOT_EXIST", "ORDER_NOT_EXISTS", "ORDER_NOT_FOUND", "ORDERNOTEXIST",
    "TRADE_NOT_EXIST", "TRADE_NOT_FOUND", "ORDER_NOTEXIST",
})
_NOT_FOUND_TEXT = re.compile(
    r"\b(order|trade|transaction)\b.{0,40}\b(not found|not exist|does not exist|"
    r"doesn't exist|no record)|\bno such (order|trade|transaction)\b|(订单|交易)(号)?不存在",
    re.IGNORECASE,
)
#: Codes after which a "not found" wording is not believed: the gateway itself is in trouble.
_TROUBLE_CODES = frozenset({"SUCCESS", "PROCESSING", "TIMEOUT", "SYSTEM_ERROR", "DB_ERROR"})


def normalise_rsp_code(rsp_code: str | None) -> str:
    """Upper case, trimmed, without an Alipay-style ``ACQ.`` prefix."""
    code = (rsp_code or "").strip().upper()
    return code[4:] if code.startswith("ACQ.") else code


def not_found_by_code(rsp_code: str | None) -> bool:
    """The code alone says the gateway has no such order."""
    return normalise_rsp_code(rsp_code) in NOT_FOUND_RSP_CODES


def says_order_not_found(rsp_code: str | None, rsp_msg: str | None) -> bool:
    """A data-less answer means "no such order": by its code, or by a wording that names an
    order (never just "not found": "merchant not found" is not about the order)."""
    if not_found_by_code(rsp_code):
        return True
    if normalise_rsp_code(rsp_code) in _TROUBLE_CODES:
        return False
    return bool(_NOT_FOUND_TEXT.search(rsp_msg or ""))


def is_documented_rsp_code(rsp_code: str | None) -> bool:
    """Appendix B's known rows, or a not-found spelling."""
    code = normalise_rsp_code(rsp_code)
    return code in KNOWN_RSP_CODES or code in NOT_FOUND_RSP_CODES


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
