"""``cashier late``: payments that succeeded after the wait was given up, listed and resolved."""

from __future__ import annotations

from cashier.simulator import Simulator
from tests.cli.conftest import WECHAT


def _late_payment(cashier, amount: str) -> str:
    pending = cashier("pay", amount, "--code", WECHAT + "1111", "--json")
    assert pending.code == 3
    order_id = pending.json()["sale"]["order_id"]
    assert cashier("status", order_id).code == 0  # the customer confirmed in the meantime
    return order_id


def test_late_payments_listed_then_kept_or_refunded(make_cli):
    with Simulator(confirm_after_queries=1) as sim:
        cashier = make_cli(sim, passive_timeout_seconds=0.2, poll_interval_seconds=5)
        kept, refunded = _late_payment(cashier, "7.00"), _late_payment(cashier, "8.00")
        listing = cashier("late", "--json").json()
        assert {s["order_id"] for s in listing["late_payments"]} == {kept, refunded}
        assert all(s["late"] and s["late_resolution"] is None
                   for s in listing["late_payments"])
        keep = cashier("late", "--keep", kept, "--json")
        assert keep.code == 0
        assert keep.json()["resolved"]["late_resolution"] == "kept"
        back = cashier("late", "--refund", refunded, "--json")
        assert back.code == 0, back.err
        body = back.json()
        assert body["resolved"]["state"] == "refunded"
        assert body["resolved"]["late_resolution"] == "refunded"
        assert body["late_payments"] == []
        assert [r.data["refund_amt"] for r in sim.requests(action="REFUND")] == ["800"]
        assert "No late payments" in cashier("late").out
        assert cashier("late", "--keep", kept).code == 2  # already resolved
        assert cashier("late", "--keep", "NOSUCHORDER").code == 2


def test_a_pay_held_in_the_network_and_closed_as_not_found_is_found_paid_later(make_cli, sim):
    from types import SimpleNamespace

    from tests.faults import FaultProxy, Hold

    with FaultProxy(sim.url) as proxy:
        # Waits long enough for the gateway's silence to close the sale (the grace is 2 s).
        cashier = make_cli(SimpleNamespace(url=proxy.url), passive_timeout_seconds=30.0)
        held = []
        for amount in ("6.00", "4.00"):
            proxy.on("PASSIVEPAY", Hold(answer=False), times=1)
            result = cashier("pay", amount, "--code", WECHAT + "0000", "--json")
            assert result.code == 1 and result.json()["sale"]["state"] == "closed"
            held.append(result.json()["sale"]["order_id"])
        proxy.release("PASSIVEPAY")  # both reach the gateway at last: the customers are charged
        proxy.wait_for("PASSIVEPAY", forwarded=2)
        status = cashier("status", held[0], "--json").json()  # asking about one settles it
        assert status["sale"]["state"] == "paid" and status["sale"]["late"]
        recovered = cashier("recover", "--json")  # the sweep finds the other
        assert recovered.code == 0
        assert set(recovered.json()["late_payments"]) == set(held)
        assert recovered.json()["reconciliation"]["paid_late"] == [held[1]]
        for order_id in held:
            body = cashier("status", order_id, "--json").json()
            assert body["sale"]["total_cents"] == body["gateway"]["total_cents"]
            assert body["sale"]["state"] == "paid"
        assert proxy.forwarded["PASSIVEPAY"] == 2 and proxy.forwarded["REFUND"] == 0
