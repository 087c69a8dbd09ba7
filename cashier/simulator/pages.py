"""The simulator's HTML pages: the demo-code index, the customer's pay page behind a QR, and
the Alipay page a payment link (``wapPay``) opens."""

from __future__ import annotations

from html import escape

from cashier.money import format_cents
from cashier.ottpay.codes import OrderStatus
from cashier.simulator.orders import OrderSnapshot
from cashier.simulator.scenarios import Scenario, demo_code
from cashier.wallets import Wallet

_STYLE = (
    "body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
    "code{font-size:1.1em}button{font-size:1.4em;padding:.4em 2em}"
)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def index_page(url: str, merchant_id: str) -> str:
    """GET /: the endpoint and every demo code (sign key deliberately not shown)."""
    rows = "".join(
        f"<tr><td><code>{demo_code(s, Wallet.WECHATPAY)}</code></td>"
        f"<td><code>{demo_code(s, Wallet.ALIPAY)}</code></td>"
        f"<td><code>{demo_code(s, Wallet.UNIONPAY)}</code></td>"
        f"<td>{escape(s.description)}</td></tr>"
        for s in Scenario
    )
    body = (
        f"<p>Endpoint: <code>{escape(url)}</code> (also <code>/process</code>)<br>"
        f"Merchant id: <code>{escape(merchant_id)}</code></p>"
        "<p>Scan (or type) one of these payment codes; the last four digits choose the outcome.</p>"
        "<table><tr><th>WeChat Pay</th><th>Alipay</th><th>UnionPay</th><th>outcome</th></tr>"
        f"{rows}</table>"
        "<p>QR (ACTIVEPAY) orders open a pay page at <code>/pay/&lt;order_id&gt;</code>; "
        "Alipay payment links open <code>/wapPay?merCode=...</code>.</p>"
    )
    return _page("OTT Pay simulator", body)


def pay_page(order: OrderSnapshot, message: str = "") -> str:
    """GET/POST /pay/<order_id>: the amount, the status and a Pay button while payable."""
    wallet = order.biz_type.label if order.biz_type else ""
    total = order.amount_cents + order.tip_cents
    tip = f" (tip {format_cents(order.tip_cents)})" if order.tip_cents else ""
    body = (
        f"<p>Order <code>{escape(order.order_id)}</code> &middot; {escape(wallet)}</p>"
        f"<p style=\"font-size:2em\" id=\"amount\">{format_cents(total)}{escape(tip)}</p>"
        f"<p>Status: <strong id=\"status\">{escape(order.status.value)}</strong></p>"
    )
    if message:
        body += f"<p id=\"message\">{escape(message)}</p>"
    if order.action in ("ACTIVEPAY", "MAPPPAY") and order.status is OrderStatus.NOTPAY:
        body += (
            f"<form method=\"post\" action=\"/pay/{escape(order.order_id)}\">"
            "<button type=\"submit\">Pay</button></form>"
        )
    return _page("Pay", body)


def wappay_page(order: OrderSnapshot, message: str = "") -> str:
    """GET /wapPay: the link's amount and a Pay button (POST /wapPay/pay) while payable."""
    body = (
        f"<p>Order <code>{escape(order.order_id)}</code> &middot; Alipay</p>"
        f"<p style=\"font-size:2em\" id=\"amount\">{format_cents(order.amount_cents)}</p>"
        f"<p>Status: <strong id=\"status\">{escape(order.status.value)}</strong></p>"
    )
    if message:
        body += f"<p id=\"message\">{escape(message)}</p>"
    if order.status is OrderStatus.NOTPAY:
        body += (
            "<form method=\"post\" action=\"/wapPay/pay\">"
            f"<input type=\"hidden\" name=\"order_id\" value=\"{escape(order.order_id)}\">"
            "<button type=\"submit\">Pay</button></form>"
        )
    return _page("Alipay", body)


def wappay_return_page(fields: dict[str, str]) -> str:
    """GET /wapPay/return: the demo merchant page a paid link's browser lands on."""
    rows = "".join(
        f"<tr><td>{escape(k)}</td><td><code>{escape(v[:80])}</code></td></tr>"
        for k, v in fields.items() if k != "sign"
    )
    body = (
        "<p id=\"message\">Thank you. The shop confirms the payment with OTT Pay; "
        "you can close this page.</p>"
        f"<table>{rows}</table>"
    )
    return _page("Payment submitted", body)


def message_page(title: str, message: str) -> str:
    return _page(title, f"<p id=\"message\">{escape(message)}</p>")
