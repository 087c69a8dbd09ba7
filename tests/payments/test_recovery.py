"""Recovery: a reopened journal's pending/unknown sales are queried and settled (real simulator).

The crashed process is played by writing the intent to the journal file (and, where it got that
far, sending the PASSIVEPAY with a real client) and closing the file without settling the sale.
SIGKILL subprocess tests live with the CLI.
"""

from __future__ import annotations

import time

import pytest

from cashier.journal import Journal
from cashier.payments.engine import PaymentEngine
from cashier.payments.settings import PaymentSettings
from cashier.wallets import Wallet

from .conftest import FAST, OPERATOR, WECHAT


def _crashed_sale(path, client, order_id: str, code: str | None, amount: int = 800,
                  send: bool = True) -> None:
    """What a terminal killed mid-sale leaves behind: an intent (and maybe a sent PASSIVEPAY)."""
    with Journal(path) as journal:
        journal.create_sale(order_id=order_id, mode="passive", wallet="WECHATPAY",
                            amount_cents=amount, operator_id=OPERATOR, code_last4=code[-4:])
    if send:
        client.passive_pay(order_id=order_id, amount_cents=amount, auth_code=code,
                           biz_type=Wallet.WECHATPAY)


@pytest.fixture
def restart(client, journal_path, recorder):
    """A fresh journal handle and engine on the same file: the restarted terminal."""
    opened: list[tuple[Journal, PaymentEngine]] = []

    def start(*, hours_later: float = 0.0, **overrides) -> PaymentEngine:
        journal = Journal(journal_path)
        engine = PaymentEngine(client, journal, PaymentSettings(**{**FAST, **overrides}),
                               listener=recorder,
                               wall_clock=lambda: time.time() + hours_later * 3600)
        opened.append((journal, engine))
        return engine

    yield start
    for journal, engine in opened:
        engine.shutdown()
        journal.close()


def test_charged_sale_left_pending_ends_paid_and_late(journal_path, client, sim, restart):
    _crashed_sale(journal_path, client, "CRASH0000000000000000001", WECHAT + "0000")
    engine = restart()
    [sale] = engine.recover()
    assert sale.state == "paid" and sale.late and sale.abandoned
    assert sale.abandon_reason == "terminal_closed"  # what the late payment will say
    assert len(sim.requests("CRASH0000000000000000001", "PASSIVEPAY")) == 1
    assert [s.order_id for s in engine.late_payments()] == [sale.order_id]


def test_confirming_sale_is_polled_to_paid_within_the_timeout(journal_path, client, sim,
                                                              restart):
    _crashed_sale(journal_path, client, "CRASH0000000000000000002", WECHAT + "1111")
    engine = restart()
    [sale] = engine.recover(timeout=3.0)
    assert sale.state == "paid"
    assert len(sim.requests(sale.order_id, "PASSIVEPAY")) == 1


def test_unsettled_sale_is_handed_to_the_resolver(journal_path, client, sim, restart):
    _crashed_sale(journal_path, client, "CRASH0000000000000000003", WECHAT + "5555")
    engine = restart()
    [sale] = engine.recover()  # one pass: still notpay
    assert sale.is_open
    assert engine.wait_idle(5.0)
    assert engine.journal.require_sale(sale.order_id).state == "closed"


def test_intent_never_sent_stays_unknown_within_grace_then_closes(journal_path, client, sim,
                                                                   restart):
    _crashed_sale(journal_path, client, "CRASH0000000000000000004", WECHAT + "0000", send=False)
    engine = restart(unknown_grace=60.0)
    [sale] = engine.recover()
    assert sale.state == "unknown"  # the request may still be in flight: not closed yet
    engine.shutdown()
    engine.journal.close()  # that terminal ends: its lease goes, a new one may take the sale
    later = restart(unknown_grace=60.0, hours_later=1)
    [sale] = later.recover()
    assert sale.state == "closed" and sale.rsp_msg == "order not found"
    assert sim.requests(sale.order_id, "PASSIVEPAY") == []
    assert later.late_payments() == []


def test_recovered_late_payment_refunded_with_refund_policy(journal_path, client, sim, restart):
    _crashed_sale(journal_path, client, "CRASH0000000000000000005", WECHAT + "0000", amount=321)
    engine = restart(late_payment="refund")
    engine.recover()
    assert engine.wait_idle(5.0)
    sale = engine.journal.require_sale("CRASH0000000000000000005")
    assert sale.state == "refunded" and sale.late_resolution == "refunded"
    assert sim.order(sale.order_id).refunded_cents == 321
    assert len(sim.requests(action="REFUND")) == 1


def test_refund_intent_the_gateway_never_saw_stays_reserved_until_a_manager_releases_it(
        journal_path, client, sim, restart):
    engine = restart()
    sale = engine.pay_passive(500, WECHAT + "0000")
    # Crash after journaling a refund, before sending it: the gateway never heard of it, but
    # the terminal cannot tell that from a REFUND still held somewhere in the network.
    engine.journal.create_refund(refund_id="LOSTREFUND1", sale_order_id=sale.order_id,
                                 amount_cents=200)
    engine.shutdown()
    engine.journal.close()
    later = restart(hours_later=1)
    later.recover()
    assert later.journal.get_refund("LOSTREFUND1").state == "pending"
    assert later.journal.refundable_cents(sale.order_id) == 300
    released = later.release_refund("LOSTREFUND1", operator_id="M1")
    assert released.state == "failed" and released.recheck_until is not None
    assert later.journal.refundable_cents(sale.order_id) == 500
    assert sim.requests(action="REFUND") == []


def test_recover_with_nothing_open_does_nothing(restart, sim):
    assert restart().recover() == []
    assert sim.requests() == []
