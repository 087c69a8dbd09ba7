"""The journal store: intents, compare-and-set transitions, refunds bookkeeping, Z records."""

from __future__ import annotations

import threading

import pytest

from cashier.journal import (
    DayAlreadyClosedError,
    DuplicateOrderError,
    Journal,
    RefundNotAllowedError,
    SaleNotFoundError,
)


class FakeClock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "journal.sqlite", business_day_of=lambda _t: "2026-11-23") as j:
        yield j


def _sale(journal: Journal, order_id: str = "A1", amount: int = 1000, tip: int = 0, **kw):
    return journal.create_sale(
        order_id=order_id, mode=kw.pop("mode", "passive"), wallet=kw.pop("wallet", "WECHATPAY"),
        amount_cents=amount, tip_cents=tip, **kw,
    )


def test_intent_is_pending_with_one_event(journal):
    sale = _sale(journal, masked_code="1345**********1111", code_last4="1111", operator_id="7")
    assert sale.state == "pending" and sale.business_day == "2026-11-23"
    assert sale.total_cents == 1000 and not sale.late and not sale.abandoned
    [event] = journal.events("A1")
    assert (event.from_state, event.to_state) == (None, "pending")


def test_duplicate_order_id_is_refused(journal):
    _sale(journal)
    with pytest.raises(DuplicateOrderError):
        _sale(journal)


def test_transition_is_compare_and_set(journal):
    _sale(journal)
    paid = journal.transition("A1", "paid", from_states=("pending", "unknown"), note="poll",
                              bizpay_order_id="WX1", rsp_code="SUCCESS")
    assert paid is not None and paid.state == "paid" and paid.bizpay_order_id == "WX1"
    assert paid.settled_at is not None
    # The racing second writer loses and records nothing.
    assert journal.transition("A1", "paid", from_states=("pending", "unknown")) is None
    assert [(e.from_state, e.to_state) for e in journal.events("A1")] == [
        (None, "pending"), ("pending", "paid")]


