"""The simulated gateway's wire: what a request must look like, and how an answer is written.

Field checks raise ``Rejected`` with the answer OTT Pay gives (PARAM_INVALID and why); the
answer data of a payment or a refund is written here, amounts as strings unless the reading
writes them as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cashier.simulator.envelope import (
    EnvelopeError,
    Request,
    Tampered,
    body_object,
    read_request,
)
from cashier.simulator.orders import BEIJING, PAID, OrderSnapshot
from cashier.simulator.readings import Reading
from cashier.wallets import Wallet

ORDER_ID_RE = re.compile(r"[A-Za-z0-9]{1,32}")
POSITIVE_RE = re.compile(r"[1-9][0-9]{0,11}")
NON_NEGATIVE_RE = re.compile(r"0|[1-9][0-9]{0,11}")
PROTOCOL_VERSION = "1.0"
#: The version each action must come with (anything not listed: "1.0").
ACTION_VERSIONS = {"MAPPPAY": "1.1"}
#: Answer and callback fields that hold money (JSON numbers under ``Reading.numbers``).
AMOUNT_FIELDS = frozenset({"amount", "tip", "total_amount", "receive_amount", "pay_amount",
                           "refund_fee", "refund_amt"})
BUYER = {
    Wallet.WECHATPAY: "o3_mA***9fQk", Wallet.ALIPAY: "138****8888", Wallet.UNIONPAY: "6212****1234"
}


class Fault:
    """How an answer is spoiled on the wire (magic scenarios 7777 and 8888)."""

    NONE = ""
    BAD_GATEWAY = "bad_gateway"    # HTTP 502 with an HTML body
    TAMPERED_MD5 = "tampered_md5"  # the response md5 does not match its data


@dataclass(frozen=True)
class Answer:
    """What the gateway answers one request: the envelope fields plus delivery instructions."""

    rsp_code: str
    rsp_msg: str
    data: dict[str, Any] | None = None  # values are strings, except MAPPPAY's payInfo object
    delay_seconds: float = 0.0
    fault: str = Fault.NONE


class Rejected(Exception):
    """Ends handling of a request with a non-SUCCESS answer (internal control flow)."""

    def __init__(self, rsp_code: str, rsp_msg: str) -> None:
        super().__init__(rsp_msg)
        self.answer = Answer(rsp_code, rsp_msg)


def require(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None or value == "":
        raise Rejected("PARAM_INVALID", f"missing required field {name}")
    if not isinstance(value, str):
        raise Rejected("PARAM_INVALID", f"{name} must be a string")
    return value


def optional(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Rejected("PARAM_INVALID", f"{name} must be a string")
    return value


def cents(text: str, name: str, *, allow_zero: bool = False) -> int:
    pattern = NON_NEGATIVE_RE if allow_zero else POSITIVE_RE
    if not pattern.fullmatch(text):
        kind = "a non-negative" if allow_zero else "a positive"
        raise Rejected("PARAM_INVALID", f"{name} must be {kind} integer number of cents")
    return int(text)


def biz_type(data: Mapping[str, Any]) -> Wallet:
    text = require(data, "biz_type")
    try:
        return Wallet(text)
    except ValueError:
        raise Rejected("PARAM_INVALID", f"unknown biz_type {text[:20]!r}") from None


def wire_time(moment: datetime | None) -> str:
    return moment.astimezone(BEIJING).strftime("%Y%m%d%H%M%S") if moment else ""


def verify_request(body: bytes | str, merchant_id: str, sign_key: str,
                   reading: Reading) -> Request:
    """The request in ``body`` if it is one this merchant's gateway would take, else
    ``Rejected`` with what OTT Pay answers."""
    try:
        envelope = body_object(body)
    except EnvelopeError as exc:
        raise Rejected("PARAM_INVALID", f"invalid request: {exc}") from None
    sender = envelope.get("merchant_id")
    if not isinstance(sender, str) or not sender:
        raise Rejected("PARAM_INVALID", "invalid request: missing merchant_id")
    if sender != merchant_id:
        raise Rejected("PARAM_INVALID", "unknown merchant_id")
    try:
        request = read_request(body, sign_key)
    except Tampered as exc:
        raise Rejected("PARAM_INVALID", f"md5 verification failed: {exc}") from None
    except EnvelopeError as exc:
        raise Rejected("PARAM_INVALID", f"invalid request: {exc}") from None
    expected = ACTION_VERSIONS.get(request.action, PROTOCOL_VERSION)
    if request.action == "MAPPPAY" and reading.mapppay_as_example and \
            request.version == PROTOCOL_VERSION:
        expected = PROTOCOL_VERSION  # seed 003's example sends "1.0"
    if request.version != expected:
        hint = (f" for {request.action} (expected {expected!r})"
                if request.action in ACTION_VERSIONS else "")
        raise Rejected("PARAM_INVALID", f"unsupported version {request.version[:10]!r}{hint}")
    return request


def shaped(data: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
    """Answer or callback data as the reading writes it (amounts as numbers, or strings)."""
    if not reading.numbers:
        return dict(data)
    return {k: int(v) if k in AMOUNT_FIELDS and isinstance(v, str) and v.isdigit() else v
            for k, v in data.items()}


def payment_data(order: OrderSnapshot) -> dict[str, str]:
    paid = order.status in PAID
    total = order.amount_cents + order.tip_cents
    data = {
        "order_id": order.order_id,
        "order_status": order.status.value,
        "trade_time": wire_time(order.paid_at or order.created_at),
        "buyer_login_id": BUYER.get(order.biz_type, "") if paid and order.biz_type else "",
        "total_amount": str(order.amount_cents),
        "receive_amount": str(total),
        "pay_amount": str(total),
        "tip": str(order.tip_cents),
        "bizpay_order_id": order.bizpay_order_id,
    }
    if order.refunded_cents:
        data["refund_fee"] = str(order.refunded_cents)
    return data

def refund_data(refund: OrderSnapshot) -> dict[str, str]:
    amount = str(refund.amount_cents)
    return {
        "order_id": refund.order_id,
        "ori_order_id": refund.ori_order_id,
        "order_status": refund.status.value,
        "trade_time": wire_time(refund.paid_at),
        "total_amount": amount,
        "receive_amount": amount,
        "pay_amount": amount,
        "refund_amt": amount,
        "refund_fee": amount,
        "bizpay_order_id": refund.bizpay_order_id,
    }
