"""Cancel and late payments: the cashier gives up, the resolver keeps asking, late ones flagged."""

from __future__ import annotations

import pytest

from cashier.payments.errors import PaymentError
from cashier.wallets import Wallet

from .conftest import WECHAT
from .helpers import wait_until


def _start_slow_sale_and_cancel(engine, sim):
    # 4444: the gateway charges at once but answers after 1 s; cancel while the request is out.
    handle = engine.start_passive(900, WECHAT + "4444", tip_cents=100)
    wait_until(lambda: sim.requests(handle.order_id, "PASSIVEPAY"))
    sale = handle.cancel()
    assert sale.state in ("pending", "unknown") and sale.abandoned
    assert handle.done and handle.wait(0).order_id == handle.order_id
    return handle


def test_late_payment_after_cancel_is_flagged_until_resolved(engine, sim, journal, recorder):
    handle = _start_slow_sale_and_cancel(engine, sim)
    wait_until(lambda: journal.require_sale(handle.order_id).state == "paid")
    sale = journal.require_sale(handle.order_id)
    assert sale.late and sale.late_resolution is None
    wait_until(recorder.late)  # emitted just after the commit
    assert recorder.late() == [handle.order_id]
    assert [s.order_id for s in engine.late_payments()] == [handle.order_id]
    assert len(sim.requests(handle.order_id, "PASSIVEPAY")) == 1
    assert engine.x_report().late_payments[0].order_id == handle.order_id
    kept = engine.resolve_late(handle.order_id, "keep")
    assert kept.late_resolution == "kept" and kept.state == "paid"
    assert engine.late_payments() == []
    with pytest.raises(PaymentError, match="not an unresolved late payment"):
        engine.resolve_late(handle.order_id, "refund")
    assert sim.requests(action="REFUND") == []


def test_late_payment_refunded_automatically_with_refund_policy(make_engine, sim, journal,
                                                                recorder):
    engine = make_engine(late_payment="refund")
    handle = _start_slow_sale_and_cancel(engine, sim)
    wait_until(lambda: journal.require_sale(handle.order_id).late_resolution == "refunded")
    sale = journal.require_sale(handle.order_id)
    assert sale.state == "refunded" and sale.late and sale.refunded_cents == 1000
    assert recorder.late() == [handle.order_id]
    order = sim.order(handle.order_id)
    assert order.refunded_cents == 1000 and order.status.value == "fully_refunded"
    assert len(sim.requests(action="REFUND")) == 1
    assert engine.late_payments() == []


def test_late_qr_payment_resolved_by_refund(engine, sim, journal):
    handle = engine.start_active(650, Wallet.ALIPAY, callback_url="http://127.0.0.1:9/x")
    handle.wait_code_url(5.0)
    handle.cancel()
    sim.customer_pays(handle.order_id)
    wait_until(lambda: journal.require_sale(handle.order_id).late)
    sale = engine.resolve_late(handle.order_id, "refund")
    assert sale.state == "refunded" and sale.late_resolution == "refunded"
    assert sim.order(handle.order_id).refunded_cents == 650
    assert sim.wait_for_callbacks(5.0)


def test_cancel_after_final_changes_nothing(engine, journal):
    handle = engine.start_passive(100, WECHAT + "0000")
    assert handle.wait(5.0).state == "paid"
    assert handle.cancel().state == "paid"
    assert not journal.require_sale(handle.order_id).abandoned


def test_resolve_late_refuses_a_sale_that_is_not_late(engine):
    sale = engine.pay_passive(100, WECHAT + "0000")
    with pytest.raises(PaymentError, match="not an unresolved late payment"):
        engine.resolve_late(sale.order_id, "keep")
    with pytest.raises(ValueError):
        engine.resolve_late(sale.order_id, "ignore")


def test_shutdown_joins_workers_and_leaves_open_sales_for_recovery(make_engine, sim, journal):
    engine = make_engine(passive_timeout=60.0, poll_interval=0.05)
    handle = engine.start_passive(100, WECHAT + "5555")
    wait_until(lambda: sim.requests(handle.order_id, "STATUS_QUERY"))
    engine.shutdown()
    assert not handle.thread.is_alive()
    assert journal.require_sale(handle.order_id).is_open
    with pytest.raises(PaymentError):
        engine.start_passive(100, WECHAT + "0000")


def test_cancel_before_the_request_left_closes_the_sale_without_sending(engine, sim, journal):
    from cashier.payments.passive import run_passive
    from cashier.wallets import Wallet as W

    # The window between journaling and the worker sending, held open deterministically.
    handle = engine._journal_intent("passive", W.WECHATPAY, 100, 0, "0000020156")
    handle.cancel()
    engine._start_worker(handle, lambda: run_passive(engine.flows, handle, WECHAT + "0000"))
    handle.thread.join(5.0)
    sale = journal.require_sale(handle.order_id)
    assert sale.state == "closed" and sale.abandoned and not sale.late
    assert sim.requests(handle.order_id) == []


def test_many_sales_at_once_all_settle_and_add_up(engine, sim):
    handles = [engine.start_passive(100 + i, WECHAT + ("1111" if i % 2 else "0000"))
               for i in range(12)]
    sales = [h.wait(10.0) for h in handles]
    assert all(s.state == "paid" for s in sales)
    assert engine.x_report().total.sales_cents == sum(100 + i for i in range(12))
    assert len(sim.requests(action="PASSIVEPAY")) == 12
