"""The engine's waits end within their limit plus one request, whatever the gateway does.

In-process, through a proxy that drips every answer one byte per 0.2 s (never tripping the 0.5 s
read timeout; a whole answer would take over a minute). Bounds are generous: they prove
"bounded", not "fast". Counts of PASSIVEPAY/REFUND are taken where the gateway sees them.
"""

from __future__ import annotations

import time

import pytest

from cashier.payments.states import RefundState
from tests.faults import Drip, FaultProxy

from .conftest import WECHAT

BOUND = 30.0


@pytest.fixture
def gateway_url(proxy: FaultProxy) -> str:
    return proxy.url


def test_a_passive_sale_wait_ends_unknown_and_the_payment_is_never_resent(make_engine, proxy):
    engine = make_engine(passive_timeout=1.0)
    proxy.on("*", Drip(interval=0.2))
    started = time.monotonic()
    sale = engine.start_passive(500, WECHAT + "0000").wait()  # the handle's own deadline
    assert time.monotonic() - started < BOUND
    assert sale.is_open  # unknown: checked later, never charged twice
    assert proxy.forwarded["PASSIVEPAY"] == 1


def test_a_refund_ends_within_its_limit_and_is_never_resent(make_engine, proxy):
    engine = make_engine(passive_timeout=1.0)
    sale = engine.pay_passive(500, WECHAT + "0000")
    proxy.on("*", Drip(interval=0.2))
    started = time.monotonic()
    refund = engine.refund(sale.order_id)
    assert time.monotonic() - started < BOUND
    assert RefundState(refund.state).is_open
    assert proxy.forwarded["REFUND"] == 1


def test_recovery_with_a_timeout_ends_whatever_the_gateway_does(make_engine, proxy, journal):
    for _ in range(3):  # three sales a crash left open
        journal.create_sale(order_id=f"OPEN{_}", mode="passive", wallet="WECHATPAY",
                            amount_cents=100, tip_cents=0, operator_id="0000020156")
    engine = make_engine()
    proxy.on("*", Drip(interval=0.2))
    started = time.monotonic()
    sales = engine.recover(timeout=1.0)
    assert time.monotonic() - started < BOUND
    assert len(sales) == 3 and all(sale.is_open for sale in sales)
    assert proxy.forwarded["PASSIVEPAY"] == 0 and proxy.forwarded["REFUND"] == 0
