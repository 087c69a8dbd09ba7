"""Alipay mobile-browser payment links (OTT Pay ``wapPay``) and the browser's return URL.

A link is a plain GET URL the customer opens on a phone; OTT Pay's page then runs Alipay:

    https://mppay.ottpay.com/wapPay?merCode=..&merchantId=..&orderId=..&operId=..&amount=..
        &returnURL=<base64>&notifyURL=<base64>

``amount`` is integer cents; ``returnURL`` (where the browser goes after paying) and
``notifyURL`` (where OTT Pay POSTs the usual signed callback) are standard base64; the whole
query is URL-encoded. There is no tip field: a tip is part of ``amount``.

``merCode`` is the merchant payment key, a second secret next to the sign key. The link has to
carry it (that is OTT Pay's design: the link *is* the request), so whoever receives the link sees
it; the terminal still never writes it to a log (``WapPayLink.redacted_url``) and its ``repr``
hides it.

The return URL (``total_fee`` in dollars, ``trade_no``, ``out_trade_no``, ``trade_status``,
``currency``, ``sign``, ``sign_type``) names the order by ids whose meaning the documents leave
open: seed 002's example gives ``out_trade_no=AL…`` (OTT Pay's order number, our
``bizpay_order_id``) and ``trade_no=2020…`` (Alipay's own); other setups put our order id in
``out_trade_no``. ``WapPayReturn.ids`` holds them all, to match a sale by any. It is **never
proof of payment**: ``sign`` is an RSA signature
under a key OTT Pay does not publish, so it cannot be verified, and anyone can type such a URL.
``parse_wappay_return`` reads it for information only; a caller that gets one asks the gateway
(STATUS_QUERY) and trusts that answer, or a verified notify callback, only.

Pure functions: no I/O.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

from cashier.money import DEFAULT_MAX_CENTS, check_cents
from cashier.weburl import url_refusal

#: OTT Pay's production page for Alipay mobile-browser payments.
DEFAULT_WAPPAY_URL = "https://mppay.ottpay.com/wapPay"

#: ``trade_status`` values Alipay uses for a finished payment (still only a claim, see above).
FINISHED_TRADE_STATUSES = frozenset({"TRADE_FINISHED", "TRADE_SUCCESS"})

_ORDER_ID_RE = re.compile(r"[A-Za-z0-9]{1,32}")
_MERCHANT_ID_RE = re.compile(r"[A-Za-z]{2}\d{8}")
_OPERATOR_ID_RE = re.compile(r"\d{10}")
_DOLLARS_RE = re.compile(r"(?P<units>\d{1,10})(?:\.(?P<frac>\d{1,2}))?")
_REDACTED = "********"


class WapPayLinkError(ValueError):
    """A payment link cannot be built from these settings; the message says what to fix."""


class WapPayReturnError(ValueError):
    """A return URL that cannot even be read (no order number, an amount that is not money)."""


@dataclass(frozen=True)
class WapPayLink:
    """A built link. ``url`` holds the merchant payment key: show it to the customer, never log
    it (log ``redacted_url``)."""

    url: str = field(repr=False)
    order_id: str
    amount_cents: int
    return_url: str
    notify_url: str

    @property
    def redacted_url(self) -> str:
        """The link with ``merCode`` replaced by asterisks, for logs and journals."""
        parts = urlsplit(self.url)
        query = re.sub(r"(^|&)merCode=[^&]*", rf"\1merCode={_REDACTED}", parts.query)
        return parts._replace(query=query).geturl()


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def decode_link_url(value: str, name: str) -> str:
    """A base64 ``returnURL``/``notifyURL`` value back to text; ``ValueError`` if it is not."""
    compact = "".join(value.split()).replace("-", "+").replace("_", "/")  # URL-safe too
    compact += "=" * (-len(compact) % 4)  # some senders drop the padding
    try:
        return base64.b64decode(compact, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValueError(f"{name} is not base64-encoded text") from None


def check_link_url(url: str, name: str) -> str:
    """``url`` if it is https, or http on this computer (loopback, for demo mode); else raise."""
    if not isinstance(url, str) or not url.strip():
        raise WapPayLinkError(f"a payment link needs a {name}")
    text = url.strip()
    refusal = url_refusal(text, f"the {name}")
    if refusal is not None:
        raise WapPayLinkError(refusal)
    return text


def build_wappay_link(
    *,
    merchant_payment_key: str | None,
    merchant_id: str,
    order_id: str,
    operator_id: str,
    amount_cents: int,
    return_url: str,
    notify_url: str,
    base_url: str = DEFAULT_WAPPAY_URL,
    max_cents: int = DEFAULT_MAX_CENTS,
) -> WapPayLink:
    """The ``wapPay`` link for one order (``amount_cents`` includes any tip).

    Raises ``WapPayLinkError`` for a missing merchant payment key, a return or notify URL that is
    not https (loopback excepted), a bad merchant/operator/order id or base URL, and
    ``AmountError`` for an amount that is not positive whole cents.
    """
    if not isinstance(merchant_payment_key, str) or not merchant_payment_key.strip():
        raise WapPayLinkError(
            "a payment link needs the merchant payment key (merCode): set "
            "[ottpay] merchant_payment_key to the code from OTT Pay's welcome email"
        )
    key = merchant_payment_key.strip()
    if not isinstance(merchant_id, str) or not _MERCHANT_ID_RE.fullmatch(merchant_id):
        raise WapPayLinkError(
            f"{merchant_id!r} is not a merchant id (two letters and eight digits)"
        )
    if not isinstance(order_id, str) or not _ORDER_ID_RE.fullmatch(order_id):
        raise WapPayLinkError(f"order id {order_id!r} must be 1-32 letters and digits")
    if not isinstance(operator_id, str) or not _OPERATOR_ID_RE.fullmatch(operator_id):
        raise WapPayLinkError(
            "a payment link needs the operator id (10 digits, like 0000020156): set "
            "[ottpay] operator_id"
        )
    check_cents(amount_cents, max_cents=max_cents)
    return_url = check_link_url(return_url, "return URL")
    notify_url = check_link_url(notify_url, "notify URL")
    base = check_link_url(base_url, "payment page address")
    if urlsplit(base).query or urlsplit(base).fragment:
        raise WapPayLinkError(f"the payment page address {base!r} must not have a query")
    query = urlencode({
        "merCode": key,
        "merchantId": merchant_id,
        "orderId": order_id,
        "operId": operator_id,
        "amount": str(amount_cents),
        "returnURL": _b64(return_url),
        "notifyURL": _b64(notify_url),
    })
    return WapPayLink(
        url=f"{base.rstrip('?')}?{query}", order_id=order_id, amount_cents=amount_cents,
        return_url=return_url, notify_url=notify_url,
    )


def dollars_to_cents(text: str) -> int:
    """``"12.3"`` -> ``1230``: a decimal dollar string to cents, with integer math only."""
    found = _DOLLARS_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    if found is None:
        raise WapPayReturnError(f"total_fee {text!r} is not an amount like 12.34")
    return int(found.group("units")) * 100 + int((found.group("frac") or "").ljust(2, "0"))


@dataclass(frozen=True)
class WapPayReturn:
    """What the customer's browser brought back from Alipay. Information only, never proof.

    ``sign`` is RSA under a key OTT Pay does not publish, and the URL passes through the
    customer's browser, so every field here may be invented. ``claims_paid`` says what the URL
    claims; ``proves_payment`` is always ``False``: ask the gateway (STATUS_QUERY).
    """

    proves_payment: ClassVar[bool] = False

    out_trade_no: str          # OTT Pay's order number (seed 002), or our order id
    total_cents: int | None
    trade_no: str | None
    trade_status: str | None
    currency: str | None
    sign_type: str | None
    sign: str | None = field(default=None, repr=False)
    raw: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def order_id(self) -> str:
        """The id the return names first (``out_trade_no``), for logs; match with ``ids``."""
        return self.out_trade_no

    @property
    def ids(self) -> tuple[str, ...]:
        """Every id the return names (``out_trade_no``, then ``trade_no``): any may be ours,
        the gateway's order number or Alipay's trade number."""
        return tuple(dict.fromkeys(i for i in (self.out_trade_no, self.trade_no) if i))

    @property
    def claims_paid(self) -> bool:
        """The URL says the trade finished (unverifiable: query before believing it)."""
        return (self.trade_status or "").upper() in FINISHED_TRADE_STATUSES


def parse_wappay_return(url_or_query: str) -> WapPayReturn:
    """Read a return URL (or just its query string). ``WapPayReturnError`` if it names no order
    or its ``total_fee`` is not money; other fields are taken as they are."""
    text = url_or_query.strip() if isinstance(url_or_query, str) else ""
    query = urlsplit(text).query if "?" in text or "://" in text else text.lstrip("?")
    values = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    order_id = values.get("out_trade_no", "").strip()
    if not order_id:
        raise WapPayReturnError("the return URL names no order (out_trade_no)")
    fee = values.get("total_fee", "").strip()

    def optional(name: str) -> str | None:
        return values.get(name, "").strip() or None

    return WapPayReturn(
        out_trade_no=order_id,
        total_cents=dollars_to_cents(fee) if fee else None,
        trade_no=optional("trade_no"),
        trade_status=optional("trade_status"),
        currency=optional("currency"),
        sign_type=optional("sign_type"),
        sign=optional("sign"),
        raw=values,
    )


def wappay_return_query(
    *, order_id: str, total_cents: int, trade_no: str, trade_status: str, currency: str,
    sign: str, sign_type: str = "RSA",
) -> str:
    """The query string a return URL carries, our order id in ``out_trade_no`` (tests forge
    returns with it)."""
    check_cents(total_cents, max_cents=10**12, allow_zero=True)
    units, cents = divmod(total_cents, 100)
    return urlencode({
        "total_fee": f"{units}.{cents:02d}",
        "trade_no": trade_no,
        "out_trade_no": order_id,
        "trade_status": trade_status,
        "currency": currency,
        "sign": sign,
        "sign_type": sign_type,
    })
