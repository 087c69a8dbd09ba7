"""The gateway connection over real HTTPS on 127.0.0.1: the simulator serves TLS with a test
certificate authority made for the test, which the client trusts only through ``ca_bundle``."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cashier.journal import Journal
from cashier.ottpay.client import OttPayClient
from cashier.ottpay.errors import OutcomeUnknownError, RequestNotSentError, TransportError
from cashier.ottpay.transport import IDLE_SECONDS
from cashier.payments.engine import PaymentEngine
from cashier.payments.settings import PaymentSettings
from cashier.payments.states import SaleState
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Scenario, Simulator, demo_code
from cashier.simulator.tls import TestAuthority
from cashier.wallets import Wallet
from tests.faults import DrippingRelay

OPERATOR = "0000000001"


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    return TestAuthority.create(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def https_sim(authority):
    with Simulator(tls=authority.server_context()) as sim:
        yield sim


def client_for(sim: Simulator, authority: TestAuthority | None, **options) -> OttPayClient:
    return OttPayClient(sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id=OPERATOR,
                        ca_bundle=authority.ca_file if authority else None, **options)


def test_ca_bundle_trusts_the_test_authority_over_real_https(https_sim, authority):
    assert https_sim.url.startswith("https://127.0.0.1:")
    with client_for(https_sim, authority) as client:
        paid = client.passive_pay(order_id="TLS1", amount_cents=1234, biz_type=Wallet.WECHATPAY,
                                  auth_code=demo_code(Scenario.INSTANT_SUCCESS))
        assert paid.outcome.name == "PAID"
        assert client.status_query("TLS1").order_status.value == "success"
    assert [r.action for r in https_sim.requests()] == ["PASSIVEPAY", "STATUS_QUERY"]
    assert https_sim.connections_opened == 1  # kept alive: one handshake for both


def test_an_untrusted_certificate_is_refused_with_one_sentence(https_sim):
    with client_for(https_sim, None, query_retries=0) as client:
        with pytest.raises(TransportError) as warm:
            client.warm_up()
        with pytest.raises(TransportError) as query:
            client.status_query("TLS2")
    for error in (warm.value, query.value):
        assert "the gateway's TLS certificate could not be verified (unable to get local " \
               "issuer certificate)" in error.message
        assert error.message.count(". ") == 0
    assert https_sim.requests() == []  # nothing got past the handshake


def test_warm_up_connects_without_sending_anything_and_the_payment_uses_it(https_sim,
                                                                           authority):
    with client_for(https_sim, authority) as client:
        assert client.warm_up() is True
        assert client.warm_up() is False  # already open and fresh: nothing to do
        # The server counts the connection once its side of the handshake is done.
        deadline = time.monotonic() + 10
        while https_sim.connections_opened < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert https_sim.requests() == [] and https_sim.connections_opened == 1
        paid = client.passive_pay(order_id="TLS3", amount_cents=500, biz_type=Wallet.ALIPAY,
                                  auth_code=demo_code(Scenario.INSTANT_SUCCESS, Wallet.ALIPAY))
    assert paid.outcome.name == "PAID"
    assert https_sim.connections_opened == 1  # the payment went over the warmed connection
    assert [r.action for r in https_sim.requests()] == ["PASSIVEPAY"]


def _watchdog_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "ottpay-watchdog" and t.is_alive()}


def test_warm_up_has_the_deadline_thread_running_for_the_payment_that_follows(https_sim,
                                                                              authority):
    before = _watchdog_threads()
    with client_for(https_sim, authority) as client:
        assert client.warm_up() is True
        started = _watchdog_threads() - before
        assert len(started) == 1
        time.sleep(IDLE_SECONDS * 3)  # long enough for a thread kept only while idle to end
        paid = client.passive_pay(order_id="TLS6", amount_cents=600, biz_type=Wallet.ALIPAY,
                                  auth_code=demo_code(Scenario.INSTANT_SUCCESS, Wallet.ALIPAY))
        assert paid.outcome.name == "PAID"
        assert _watchdog_threads() - before == started  # the payment started no thread
    assert not any(thread.is_alive() for thread in started)  # closing the client ends it


class IdleClock:
    """How long a connection has been unused, moved by the test: a real sleep could not say
    that the next step comes less than ``refresh_after`` later on a loaded machine."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_connection_idle_for_half_the_idle_timeout_is_reopened_with_a_resumed_session(
        https_sim, authority):
    clock = IdleClock()
    with client_for(https_sim, authority, idle_timeout=0.2, idle_clock=clock) as client:
        client.exchange_rate("CAD")  # a request reads the server's TLS session ticket
        clock.now += 0.15  # past refresh_after (0.1 s): the gateway may be closing it
        assert client.warm_up() is True
        client.exchange_rate("CAD")  # on the connection just opened
    assert https_sim.connections_opened == 2
    assert https_sim.sessions_resumed == 1
    assert [r.action for r in https_sim.requests()] == ["EX_RATE_QUERY", "EX_RATE_QUERY"]


