"""Fixtures for the simulator tests: a running simulator, an HTTP session and a request helper."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import requests

from cashier.ottpay.envelope import Response, build_request, parse_response
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator

FAST = {
    "confirm_after_queries": 2,
    "close_after_queries": 3,
    "slow_response_seconds": 0.3,
    "callback_retries": 3,
    "callback_retry_interval": 0.05,
}


@pytest.fixture
def sim(request) -> Iterator[Simulator]:
    """A simulator; ``@pytest.mark.parametrize("sim", [PROFILE], indirect=True)`` picks a
    profile other than ``demo``."""
    with Simulator(**FAST, profile=getattr(request, "param", "demo")) as running:
        yield running


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # loopback only, never through a proxy from the environment
        yield session


class Gateway:
    """Talks to a simulator over real HTTP with the shared envelope code (not the client)."""

    def __init__(self, sim: Simulator, http: requests.Session) -> None:
        self.sim, self.http = sim, http

    def post(self, action: str, data: Mapping[str, Any], *, path: str = "/processV2",
             sign_key: str = DEMO_SIGN_KEY, merchant_id: str = DEMO_MERCHANT_ID,
             timeout: float = 5.0) -> requests.Response:
        envelope = build_request(action, merchant_id, data, sign_key)
        return self.http.post(self.sim.base_url + path, json=envelope, timeout=timeout)

    def call(self, action: str, data: Mapping[str, Any], **kwargs: Any) -> Response:
        reply = self.post(action, data, **kwargs)
        assert reply.status_code == 200
        assert reply.headers["Content-Type"].startswith("application/json")
        return parse_response(reply.content, DEMO_SIGN_KEY)

    def pay(self, order_id: str, auth_code: str, amount: int = 1234, tip: int = 0,
            biz_type: str = "WECHATPAY") -> Response:
        return self.call("PASSIVEPAY", {
            "operator_id": "0000020156", "amount": str(amount), "tip": str(tip),
            "auth_code": auth_code, "biz_type": biz_type, "order_id": order_id,
        })

    def query(self, order_id: str) -> Response:
        return self.call("STATUS_QUERY", {"order_id": order_id})

    def refund(self, ori_order_id: str, amount: int, order_id: str) -> Response:
        return self.call("REFUND", {
            "ori_order_id": ori_order_id, "refund_amt": str(amount), "order_id": order_id,
        })


@pytest.fixture
def gw(sim: Simulator, http: requests.Session) -> Gateway:
    return Gateway(sim, http)
