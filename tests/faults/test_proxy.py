"""The fault proxy itself: each fault does what its docstring says, counted at the gateway side."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import Outcome
from cashier.ottpay.errors import OutcomeUnknownError, TransportError
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY
from cashier.wallets import Wallet
from tests.faults import Delay, Drip, Drop, FaultProxy, Hold, Stall, Tamper, Truncate

CODE = "134567890123450000"  # instant success


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[OttPayClient]:
    with OttPayClient(proxy.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id="0000020156",
                      connect_timeout=0.5, read_timeout=0.5, query_retries=0) as c:
        yield c


def pay(client: OttPayClient, order_id: str = "F1"):
    return client.passive_pay(order_id=order_id, amount_cents=100, auth_code=CODE,
                              biz_type=Wallet.WECHATPAY)


def test_without_rules_the_proxy_is_transparent(client, proxy, sim):
    assert pay(client).outcome is Outcome.PAID
    assert client.status_query("F1").outcome is Outcome.PAID
    assert proxy.received == proxy.forwarded == proxy.answered
    assert proxy.forwarded == {"PASSIVEPAY": 1, "STATUS_QUERY": 1}
    assert len(sim.requests(action="PASSIVEPAY")) == 1


def test_a_delayed_answer_still_arrives(client, proxy):
    proxy.on("PASSIVEPAY", Delay(0.05))
    assert pay(client).outcome is Outcome.PAID


def test_a_dropped_request_never_reaches_the_gateway(client, proxy, sim):
    proxy.on("PASSIVEPAY", Drop())
    with pytest.raises(OutcomeUnknownError):
        pay(client)
    assert proxy.received["PASSIVEPAY"] == 1 and proxy.forwarded["PASSIVEPAY"] == 0
    assert sim.gateway.order("F1") is None


def test_a_dropped_answer_leaves_the_payment_made(client, proxy, sim):
    proxy.on("PASSIVEPAY", Drop(answer=True))
    with pytest.raises(OutcomeUnknownError):
        pay(client)
    assert proxy.forwarded["PASSIVEPAY"] == 1 and proxy.answered["PASSIVEPAY"] == 0
    assert client.status_query("F1").outcome is Outcome.PAID


def test_a_held_request_reaches_the_gateway_only_when_released(client, proxy, sim):
    proxy.on("PASSIVEPAY", Hold(), times=1)
    with pytest.raises(OutcomeUnknownError):
        pay(client)  # the client gives up after its timeout
    proxy.wait_for("PASSIVEPAY", held=1)
    assert sim.gateway.order("F1") is None
    assert proxy.release("PASSIVEPAY") == 1
    proxy.wait_for("PASSIVEPAY", forwarded=1)
    assert client.status_query("F1").outcome is Outcome.PAID  # delivered late: charged


def test_a_held_answer_is_delivered_on_release_to_a_waiting_client(sim, proxy):
    proxy.on("STATUS_QUERY", Hold(answer=True), times=1)
    with OttPayClient(proxy.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id="0000020156",
                      read_timeout=30.0, query_retries=0) as patient:
        pay(patient)
        results: list[Outcome] = []
        asker = threading.Thread(target=lambda: results.append(
            patient.status_query("F1").outcome), name="asker")
        asker.start()
        proxy.wait_for("STATUS_QUERY", forwarded=1, held=1)
        proxy.release()
        asker.join()
    assert results == [Outcome.PAID]


def test_a_stalled_request_gets_no_answer_and_is_not_forwarded(client, proxy):
    proxy.on("STATUS_QUERY", Stall())
    with pytest.raises(TransportError):
        client.status_query("F1")
    assert proxy.forwarded["STATUS_QUERY"] == 0


def test_a_stalled_answer_holds_until_the_client_leaves(client, proxy):
    proxy.on("PASSIVEPAY", Stall(answer=True))
    with pytest.raises(OutcomeUnknownError):
        pay(client)
    assert proxy.forwarded["PASSIVEPAY"] == 1 and proxy.answered["PASSIVEPAY"] == 0


def test_a_dripped_answer_is_complete_when_it_ends(sim, proxy):
    proxy.on("STATUS_QUERY", Drip(interval=0.001))
    with OttPayClient(proxy.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id="0000020156",
                      read_timeout=30.0) as patient:
        pay(patient)
        assert patient.status_query("F1").outcome is Outcome.PAID
    assert proxy.answered["STATUS_QUERY"] == 1


def test_a_truncated_answer_is_unusable(client, proxy):
    proxy.on("PASSIVEPAY", Truncate(keep=40))
    with pytest.raises(OutcomeUnknownError):
        pay(client)
    assert proxy.forwarded["PASSIVEPAY"] == 1 and proxy.answered["PASSIVEPAY"] == 0


def test_a_truncated_request_reaches_the_gateway_broken(client, proxy, sim):
    proxy.on("PASSIVEPAY", Truncate(keep=10, answer=False))
    assert pay(client).outcome is Outcome.REJECTED  # the gateway could not read it
    assert proxy.forwarded["PASSIVEPAY"] == 1
    assert sim.gateway.order("F1") is None


def test_a_tampered_answer_fails_verification(client, proxy):
    proxy.on("PASSIVEPAY", Tamper(lambda body: body.replace(b'"md5":"', b'"md5":"0')))
    with pytest.raises(OutcomeUnknownError) as info:
        pay(client)
    assert "verification" in str(info.value)


def test_rules_run_out_after_their_times(client, proxy):
    proxy.on("STATUS_QUERY", Drop(), times=1)
    pay(client)
    with pytest.raises(TransportError):
        client.status_query("F1")
    assert client.status_query("F1").outcome is Outcome.PAID
    assert proxy.received["STATUS_QUERY"] == 2 and proxy.forwarded["STATUS_QUERY"] == 1


def test_stop_ends_every_thread_with_idle_held_and_stalled_connections(sim):
    proxy = FaultProxy(sim.url).start()
    proxy.on("*", Hold())
    idle = [socket.create_connection(("127.0.0.1", proxy.port)) for _ in range(5)]
    half = socket.create_connection(("127.0.0.1", proxy.port))
    half.sendall(b"POST /processV2 HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
    held = socket.create_connection(("127.0.0.1", proxy.port))
    held.sendall(b"POST /processV2 HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}")
    proxy.wait_for("", held=1)
    proxy.stop()  # the no_leaked_threads fixture checks that every proxy thread ended
    for sock in [*idle, half, held]:
        sock.close()
    assert proxy.forwarded[""] == 0  # a held request is discarded at teardown, never sent
