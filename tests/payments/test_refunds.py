"""Refunds against the real simulator: partial ones summing to the total, local bounds."""

from __future__ import annotations

import pytest

from cashier.journal import RefundNotAllowedError, SaleNotFoundError
from cashier.money import AmountError
from cashier.payments.errors import PaymentError
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


# -- refunds whose outcome is unknown: reserved until the gateway answers ----------------------


def _held_refund(engine, sale_order_id: str, refund_id: str, cents: int):
    """A refund journaled whose REFUND is held in the network (the gateway has not seen it)."""
    return engine.journal.create_refund(refund_id=refund_id, sale_order_id=sale_order_id,
                                        amount_cents=cents)


def _deliver_held_refund(client, sale_order_id: str, refund_id: str, cents: int) -> None:
    client.refund(ori_order_id=sale_order_id, refund_cents=cents, order_id=refund_id)


def test_not_found_never_fails_a_refund_and_its_money_stays_reserved(make_engine, sim, journal):
    engine = make_engine(unknown_grace=0.001)
    sale = engine.pay_passive(800, WECHAT + "0000")
    _held_refund(engine, sale.order_id, "HELDREFUND1", 400)
    for _ in range(3):
        engine.reconcile()
    assert journal.get_refund("HELDREFUND1").state == "pending"
    with pytest.raises(RefundNotAllowedError, match="4.00 by refund HELDREFUND1"):
        engine.refund(sale.order_id, 800)  # the 4.00 held could be paid out twice
    _deliver_held_refund(engine.client, sale.order_id, "HELDREFUND1", 400)
    engine.reconcile()
    assert journal.get_refund("HELDREFUND1").state == "succeeded"
    assert journal.require_sale(sale.order_id).refunded_cents == sim.order(
        sale.order_id).refunded_cents == 400
    assert len(sim.requests(action="REFUND")) == 1


def test_refund_confirmed_by_the_original_sale_when_its_own_id_is_not_queryable(
        engine, sim, journal):
    sale = engine.pay_passive(800, WECHAT + "0000", tip_cents=100)
    _held_refund(engine, sale.order_id, "OURID1", 300)
    # The gateway took the refund but cannot be asked about it by our id.
    _deliver_held_refund(engine.client, sale.order_id, "THEIRID1", 300)
    engine.reconcile()
    refund = journal.get_refund("OURID1")
    assert refund.state == "succeeded"
    assert "original sale's refunded amount" in journal.events(sale.order_id)[-1].note
    assert journal.require_sale(sale.order_id).state == "partially_refunded"


@pytest.mark.parametrize("sim", ["refunds-not-queryable"], indirect=True)
def test_refunds_settle_when_the_gateway_cannot_query_them_by_their_own_id(engine, sim, journal):
    sale = engine.pay_passive(1000, WECHAT + "0000", tip_cents=200)
    assert engine.refund(sale.order_id, 300).state == "succeeded"
    assert engine.refund(sale.order_id).state == "succeeded"  # the other 9.00
    assert journal.require_sale(sale.order_id).refunded_cents == \
        sim.order(sale.order_id).refunded_cents == 1200
    assert len(sim.requests(action="REFUND")) == 2


def test_original_sale_evidence_that_does_not_single_out_a_refund_confirms_nothing(
        engine, sim, journal):
    sale = engine.pay_passive(800, WECHAT + "0000")
    _held_refund(engine, sale.order_id, "TWIN1", 200)
    _held_refund(engine, sale.order_id, "TWIN2", 200)
    _deliver_held_refund(engine.client, sale.order_id, "THEIRTWIN", 200)
    engine.reconcile()
    assert [r.state for r in engine.refunds(sale.order_id)] == ["pending", "pending"]
    assert journal.refundable_cents(sale.order_id) == 400


def test_manager_release_then_the_gateway_pays_out_after_all(make_engine, sim, journal):
    engine = make_engine(unknown_grace=0.001)
    sale = engine.pay_passive(500, WECHAT + "0000")
    _held_refund(engine, sale.order_id, "RELEASED1", 200)
    released = engine.release_refund("RELEASED1")
    assert released.state == "failed" and released.rsp_msg == "released by a manager"
    assert [r.refund_id for r in journal.silent_refunds(released.updated_at)] == ["RELEASED1"]
    second = engine.refund(sale.order_id, 200)  # the manager's decision allows it
    assert second.state == "succeeded"
    _deliver_held_refund(engine.client, sale.order_id, "RELEASED1", 200)  # arrives after all
    engine.reconcile()
    first = journal.get_refund("RELEASED1")
    assert first.state == "succeeded" and first.recheck_until is None
    assert journal.require_sale(sale.order_id).refunded_cents == sim.order(
        sale.order_id).refunded_cents == 400
    assert len(sim.requests(action="REFUND")) == 2


def test_release_asks_the_gateway_first_and_an_answer_wins(engine, sim, journal):
    sale = engine.pay_passive(500, WECHAT + "0000")
    _held_refund(engine, sale.order_id, "ANSWERED2", 200)
    _deliver_held_refund(engine.client, sale.order_id, "ANSWERED2", 200)
    refund = engine.release_refund("ANSWERED2")
    assert refund.state == "succeeded" and refund.recheck_until is None
    with pytest.raises(PaymentError, match="not unknown"):
        engine.release_refund("ANSWERED2")
    with pytest.raises(PaymentError, match="no refund"):
        engine.release_refund("NOSUCHREFUND")
