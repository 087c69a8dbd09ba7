"""A ``cashier pay`` process killed with SIGKILL mid-sale, then ``cashier recover`` in a new one.

Real processes and a real SIGKILL (no simulated crash): the sale must end in its true final
state in the journal, the simulator must have received exactly one PASSIVEPAY for it (none if the
kill came before the request), and the terminal must take the next payment normally.
"""

from __future__ import annotations

import signal
import sys

import pytest

from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator
from tests.cli.conftest import WECHAT, Cli, wait_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _kill(proc) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def _recover_and_check(cashier: Cli, sim: Simulator, order_id: str, state: str,
                       passivepays: int) -> None:
    with cashier.journal() as journal:
        assert journal.require_sale(order_id).is_open  # the crash left it open
    result = cashier.run("recover", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert [s["order_id"] for s in report["sales"]] == [order_id]
    assert report["still_open"] == []
    with cashier.journal() as journal:
        sale = journal.require_sale(order_id)
        assert sale.state == state
        assert journal.open_sales() == []
    assert len(sim.requests(order_id=order_id, action="PASSIVEPAY")) == passivepays
    # The terminal works normally afterwards, and a second recover finds nothing.
    again = cashier("pay", "1.00", "--code", WECHAT + "0000", "--json")
    assert again.code == 0, again.err
    assert again.json()["sale"]["state"] == "paid"
    assert cashier("recover", "--json").json()["sales"] == []


def test_killed_while_passivepay_in_flight_recovers_paid(make_cli):
    # 4444: the gateway charges at once and holds the answer for 30 s; kill while it waits.
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, slow_response_seconds=30.0) as sim:
        cashier = make_cli(sim, passive_timeout_seconds=30)
        # A read timeout longer than the delay: the process is surely still waiting when killed.
        cashier.config.write_text(cashier.config.read_text().replace(
            "timeout_seconds = 0.5\n", "timeout_seconds = 40\n", 1))
        proc = cashier.popen("pay", "42.00", "--code", WECHAT + "4444", "--json")
        [request] = wait_for(lambda: sim.requests(action="PASSIVEPAY"))
        order_id = request.data["order_id"]
        _kill(proc)
        cashier.config.write_text(cashier.config.read_text().replace(
            "timeout_seconds = 40\n", "timeout_seconds = 0.5\n", 1))
        _recover_and_check(cashier, sim, order_id, "paid", passivepays=1)
        with cashier.journal() as journal:
            sale = journal.require_sale(order_id)
            assert sale.late  # paid, but nobody saw it: surfaced as a late payment
            assert sale.bizpay_order_id == sim.order(order_id).bizpay_order_id


def test_killed_while_polling_a_confirming_payment_recovers_paid(make_cli):
    # 1111: the customer is confirming until the test lets them (after the kill, however late
    # it comes); kill after the second query.
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, confirm_after_queries=10**9) as sim:
        cashier = make_cli(sim, passive_timeout_seconds=30, poll_interval_seconds=0.2)
        proc = cashier.popen("pay", "18.80", "--code", WECHAT + "1111", "--tip", "2", "--json")
        [request] = wait_for(lambda: sim.requests(action="PASSIVEPAY"))
        order_id = request.data["order_id"]
        wait_for(lambda: len(sim.requests(order_id=order_id, action="STATUS_QUERY")) >= 2)
        _kill(proc)
        sim.gateway.config.confirm_after_queries = 0  # the customer confirms
        _recover_and_check(cashier, sim, order_id, "paid", passivepays=1)


def test_killed_while_polling_a_payment_that_fails_recovers_declined(make_cli):
    # 2222: the customer's wallet fails the payment when the test lets it, after the kill.
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, confirm_after_queries=10**9) as sim:
        cashier = make_cli(sim, passive_timeout_seconds=30, poll_interval_seconds=0.2)
        proc = cashier.popen("pay", "9.99", "--code", WECHAT + "2222", "--json")
        [request] = wait_for(lambda: sim.requests(action="PASSIVEPAY"))
        order_id = request.data["order_id"]
        wait_for(lambda: sim.requests(order_id=order_id, action="STATUS_QUERY"))
        _kill(proc)
        sim.gateway.config.confirm_after_queries = 0
        _recover_and_check(cashier, sim, order_id, "declined", passivepays=1)


def test_killed_after_the_intent_before_the_request_recovers_closed(cashier, sim):
    # CASHIER_FAULT=crash-after-intent: SIGKILL right after the intent is committed, before the
    # PASSIVEPAY leaves. The gateway never heard of the order: recovery closes it (unpaid) once
    # it is older than a request could take to arrive, and never sends the payment.
    result = cashier.run("pay", "31.00", "--code", WECHAT + "0000", "--json",
                         CASHIER_FAULT="crash-after-intent")
    assert result.code == -signal.SIGKILL
    assert result.out == ""  # died before saying anything
    with cashier.journal() as journal:
        [sale] = journal.open_sales()
    assert sale.amount_cents == 3100 and sale.state == "pending"
    assert sim.requests() == []
    _recover_and_check(cashier, sim, sale.order_id, "closed", passivepays=0)
    assert sim.requests(order_id=sale.order_id, action="STATUS_QUERY")


def test_ctrl_c_stops_waiting_and_leaves_the_sale_to_recover(make_cli):
    # The customer confirms only when the test lets them, however late the Ctrl-C comes.
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, confirm_after_queries=10**9) as sim:
        cashier = make_cli(sim, passive_timeout_seconds=30, poll_interval_seconds=0.4)
        proc = cashier.popen("pay", "6.00", "--code", WECHAT + "1111", "--json")
        [request] = wait_for(lambda: sim.requests(action="PASSIVEPAY"))
        order_id = request.data["order_id"]
        # The cashier is waiting for the customer once it asks how the payment is going.
        wait_for(lambda: sim.requests(order_id=order_id, action="STATUS_QUERY"))
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 3, err
        assert "cashier recover" in err
        with cashier.journal() as journal:
            sale = journal.require_sale(order_id)
            assert sale.is_open and sale.abandoned
        sim.gateway.config.confirm_after_queries = 0  # the customer confirms
        result = cashier("recover", "--json")
        assert result.code == 0
        with cashier.journal() as journal:
            sale = journal.require_sale(order_id)
            assert sale.state == "paid" and sale.late
        assert len(sim.requests(order_id=order_id, action="PASSIVEPAY")) == 1
