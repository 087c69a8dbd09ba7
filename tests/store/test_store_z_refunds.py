"""A refund being sent as the business day closes is in that day's Z: the store-asked Z waits
for its answer, and so does the lane's own. Real PostgreSQL, the simulator over HTTP behind the
fault proxy holding the REFUND, real journal files."""

from __future__ import annotations

import logging
import threading

import pytest

from cashier.payments.errors import RefundsInProgressError
from cashier.payments.reports import closed_report
from cashier.runtime import close_store_days
from cashier.store import central
from tests.faults.proxy import FaultProxy, Hold
from tests.payments.helpers import wait_until
from tests.store.test_cross_lane_refunds import (  # noqa: F401 (fixtures)
    OPERATOR,
    WECHAT,
    lanes,
    sim,
    store_lane,
)

WAITS = "closing it here once refund(s)"


def _refund_in_thread(lane, order_id: str, cents: int) -> tuple[threading.Thread, dict]:
    out: dict = {}
    thread = threading.Thread(target=lambda: out.setdefault(
        "refund", lane.engine.refund(order_id, cents, operator_id=OPERATOR)))
    thread.start()
    return thread, out


def test_the_store_z_waits_for_a_refund_being_sent_and_counts_it(
        sim, lanes, store_url, caplog):  # noqa: F811 (the fixtures)
    caplog.set_level(logging.INFO, logger="cashier")
    with FaultProxy(sim.url) as proxy:
        lane = lanes("L1", gateway_url=proxy.url, read_timeout=30.0)
        sale = lane.engine.pay_passive(1000, WECHAT)
        day = sale.business_day
        proxy.on("REFUND", Hold(), times=1)
        thread, out = _refund_in_thread(lane, sale.order_id, 300)
        proxy.wait_for("REFUND", held=1)

        waiting: set[str] = set()
        for _ in range(3):  # the shipper asks every few seconds
            assert close_store_days(lane.engine, [day], waiting=waiting) == []
        assert lane.journal.z_record(day) is None
        assert [r.getMessage() for r in caplog.records if WAITS in r.getMessage()] == [
            f"store: the store closed business day {day}; closing it here once refund(s) "
            f"{lane.engine.refunds(sale.order_id)[0].refund_id} being sent are answered"]
        with pytest.raises(RefundsInProgressError):
            lane.engine.z_report_when_idle(day)

        proxy.release("REFUND")
        thread.join(30)
        refund = out["refund"]
        assert (refund.state, refund.business_day) == ("succeeded", day)
        assert close_store_days(lane.engine, [day], waiting=waiting) == [day]
        assert proxy.forwarded["REFUND"] == 1

    z = closed_report(lane.journal, day)
    assert z["total"]["refunds_cents"] == 300 and z["total"]["net_cents"] == 700
    lane.ship(store_url)
    with central.connect(store_url) as conn:
        store = store_lane(central.report(conn, day, closed_only=True), "L1")
    assert store["total"] == z["total"] and store["total"]["refunds_cents"] == 300


def test_the_lanes_own_z_waits_for_a_refund_being_sent_and_counts_it(
        sim, lanes, store_url, caplog):  # noqa: F811 (the fixtures)
    caplog.set_level(logging.INFO, logger="cashier")
    with FaultProxy(sim.url) as proxy:
        lane = lanes("L1", gateway_url=proxy.url, read_timeout=30.0)
        sale = lane.engine.pay_passive(1000, WECHAT)
        day = sale.business_day
        proxy.on("REFUND", Hold(), times=1)
        thread, out = _refund_in_thread(lane, sale.order_id, 400)
        proxy.wait_for("REFUND", held=1)
        closing: dict = {}
        z_thread = threading.Thread(target=lambda: closing.setdefault(
            "z", lane.engine.z_report(day)))
        z_thread.start()
        wait_until(lambda: any("the Z report waits for refund(s)" in r.getMessage()
                               for r in caplog.records), timeout=10)
        assert lane.journal.z_record(day) is None

        proxy.release("REFUND")
        thread.join(30)
        z_thread.join(30)
    assert out["refund"].state == "succeeded"
    z = closing["z"]
    assert z.business_day == day and z.total.refunds_cents == 400 and z.total.net_cents == 600
