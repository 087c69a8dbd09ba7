"""The gateway's logic directly (no HTTP): order book rules, scenarios, thread safety."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from cashier.ottpay.codes import OrderStatus
from cashier.ottpay.envelope import build_request
from cashier.simulator import DEMO_CODES, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Scenario
from cashier.simulator.gateway import Gateway, GatewayConfig
from cashier.simulator.orders import BEIJING
from cashier.simulator.scenarios import scenario_for
from cashier.simulator.wire import Fault

FIXED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=BEIJING)


@pytest.fixture
def gateway() -> Gateway:
    config = GatewayConfig(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, confirm_after_queries=1,
                           close_after_queries=2, slow_response_seconds=7.5,
                           base_url="http://sim.test")
    return Gateway(config, clock=lambda: FIXED)


def _body(action: str, data: dict) -> bytes:
    import json

    return json.dumps(build_request(action, DEMO_MERCHANT_ID, data, DEMO_SIGN_KEY)).encode()


def _pay(gateway: Gateway, order_id: str, code: str, amount: str = "100"):
    return gateway.process(_body("PASSIVEPAY", {
        "operator_id": "0000020156", "amount": amount, "auth_code": code,
        "biz_type": "WECHATPAY", "order_id": order_id,
    }))


def test_answer_carries_delivery_instructions_for_each_scenario(gateway):
    slow = _pay(gateway, "G4", DEMO_CODES[Scenario.SLOW_RESPONSE])
    assert (slow.rsp_code, slow.delay_seconds, slow.fault) == ("SUCCESS", 7.5, Fault.NONE)
    assert _pay(gateway, "G7", DEMO_CODES[Scenario.BAD_GATEWAY]).fault == Fault.BAD_GATEWAY
    assert _pay(gateway, "G8", DEMO_CODES[Scenario.TAMPERED_MD5]).fault == Fault.TAMPERED_MD5
    for order_id in ("G4", "G7", "G8"):
        assert gateway.order(order_id).status is OrderStatus.SUCCESS


def test_times_are_beijing_wire_format(gateway):
    answer = _pay(gateway, "T1", DEMO_CODES[Scenario.INSTANT_SUCCESS])
    assert answer.data["trade_time"] == "20260102030405"
    assert answer.data["bizpay_order_id"].startswith("WX20260102")


def test_settles_on_the_configured_query(gateway):
    _pay(gateway, "C1", DEMO_CODES[Scenario.CONFIRM_SUCCESS])
    query = _body("STATUS_QUERY", {"order_id": "C1"})
    assert gateway.process(query).data["order_status"] == "success"  # confirm_after_queries=1


def test_process_never_raises_on_garbage(gateway):
    for body in (b"", b"\x00" * 50, b"{}", b'{"merchant_id": 5}', b"null", "\u2603".encode()):
        answer = gateway.process(body)
        assert answer.rsp_code == "PARAM_INVALID" and answer.data is None
    assert gateway.requests() == []


def test_requests_are_recorded_in_order_and_filterable(gateway):
    _pay(gateway, "R1", DEMO_CODES[Scenario.INSTANT_SUCCESS])
    gateway.process(_body("STATUS_QUERY", {"order_id": "R1"}))
    gateway.process(_body("EX_RATE_QUERY", {"fee_type": "CAD"}))
    assert [r.action for r in gateway.requests()] == ["PASSIVEPAY", "STATUS_QUERY", "EX_RATE_QUERY"]
    assert [r.action for r in gateway.requests(order_id="R1")] == ["PASSIVEPAY", "STATUS_QUERY"]
    assert len(gateway.requests(action="EX_RATE_QUERY")) == 1


def test_unsupported_version_is_rejected(gateway):
    import json

    envelope = build_request("STATUS_QUERY", DEMO_MERCHANT_ID, {"order_id": "X"}, DEMO_SIGN_KEY,
                             version="2.0")
    answer = gateway.process(json.dumps(envelope).encode())
    assert (answer.rsp_code, answer.rsp_msg) == ("PARAM_INVALID", "unsupported version '2.0'")


def test_operator_id_may_come_in_the_envelope(gateway):
    import json

    envelope = build_request("PASSIVEPAY", DEMO_MERCHANT_ID, {
        "amount": "100", "auth_code": DEMO_CODES[Scenario.INSTANT_SUCCESS],
        "biz_type": "WECHATPAY", "order_id": "OP1"}, DEMO_SIGN_KEY, operator_id="0000020156")
    assert gateway.process(json.dumps(envelope).encode()).rsp_code == "SUCCESS"


def test_scenario_for_uses_only_the_last_four_digits():
    assert scenario_for(" 134567890123455555 ") is Scenario.NEVER_SETTLES
    assert scenario_for("2845678901233333") is Scenario.DECLINED
    assert scenario_for("11") is Scenario.INSTANT_SUCCESS


def test_concurrent_payments_of_one_order_id_charge_once(gateway):
    body = _body("PASSIVEPAY", {
        "operator_id": "0000020156", "amount": "100",
        "auth_code": DEMO_CODES[Scenario.INSTANT_SUCCESS], "biz_type": "WECHATPAY",
        "order_id": "RACE1",
    })
    codes: list[str] = []
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        codes.append(gateway.process(body).rsp_code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == ["ORDER_PAID"] * 7 + ["SUCCESS"]


def test_concurrent_partial_refunds_never_exceed_the_payment(gateway):
    _pay(gateway, "RF1", DEMO_CODES[Scenario.INSTANT_SUCCESS], amount="1000")
    start = threading.Barrier(10)
    codes: list[str] = []

    def worker(n: int) -> None:
        body = _body("REFUND", {"ori_order_id": "RF1", "refund_amt": "300", "order_id": f"RF1R{n}"})
        start.wait()
        codes.append(gateway.process(body).rsp_code)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count("SUCCESS") == 3 and codes.count("PARAM_INVALID") == 7
    order = gateway.order("RF1")
    assert (order.refunded_cents, order.status) == (900, OrderStatus.PARTIAL_REFUNDED)
    assert order.refundable_cents == 100


def test_unpaid_qr_and_link_orders_close_when_their_lifetime_ends():
    """Like a real gateway's QR expiry: the order closes, and the customer can no longer pay."""
    import base64
    from datetime import timedelta

    from cashier.simulator.customer import CustomerPayError

    now = [FIXED]
    config = GatewayConfig(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, qr_lifetime_seconds=120,
                           link_lifetime_seconds=900, merchant_payment_key="K1",
                           base_url="http://sim.test")
    gateway = Gateway(config, clock=lambda: now[0])
    for order_id in ("Q1", "Q2"):
        gateway.process(_body("ACTIVEPAY", {
            "operator_id": "0000020156", "amount": "250", "biz_type": "WECHATPAY",
            "call_back_url": "http://127.0.0.1:1/cb", "order_id": order_id}))
    gateway.open_payment_link({
        "merCode": "K1", "merchantId": DEMO_MERCHANT_ID, "orderId": "L1",
        "operId": "0000020156", "amount": "250",
        "returnURL": base64.b64encode(b"http://127.0.0.1:1/r").decode(),
        "notifyURL": base64.b64encode(b"http://127.0.0.1:1/n").decode()})

    def status(order_id: str) -> str:
        return gateway.process(_body("STATUS_QUERY", {"order_id": order_id})).data["order_status"]

    now[0] = FIXED + timedelta(seconds=119)
    assert [status("Q1"), status("L1")] == ["notpay", "notpay"]
    now[0] = FIXED + timedelta(seconds=120)
    assert [status("Q1"), status("L1")] == ["orderclosed", "notpay"]
    with pytest.raises(CustomerPayError, match="orderclosed, not payable"):
        gateway.customer_pays("Q2")  # never queried: expired all the same
    now[0] = FIXED + timedelta(seconds=900)
    assert status("L1") == "orderclosed"


def test_qr_lifetime_none_means_the_order_never_expires():
    from datetime import timedelta

    now = [FIXED]
    config = GatewayConfig(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, qr_lifetime_seconds=None,
                           base_url="http://sim.test")
    gateway = Gateway(config, clock=lambda: now[0])
    gateway.process(_body("ACTIVEPAY", {
        "operator_id": "0000020156", "amount": "250", "biz_type": "ALIPAY",
        "call_back_url": "http://127.0.0.1:1/cb", "order_id": "Q3"}))
    now[0] = FIXED + timedelta(days=30)
    assert gateway.process(_body("STATUS_QUERY", {"order_id": "Q3"})).data[
        "order_status"] == "notpay"
