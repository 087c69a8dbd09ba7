"""Payment links (``wapPay``) as the simulated gateway sees them: the link the customer opens is
checked as OTT Pay would, and after paying the browser is sent to the return URL with Alipay's
fields.

The order is created when the customer opens the link (so a STATUS_QUERY before that is "order
not found"), with ``biz_type`` ALIPAY and no tip.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from cashier.simulator.orders import BEIJING, OrderSnapshot
from cashier.simulator.readings import Reading
from cashier.simulator.wire import ORDER_ID_RE, POSITIVE_RE


class PaymentLinkError(ValueError):
    """A ``wapPay`` link the gateway refuses (wrong merCode or merchant, bad amount or URL)."""


@dataclass(frozen=True)
class PaymentLink:
    """What an opened link asks for, once checked."""

    order_id: str
    amount_cents: int
    return_url: str
    notify_url: str


def read_payment_link(params: Mapping[str, str], *, merchant_id: str,
                      merchant_payment_key: str) -> PaymentLink:
    """Check the query of a ``wapPay`` link. Raises ``PaymentLinkError`` for a link OTT Pay would
    refuse; the message never repeats the merCode."""
    def need(name: str) -> str:
        value = (params.get(name) or "").strip()
        if not value:
            raise PaymentLinkError(f"the link has no {name}")
        return value

    key = need("merCode")
    if not merchant_payment_key or key != merchant_payment_key:
        raise PaymentLinkError("merCode is not this merchant's payment key")
    if need("merchantId") != merchant_id:
        raise PaymentLinkError("unknown merchantId")
    order_id = need("orderId")
    if not ORDER_ID_RE.fullmatch(order_id):
        raise PaymentLinkError("orderId must be 1-32 letters or digits")
    if not re.fullmatch(r"\d{10}", need("operId")):
        raise PaymentLinkError("operId must be 10 digits")
    amount_text = need("amount")
    if not POSITIVE_RE.fullmatch(amount_text):
        raise PaymentLinkError("amount must be a positive integer number of cents")
    urls = {}
    for name in ("returnURL", "notifyURL"):
        try:
            urls[name] = _decode_link_url(need(name))
        except ValueError:
            raise PaymentLinkError(f"{name} is not base64-encoded text") from None
        if not re.match(r"https?://[^\s/]+", urls[name]):
            raise PaymentLinkError(f"{name} is not an http(s) URL once decoded")
    return PaymentLink(order_id, int(amount_text), urls["returnURL"], urls["notifyURL"])


def return_location(order: OrderSnapshot, *, currency: str, reading: Reading) -> str:
    """Where the browser goes after paying a link: ``return_url`` plus Alipay's fields.

    ``sign`` is a stand-in for Alipay's RSA signature: like the real one, nothing the
    terminal holds can verify it. By default ``out_trade_no`` is our order id and
    ``trade_no`` the gateway's order number; under ``Reading.seed_return_notify`` they are
    as in seed 002's example: ``out_trade_no`` the gateway's order number (``AL…``) and
    ``trade_no`` Alipay's own (28 digits), in the example's order.
    """
    status = "TRADE_FINISHED" if order.is_paid else "WAIT_BUYER_PAY"
    total = order.amount_cents + order.tip_cents
    fake_rsa = hashlib.sha256(f"{order.order_id}{order.bizpay_order_id}{total}".encode())
    sign = base64.b64encode(fake_rsa.digest() * 8).decode("ascii")
    fee = f"{total // 100}.{total % 100:02d}"
    if reading.seed_return_notify:
        fields = {"currency": currency, "out_trade_no": order.bizpay_order_id,
                  "total_fee": fee, "trade_no": _alipay_trade_no(order),
                  "trade_status": status, "sign": sign, "sign_type": "RSA"}
    else:
        fields = {"total_fee": fee, "trade_no": order.bizpay_order_id,
                  "out_trade_no": order.order_id, "trade_status": status,
                  "currency": currency, "sign": sign, "sign_type": "RSA"}
    separator = "&" if "?" in order.return_url else "?"
    return f"{order.return_url}{separator}{urlencode(fields)}"


def _alipay_trade_no(order: OrderSnapshot) -> str:
    """A stable Alipay-style trade number (date, ``22001``, 15 digits) for an order."""
    day = (order.paid_at or order.created_at or datetime(2020, 1, 1, tzinfo=BEIJING))
    digits = int(hashlib.sha256(order.order_id.encode()).hexdigest(), 16) % 10**15
    return f"{day.astimezone(BEIJING):%Y%m%d}22001{digits:015d}"


def _decode_link_url(value: str) -> str:
    """A ``returnURL``/``notifyURL`` value: standard or URL-safe base64, padding optional."""
    compact = "".join(value.split()).replace("-", "+").replace("_", "/")
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError("not base64 text") from None