def test_racing_threads_exactly_one_wins(journal):
    _sale(journal)
    wins: list[object] = []
    barrier = threading.Barrier(8)

    def race() -> None:
        barrier.wait()
        result = journal.transition("A1", "paid", from_states=("pending", "unknown"))
        if result is not None:
            wins.append(result)

    threads = [threading.Thread(target=race) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1
    assert sum(e.to_state == "paid" for e in journal.events("A1")) == 1


def test_unknown_field_names_are_refused(journal):
    _sale(journal)
    with pytest.raises(ValueError):
        journal.transition("A1", "paid", from_states=("pending",), **{"state = 'x' --": 1})
    assert journal.require_sale("A1").state == "pending"


def test_paid_after_abandon_is_late(journal):
    _sale(journal)
    assert journal.mark_abandoned("A1").abandoned
    paid = journal.transition("A1", "paid", from_states=("pending",))
    assert paid.late and paid.late_resolution is None
    assert paid.abandon_reason == "stopped_waiting"
    assert [s.order_id for s in journal.late_payments()] == ["A1"]
    resolved = journal.resolve_late("A1", "kept")
    assert resolved.late_resolution == "kept"
    assert journal.resolve_late("A1", "refunded") is None  # resolved once
    assert journal.late_payments() == []
    assert len(journal.late_payments(unresolved_only=False)) == 1


def test_abandon_of_a_settled_sale_does_nothing(journal):
    _sale(journal)
    journal.transition("A1", "declined", from_states=("pending",))
    assert journal.mark_abandoned("A1") is None
    assert not journal.require_sale("A1").abandoned


def test_survives_reopen(tmp_path):
    path = tmp_path / "j.sqlite"
    with Journal(path) as j:
        _sale(j, "A1")
        j.transition("A1", "unknown", from_states=("pending",), rsp_msg="timeout")
    with Journal(path) as j:
        sale = j.require_sale("A1")
        assert sale.state == "unknown" and sale.rsp_msg == "timeout"
        assert [s.order_id for s in j.open_sales()] == ["A1"]


def test_missing_sale(journal):
    with pytest.raises(SaleNotFoundError):
        journal.require_sale("nope")
    assert journal.get_sale("nope") is None


def test_refunds_never_exceed_the_sale(journal):
    _sale(journal, amount=1000, tip=200)
    with pytest.raises(RefundNotAllowedError, match="only paid"):
        journal.create_refund(refund_id="R0", sale_order_id="A1", amount_cents=100)
    journal.transition("A1", "paid", from_states=("pending",))
    r1 = journal.create_refund(refund_id="R1", sale_order_id="A1", amount_cents=700)
    assert journal.refundable_cents("A1") == 500  # pending refunds are reserved
    with pytest.raises(RefundNotAllowedError, match="only 5.00"):
        journal.create_refund(refund_id="R2", sale_order_id="A1", amount_cents=501)
    assert journal.get_refund("R2") is None
    refund, sale = journal.finish_refund(r1.refund_id, "succeeded", rsp_code="SUCCESS")
    assert refund.state == "succeeded"
    assert sale.state == "partially_refunded" and sale.refunded_cents == 700
    assert journal.finish_refund("R1", "failed") is None  # already final
    r3 = journal.create_refund(refund_id="R3", sale_order_id="A1", amount_cents=None)
    assert r3.amount_cents == 500
    journal.finish_refund("R3", "failed")
    assert journal.refundable_cents("A1") == 500  # a failed refund frees its reservation
    journal.create_refund(refund_id="R4", sale_order_id="A1", amount_cents=500)
    _, sale = journal.finish_refund("R4", "succeeded")
    assert sale.state == "refunded" and sale.refunded_cents == 1200
    with pytest.raises(RefundNotAllowedError):
        journal.create_refund(refund_id="R5", sale_order_id="A1", amount_cents=1)


def test_history_filters_and_pages(tmp_path):
    clock = FakeClock()
    days = iter(["2026-11-22"] * 3 + ["2026-11-23"] * 3)
    with Journal(tmp_path / "j.sqlite", clock=clock, business_day_of=lambda _t: next(days)) as j:
        for i in range(6):
            clock.now += 1
            _sale(j, f"ORD{i}", amount=100 * (i % 2 + 1), code_last4=f"{i:04d}")
        assert [s.order_id for s in j.history(day="2026-11-23")] == ["ORD5", "ORD4", "ORD3"]
        assert [s.order_id for s in j.history(limit=2, offset=1)] == ["ORD4", "ORD3"]
        assert [s.order_id for s in j.history(amount_cents=200)] == ["ORD5", "ORD3", "ORD1"]
        assert [s.order_id for s in j.history(code_last4="0002")] == ["ORD2"]
        assert [s.order_id for s in j.history(order_id_prefix="ORD4")] == ["ORD4"]
        assert j.history(order_id_prefix="X") == []


def test_z_close_is_numbered_and_refused_twice(journal):
    first = journal.close_day("2026-11-22", "{}")
    second = journal.close_day("2026-11-23", "{}")
    assert (first.number, second.number) == (1, 2)
    with pytest.raises(DayAlreadyClosedError, match="#1"):
        journal.close_day("2026-11-22", "{}")
    assert [z.number for z in journal.z_records()] == [1, 2]


def test_sales_after_closing_a_day_go_to_the_next_day(tmp_path):
    with Journal(tmp_path / "j.sqlite", business_day_of=lambda _t: "2026-11-23") as j:
        j.close_day("2026-11-23", "{}")
        j.close_day("2026-11-24", "{}")
        assert _sale(j).business_day == "2026-11-25"
        assert j.current_business_day() == "2026-11-25"


def test_two_connections_on_one_file_still_let_exactly_one_transition_win(tmp_path):
    # As if two processes (the terminal and a `cashier recover`) shared the journal file.
    path = tmp_path / "shared.sqlite"
    with Journal(path) as first, Journal(path) as second:
        for i in range(20):
            _sale(first, f"S{i}")
        wins: list[str] = []
        barrier = threading.Barrier(2)

        def race(journal: Journal, name: str) -> None:
            barrier.wait()
            for i in range(20):
                if journal.transition(f"S{i}", "paid", from_states=("pending",)) is not None:
                    wins.append(f"{name}{i}")

        threads = [threading.Thread(target=race, args=(j, n))
                   for j, n in ((first, "a"), (second, "b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(wins) == 20
        assert all(len([e for e in first.events(f"S{i}") if e.to_state == "paid"]) == 1
                   for i in range(20))


def test_abandon_keeps_why_once(journal):
    _sale(journal)
    assert journal.mark_abandoned("A1", reason="terminal_closed").abandon_reason == \
        "terminal_closed"
    journal.mark_abandoned("A1")  # already given up: the first reason stands
    assert journal.require_sale("A1").abandon_reason == "terminal_closed"
