"""The active (QR) flow against the real simulator, with a real callback receiver."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from cashier.ottpay.callbacks import CallbackReceiver, PaymentNotification
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY
from cashier.wallets import Wallet

from .helpers import post_callback, wait_until


@pytest.fixture
def receiver(engine) -> Iterator[CallbackReceiver]:
    with CallbackReceiver(engine.on_callback, sign_key=DEMO_SIGN_KEY,
                          merchant_id=DEMO_MERCHANT_ID) as rx:
        yield rx


def _paid_transitions(journal, order_id: str) -> int:
    return sum(e.to_state == "paid" for e in journal.events(order_id))


def test_qr_paid_by_callback(make_engine, sim, journal, recorder):
    # Polling is slow here, so only the callback can settle the sale within the test.
    engine = make_engine(poll_interval=30.0)
    with CallbackReceiver(engine.on_callback, sign_key=DEMO_SIGN_KEY,
                          merchant_id=DEMO_MERCHANT_ID) as rx:
        handle = engine.start_active(880, Wallet.ALIPAY, tip_cents=20, callback_url=rx.url)
        url = handle.wait_code_url(5.0)
        assert url == f"{sim.base_url}/pay/{handle.order_id}"
        assert handle.sale.code_url == url and handle.sale.state == "pending"
        sim.customer_pays(handle.order_id)
        sale = handle.wait(5.0)
        assert sim.wait_for_callbacks(5.0)
    assert sale.state == "paid" and sale.bizpay_order_id
    assert sim.requests(handle.order_id, "STATUS_QUERY") == []
    assert len(sim.requests(handle.order_id, "ACTIVEPAY")) == 1
    assert "callback" in journal.events(handle.order_id)[-1].note
    assert recorder.states(handle.order_id)[-1] == "paid"


def test_qr_paid_by_polling_when_callbacks_cannot_reach_us(engine, sim, journal):
    handle = engine.start_active(880, "wechat", callback_url="http://127.0.0.1:9/none")
    handle.wait_code_url(5.0)
    sim.customer_pays(handle.order_id)
    sale = handle.wait(5.0)
    assert sale.state == "paid"
    assert sim.wait_for_callbacks(5.0)


def test_callback_and_poll_racing_settle_once(make_engine, sim, journal, recorder):
    engine = make_engine(poll_interval=0.001)
    with CallbackReceiver(engine.on_callback, sign_key=DEMO_SIGN_KEY,
                          merchant_id=DEMO_MERCHANT_ID) as rx:
        handles = [engine.start_active(100 + i, Wallet.WECHATPAY, callback_url=rx.url)
                   for i in range(6)]
        for handle in handles:
            handle.wait_code_url(5.0)
            sim.customer_pays(handle.order_id)
        sales = [handle.wait(5.0) for handle in handles]
        assert sim.wait_for_callbacks(5.0)
        assert engine.wait_idle(5.0)
    for sale in sales:
        assert sale.state == "paid"
        assert _paid_transitions(journal, sale.order_id) == 1
        assert recorder.states(sale.order_id).count("paid") == 1


def test_duplicate_and_replayed_callbacks_change_nothing(engine, sim, journal, receiver, recorder):
    handle = engine.start_active(450, Wallet.WECHATPAY, callback_url=receiver.url)
    handle.wait_code_url(5.0)
    sim.customer_pays(handle.order_id)
    handle.wait(5.0)
    assert sim.wait_for_callbacks(5.0)
    events_before = journal.events(handle.order_id)
    for _ in range(3):
        assert post_callback(receiver.url, handle.order_id, 450) == 200
    assert journal.events(handle.order_id) == events_before
    assert _paid_transitions(journal, handle.order_id) == 1
    # Replayed after a refund: still nothing (the sale is not open).
    engine.refund(handle.order_id, 100)
    assert post_callback(receiver.url, handle.order_id, 450) == 200
    assert journal.require_sale(handle.order_id).state == "partially_refunded"


def test_callback_for_unknown_order_is_ignored_and_logged(engine, receiver, journal, caplog):
    with caplog.at_level(logging.WARNING, logger="cashier.payments"):
        assert post_callback(receiver.url, "NOSUCHORDER1", 100) == 200
    assert "unknown order NOSUCHORDER1 ignored" in caplog.text
    assert journal.get_sale("NOSUCHORDER1") is None


def test_callback_with_wrong_amount_is_ignored_and_logged(make_engine, sim, journal, caplog):
    engine = make_engine(poll_interval=30.0)
    with CallbackReceiver(engine.on_callback, sign_key=DEMO_SIGN_KEY,
                          merchant_id=DEMO_MERCHANT_ID) as rx:
        handle = engine.start_active(450, Wallet.WECHATPAY, tip_cents=50, callback_url=rx.url)
        handle.wait_code_url(5.0)
        with caplog.at_level(logging.WARNING, logger="cashier.payments"):
            assert post_callback(rx.url, handle.order_id, 1, tip=50) == 200
            assert post_callback(rx.url, handle.order_id, 450, tip=0) == 200
        assert journal.require_sale(handle.order_id).state == "pending"
        assert "has amount 1 + tip 50 cents, the sale is 450 + 50: ignored" in caplog.text
        assert "has amount 450 + tip 0 cents" in caplog.text
        # Instead of believing it, the terminal asks the gateway (polling alone is 30 s here).
        wait_until(lambda: sim.requests(handle.order_id, "STATUS_QUERY"))
        handle.cancel()


@pytest.mark.parametrize(("amount", "tip"), [(450, 50), (500, 0), (500, 50)])
def test_callback_amount_read_with_or_without_the_tip_included(make_engine, sim, journal,
                                                               amount, tip):
    engine = make_engine(poll_interval=30.0)
    with CallbackReceiver(engine.on_callback, sign_key=DEMO_SIGN_KEY,
                          merchant_id=DEMO_MERCHANT_ID) as rx:
        handle = engine.start_active(450, Wallet.WECHATPAY, tip_cents=50, callback_url=rx.url)
        handle.wait_code_url(5.0)
        assert post_callback(rx.url, handle.order_id, amount, tip=tip) == 200
        assert handle.wait(5.0).state == "paid"
    assert sim.requests(handle.order_id, "STATUS_QUERY") == []


def test_callback_naming_another_merchant_is_ignored(make_engine, journal, caplog):
    engine = make_engine(poll_interval=30.0)
    handle = engine.start_active(300, Wallet.ALIPAY, callback_url="http://127.0.0.1:9/x")
    handle.wait_code_url(5.0)
    note = PaymentNotification(order_id=handle.order_id, amount_cents=300, tip_cents=0,
                               bizpay_order_id=None, finish_time=None, rsp_code="SUCCESS",
                               order_status=None, raw={"merchant_id": "ON00004652"})
    with caplog.at_level(logging.WARNING, logger="cashier.payments"):
        engine.on_callback(note)
    assert "names merchant 'ON00004652', not ours" in caplog.text
    assert journal.require_sale(handle.order_id).state == "pending"
    handle.cancel()


def test_qr_without_callback_url_is_refused_before_anything(engine, sim, journal):
    with pytest.raises(ValueError, match="callback URL"):
        engine.start_active(300, Wallet.ALIPAY)
    with pytest.raises(ValueError, match="Unknown wallet"):
        engine.start_active(300, "paypal", callback_url="http://127.0.0.1:9/x")
    assert sim.requests() == [] and journal.history() == []


def test_qr_wait_expires_then_resolver_keeps_checking(make_engine, sim, journal, recorder):
    engine = make_engine(active_timeout=0.1)
    handle = engine.start_active(300, Wallet.ALIPAY, callback_url="http://127.0.0.1:9/x")
    sale = handle.wait(5.0)
    assert sale.state == "pending" and sale.abandoned and handle.done
    wait_until(lambda: handle.order_id in {k.split(":")[1] for k in engine.resolver.watching()})
    sim.customer_pays(handle.order_id)
    wait_until(lambda: journal.require_sale(handle.order_id).state == "paid")
    assert journal.require_sale(handle.order_id).late
    wait_until(recorder.late)  # emitted just after the commit
    assert recorder.late() == [handle.order_id]
    assert sim.wait_for_callbacks(5.0)


def test_unionpay_qr_is_refused_before_anything_unless_enabled(make_engine, sim, journal):
    engine = make_engine()
    with pytest.raises(ValueError, match=r"UnionPay QR payments are off .*unionpay_qr = true"):
        engine.start_active(500, Wallet.UNIONPAY, callback_url="http://127.0.0.1:9/none")
    assert journal.open_sales() == [] and sim.requests() == []
    scanned = engine.pay_passive(500, "6212345678901230000")  # scanned UnionPay: unchanged
    assert (scanned.state, scanned.wallet) == ("paid", "UNIONPAY")


def test_unionpay_qr_is_shown_when_the_setting_enables_it(make_engine, sim):
    engine = make_engine(unionpay_qr=True)
    handle = engine.start_active(500, Wallet.UNIONPAY, callback_url="http://127.0.0.1:9/none")
    assert handle.wait_code_url(5.0) == f"{sim.base_url}/pay/{handle.order_id}"
    assert sim.requests(handle.order_id, "ACTIVEPAY")[0].data["biz_type"] == "UNIONPAY"
    handle.cancel()
