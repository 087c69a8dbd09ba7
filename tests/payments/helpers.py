"""Small helpers for engine tests: wait for a condition, sign a callback as the gateway would."""

from __future__ import annotations

import time
from collections.abc import Callable

import requests

from cashier.ottpay.envelope import build_callback
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY


def wait_until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def post_callback(url: str, order_id: str, amount: int, tip: int = 0, *,
                  merchant_id: str = DEMO_MERCHANT_ID) -> int:
    """POST a callback signed with the demo key (the test plays the gateway); the HTTP status."""
    data = {
        "order_id": order_id, "amount": str(amount), "tip": str(tip),
        "bizpay_order_id": "WX999", "merchant_id": merchant_id,
        "finish_time": "2026-11-23 23:22:09", "order_status": "success",
    }
    envelope = build_callback("SUCCESS", "success", merchant_id, data, DEMO_SIGN_KEY)
    session = requests.Session()
    session.trust_env = False
    with session:
        return session.post(url, json=envelope, timeout=5).status_code
