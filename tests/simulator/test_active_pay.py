"""ACTIVEPAY, the customer's pay page and signed callbacks delivered to a real HTTP receiver."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cashier.ottpay.codes import OrderStatus
from cashier.ottpay.envelope import parse_callback
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, CustomerPayError, Simulator

from .conftest import FAST, Gateway


class Receiver:
    """A tiny callback receiver: answers the queued statuses (then 200) and keeps every body."""

    def __init__(self, statuses: list[int] | None = None, port: int = 0) -> None:
        self.statuses = list(statuses or [])
        self.bodies: list[bytes] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.bodies.append(body)
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "7")
                self.end_headers()
                self.wfile.write(b"SUCCESS")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ottpay/callback"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.02}, name="test-receiver")
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.thread.join()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rx = Receiver()
    yield rx
    rx.close()


def _active(gw, order_id: str, url: str, amount: int = 2500, tip: int = 0):
    return gw.call("ACTIVEPAY", {
        "operator_id": "0000020156", "amount": str(amount), "tip": str(tip),
        "biz_type": "ALIPAY", "call_back_url": url, "order_id": order_id,
    })


def test_activepay_returns_code_url_and_stays_notpay(gw, sim, receiver):
    reply = _active(gw, "AP1", receiver.url)
    assert reply.rsp_code == "SUCCESS"
    assert reply.data["order_id"] == "AP1"
    assert reply.data["code_url"] == f"{sim.base_url}/pay/AP1"
    assert reply.data["bizpay_order_id"].startswith("AL")
    assert [gw.query("AP1").data["order_status"] for _ in range(5)] == ["notpay"] * 5
    assert receiver.bodies == []


def test_customer_pays_sends_a_signed_callback(gw, sim, receiver):
    _active(gw, "AP2", receiver.url, amount=2500, tip=300)
    order = sim.customer_pays("AP2")
    assert order.status is OrderStatus.SUCCESS
    assert sim.wait_for_callbacks(5)
    [body] = receiver.bodies
    callback = parse_callback(body, DEMO_SIGN_KEY)
    assert (callback.rsp_code, callback.merchant_id) == ("SUCCESS", DEMO_MERCHANT_ID)
    data = callback.data
    assert data["order_id"] == "AP2" and data["amount"] == "2500" and data["tip"] == "300"
    assert data["merchant_id"] == DEMO_MERCHANT_ID and data["order_status"] == "success"
    assert data["bizpay_order_id"] == order.bizpay_order_id
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", data["finish_time"])
    status = gw.query("AP2").data
    assert (status["order_status"], status["total_amount"], status["tip"]) == (
        "success", "2500", "300")
    [delivery] = sim.callback_deliveries("AP2")
    assert delivery.delivered and delivery.attempts == ("200",)


def test_callback_is_retried_after_500s(gw, receiver):
    receiver.statuses = [500, 503]
    _active(gw, "AP3", receiver.url)
    gw.sim.customer_pays("AP3")
    assert gw.sim.wait_for_callbacks(5)
    assert len(receiver.bodies) == 3 and len(set(receiver.bodies)) == 1
    [delivery] = gw.sim.callback_deliveries("AP3")
    assert delivery.attempts == ("500", "503", "200") and delivery.delivered


def test_callback_gives_up_after_the_configured_retries(gw, receiver):
    receiver.statuses = [500] * 10
    _active(gw, "AP4", receiver.url)
    gw.sim.customer_pays("AP4")
    assert gw.sim.wait_for_callbacks(5)
    assert len(receiver.bodies) == 1 + FAST["callback_retries"]
    [delivery] = gw.sim.callback_deliveries("AP4")
    assert not delivery.delivered and delivery.finished
    assert gw.query("AP4").data["order_status"] == "success"  # paid all the same: poll finds it


def test_callback_reaches_a_receiver_that_starts_late(http):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there yet: connections are refused
    # Retries enough to outlast any pause of the test before its receiver starts (it stops
    # at the first delivery): 40 of them, 2 s, were not.
    with Simulator(callback_retries=1000, callback_retry_interval=0.05) as sim:
        gw = Gateway(sim, http)
        _active(gw, "LATE1", f"http://127.0.0.1:{port}/cb")
        sim.customer_pays("LATE1")
        deadline = time.monotonic() + 10
        while not sim.callback_deliveries("LATE1")[0].attempts:  # refused at least once
            assert time.monotonic() < deadline, "the callback was never attempted"
            time.sleep(0.01)
        rx = Receiver(port=port)
        try:
            assert sim.wait_for_callbacks(5)
        finally:
            rx.close()
        [delivery] = sim.callback_deliveries("LATE1")
        assert delivery.delivered and delivery.attempts[0] == "ConnectionError"
        assert parse_callback(rx.bodies[-1], DEMO_SIGN_KEY).data["order_id"] == "LATE1"


def test_stop_abandons_pending_callback_retries_and_joins_senders(http):
    with Simulator(callback_retries=1000, callback_retry_interval=0.05) as sim:
        _active(Gateway(sim, http), "DEAD1", "http://127.0.0.1:9/never")
        sim.customer_pays("DEAD1")
        assert not sim.wait_for_callbacks(0.1)
    assert sim.callback_deliveries("DEAD1")[0].finished  # the sender thread ended


def test_customer_cannot_pay_twice_or_pay_unknown_or_passive_orders(gw, sim, receiver):
    _active(gw, "AP5", receiver.url)
    sim.customer_pays("AP5")
    with pytest.raises(CustomerPayError, match="success, not payable"):
        sim.customer_pays("AP5")
    with pytest.raises(CustomerPayError, match="not found"):
        sim.customer_pays("NOPE")
    gw.pay("PP1", "134567890123451111")
    with pytest.raises(CustomerPayError, match="not a QR"):
        sim.customer_pays("PP1")
    assert sim.wait_for_callbacks(5)
    assert len(receiver.bodies) == 1


def test_pay_page_shows_amount_and_pays_on_post(gw, sim, receiver):
    _active(gw, "AP6", receiver.url, amount=1999, tip=1)
    page = gw.http.get(f"{sim.base_url}/pay/AP6", timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "20.00" in page.text and "Alipay" in page.text and "<button" in page.text
    paid = gw.http.post(f"{sim.base_url}/pay/AP6", timeout=5)
    assert paid.status_code == 200 and "Paid" in paid.text and "<button" not in paid.text
    assert sim.wait_for_callbacks(5)
    assert parse_callback(receiver.bodies[0], DEMO_SIGN_KEY).data["order_id"] == "AP6"
    again = gw.http.post(f"{sim.base_url}/pay/AP6", timeout=5)
    assert again.status_code == 409 and "not payable" in again.text
    assert gw.http.get(f"{sim.base_url}/pay/NOPE", timeout=5).status_code == 404
    assert gw.query("AP6").data["order_status"] == "success"


def test_index_page_lists_demo_codes_but_never_the_sign_key(gw, sim):
    index = gw.http.get(sim.base_url + "/", timeout=5)
    assert index.status_code == 200
    assert sim.url in index.text and "134567890123451111" in index.text
    assert "2845678901231111" in index.text and "6212345678901231111" in index.text
    assert DEMO_SIGN_KEY not in index.text


def test_activepay_orders_can_close_when_configured(http, receiver):
    with Simulator(active_close_after_queries=2) as sim:
        gw = Gateway(sim, http)
        _active(gw, "AP7", receiver.url)
        assert [gw.query("AP7").data["order_status"] for _ in range(2)] == ["notpay", "orderclosed"]
        with pytest.raises(CustomerPayError):
            sim.customer_pays("AP7")
