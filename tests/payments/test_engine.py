"""Engine-wide behaviour: events after commit, illegal transitions, history search, Z twice, a
Z the store asks for while a sale is being taken."""

from __future__ import annotations

import pytest

from cashier.journal import DayAlreadyClosedError
from cashier.ottpay.client import OttPayClient
from cashier.payments.engine import PaymentEngine
from cashier.payments.errors import SalesInProgressError
from cashier.payments.events import SaleUpdated
from cashier.payments.settings import PaymentSettings
from cashier.payments.states import IllegalTransition, SaleState
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY
from cashier.wallets import Wallet

from .conftest import ALIPAY, FAST, WECHAT


def test_every_event_is_already_committed_when_emitted(make_engine, journal, recorder):
    seen: list[tuple[str, str]] = []

    def listener(event):
        if isinstance(event, SaleUpdated):
            seen.append((event.sale.state, journal.require_sale(event.sale.order_id).state))

    engine = make_engine()
    engine._listener = listener
    engine.pay_passive(100, WECHAT + "1111")
    assert seen and all(emitted == stored for emitted, stored in seen)


def test_a_failing_listener_does_not_break_the_sale(make_engine):
    engine = make_engine()

    def broken(_event):
        raise RuntimeError("UI bug")

    engine._listener = broken
    assert engine.pay_passive(100, WECHAT + "0000").state == "paid"


def test_illegal_transitions_raise_and_change_nothing(engine, journal):
    sale = engine.pay_passive(100, WECHAT + "0000")
    with pytest.raises(IllegalTransition, match="from paid to declined"):
        engine.settler.advance(sale.order_id, SaleState.DECLINED, note="contradiction")
    declined = engine.pay_passive(100, WECHAT + "3333")
    with pytest.raises(IllegalTransition, match="from declined to paid"):
        engine.settler.advance(declined.order_id, SaleState.PAID, note="contradiction")
    assert journal.require_sale(declined.order_id).state == "declined"
    # Stale or duplicate news is not an error: it simply changes nothing.
    assert engine.settler.advance(sale.order_id, SaleState.PAID, note="dup").state == "paid"
    assert engine.settler.advance(sale.order_id, SaleState.UNKNOWN, note="stale").state == "paid"
    assert journal.require_sale(sale.order_id).state == "paid"
    assert [e.to_state for e in journal.events(sale.order_id)] == ["pending", "paid"]


def test_history_search(engine):
    a = engine.pay_passive(1234, WECHAT + "0000")
    b = engine.pay_passive(999, ALIPAY + "3333")
    assert [s.order_id for s in engine.history()] == [b.order_id, a.order_id]
    assert [s.order_id for s in engine.history(query="12.34")] == [a.order_id]
    assert [s.order_id for s in engine.history(query="3333")] == [b.order_id]
    assert [s.order_id for s in engine.history(query=a.order_id[:20])][-1] == a.order_id
    assert engine.history(day="1999-01-01") == []
    assert [s.order_id for s in engine.history(limit=1, offset=1)] == [a.order_id]


def test_z_report_closes_the_day_once(engine, journal):
    engine.pay_passive(1000, WECHAT + "0000", tip_cents=150)
    engine.pay_passive(500, ALIPAY + "3333")
    x = engine.x_report()
    assert x.total.gross_cents == 1150 and x.declined_count == 1 and x.number is None
    z = engine.z_report()
    assert z.number == 1 and z.total == x.total and z.business_day == x.business_day
    with pytest.raises(DayAlreadyClosedError, match="already closed by Z report #1"):
        engine.z_report(z.business_day)
    # The next sale is booked on the next day, which the next Z closes.
    later = engine.pay_passive(300, WECHAT + "0000")
    assert later.business_day > z.business_day
    assert engine.z_report().number == 2


def test_prepare_opens_the_gateway_connection_and_sends_no_request(make_engine, sim, journal):
    engine = make_engine()
    assert engine.prepare() is True  # connected ahead of the sale
    assert engine.prepare() is False  # already open: nothing more to do
    assert engine.prepare_soon() is True  # the command line's way: on the engine's thread
    assert engine.wait_idle(5)
    assert sim.requests() == []  # no request, let alone a payment
    sale = engine.pay_passive(100, WECHAT + "0000")
    assert sale.state == SaleState.PAID
    assert [r.action for r in sim.requests()] == ["PASSIVEPAY"] and sim.connections_opened == 1


def test_preparing_at_the_engines_interval_reopens_a_connection_before_the_gateway_drops_it(
        sim, journal):
    now = [0.0]  # how long the connection has been unused, moved here rather than slept
    with OttPayClient(sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, idle_timeout=0.2,
                      idle_clock=lambda: now[0]) as client:
        engine = PaymentEngine(client, journal, PaymentSettings(**FAST))
        try:
            assert engine.prepare() is True
            now[0] = 0.03
            client.exchange_rate("CAD")  # the connection last carried a request here
            last_used, idle_spans = now[0], []
            while now[0] < 1.0:  # the amount stays keyed; the window prepares on its timer
                now[0] += engine.prepare_interval
                if engine.prepare():
                    idle_spans.append(now[0] - last_used)
                    last_used = now[0]
        finally:
            engine.shutdown()
    assert len(idle_spans) >= 3
    assert max(idle_spans) < client.idle_timeout  # never left to the gateway to close
    assert [r.action for r in sim.requests()] == ["EX_RATE_QUERY"]  # prepare sends nothing


def test_prepare_when_the_gateway_is_unreachable_is_only_logged(make_engine, sim):
    engine = make_engine()
    sim.stop()
    assert engine.prepare() is False


def test_a_z_asked_for_by_the_store_waits_for_a_sale_being_taken(make_engine, journal, sim):
    engine = make_engine(active_timeout=60.0)
    engine.pay_passive(1000, WECHAT + "0000")
    day = journal.current_business_day()
    qr = engine.start_active(700, Wallet.WECHATPAY, callback_url="http://127.0.0.1:9/none")
    assert qr.wait_code_url(10)
    with pytest.raises(SalesInProgressError) as refused:
        engine.z_report_when_idle(day)
    assert refused.value.order_ids == [qr.order_id] and journal.z_record(day) is None
    sim.customer_pays(qr.order_id)
    assert qr.wait(10).is_paid
    z = engine.z_report_when_idle(day)
    assert z.number == 1 and z.total.sales_count == 2 and z.open_count == 0
