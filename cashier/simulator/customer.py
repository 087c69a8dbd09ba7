"""The simulated customer: pays a QR, Mini-Program or payment-link order, and the gateway says so
in a signed callback to the merchant's ``call_back_url``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cashier.ottpay.codes import OrderStatus
from cashier.simulator.envelope import callback_envelope
from cashier.simulator.orders import BEIJING, OrderSnapshot
from cashier.simulator.readings import Reading
from cashier.simulator.wire import shaped


@dataclass(frozen=True)
class CallbackJob:
    """A signed callback to POST to ``url`` (``envelope`` is the JSON-ready body)."""

    order_id: str
    url: str
    envelope: dict[str, Any]


class CustomerPayError(ValueError):
    """The simulated customer cannot pay this order (unknown, not an ACTIVEPAY, not payable)."""


def paid_callback(order: OrderSnapshot, now: datetime, *, merchant_id: str, sign_key: str,
                  reading: Reading) -> CallbackJob:
    """The callback that tells the merchant ``order`` was paid at ``now``."""
    amount = order.amount_cents + (order.tip_cents if reading.callback_amount_includes_tip
                                   else 0)
    data: dict[str, Any] = {
        "order_id": order.order_id,
        "amount": str(amount),
        "tip": str(order.tip_cents),
        "bizpay_order_id": order.bizpay_order_id,
        "merchant_id": merchant_id,
        "finish_time": now.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
    }
    if not reading.seed_return_notify:  # the seed's notify documents no order_status
        data["order_status"] = OrderStatus.SUCCESS.value
    envelope = callback_envelope("SUCCESS", "success", merchant_id, shaped(data, reading),
                                 sign_key, reading.numbers or "plain")
    return CallbackJob(order_id=order.order_id, url=order.call_back_url, envelope=envelope)
