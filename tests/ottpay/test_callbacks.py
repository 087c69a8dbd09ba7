"""Callback verification and the receiver, over real HTTP on 127.0.0.1."""

import json
import logging
import socket
import threading
import time
from datetime import UTC, datetime

import pytest
import requests

from cashier.ottpay import callbacks
from cashier.ottpay.callbacks import CallbackReceiver, PaymentNotification, verify_callback
from cashier.ottpay.codes import OrderStatus
from cashier.ottpay.envelope import build_callback
from cashier.ottpay.errors import GatewayMessageError

KEY = "0123456789ABCDEF"
OTHER_KEY = "FEDCBA9876543210"
MERCHANT = "QC00005496"


DATA = {
    "order_id": "T20240101000000001",
    "amount": "1234",
    "tip": "100",
    "bizpay_order_id": "WX5599135482523381",
    "merchant_id": MERCHANT,
    "finish_time": "2020-06-10 23:22:09",
    "order_status": "success",
}


def _body(data=None, *, key=KEY, merchant=MERCHANT, rsp_code="SUCCESS") -> bytes:
    env = build_callback(rsp_code, "ok", merchant, DATA if data is None else data, key)
    return json.dumps(env, ensure_ascii=False).encode("utf-8")


def test_verified_callback_is_read_into_a_notification():
    note = verify_callback(_body(), sign_key=KEY, merchant_id=MERCHANT)
    assert note.order_id == "T20240101000000001"
    assert note.amount_cents == 1234
    assert note.tip_cents == 100
    assert note.bizpay_order_id == "WX5599135482523381"
    assert note.finish_time == datetime(2020, 6, 10, 15, 22, 9, tzinfo=UTC)
    assert note.order_status is OrderStatus.SUCCESS
    assert note.rsp_code == "SUCCESS"
    assert note.raw["amount"] == "1234"


def test_protocol_example_callback_verifies():
    data = {"amount": "1", "bizpay_order_id": "AL5599135482523381", "tip": "0",
            "merchant_id": MERCHANT, "order_id": "2020061019988O227O2154",
            "finish_time": "2020-06-10 23:22:09"}
    env = json.loads(_body(data))
    assert env["md5"] == "1E2E9E78906F85FFE17962A523329220"
    note = verify_callback(json.dumps(env).encode(), sign_key=KEY, merchant_id=MERCHANT)
    assert (note.amount_cents, note.tip_cents, note.order_status) == (1, 0, None)


def _tampered() -> bytes:
    env = json.loads(_body())
    env["md5"] = "0" * 32
    return json.dumps(env).encode()


def _unsigned() -> bytes:
    env = json.loads(_body())
    del env["md5"]
    return json.dumps(env).encode()


def _truncated() -> bytes:
    env = json.loads(_body())
    env["data"] = env["data"][:20]
    return json.dumps(env).encode()


