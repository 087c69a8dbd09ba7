"""The screens' port to the core: history, detail, refunds and reports as typed answers."""

from __future__ import annotations

import datetime as dt

import pytest

from cashier.journal import Journal
from cashier.port import CounterPort
from tests.payments.conftest import WECHAT


@pytest.fixture
def journal(journal_path):
    """Every write at local noon of one day: "today's" history is read after the sales, which
    midnight passing in between would make the next day."""
    noon = dt.datetime(2026, 11, 25, 12, 0).timestamp()
    with Journal(journal_path, clock=lambda: noon) as j:
        yield j


def test_history_detail_and_refund_through_the_port(engine, journal):
    port = CounterPort(engine)
    sale = engine.start_passive(1000, WECHAT + "0000").wait(5)
    page = port.history(today=True)
    assert page.business_day == journal.current_business_day()
    assert [s.order_id for s in page.sales] == [sale.order_id]

    refund = port.refund(sale.order_id, 400, operator_id="0000020156")
    assert refund.state == "succeeded"
    detail = port.sale_detail(sale.order_id)
    assert (detail.sale.state, detail.refundable_cents) == ("partially_refunded", 600)
    assert [r.refund_id for r in detail.refunds] == [refund.refund_id]
    assert port.refund_and_sale(refund.refund_id) == (detail.refunds[0], detail.sale)
    assert port.x_report().total.refunds_cents == 400


def test_an_unknown_refund_is_a_lookup_error(engine):
    with pytest.raises(LookupError, match="no refund R1"):
        CounterPort(engine).refund_and_sale("R1")