def test_a_payment_is_never_sent_over_a_connection_idle_that_long(https_sim, authority):
    clock = IdleClock()
    with client_for(https_sim, authority, idle_timeout=0.2, idle_clock=clock) as client:
        client.exchange_rate("CAD")
        clock.now += 0.15
        paid = client.passive_pay(order_id="TLS4", amount_cents=700, biz_type=Wallet.WECHATPAY,
                                  auth_code=demo_code(Scenario.INSTANT_SUCCESS))
    assert paid.outcome.name == "PAID"
    assert https_sim.connections_opened == 2


def test_a_connection_the_server_closed_while_idle_is_replaced_by_warm_up(authority):
    with Simulator(tls=authority.server_context(), idle_timeout=0.2) as sim, \
            client_for(sim, authority) as client:
        assert client.warm_up() is True
        deadline = time.monotonic() + 10
        while sim.connections_opened < 2 and time.monotonic() < deadline:
            client.warm_up()  # the server drops the first after 0.2 s idle; then reopened
            time.sleep(0.05)
        assert sim.connections_opened >= 2
        assert client.exchange_rate("CAD").rate_e8 > 0
        assert [r.action for r in sim.requests()] == ["EX_RATE_QUERY"]


# -- a gateway that drips its handshake ------------------------------------------------------

#: One byte of the gateway's handshake every 0.2 s: no read ever waits the 0.5 s connect
#: timeout, and the gateway's first flight (about a kilobyte) would take minutes.
DRIP_INTERVAL = 0.2
BOUND = 30.0  # far above the 0.5 s warm-up deadline, far below the drip's minutes
FOREVER = 600.0  # a connect timeout longer than any test may run


@contextmanager
def engine_through(relay: DrippingRelay, authority: TestAuthority, folder: Path,
                   connect_timeout: float) -> Iterator[PaymentEngine]:
    """An engine whose client reaches the gateway through ``relay``; shut down, aborting
    whatever is in flight, at the end."""
    with OttPayClient(relay.url("/processV2"), DEMO_MERCHANT_ID, DEMO_SIGN_KEY,
                      operator_id=OPERATOR, ca_bundle=authority.ca_file,
                      connect_timeout=connect_timeout, read_timeout=5) as client, \
            Journal(folder / "journal.sqlite") as journal:
        engine = PaymentEngine(client, journal, PaymentSettings(operator_id=OPERATOR))
        try:
            yield engine
        finally:
            engine.shutdown(abort_requests=True)


def test_a_warm_up_whose_handshake_drips_ends_at_its_deadline_and_the_payment_goes_out(
        https_sim, authority, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="cashier.payments")
    with DrippingRelay(https_sim.port, interval=DRIP_INTERVAL) as relay, \
            engine_through(relay, authority, tmp_path, connect_timeout=0.5) as engine:
        started = time.monotonic()
        assert engine.prepare() is False
        assert time.monotonic() - started < BOUND
        assert "could not open the gateway connection ahead of a sale: the gateway connection " \
            "was not open within the connect timeout of 0.5s" in caplog.text
        assert relay.hung_up.wait(BOUND) and relay.dripped > 0  # let go mid-handshake
        sale = engine.pay_passive(800, demo_code(Scenario.INSTANT_SUCCESS))
    assert sale.state == SaleState.PAID
    assert relay.connections == 2 and https_sim.connections_opened == 1  # only one got through
    assert [r.action for r in https_sim.requests()] == ["PASSIVEPAY"]


def test_a_payment_never_waits_for_a_warm_up_stuck_in_its_handshake(https_sim, authority,
                                                                     tmp_path):
    with DrippingRelay(https_sim.port, interval=DRIP_INTERVAL) as relay:
        with engine_through(relay, authority, tmp_path, connect_timeout=FOREVER) as engine:
            assert engine.prepare_soon() is True  # on the engine's thread, as the CLI does
            assert relay.dripping.wait(BOUND)  # the warm-up is in its crawling handshake
            sale = engine.pay_passive(900, demo_code(Scenario.INSTANT_SUCCESS))
            assert sale.state == SaleState.PAID
            assert not relay.hung_up.is_set()  # paid while the warm-up still hangs
        # Shutting down (closing the client) ended the warm-up rather than waiting it out.
        assert relay.hung_up.wait(BOUND)
    assert [r.action for r in https_sim.requests()] == ["PASSIVEPAY"]


def test_a_tls_error_after_the_request_was_written_stays_unknown(authority):
    """Only a failed handshake proves a payment never left: a server that completes the
    handshake, reads the request and then breaks the TLS stream leaves it unknown."""
    received = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        def serve() -> None:
            raw, _ = listener.accept()
            with authority.server_context().wrap_socket(raw, server_side=True) as tls:
                tls.settimeout(10)
                data = b""
                while b"PASSIVEPAY" not in data:
                    data += tls.recv(65536)
                received.set()
                socket.socket.sendall(tls, b"not a TLS record\r\n" * 4)  # under the TLS layer

        thread = threading.Thread(target=serve)
        thread.start()
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/processV2"
        with OttPayClient(url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id=OPERATOR,
                          ca_bundle=authority.ca_file) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                client.passive_pay(order_id="TLS9", amount_cents=100, biz_type=Wallet.WECHATPAY,
                                   auth_code=demo_code(Scenario.INSTANT_SUCCESS))
        thread.join(timeout=10)
    assert received.is_set()  # the request had left
    assert not isinstance(info.value, RequestNotSentError)
    assert "never resend" in info.value.message
