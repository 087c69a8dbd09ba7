"""Settling from gateway answers: a confirmed amount that differs is never marked paid."""

from __future__ import annotations

from cashier.ottpay.codes import OrderStatus, Outcome
from cashier.ottpay.results import StatusResult


def _paid_answer(order_id: str, total: int, tip: int = 0) -> StatusResult:
    return StatusResult(order_id=order_id, order_status=OrderStatus.SUCCESS, outcome=Outcome.PAID,
                        total_cents=total, tip_cents=tip, bizpay_order_id="WX1")


def test_paid_with_another_amount_stays_unknown_without_event_spam(engine, journal):
    sale = journal.create_sale(order_id="MISMATCH1", mode="passive", wallet="WECHATPAY",
                               amount_cents=1000, tip_cents=100)
    after = engine.settler.apply_status(sale, _paid_answer("MISMATCH1", 999, 100))
    assert after.state == "unknown" and "999" in after.rsp_msg
    events = journal.events("MISMATCH1")
    for _ in range(3):
        after = engine.settler.apply_status(after, _paid_answer("MISMATCH1", 999, 100))
    assert journal.events("MISMATCH1") == events
    assert engine.settler.apply_status(after, _paid_answer("MISMATCH1", 1000, 5)).state == \
        "unknown"  # wrong tip
    assert engine.settler.apply_status(after, _paid_answer("MISMATCH1", 1000, 100)).state == "paid"


def test_paid_total_including_tip_is_accepted(engine, journal):
    sale = journal.create_sale(order_id="TIPINCL1", mode="passive", wallet="ALIPAY",
                               amount_cents=1000, tip_cents=100)
    assert engine.settler.apply_status(sale, _paid_answer("TIPINCL1", 1100, 100)).state == "paid"
