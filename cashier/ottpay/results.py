"""Typed results of the gateway actions and how an answer is classified (protocol sections 4-5).

Pure: no I/O. The client builds these from verified response data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cashier.money import check_cents
from cashier.ottpay.codes import OrderStatus, Outcome, classify_order_status, classify_rsp_code

_REJECTING_CODES = frozenset(
    {"PARAM_INVALID", "PARAM_ERROR", "ORDER_USED", "ORDER_TYPE_ERROR"}
)
_PENDING_CODES = frozenset({"PROCESSING", "PWD_INCORRECT"})


def _code(rsp_code: str | None) -> str:
    return (rsp_code or "").strip().upper()


def classify_payment(
    rsp_code: str | None, order_status: OrderStatus | None, amount_matches: bool
) -> Outcome:
    """What a PASSIVEPAY answer means.

    PAID only for SUCCESS + order_status success + the amount we asked for; DECLINED for FAIL;
    PENDING for PROCESSING/PWD_INCORRECT or SUCCESS with notpay/init; REJECTED for
    PARAM_*/ORDER_USED/ORDER_TYPE_ERROR; UNKNOWN for everything else (ORDER_PAID, gateway
    trouble, undocumented codes, an amount mismatch, contradictions): the caller queries.
    """
    code = _code(rsp_code)
    if code == "SUCCESS":
        if order_status is OrderStatus.SUCCESS:
            return Outcome.PAID if amount_matches else Outcome.UNKNOWN
        if order_status in (OrderStatus.NOTPAY, OrderStatus.INIT):
            return Outcome.PENDING
        return Outcome.UNKNOWN
    if code == "FAIL":
        # A FAIL that claims the order was paid contradicts itself: let a query decide.
        return Outcome.UNKNOWN if order_status is OrderStatus.SUCCESS else Outcome.DECLINED
    if code in _PENDING_CODES:
        return Outcome.PENDING
    if code in _REJECTING_CODES:
        return Outcome.REJECTED
    return Outcome.UNKNOWN


def classify_refund(rsp_code: str | None) -> Outcome:
    """ACCEPTED for SUCCESS, DECLINED for FAIL, REJECTED for PARAM_*/ORDER_USED, else UNKNOWN."""
    code = _code(rsp_code)
    if code == "SUCCESS":
        return Outcome.ACCEPTED
    if code == "FAIL":
        return Outcome.DECLINED
    if code in _REJECTING_CODES:
        return Outcome.REJECTED
    return Outcome.UNKNOWN


def classify_active_pay(rsp_code: str | None, code_url: str | None) -> Outcome:
    """ACCEPTED for SUCCESS with a code_url; REJECTED/DECLINED as for payments; else UNKNOWN."""
    code = _code(rsp_code)
    if code == "SUCCESS":
        return Outcome.ACCEPTED if code_url else Outcome.UNKNOWN
    if code in _REJECTING_CODES:
        return Outcome.REJECTED
    if code == "FAIL":
        return Outcome.DECLINED
    return Outcome.UNKNOWN


def classify_mini_program_pay(rsp_code: str | None, has_pay_info: bool) -> Outcome:
    """ACCEPTED for SUCCESS with a payInfo; otherwise as ``classify_active_pay``."""
    return classify_active_pay(rsp_code, "payInfo" if has_pay_info else None)


__all__ = [
    "ActivePayResult",
    "ExchangeRate",
    "MiniProgramPayResult",
    "PayInfo",
    "PaymentResult",
    "RefundResult",
    "StatusResult",
    "classify_active_pay",
    "classify_mini_program_pay",
    "classify_order_status",
    "classify_payment",
    "classify_refund",
    "classify_rsp_code",
]


@dataclass(frozen=True)
class PaymentResult:
    """The answer to a PASSIVEPAY. ``outcome`` is what the terminal should do next."""

    order_id: str
    outcome: Outcome
    rsp_code: str
    rsp_msg: str
    order_status: OrderStatus | None = None
    total_cents: int | None = None
    receive_cents: int | None = None
    pay_cents: int | None = None
    trade_time: datetime | None = None
    buyer_login_id: str | None = None
    bizpay_order_id: str | None = None
    tip_cents: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class StatusResult:
    """The answer to a STATUS_QUERY; ``outcome`` is ``classify_order_status(order_status)``.

    For a payment, ``refund_cents`` is the gateway's ``refund_fee`` (refunded so far) and
    ``order_status`` may be ``PARTIAL_REFUNDED``/``FULLY_REFUNDED``; for a refund queried by its
    own id, ``ori_order_id`` names the payment it refunds (when the gateway says so) and
    ``order_status`` is the refund's own status.
    """

    order_id: str
    order_status: OrderStatus | None
    outcome: Outcome
    total_cents: int | None = None
    receive_cents: int | None = None
    pay_cents: int | None = None
    tip_cents: int | None = None
    refund_cents: int = 0
    trade_time: datetime | None = None
    buyer_login_id: str | None = None
    bizpay_order_id: str | None = None
    ori_order_id: str | None = None
    rsp_code: str = "SUCCESS"
    rsp_msg: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class RefundResult:
    """The answer to a REFUND. ACCEPTED still wants a STATUS_QUERY to confirm (protocol 3)."""

    order_id: str
    ori_order_id: str
    refund_cents: int
    rsp_code: str
    rsp_msg: str
    outcome: Outcome
    order_status: OrderStatus | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class ActivePayResult:
    """The answer to an ACTIVEPAY: show ``code_url`` as a QR when ``outcome`` is ACCEPTED."""

    order_id: str
    code_url: str | None
    bizpay_order_id: str | None
    rsp_code: str
    rsp_msg: str
    outcome: Outcome
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class PayInfo:
    """MAPPPAY's ``payInfo``: what the Mini-Program hands to ``wx.requestPayment``.

    ``package_str`` is WeChat's ``package`` (``prepay_id=...``); ``pay_sign`` is WeChat's
    signature over these fields, checked by WeChat, not by us.
    """

    app_id: str
    time_stamp: str
    nonce_str: str
    package_str: str
    sign_type: str
    pay_sign: str = field(repr=False)

    def request_payment_args(self) -> dict[str, str]:
        """The object ``wx.requestPayment`` takes in the Mini-Program."""
        return {
            "timeStamp": self.time_stamp,
            "nonceStr": self.nonce_str,
            "package": self.package_str,
            "signType": self.sign_type,
            "paySign": self.pay_sign,
        }


@dataclass(frozen=True)
class MiniProgramPayResult:
    """The answer to a MAPPPAY (WeChat Mini-Program pay): ``pay_info`` when ACCEPTED.

    Like ACTIVEPAY, ACCEPTED only means the order was created: the payment itself is reported
    by the callback and STATUS_QUERY.
    """

    order_id: str
    pay_info: PayInfo | None
    merchant_id: str | None
    amount_cents: int | None
    sale_num: str | None
    rsp_code: str
    rsp_msg: str
    outcome: Outcome
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class ExchangeRate:
    """A currency's rate to CNY times 10^8 (``rate_e8=520_000_000`` means 1 CAD = 5.2 CNY)."""

    fee_type: str
    rate_e8: int
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_cny_fen(self, cents: int) -> int:
        """``cents`` of this currency in CNY fen, integer math, rounded half up."""
        check_cents(cents, max_cents=10**12, allow_zero=True)
        return (cents * self.rate_e8 + 50_000_000) // 100_000_000
