"""X and Z reports from a real journal file."""

from __future__ import annotations

import json

import pytest

from cashier.journal import DayAlreadyClosedError, Journal
from cashier.payments.reports import closed_report, x_report, z_report

DAY = "2026-11-23"


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "j.sqlite", business_day_of=lambda _t: DAY) as j:
        yield j


def _sale(j, oid, wallet, amount, tip=0, state="paid"):
    j.create_sale(order_id=oid, mode="passive", wallet=wallet, amount_cents=amount, tip_cents=tip)
    if state != "pending":
        j.transition(oid, state, from_states=("pending",))


def test_x_report_totals_per_wallet_with_refunds_and_late(journal):
    _sale(journal, "W1", "WECHATPAY", 1000, 100)
    _sale(journal, "W2", "WECHATPAY", 500)
    _sale(journal, "A1", "ALIPAY", 2000, 300)
    _sale(journal, "A2", "ALIPAY", 999, state="declined")
    _sale(journal, "A3", "ALIPAY", 111, state="closed")
    _sale(journal, "U1", "UNIONPAY", 700, state="pending")
    journal.create_sale(order_id="L1", mode="active", wallet="UNIONPAY", amount_cents=400)
    journal.mark_abandoned("L1")
    journal.transition("L1", "paid", from_states=("pending",))
    journal.create_refund(refund_id="R1", sale_order_id="A1", amount_cents=800)
    journal.finish_refund("R1", "succeeded")
    journal.create_refund(refund_id="R2", sale_order_id="W2", amount_cents=100)
    journal.finish_refund("R2", "failed")

    report = x_report(journal, DAY)
    wallets = {w.wallet: w for w in report.wallets}
    wechat = wallets["WECHATPAY"]
    assert (wechat.sales_count, wechat.sales_cents, wechat.tips_cents) == (2, 1500, 100)
    assert wechat.refunds_cents == 0
    assert wallets["ALIPAY"].sales_count == 1  # the partially refunded sale still counts as sold
    assert wallets["ALIPAY"].refunds_cents == 800 and wallets["ALIPAY"].net_cents == 1500
    assert wallets["UNIONPAY"].sales_cents == 400
    assert report.total.gross_cents == 1000 + 100 + 500 + 2000 + 300 + 400
    assert report.total.net_cents == report.total.gross_cents - 800
    assert (report.declined_count, report.closed_count, report.open_count) == (1, 1, 1)
    assert [s.order_id for s in report.late_payments] == ["L1"]
    assert report.number is None and report.kind == "X"
    assert x_report(journal, DAY).total == report.total  # X resets nothing


def test_z_report_numbers_stores_and_refuses_a_second_close(journal):
    _sale(journal, "W1", "WECHATPAY", 1000)
    z1 = z_report(journal, DAY)
    assert z1.number == 1 and z1.kind == "Z" and z1.total.sales_cents == 1000
    with pytest.raises(DayAlreadyClosedError, match="already closed by Z report #1"):
        z_report(journal, DAY)
    stored = closed_report(journal, DAY)
    assert stored["number"] == 1 and stored["total"]["net_cents"] == 1000
    json.dumps(stored)
    # The next sale belongs to the next open day; its Z is number 2.
    _sale(journal, "W2", "WECHATPAY", 50)
    next_day = journal.require_sale("W2").business_day
    assert next_day == "2026-11-24"
    assert z_report(journal, next_day).number == 2
    assert closed_report(journal, "2020-01-01") is None
