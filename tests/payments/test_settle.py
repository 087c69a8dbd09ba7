"""How settling works, as a specification (real simulator over HTTP, real journal file).

1. Every change is a compare-and-set: losing a race or stale news changes nothing; only a real
   contradiction (the gateway says declined about a paid sale) is an error, and changes nothing.
   A query answer maps to a state: paid, declined, closed; pending only revives an unknown sale.
2. A confirmed amount that differs from the sale is never marked paid. A callback's amount may
   include the tip or not; anything else is ignored (and the gateway asked).
3. Silence is never final: "order not found" past the grace closes a sale *for now*; the journal
   records that the outcome rests on silence (``recheck_until``) and the reconciliation sweep
   asks again until then. Paid later: a late payment. Declined or closed by the gateway: the sale
   rests on that answer. After the window: nobody asks any more.
4. Refunds are confirmed from whichever evidence the gateway gives; silence never fails one
   (more in ``test_refunds.py``).
5. End to end through a network that holds requests (``tests.faults.FaultProxy``), counted at
   the gateway side: nothing is sent twice, and the journal ends equal to the gateway.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from cashier.journal import RefundNotAllowedError
from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import OrderStatus, Outcome
from cashier.ottpay.results import StatusResult
from cashier.payments.engine import PaymentEngine
from cashier.payments.settings import PaymentSettings
from cashier.payments.states import IllegalTransition, SaleState
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY
from cashier.wallets import Wallet
from tests.faults import Drop, Hold

from .conftest import FAST, OPERATOR, WECHAT
from .helpers import wait_until

HOUR = 3600.0


class Clock:
    """Wall-clock time that a test can move forward (the journal keeps real timestamps)."""

    def __init__(self) -> None:
        self.shift = 0.0

    def __call__(self) -> float:
        return time.time() + self.shift

    def advance(self, seconds: float) -> None:
        self.shift += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_shifted(client, journal, recorder, clock):
    engines: list[PaymentEngine] = []

    def make(**overrides) -> PaymentEngine:
        engine = PaymentEngine(client, journal, PaymentSettings(**{**FAST, **overrides}),
                               listener=recorder, wall_clock=clock)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.shutdown()


def _paid_answer(order_id: str, total: int, tip: int = 0) -> StatusResult:
    return StatusResult(order_id=order_id, order_status=OrderStatus.SUCCESS, outcome=Outcome.PAID,
                        total_cents=total, tip_cents=tip, bizpay_order_id="WX1")


def _closed_on_silence(engine: PaymentEngine, clock: Clock, order_id: str, *,
                       mode: str = "passive", amount: int = 800):
    """A sale whose PASSIVEPAY never reached the gateway in time: queried past the grace."""
    engine.journal.create_sale(order_id=order_id, mode=mode, wallet="WECHATPAY",
                               amount_cents=amount, operator_id=OPERATOR)
    clock.advance(engine.settings.unknown_grace + 1)
    return engine.settler.query(order_id)


def _deliver_held_passive_pay(client, order_id: str, code: str, amount: int = 800) -> None:
    """The held PASSIVEPAY reaches the gateway at last (the terminal does not send it again)."""
    client.passive_pay(order_id=order_id, amount_cents=amount, auth_code=code,
                       biz_type=Wallet.WECHATPAY, operator_id=OPERATOR)


def _answer(order_id: str, status: OrderStatus, total: int | None = None) -> StatusResult:
    from cashier.ottpay.codes import classify_order_status

    return StatusResult(order_id=order_id, order_status=status,
                        outcome=classify_order_status(status), total_cents=total)


# -- 1. answers and races -----------------------------------------------------------------------


@pytest.mark.parametrize(("status", "state"), [
    (OrderStatus.SUCCESS, "paid"), (OrderStatus.FAILURE, "declined"),
    (OrderStatus.ORDERCLOSED, "closed"), (OrderStatus.NOTPAY, "pending"),
])
def test_a_query_answer_about_a_pending_sale_maps_to_a_state(engine, journal, status, state):
    sale = journal.create_sale(order_id="ANS1", mode="passive", wallet="WECHATPAY",
                               amount_cents=700)
    after = engine.settler.apply_status(sale, _answer("ANS1", status, total=700))
    assert after.state == state
    assert after.recheck_until is None  # an answer: nothing rests on silence


def test_pending_revives_an_unknown_sale_but_is_stale_news_about_a_settled_one(engine, journal):
    sale = journal.create_sale(order_id="REV1", mode="passive", wallet="WECHATPAY",
                               amount_cents=700, state="unknown")
    assert engine.settler.apply_status(sale, _answer("REV1", OrderStatus.NOTPAY)).state == \
        "pending"
    paid = engine.settler.advance("REV1", SaleState.PAID, note="callback")
    events = journal.events("REV1")
    assert engine.settler.advance("REV1", SaleState.PENDING, note="late poll").state == "paid"
    assert engine.settler.advance("REV1", SaleState.PAID, note="duplicate") == paid
    assert journal.events("REV1") == events  # neither race left a trace


def test_a_gateway_contradicting_the_journal_is_refused_and_changes_nothing(engine, journal):
    journal.create_sale(order_id="CONTRA1", mode="passive", wallet="WECHATPAY",
                        amount_cents=700)
    engine.settler.advance("CONTRA1", SaleState.PAID, note="paid")
    with pytest.raises(IllegalTransition):
        engine.settler.advance("CONTRA1", SaleState.DECLINED, note="declined after paid?")
    assert journal.require_sale("CONTRA1").state == "paid"


# -- 2. amounts ---------------------------------------------------------------------------------


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


@pytest.mark.parametrize(("amount", "tip", "fits"), [
    (1000, 100, True),   # amount and tip apart
    (1100, 0, True),     # the amount includes the tip, no tip field (or 0)
    (1100, 100, True),   # the amount includes the tip, the tip field repeats it
    (1100, 50, False),
    (1000, 0, False),    # the tip lost
    (999, 100, False),
])
def test_a_callback_amount_is_read_with_or_without_the_tip(engine, journal, amount, tip, fits):
    sale = journal.create_sale(order_id="CBAMT1", mode="active", wallet="ALIPAY",
                               amount_cents=1000, tip_cents=100)
    assert (engine.settler.callback_mismatch(sale, amount, tip) == "") is fits


# -- 3. silence ---------------------------------------------------------------------------------


def test_not_found_within_the_grace_is_not_yet_an_answer(make_shifted, journal, sim):
    engine = make_shifted(unknown_grace=60.0)
    journal.create_sale(order_id="YOUNG1", mode="passive", wallet="WECHATPAY", amount_cents=500,
                        operator_id=OPERATOR)
    sale = engine.settler.query("YOUNG1")
    assert sale.is_open and sale.recheck_until is None


def test_not_found_past_the_grace_closes_for_now_and_is_marked_for_recheck(
        make_shifted, clock, sim):
    engine = make_shifted(recheck_seconds=48 * HOUR)
    sale = _closed_on_silence(engine, clock, "SILENT1")
    assert sale.state == "closed" and sale.rsp_msg == "order not found"
    assert sale.abandoned and sale.abandon_reason == "no_answer"  # a payment now is late
    assert sale.recheck_until == pytest.approx(sale.created_at + 48 * HOUR)
    assert [s.order_id for s in engine.journal.silent_sales(clock())] == ["SILENT1"]


def test_sale_closed_on_silence_found_paid_by_the_sweep_is_a_late_payment(
        make_shifted, clock, client, sim, journal, recorder):
    engine = make_shifted()
    _closed_on_silence(engine, clock, "HELD1")
    _deliver_held_passive_pay(client, "HELD1", WECHAT + "0000")
    result = engine.reconcile()
    assert result.paid_late == ["HELD1"]
    sale = journal.require_sale("HELD1")
    assert sale.state == "paid" and sale.late and sale.recheck_until is None
    assert sale.abandon_reason == "no_answer"  # what the late-payment banner can say
    assert recorder.late() == ["HELD1"]
    assert [s.order_id for s in engine.late_payments()] == ["HELD1"]
    assert len(sim.requests("HELD1", "PASSIVEPAY")) == 1  # only the held one, never resent
    assert engine.reconcile().sales_checked == 0


def test_late_payment_policy_refund_applies_to_a_sale_found_paid_after_silence(
        make_shifted, clock, client, sim, journal):
    engine = make_shifted(late_payment="refund")
    _closed_on_silence(engine, clock, "HELD2")
    _deliver_held_passive_pay(client, "HELD2", WECHAT + "0000")
    engine.reconcile()
    wait_until(lambda: journal.require_sale("HELD2").late_resolution == "refunded")
    assert sim.order("HELD2").refunded_cents == 800
    assert len(sim.requests(action="REFUND")) == 1


def test_sweep_stops_asking_once_the_gateway_answers(make_shifted, clock, client, sim, journal):
    engine = make_shifted()
    _closed_on_silence(engine, clock, "ANSWERED1")
    # 5555: the gateway has the order, unpaid; its third query says orderclosed.
    _deliver_held_passive_pay(client, "ANSWERED1", WECHAT + "5555")
    for _ in range(3):
        engine.reconcile()
    sale = journal.require_sale("ANSWERED1")
    assert sale.state == "closed" and sale.recheck_until is None
    assert "gateway says orderclosed" in journal.events("ANSWERED1")[-1].note
    queries = len(sim.requests("ANSWERED1", "STATUS_QUERY"))
    assert engine.reconcile().sales_checked == 0
    assert len(sim.requests("ANSWERED1", "STATUS_QUERY")) == queries


def test_sweep_stops_asking_after_the_recheck_window(make_shifted, clock, client, sim, journal):
    engine = make_shifted(recheck_seconds=48 * HOUR)
    _closed_on_silence(engine, clock, "OLD1")
    queries = len(sim.requests("OLD1", "STATUS_QUERY"))
    clock.advance(47 * HOUR)
    assert engine.reconcile().sales_checked == 1
    clock.advance(2 * HOUR)
    assert engine.reconcile().sales_checked == 0
    assert len(sim.requests("OLD1", "STATUS_QUERY")) == queries + 1
    assert journal.require_sale("OLD1").state == "closed"


def test_callback_for_a_sale_closed_on_silence_makes_it_a_late_payment(
        make_shifted, clock, journal, recorder):
    from cashier.ottpay.callbacks import PaymentNotification

    engine = make_shifted()
    _closed_on_silence(engine, clock, "CBLATE1", mode="active")
    engine.on_callback(PaymentNotification(
        order_id="CBLATE1", amount_cents=800, tip_cents=0, rsp_code="SUCCESS",
        order_status=OrderStatus.SUCCESS, bizpay_order_id="WX9", finish_time=None, raw={}))
    sale = journal.require_sale("CBLATE1")
    assert sale.state == "paid" and sale.late and recorder.late() == ["CBLATE1"]


def test_recovery_and_z_report_sweep_first(make_shifted, clock, client, sim, journal):
    engine = make_shifted()
    _closed_on_silence(engine, clock, "ZLATE1")
    _deliver_held_passive_pay(client, "ZLATE1", WECHAT + "0000")
    engine.recover()
    assert journal.require_sale("ZLATE1").state == "paid"
    _closed_on_silence(engine, clock, "ZLATE2", amount=300)
    _deliver_held_passive_pay(client, "ZLATE2", WECHAT + "0000", amount=300)
    report = engine.z_report()
    assert report.total.sales_cents == 1100
    assert {s.order_id for s in report.late_payments} == {"ZLATE1", "ZLATE2"}


def test_the_running_terminal_sweeps_in_the_background(make_shifted, clock, client, journal):
    engine = make_shifted(reconcile_interval=0.05)
    _closed_on_silence(engine, clock, "BG1")
    assert engine.keep_reconciling()
    assert engine.wait_idle(5.0)  # the periodic sweep is not work that keeps a command alive
    _deliver_held_passive_pay(client, "BG1", WECHAT + "0000")
    wait_until(lambda: journal.require_sale("BG1").state == "paid")
    assert journal.require_sale("BG1").late


# -- 5. end to end through a network that holds requests ----------------------------------------


@pytest.fixture
def held_engine(proxy, journal, recorder) -> Iterator[PaymentEngine]:
    """An engine whose gateway is behind the fault proxy."""
    with OttPayClient(proxy.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id=OPERATOR,
                      connect_timeout=0.5, read_timeout=0.5, query_retries=1,
                      query_backoff=0.01) as client:
        # A long wait: the sale ends when the gateway's silence closes it, not at the deadline.
        settings = PaymentSettings(**{**FAST, "passive_timeout": 60.0})
        engine = PaymentEngine(client, journal, settings, listener=recorder)
        yield engine
        engine.shutdown()


def test_passive_pay_held_past_the_grace_then_delivered_is_found_paid_by_the_sweep(
        held_engine, proxy, sim, journal, recorder):
    proxy.on("PASSIVEPAY", Hold(answer=False), times=1)
    sale = held_engine.pay_passive(800, WECHAT + "0000")
    assert sale.state == "closed" and sale.recheck_until is not None  # the cashier saw it fail
    assert proxy.forwarded["PASSIVEPAY"] == 0
    proxy.release("PASSIVEPAY")  # the network delivers it at last: the customer is charged
    proxy.wait_for("PASSIVEPAY", forwarded=1)
    assert held_engine.reconcile().paid_late == [sale.order_id]
    paid = journal.require_sale(sale.order_id)
    assert paid.state == "paid" and paid.late and recorder.late() == [sale.order_id]
    assert proxy.forwarded["PASSIVEPAY"] == 1 and proxy.forwarded["REFUND"] == 0


@pytest.mark.parametrize("sim", ["demo", "refunds-not-queryable"], indirect=True)
def test_refund_held_then_delivered_is_never_refunded_twice(held_engine, proxy, sim, journal):
    sale = held_engine.pay_passive(800, WECHAT + "0000", tip_cents=100)
    proxy.on("REFUND", Hold(answer=False), times=1)
    first = held_engine.refund(sale.order_id)
    assert first.state == "unknown" and journal.refundable_cents(sale.order_id) == 0
    with pytest.raises(RefundNotAllowedError, match=first.refund_id):
        held_engine.refund(sale.order_id)
    held_engine.reconcile()  # still silent: still reserved
    assert journal.get_refund(first.refund_id).state == "unknown"
    proxy.release("REFUND")
    proxy.wait_for("REFUND", forwarded=1)
    held_engine.recover()
    assert journal.get_refund(first.refund_id).state == "succeeded"
    assert journal.require_sale(sale.order_id).refunded_cents == \
        sim.order(sale.order_id).refunded_cents == 900
    assert proxy.forwarded["REFUND"] == 1 and proxy.forwarded["PASSIVEPAY"] == 1


def test_a_sweep_stops_at_once_when_the_gateway_does_not_answer(held_engine, proxy, sim,
                                                                journal):
    ids = ["QUIET1", "QUIET2", "QUIET3"]
    for order_id in ids:  # three sales closed on silence
        journal.create_sale(order_id=order_id, mode="passive", wallet="WECHATPAY",
                            amount_cents=500, operator_id=OPERATOR)
        journal.transition(order_id, "closed", from_states=["pending"], rsp_msg="order not found",
                           recheck_until=time.time() + HOUR)
    proxy.on("STATUS_QUERY", Drop(answer=True))  # the gateway hears, the answers are lost
    result = held_engine.reconcile()
    assert result.unreachable and result.paid_late == []
    assert [oid for oid in ids if sim.requests(oid, "STATUS_QUERY")] == ["QUIET1"]
    proxy.clear()
    assert not held_engine.reconcile().unreachable
    assert all(journal.require_sale(oid).recheck_until is not None for oid in ids)
