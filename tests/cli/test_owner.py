"""Two ``cashier`` processes on one journal: a live sale belongs to the process that took it.

Real processes, a real journal file and the simulator in the test process, which counts the
requests the gateway received.
"""

from __future__ import annotations

import signal
import sys

import pytest

from tests.cli.conftest import LONG_WAIT, WECHAT, Cli, wait_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _start_confirming_pay(cashier: Cli, sim) -> tuple[object, str]:
    """A ``cashier pay`` whose customer is still confirming on the phone, polling the gateway."""
    sim.gateway.config.confirm_after_queries = 10**9  # until the test lets the customer confirm
    pay = cashier.popen("pay", "12.34", "--code", WECHAT + "1111", "--json")
    [request] = wait_for(lambda: sim.requests(action="PASSIVEPAY"))
    order_id = request.data["order_id"]
    wait_for(lambda: sim.requests(order_id=order_id, action="STATUS_QUERY"))  # it is waiting
    return pay, order_id


def test_recover_leaves_a_live_pay_of_another_process_alone(make_cli, sim):
    # late_payment = "refund": had recovery flagged the live sale, its payment would be refunded.
    cashier = make_cli(sim, late_payment="refund", **LONG_WAIT)
    pay, order_id = _start_confirming_pay(cashier, sim)

    recovered = cashier.run("recover", "--wait", "1", "--json")
    assert recovered.code == 0, recovered.err
    assert recovered.json()["sales"] == []  # not taken: its owner is alive
    with cashier.journal() as journal:
        sale = journal.require_sale(order_id)
        assert sale.state == "pending" and not sale.abandoned

    sim.gateway.config.confirm_after_queries = 0  # the customer confirms
    out, err = pay.communicate(timeout=60)
    assert pay.returncode == 0, err
    assert '"state": "paid"' in out
    with cashier.journal() as journal:
        sale = journal.require_sale(order_id)
        assert sale.state == "paid" and not sale.late and not sale.abandoned
    assert len(sim.requests(order_id=order_id, action="PASSIVEPAY")) == 1
    assert sim.requests(action="REFUND") == []


def test_sale_of_a_killed_pay_is_recovered_by_another_process(make_cli, sim):
    cashier = make_cli(sim, **LONG_WAIT)
    pay, order_id = _start_confirming_pay(cashier, sim)
    pay.send_signal(signal.SIGKILL)
    pay.communicate(timeout=10)

    sim.gateway.config.confirm_after_queries = 0
    recovered = cashier.run("recover", "--json")
    assert recovered.code == 0, recovered.err
    assert [s["order_id"] for s in recovered.json()["sales"]] == [order_id]
    with cashier.journal() as journal:
        sale = journal.require_sale(order_id)
        assert sale.state == "paid" and sale.late  # nobody saw it paid: a late payment
    assert len(sim.requests(order_id=order_id, action="PASSIVEPAY")) == 1


def test_status_shows_a_live_sale_of_another_process_without_settling_it(make_cli, sim):
    cashier = make_cli(sim, **LONG_WAIT)
    pay, order_id = _start_confirming_pay(cashier, sim)
    shown = cashier.run("status", order_id, "--json")
    assert shown.code == 3, shown.err  # still pending
    assert shown.json()["gateway"]["order_status"] == "notpay"
    sim.gateway.config.confirm_after_queries = 0
    out, err = pay.communicate(timeout=60)
    assert pay.returncode == 0, err
    assert len(sim.requests(order_id=order_id, action="PASSIVEPAY")) == 1
