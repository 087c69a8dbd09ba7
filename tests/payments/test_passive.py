"""The passive flow against the real simulator over HTTP: every PASSIVEPAY scenario."""

from __future__ import annotations

import pytest

from cashier.money import AmountError
from cashier.payments.states import SaleState
from cashier.wallets import PaymentCodeError

from .conftest import ALIPAY, WECHAT


def test_instant_success_is_paid_with_gateway_fields(engine, sim, journal, recorder):
    sale = engine.pay_passive(1234, WECHAT + "0000", tip_cents=100)
    assert sale.state == SaleState.PAID and not sale.late
    assert sale.wallet == "WECHATPAY" and sale.masked_code == "1345**********0000"
    assert sale.bizpay_order_id and sale.trade_time and sale.buyer_login_id
    order = sim.order(sale.order_id)
    assert (order.amount_cents, order.tip_cents) == (1234, 100)
    assert len(sim.requests(sale.order_id, "PASSIVEPAY")) == 1
    assert sim.requests(sale.order_id, "STATUS_QUERY") == []
    assert recorder.states(sale.order_id) == ["pending", "paid"]
    assert [(e.from_state, e.to_state) for e in journal.events(sale.order_id)] == [
        (None, "pending"), ("pending", "paid")]


def test_customer_confirming_is_polled_until_paid(engine, sim):
    sale = engine.pay_passive(500, ALIPAY + "1111")
    assert sale.state == "paid" and sale.wallet == "ALIPAY"
    assert len(sim.requests(sale.order_id, "PASSIVEPAY")) == 1
    assert len(sim.requests(sale.order_id, "STATUS_QUERY")) == 2


def test_confirming_then_failure_is_declined(engine, sim):
    sale = engine.pay_passive(500, WECHAT + "2222")
    assert sale.state == "declined"
    assert len(sim.requests(sale.order_id, "PASSIVEPAY")) == 1


def test_declined(engine, sim):
    sale = engine.pay_passive(500, WECHAT + "3333")
    assert sale.state == "declined" and sale.rsp_code == "FAIL"


@pytest.mark.parametrize("suffix", ["4444", "7777", "8888"])
def test_answer_lost_after_charge_ends_paid_via_query_with_one_passivepay(engine, sim, suffix,
                                                                          journal):
    # 4444: the answer comes after the read timeout; 7777: HTTP 502 HTML; 8888: tampered md5.
    sale = engine.pay_passive(700, WECHAT + suffix)
    assert sale.state == "paid" and not sale.late
    assert len(sim.requests(sale.order_id, "PASSIVEPAY")) == 1
    assert len(sim.requests(sale.order_id, "STATUS_QUERY")) >= 1
    assert [e.to_state for e in journal.events(sale.order_id)] == ["pending", "unknown", "paid"]


def test_never_settles_is_closed(engine, sim):
    sale = engine.pay_passive(500, WECHAT + "5555")
    assert sale.state == "closed"
    assert len(sim.requests(sale.order_id, "STATUS_QUERY")) == 3


def test_wrong_password_then_customer_retries_is_paid(engine, sim):
    sale = engine.pay_passive(500, WECHAT + "6666")
    assert sale.state == "paid"
    assert len(sim.requests(sale.order_id, "PASSIVEPAY")) == 1


@pytest.mark.parametrize("code", ["", "12345", "abc", "9" * 18, "1345678901234"])
def test_bad_scan_is_refused_before_anything(engine, sim, journal, code):
    with pytest.raises(PaymentCodeError):
        engine.start_passive(500, code)
    assert sim.requests() == [] and journal.history() == []


@pytest.mark.parametrize("amount", [0, -1, 1.5, "12", True, 10_000_001])
def test_bad_amount_is_refused_before_anything(engine, sim, journal, amount):
    with pytest.raises(AmountError):
        engine.start_passive(amount, WECHAT + "0000")
    assert sim.requests() == [] and journal.history() == []


def test_amount_above_configured_maximum_is_refused(make_engine, sim, journal):
    engine = make_engine(max_amount_cents=10_000)
    with pytest.raises(AmountError, match="maximum"):
        engine.start_passive(10_001, WECHAT + "0000")
    assert sim.requests() == []


def test_amount_and_tip_together_are_bounded_by_the_maximum(make_engine, sim, journal):
    engine = make_engine(max_amount_cents=10_000)
    with pytest.raises(AmountError, match="total 150.00"):
        engine.start_passive(10_000, WECHAT + "0000", tip_cents=5_000)
    assert sim.requests() == [] and journal.history() == []


def test_intent_is_journaled_before_the_request(engine, sim, journal):
    seen_by_gateway: list[object] = []
    original = engine.client.passive_pay

    def spy(**kwargs):
        seen_by_gateway.append(journal.get_sale(kwargs["order_id"]))
        return original(**kwargs)

    engine.client.passive_pay = spy
    sale = engine.pay_passive(300, WECHAT + "0000")
    assert seen_by_gateway[0] is not None and seen_by_gateway[0].state == "pending"
    assert sale.state == "paid"


def test_deadline_hands_the_sale_to_the_resolver(make_engine, sim, journal):
    # close_after_queries=3 at 0.03 s intervals: the 0.05 s deadline passes first.
    engine = make_engine(passive_timeout=0.05, poll_interval=0.03)
    sale = engine.pay_passive(500, WECHAT + "5555")
    assert sale.state in ("pending", "unknown") and sale.abandoned
    assert engine.wait_idle(5.0)
    assert journal.require_sale(sale.order_id).state == "closed"
