"""Refunds against the real simulator: partial ones summing to the total, local bounds."""

from __future__ import annotations

import pytest

from cashier.journal import RefundNotAllowedError, SaleNotFoundError
from cashier.money import AmountError
from cashier.payments.events import RefundUpdated

from .conftest import WECHAT


def test_partial_refunds_summing_to_the_total(engine, sim, journal, recorder):
    sale = engine.pay_passive(1000, WECHAT + "0000", tip_cents=200)
    first = engine.refund(sale.order_id, 300)
    assert first.state == "succeeded" and first.refund_id != sale.order_id
    assert journal.require_sale(sale.order_id).state == "partially_refunded"
    second = engine.refund(sale.order_id, 400)
    assert second.state == "succeeded"
    last = engine.refund(sale.order_id)  # everything left: 500
    assert last.amount_cents == 500 and last.state == "succeeded"
    final = journal.require_sale(sale.order_id)
    assert final.state == "refunded" and final.refunded_cents == 1200
    order = sim.order(sale.order_id)
    assert order.refunded_cents == 1200 and order.status.value == "fully_refunded"
    refunds = sim.requests(action="REFUND")
    assert [r.data["order_id"] for r in refunds] == [first.refund_id, second.refund_id,
                                                     last.refund_id]
    # Each refund confirmed by a query on its own order id.
    for refund in (first, second, last):
        assert sim.requests(refund.refund_id, "STATUS_QUERY")
    assert [r.refund_id for r in engine.refunds(sale.order_id)] == [
        first.refund_id, second.refund_id, last.refund_id]
    assert sum(isinstance(e, RefundUpdated) for e in recorder.events) == 6
    report = engine.x_report()
    assert report.total.refunds_cents == 1200 and report.total.net_cents == 0


def test_over_refund_is_refused_locally(engine, sim):
    sale = engine.pay_passive(1000, WECHAT + "0000", tip_cents=200)
    engine.refund(sale.order_id, 1000)
    with pytest.raises(RefundNotAllowedError, match="only 2.00 .* remains refundable"):
        engine.refund(sale.order_id, 201)
    assert len(sim.requests(action="REFUND")) == 1
    assert engine.refund(sale.order_id, 200).state == "succeeded"
    with pytest.raises(RefundNotAllowedError, match="nothing left|only paid"):
        engine.refund(sale.order_id, 1)
    assert len(sim.requests(action="REFUND")) == 2


def test_refunds_refused_before_any_request(engine, sim):
    declined = engine.pay_passive(500, WECHAT + "3333")
    with pytest.raises(RefundNotAllowedError, match="only paid sales"):
        engine.refund(declined.order_id)
    with pytest.raises(SaleNotFoundError):
        engine.refund("NOSUCHORDER")
    paid = engine.pay_passive(500, WECHAT + "0000")
    for bad in (0, -5, 2.5):
        with pytest.raises(AmountError):
            engine.refund(paid.order_id, bad)
    assert sim.requests(action="REFUND") == []


def test_refund_rejected_by_gateway_frees_the_amount(engine, sim, journal):
    sale = engine.pay_passive(500, WECHAT + "0000")
    # The gateway is told about a refund outside the engine, so the engine's next one is refused
    # by the gateway (not locally): it must end failed and not count against the remainder.
    engine.client.refund(ori_order_id=sale.order_id, refund_cents=400, order_id="OUTSIDE1")
    refund = engine.refund(sale.order_id, 300)
    assert refund.state == "failed" and refund.rsp_code == "PARAM_INVALID"
    assert journal.refundable_cents(sale.order_id) == 500
    assert journal.require_sale(sale.order_id).state == "paid"
