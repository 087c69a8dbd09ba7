"""The core flows, once per reading of the documents' open questions (``readings.PROFILES``).

OTT Pay has no sandbox: where its documents are silent, the real gateway may answer any way
they allow. Each test here runs against every simulator profile, through a fault proxy that
can lose an answer, and must end where the gateway is (the journal agrees with the simulator's
order book) with no payment or refund sent twice (counted where the gateway receives them).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from cashier.journal import Journal
from cashier.ottpay.callbacks import CallbackReceiver
from cashier.payments.engine import PaymentEngine
from cashier.payments.settings import PaymentSettings
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_MERCHANT_PAYMENT_KEY, DEMO_SIGN_KEY
from cashier.simulator.readings import PROFILES
from cashier.wallets import Wallet
from tests.faults.proxy import Drop

from .conftest import FAST, OPERATOR, WECHAT
from .helpers import wait_until

pytestmark = pytest.mark.parametrize("sim", list(PROFILES), indirect=True)


@pytest.fixture
def gateway_url(proxy) -> str:
    """The payments fixtures' client goes through the proxy (so an answer can be lost)."""
    return proxy.url


@pytest.fixture
def receiver(make_engine, sim) -> Iterator[tuple[PaymentEngine, CallbackReceiver]]:
    """An engine that only its callbacks (and link returns) can settle in time: polling is
    slow, so the flow proves the callback is read right under this profile."""
    holder: dict[str, PaymentEngine] = {}
    with CallbackReceiver(lambda note: holder["engine"].on_callback(note),
                          sign_key=DEMO_SIGN_KEY, merchant_id=DEMO_MERCHANT_ID,
                          on_return=lambda info: holder["engine"].on_link_return(info)) as rx:
        holder["engine"] = make_engine(
            poll_interval=30.0, callback_url=rx.url, link_return_url=rx.return_url,
            wappay_url=sim.wappay_url, merchant_payment_key=DEMO_MERCHANT_PAYMENT_KEY,
        )
        yield holder["engine"], rx


def sent(sim, action: str, order_id: str | None = None) -> int:
    """How many ``action`` requests the gateway received (for ``order_id``)."""
    return len(sim.requests(order_id, action))


def test_scan_pay_with_confirmation(engine, sim):
    sale = engine.pay_passive(1000, WECHAT + "1111", tip_cents=150)
    assert sale.state == "paid" and sim.order(sale.order_id).status.value == "success"
    assert sent(sim, "PASSIVEPAY") == 1


def test_scan_pay_whose_answer_is_lost(engine, sim, proxy):
    # Charged at the gateway; the answer never comes.
    proxy.on("PASSIVEPAY", Drop(answer=True), times=1)
    sale = engine.pay_passive(1000, WECHAT + "0000", tip_cents=150)
    assert sale.state == "paid" and sim.order(sale.order_id).status.value == "success"
    assert sent(sim, "PASSIVEPAY") == 1
    assert sent(sim, "STATUS_QUERY", sale.order_id) >= 1


def test_qr_pay_settled_by_its_callback(receiver, sim, journal):
    engine, rx = receiver
    handle = engine.start_active(880, Wallet.ALIPAY, tip_cents=120, callback_url=rx.url)
    handle.wait_code_url(5.0)
    sim.customer_pays(handle.order_id)
    assert sim.wait_for_callbacks(5.0)
    assert handle.wait(5.0).state == "paid"
    assert journal.events(handle.order_id)[-1].note == "callback: paid"  # not a query
    assert sim.order(handle.order_id).status.value == "success"
    assert sent(sim, "ACTIVEPAY") == 1


def test_link_pay_settled_by_its_notify_or_return(receiver, sim):
    engine, rx = receiver
    handle = engine.start_link(1500)
    with requests.Session() as browser:
        browser.trust_env = False
        assert browser.get(handle.link_url, timeout=5).status_code == 200
        paid = browser.post(sim.base_url + "/wapPay/pay", data={"order_id": handle.order_id},
                            allow_redirects=False, timeout=5)
        assert browser.get(paid.headers["Location"], timeout=5).status_code == 200
    assert sim.wait_for_callbacks(5.0)
    assert handle.wait(5.0).state == "paid"
    assert sim.order(handle.order_id).status.value == "success"


def test_partial_then_full_refund_whose_answer_is_lost(engine, sim, proxy, journal):
    sale = engine.pay_passive(1000, WECHAT + "0000", tip_cents=200)
    part = engine.refund(sale.order_id, 300)
    wait_until(lambda: journal.get_refund(part.refund_id).state == "succeeded")
    # Refunded at the gateway; the answer never comes.
    proxy.on("REFUND", Drop(answer=True), times=1)
    rest = engine.refund(sale.order_id)
    assert rest.amount_cents == 900
    wait_until(lambda: journal.get_refund(rest.refund_id).state == "succeeded")
    final = journal.require_sale(sale.order_id)
    order = sim.order(sale.order_id)
    assert (final.state, final.refunded_cents) == ("refunded", 1200)
    assert (order.status.value, order.refunded_cents) == ("fully_refunded", 1200)
    assert sent(sim, "REFUND") == 2 and sent(sim, "PASSIVEPAY") == 1


def test_recovery_of_a_sale_left_open_by_a_crash(sim, client, journal_path, recorder):
    order_id = "CRASH0000000000000000001"
    with Journal(journal_path) as crashed:  # the intent, then the terminal dies mid-request
        crashed.create_sale(order_id=order_id, mode="passive", wallet="WECHATPAY",
                            amount_cents=800, operator_id=OPERATOR, code_last4="1111")
    client.passive_pay(order_id=order_id, amount_cents=800, auth_code=WECHAT + "1111",
                       biz_type=Wallet.WECHATPAY)
    with Journal(journal_path) as journal:
        engine = PaymentEngine(client, journal, PaymentSettings(**FAST), listener=recorder,
                               wall_clock=time.time)
        try:
            [sale] = engine.recover(timeout=5.0)
        finally:
            engine.shutdown()
    assert sale.state == "paid" and sale.late
    assert sim.order(order_id).status.value == "success"
    assert sent(sim, "PASSIVEPAY") == 1