BAD_BODIES = {
    "tampered md5": _tampered,
    "unsigned": _unsigned,
    "truncated base64": _truncated,
    "wrong key": lambda: _body(key=OTHER_KEY),
    "wrong merchant in envelope": lambda: _body(merchant="ON00004652"),
    "wrong merchant in data": lambda: _body({**DATA, "merchant_id": "ON00004652"}),
    "no order_id": lambda: _body({k: v for k, v in DATA.items() if k != "order_id"}),
    "no amount": lambda: _body({k: v for k, v in DATA.items() if k != "amount"}),
    "amount not cents": lambda: _body({**DATA, "amount": "12.34"}),
    "negative tip": lambda: _body({**DATA, "tip": "-1"}),
    "not json": lambda: b"<html>hello</html>",
    "empty": lambda: b"",
    "json array": lambda: b"[1,2]",
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_untrusted_callbacks_are_rejected_with_a_reason(name):
    with pytest.raises(GatewayMessageError) as info:
        verify_callback(BAD_BODIES[name](), sign_key=KEY, merchant_id=MERCHANT)
    text = str(info.value)
    assert text.startswith("callback rejected: ")
    assert KEY not in text and KEY not in repr(info.value)


class _Recorder:
    def __init__(self, fail_times: int = 0):
        self.notes: list[PaymentNotification] = []
        self.threads: set[str] = set()
        self.fail_times = fail_times

    def __call__(self, note: PaymentNotification) -> None:
        self.threads.add(threading.current_thread().name)
        if self.fail_times:
            self.fail_times -= 1
            raise RuntimeError("journal busy")
        self.notes.append(note)


def test_receiver_hands_verified_callback_to_handler_and_answers_success():
    handler = _Recorder()
    with CallbackReceiver(handler, sign_key=KEY, merchant_id=MERCHANT) as rx:
        assert rx.url.startswith("http://127.0.0.1:") and rx.url.endswith("/ottpay/callback")
        reply = requests.post(rx.url, data=_body(), timeout=(1, 2),
                              headers={"Content-Type": "application/json"})
    assert reply.status_code == 200
    assert reply.text == "SUCCESS"
    assert [n.order_id for n in handler.notes] == ["T20240101000000001"]
    assert threading.current_thread().name not in handler.threads


@pytest.mark.parametrize("name", ["tampered md5", "wrong key", "wrong merchant in envelope",
                                  "not json", "truncated base64"])
def test_receiver_answers_400_to_bad_bodies_and_never_calls_handler(name, caplog):
    handler = _Recorder()
    caplog.set_level(logging.INFO, logger="cashier.ottpay")
    with CallbackReceiver(handler, sign_key=KEY, merchant_id=MERCHANT) as rx:
        reply = requests.post(rx.url, data=BAD_BODIES[name](), timeout=(1, 2))
    assert reply.status_code == 400
    assert handler.notes == [] and handler.threads == set()
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert refused, "a refused callback must be logged"
    assert all(KEY not in r.getMessage() for r in caplog.records)


def test_handler_failure_answers_500_so_the_gateway_retries():
    handler = _Recorder(fail_times=1)
    with CallbackReceiver(handler, sign_key=KEY, merchant_id=MERCHANT) as rx:
        first = requests.post(rx.url, data=_body(), timeout=(1, 2))
        second = requests.post(rx.url, data=_body(), timeout=(1, 2))
    assert (first.status_code, second.status_code) == (500, 200)
    assert len(handler.notes) == 1


def test_receiver_only_serves_its_path_and_post():
    handler = _Recorder()
    with CallbackReceiver(handler, sign_key=KEY, merchant_id=MERCHANT, path="cb") as rx:
        assert rx.url.endswith("/cb")
        other = requests.post(rx.url.replace("/cb", "/other"), data=_body(), timeout=(1, 2))
        get = requests.get(rx.url, timeout=(1, 2))
        huge = requests.post(rx.url, data=b"x" * (70 * 1024), timeout=(1, 2))
    assert (other.status_code, get.status_code, huge.status_code) == (404, 405, 413)
    assert handler.notes == []


def test_receiver_stops_listening_after_stop():
    rx = CallbackReceiver(_Recorder(), sign_key=KEY, merchant_id=MERCHANT).start()
    url = rx.url
    rx.stop()
    rx.stop()  # idempotent
    with pytest.raises(requests.ConnectionError):
        requests.post(url, data=_body(), timeout=(0.5, 0.5))


# -- nobody can hold the receiver (it may listen on every interface) -------------------------

def _connections(rx: CallbackReceiver, idle: int, half_sent: int) -> list[socket.socket]:
    """``idle`` connections that never send a byte, ``half_sent`` that stop mid-request."""
    socks = [socket.create_connection(("127.0.0.1", rx.port)) for _ in range(idle + half_sent)]
    for sock in socks[idle:]:
        sock.sendall(b"POST /ottpay/callback HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{")
    return socks


def test_idle_and_half_sent_connections_do_not_stop_callbacks_or_shutdown():
    handler = _Recorder()
    rx = CallbackReceiver(handler, sign_key=KEY, merchant_id=MERCHANT).start()
    socks = _connections(rx, idle=20, half_sent=5)
    try:
        good = requests.post(rx.url, data=_body(), timeout=(1, 5))
        bad = requests.post(rx.url, data=BAD_BODIES["tampered md5"](), timeout=(1, 5))
        assert (good.status_code, bad.status_code) == (200, 400)
        started = time.monotonic()
        rx.stop()  # the thread check of every test sees that nothing is left running
        assert time.monotonic() - started < 10.0  # bounded (the promise is 2 s)
    finally:
        for sock in socks:
            sock.close()
    assert len(handler.notes) == 1


def test_a_silent_connection_is_closed_after_the_connection_timeout(monkeypatch):
    monkeypatch.setattr(callbacks, "CONNECTION_TIMEOUT", 1)
    with CallbackReceiver(_Recorder(), sign_key=KEY, merchant_id=MERCHANT) as rx:
        [idle, half] = _connections(rx, idle=1, half_sent=1)
        with idle, half:
            idle.settimeout(30.0)
            half.settimeout(30.0)
            assert idle.recv(1) == b""  # closed by the receiver, not by our timeout
            assert half.recv(1) == b""


def test_connections_over_the_bound_wait_until_silent_ones_are_closed(monkeypatch):
    monkeypatch.setattr(callbacks, "CONNECTION_TIMEOUT", 1)
    monkeypatch.setattr(callbacks, "MAX_CONNECTIONS", 3)
    handler = _Recorder()
    with CallbackReceiver(handler, sign_key=KEY, merchant_id=MERCHANT) as rx:
        socks = _connections(rx, idle=3, half_sent=0)
        try:
            reply = requests.post(rx.url, data=_body(), timeout=(5, 30))
        finally:
            for sock in socks:
                sock.close()
    assert reply.status_code == 200 and len(handler.notes) == 1
