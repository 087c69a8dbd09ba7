"""Each request has a total deadline (connect + the whole answer), not a per-read timeout.

A proxy drips or stalls the simulator's answers; the client must give up within its request time
limit (bounds here are generous: they prove "bounded", not "fast"), call a payment's outcome
unknown, and never send it twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import Outcome
from cashier.ottpay.errors import OutcomeUnknownError, TransportError
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY
from cashier.wallets import Wallet
from tests.faults import Drip, FaultProxy, Stall

CODE = "134567890123450000"  # instant success
#: A drip of one byte per 0.2 s never trips a 0.5 s read timeout; the whole answer (~400 bytes)
#: would take over a minute.
DRIP = Drip(interval=0.2)
BOUND = 30.0  # far above the 1 s limit, far below the drip's minute


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[OttPayClient]:
    with OttPayClient(proxy.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id="0000020156",
                      connect_timeout=0.5, read_timeout=0.5, query_retries=2,
                      query_backoff=0.01) as c:
        yield c


def pay(client: OttPayClient, order_id: str = "D1"):
    return client.passive_pay(order_id=order_id, amount_cents=100, auth_code=CODE,
                              biz_type=Wallet.WECHATPAY)


def test_request_seconds_is_connect_plus_read(client):
    assert client.request_seconds == 1.0


def test_a_dripped_payment_answer_is_unknown_within_the_limit_and_sent_once(client, proxy):
    proxy.on("PASSIVEPAY", DRIP)
    started = time.monotonic()
    with pytest.raises(OutcomeUnknownError, match="time limit of 1s") as info:
        pay(client)
    assert time.monotonic() - started < BOUND
    assert "never resend" in str(info.value)
    assert proxy.forwarded["PASSIVEPAY"] == 1 and proxy.answered["PASSIVEPAY"] == 0
    proxy.clear()
    assert client.status_query("D1").outcome is Outcome.PAID  # charged: the query tells
    assert proxy.forwarded["PASSIVEPAY"] == 1


def test_a_dripped_refund_answer_is_unknown_and_sent_once(client, proxy):
    pay(client)
    proxy.on("REFUND", DRIP)
    with pytest.raises(OutcomeUnknownError, match="time limit"):
        client.refund(ori_order_id="D1", refund_cents=100, order_id="R1")
    assert proxy.forwarded["REFUND"] == 1


def test_a_query_with_its_retries_ends_within_one_request_limit(client, proxy):
    proxy.on("STATUS_QUERY", DRIP)
    started = time.monotonic()
    with pytest.raises(TransportError, match="time limit"):
        client.status_query("D1")
    assert time.monotonic() - started < BOUND
    assert proxy.received["STATUS_QUERY"] == 1  # the first attempt used the whole budget


def test_a_stalled_query_is_retried_only_while_time_is_left(client, proxy):
    proxy.on("STATUS_QUERY", Stall())
    with pytest.raises(TransportError):
        client.status_query("D1")
    assert 1 <= proxy.received["STATUS_QUERY"] <= 3


def test_abort_ends_a_request_in_flight(sim, proxy):
    proxy.on("PASSIVEPAY", Stall(answer=True))
    errors: list[Exception] = []
    with OttPayClient(proxy.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id="0000020156",
                      connect_timeout=30.0, read_timeout=30.0) as patient:
        def run() -> None:
            try:
                pay(patient)
            except OutcomeUnknownError as exc:
                errors.append(exc)

        payer = threading.Thread(target=run, name="payer")
        payer.start()
        proxy.wait_for("PASSIVEPAY", forwarded=1)
        patient.abort()
        payer.join(BOUND)
        assert not payer.is_alive()
    assert len(errors) == 1


def test_a_closed_client_sends_nothing(client, proxy):
    client.close()
    with pytest.raises(ValueError, match="not sent: the gateway client is closed"):
        pay(client)
    with pytest.raises(TransportError, match="not sent: the gateway client is closed"):
        client.status_query("D1")
    assert sum(proxy.received.values()) == 0


def test_a_time_limit_stops_new_requests_on_this_thread_only(client, proxy):
    pay(client)
    with client.time_limit(0.0):
        assert client.out_of_time()
        with pytest.raises(TransportError, match="time limit has passed"):
            client.status_query("D1")
        with pytest.raises(ValueError, match="REFUND not sent"):
            client.refund(ori_order_id="D1", refund_cents=100, order_id="R1")
    assert not client.out_of_time()
    assert client.status_query("D1").outcome is Outcome.PAID
    assert proxy.forwarded["REFUND"] == 0 and proxy.forwarded["STATUS_QUERY"] == 1
