"""The simulated gateway's orders: what it holds about each one, and when an unpaid one expires.

The ``Gateway`` keeps them in a dict under its lock; everything here is plain data and pure
functions of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from cashier.ottpay.codes import OrderStatus
from cashier.simulator.scenarios import Scenario
from cashier.wallets import Wallet

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

#: How long an unpaid QR or payment-link order stays payable by default (WeChat Pay's QR default).
DEFAULT_UNPAID_LIFETIME_SECONDS = 7200.0

PAID = (OrderStatus.SUCCESS, OrderStatus.PARTIAL_REFUNDED, OrderStatus.FULLY_REFUNDED)
#: Orders the simulated customer pays on a page (QR, Mini-Program, payment link).
CUSTOMER_PAID_ACTIONS = ("ACTIVEPAY", "MAPPPAY", "WAPPAY")


@dataclass(frozen=True)
class OrderSnapshot:
    """A copy of one order as the gateway holds it (for tests and the pay page)."""

    order_id: str
    action: str                      # PASSIVEPAY, ACTIVEPAY, MAPPPAY, WAPPAY or REFUND
    amount_cents: int                # for a refund: the refunded amount
    tip_cents: int
    biz_type: Wallet | None
    status: OrderStatus
    refunded_cents: int = 0
    bizpay_order_id: str = ""
    scenario: Scenario | None = None
    queries: int = 0                 # STATUS_QUERYs answered for this order
    auth_code: str = ""
    call_back_url: str = ""
    code_url: str = ""
    ori_order_id: str = ""           # refunds: the payment refunded
    refund_ids: tuple[str, ...] = ()  # payments: their refunds, in order
    created_at: datetime | None = None
    paid_at: datetime | None = None
    return_url: str = ""             # payment links: where the browser goes after paying

    @property
    def is_paid(self) -> bool:
        return self.action != "REFUND" and self.status in PAID

    @property
    def refundable_cents(self) -> int:
        return self.amount_cents + self.tip_cents - self.refunded_cents if self.is_paid else 0


def expired(order: OrderSnapshot, now: datetime, *, qr_lifetime: float | None,
            link_lifetime: float | None) -> OrderSnapshot:
    """``order`` closed if it is an unpaid customer-paid order past its lifetime (``None``:
    never expires)."""
    lifetime = link_lifetime if order.action == "WAPPAY" else qr_lifetime
    if order.status is not OrderStatus.NOTPAY or lifetime is None or order.created_at is None:
        return order
    if now - order.created_at < timedelta(seconds=lifetime):
        return order
    return replace(order, status=OrderStatus.ORDERCLOSED)
