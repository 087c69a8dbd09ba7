"""The simulator over real HTTP: every action, the envelope checks and the order-id rules."""

from __future__ import annotations

import json
import re

import pytest

from cashier.ottpay.codes import OrderStatus
from cashier.ottpay.envelope import build_request, parse_response
from cashier.simulator import DEMO_CODES, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Scenario, Simulator

OK = DEMO_CODES[Scenario.INSTANT_SUCCESS]


def test_instant_passive_pay_answers_signed_payment_data(gw, sim):
    reply = gw.pay("ORDER0001", OK, amount=1234, tip=100)
    assert (reply.rsp_code, reply.data["order_status"]) == ("SUCCESS", "success")
    data = reply.data
    assert all(isinstance(v, str) for v in data.values())
    assert data["order_id"] == "ORDER0001"
    assert (data["total_amount"], data["tip"], data["pay_amount"]) == ("1234", "100", "1334")
    assert data["receive_amount"] == "1334"
    assert re.fullmatch(r"\d{14}", data["trade_time"])
    assert data["buyer_login_id"] and data["bizpay_order_id"].startswith("WX")
    order = sim.order("ORDER0001")
    assert (order.status, order.amount_cents, order.tip_cents) == (OrderStatus.SUCCESS, 1234, 100)
    [request] = sim.requests(order_id="ORDER0001")
    assert request.action == "PASSIVEPAY" and request.data["auth_code"] == OK


def test_legacy_process_path_takes_the_same_messages(gw):
    reply = gw.call("PASSIVEPAY", {
        "operator_id": "0000020156", "amount": "5", "auth_code": OK, "biz_type": "WECHATPAY",
        "order_id": "LEGACY1",
    }, path="/process")
    assert reply.rsp_code == "SUCCESS" and reply.data["order_id"] == "LEGACY1"


@pytest.mark.parametrize("biz_type, code", [
    ("ALIPAY", "2845678901230000"), ("UNIONPAY", "6212345678901230000"),
])
def test_other_wallets_pay(gw, biz_type, code):
    reply = gw.pay("W" + biz_type, code, biz_type=biz_type)
    assert reply.rsp_code == "SUCCESS" and reply.data["order_status"] == "success"


def test_status_query_of_unknown_order_is_fail_without_data(gw):
    reply = gw.query("NOSUCHORDER")
    assert (reply.rsp_code, reply.rsp_msg, reply.data) == ("FAIL", "order not found", None)


def test_status_query_reports_a_paid_order(gw):
    gw.pay("Q1", OK, amount=700)
    reply = gw.query("Q1")
    assert reply.rsp_code == "SUCCESS"
    assert (reply.data["order_status"], reply.data["total_amount"]) == ("success", "700")
    assert "refund_fee" not in reply.data


def test_reused_order_id_is_order_paid_when_paid(gw, sim):
    gw.pay("DUP1", OK)
    again = gw.pay("DUP1", DEMO_CODES[Scenario.DECLINED])
    assert again.rsp_code == "ORDER_PAID" and again.data is None
    assert sim.order("DUP1").status is OrderStatus.SUCCESS


def test_reused_order_id_is_order_used_when_not_paid(gw, sim):
    assert gw.pay("DUP2", DEMO_CODES[Scenario.DECLINED]).rsp_code == "FAIL"
    assert gw.pay("DUP2", OK).rsp_code == "ORDER_USED"
    assert sim.order("DUP2").status is OrderStatus.FAILURE


def test_reused_order_id_on_activepay_and_refund(gw):
    gw.pay("PAID1", OK, amount=500)
    active = gw.call("ACTIVEPAY", {
        "operator_id": "0000020156", "amount": "5", "biz_type": "ALIPAY", "order_id": "PAID1",
        "call_back_url": "http://127.0.0.1:9/cb",
    })
    assert active.rsp_code == "ORDER_PAID"
    assert gw.refund("PAID1", 100, "R1").rsp_code == "SUCCESS"
    assert gw.refund("PAID1", 100, "R1").rsp_code == "ORDER_USED"


def test_missing_order_id_gets_one_from_the_gateway(gw):
    reply = gw.call("PASSIVEPAY", {
        "operator_id": "0000020156", "amount": "5", "auth_code": OK, "biz_type": "WECHATPAY",
    })
    assert reply.rsp_code == "SUCCESS" and reply.data["order_id"].startswith("SIM")


def test_partial_refunds_sum_to_the_total_and_show_in_status_query(gw, sim):
    gw.pay("P1", OK, amount=1000, tip=200)
    first = gw.refund("P1", 500, "P1R1")
    assert first.rsp_code == "SUCCESS"
    assert first.data == {
        "order_id": "P1R1", "ori_order_id": "P1", "refund_amt": "500", "order_status": "success",
    }
    status = gw.query("P1").data
    assert (status["order_status"], status["refund_fee"]) == ("partial_refunded", "500")
    refund_status = gw.query("P1R1")
    assert refund_status.rsp_code == "SUCCESS"
    assert refund_status.data["order_status"] == "success"
    assert refund_status.data["total_amount"] == "500"
    assert refund_status.data["ori_order_id"] == "P1"

    assert gw.refund("P1", 700, "P1R2").rsp_code == "SUCCESS"
    status = gw.query("P1").data
    assert (status["order_status"], status["refund_fee"]) == ("fully_refunded", "1200")
    over = gw.refund("P1", 1, "P1R3")
    assert (over.rsp_code, over.rsp_msg) == ("PARAM_INVALID", "refund amount exceeds refundable")
    assert sim.order("P1R3") is None
    assert sim.order("P1").refund_ids == ("P1R1", "P1R2")


def test_over_refund_is_refused_and_changes_nothing(gw, sim):
    gw.pay("O1", OK, amount=1000)
    reply = gw.refund("O1", 1001, "O1R1")
    assert (reply.rsp_code, reply.rsp_msg) == ("PARAM_INVALID", "refund amount exceeds refundable")
    assert sim.order("O1").refunded_cents == 0 and sim.order("O1R1") is None
    assert gw.query("O1").data["order_status"] == "success"
    assert gw.refund("O1", 1000, "O1R1").rsp_code == "SUCCESS"


def test_refund_of_unknown_or_unpaid_order_fails(gw, sim):
    assert gw.refund("GHOST", 100, "GR1").rsp_msg == "original order not found"
    gw.pay("UNPAID", DEMO_CODES[Scenario.CONFIRM_SUCCESS])
    reply = gw.refund("UNPAID", 100, "UR1")
    assert reply.rsp_code == "FAIL" and "not paid" in reply.rsp_msg
    assert sim.order("UR1") is None


@pytest.mark.parametrize("amount", ["0", "-5", "1.50", "abc", "", "007"])
def test_refund_amount_must_be_positive_integer_cents(gw, amount):
    gw.pay("RA1", OK, amount=1000)
    reply = gw.call("REFUND", {"ori_order_id": "RA1", "refund_amt": amount, "order_id": "RA1R"})
    assert reply.rsp_code == "PARAM_INVALID" and "refund_amt" in reply.rsp_msg


def test_exchange_rate_query_uses_configured_rates(http):
    with Simulator(exchange_rates={"CAD": 512_345_678, "EUR": 780_000_000}) as custom:
        envelope = build_request("EX_RATE_QUERY", DEMO_MERCHANT_ID, {"fee_type": "CAD"},
                                 DEMO_SIGN_KEY)
        reply = parse_response(http.post(custom.url, json=envelope, timeout=5).content,
                               DEMO_SIGN_KEY)
        assert reply.rsp_code == "SUCCESS"
        assert reply.data == {"feeType": "CAD", "rate": "512345678"}


def test_exchange_rate_default_and_unknown_currency(gw):
    assert gw.call("EX_RATE_QUERY", {"fee_type": "USD"}).data == {
        "feeType": "USD", "rate": "710000000"}
    reply = gw.call("EX_RATE_QUERY", {"fee_type": "XYZ"})
    assert reply.rsp_code == "PARAM_INVALID" and "XYZ" in reply.rsp_msg and reply.data is None


def test_unknown_action(gw):
    reply = gw.call("VOID", {"order_id": "X1"})
    assert (reply.rsp_code, reply.rsp_msg) == ("PARAM_INVALID", "unknown action")


@pytest.mark.parametrize("field, value, message", [
    ("amount", None, "missing required field amount"),
    ("amount", "0", "amount must be a positive integer number of cents"),
    ("amount", "12.50", "amount must be a positive integer number of cents"),
    ("amount", "-1", "amount must be a positive integer number of cents"),
    ("tip", "x", "tip must be a non-negative integer number of cents"),
    ("auth_code", None, "missing required field auth_code"),
    ("auth_code", "123", "auth_code is not a valid payment code"),
    ("biz_type", "PAYPAL", "unknown biz_type 'PAYPAL'"),
    ("biz_type", "ALIPAY", "auth_code is a WECHATPAY code but biz_type is ALIPAY"),
    ("operator_id", None, "missing required field operator_id"),
    ("order_id", "has-dash", "order_id must be 1-32 letters or digits"),
    ("order_id", "A" * 33, "order_id must be 1-32 letters or digits"),
])
def test_invalid_passive_pay_fields_are_param_invalid_and_change_nothing(gw, sim, field, value,
                                                                        message):
    data = {"operator_id": "0000020156", "amount": "100", "auth_code": OK,
            "biz_type": "WECHATPAY", "order_id": "BAD1", field: value}
    reply = gw.call("PASSIVEPAY", data)
    assert (reply.rsp_code, reply.rsp_msg, reply.data) == ("PARAM_INVALID", message, None)
    assert sim.gateway.orders() == []


def test_activepay_requires_a_callback_url(gw, sim):
    base = {"operator_id": "0000020156", "amount": "100", "biz_type": "WECHATPAY",
            "order_id": "AP1"}
    assert gw.call("ACTIVEPAY", base).rsp_msg == "missing required field call_back_url"
    bad = gw.call("ACTIVEPAY", {**base, "call_back_url": "ftp://x"})
    assert bad.rsp_msg == "call_back_url must be an http(s) URL"
    assert sim.order("AP1") is None


# -- envelope rejections ---------------------------------------------------------------------

def _envelope(**changes):
    envelope = build_request("STATUS_QUERY", DEMO_MERCHANT_ID, {"order_id": "E1"}, DEMO_SIGN_KEY)
    envelope.update(changes)
    return envelope


def _post_raw(gw, body: bytes):
    reply = gw.http.post(gw.sim.url, data=body, headers={"Content-Type": "application/json"},
                         timeout=5)
    assert reply.status_code == 200
    return parse_response(reply.content, DEMO_SIGN_KEY)


def test_bad_md5_is_rejected(gw, sim):
    good = _envelope()
    md5 = good["md5"]
    reply = _post_raw(gw, json.dumps(_envelope(md5=("0" if md5[0] != "0" else "1") + md5[1:]))
                      .encode())
    assert reply.rsp_code == "PARAM_INVALID" and reply.data is None
    assert reply.rsp_msg.startswith("md5 verification failed")
    assert sim.requests() == []


def test_wrong_sign_key_is_an_md5_failure(gw):
    reply = gw.call("STATUS_QUERY", {"order_id": "E1"}, sign_key="FEDCBA9876543210")
    assert reply.rsp_code == "PARAM_INVALID"
    assert reply.rsp_msg.startswith("md5 verification failed")


def test_wrong_merchant_is_rejected(gw, sim):
    reply = gw.call("STATUS_QUERY", {"order_id": "E1"}, merchant_id="ON00004652")
    assert (reply.rsp_code, reply.rsp_msg) == ("PARAM_INVALID", "unknown merchant_id")
    assert sim.requests() == []


def test_truncated_base64_is_rejected(gw):
    good = _envelope()
    reply = _post_raw(gw, json.dumps(_envelope(data=good["data"][:-3])).encode())
    assert reply.rsp_code == "PARAM_INVALID"
    assert "truncated" in reply.rsp_msg


def test_truncated_ciphertext_is_rejected(gw):
    good = _envelope()
    reply = _post_raw(gw, json.dumps(_envelope(data=good["data"][:-24] + "====")).encode())
    assert reply.rsp_code == "PARAM_INVALID" and reply.rsp_msg.startswith("invalid request")


@pytest.mark.parametrize("body, message", [
    (b"not json at all", "invalid request: the body is not JSON"),
    (b"\xff\xfe\x00", "invalid request: the body is not JSON"),
    (b"[1, 2]", "invalid request: the body is not a JSON object"),
    (b"", "invalid request: the body is not JSON"),
    (b'{"action": "STATUS_QUERY", "data": "x", "md5": "y"}',
     "invalid request: missing merchant_id"),
])
def test_non_json_or_incomplete_request_is_rejected(gw, body, message):
    reply = _post_raw(gw, body)
    assert (reply.rsp_code, reply.rsp_msg, reply.data) == ("PARAM_INVALID", message, None)


def test_missing_data_or_md5_is_rejected(gw):
    no_md5 = _envelope()
    del no_md5["md5"]
    reply = _post_raw(gw, json.dumps(no_md5).encode())
    assert reply.rsp_msg == "invalid request: the message has no md5 signature"
    no_action = _envelope()
    del no_action["action"]
    assert _post_raw(gw, json.dumps(no_action).encode()).rsp_msg == (
        "invalid request: the envelope has no action")


def test_non_protocol_paths(gw):
    assert gw.http.get(gw.sim.url, timeout=5).status_code == 405
    assert gw.http.post(gw.sim.base_url + "/nope", data=b"{}", timeout=5).status_code == 404
    assert gw.http.get(gw.sim.base_url + "/nope", timeout=5).status_code == 404


def test_many_clients_at_once_over_http(sim):
    import threading

    import requests

    errors: list[str] = []

    def client(n: int) -> None:
        with requests.Session() as session:
            session.trust_env = False
            for i in range(5):
                order_id = f"C{n}N{i}"
                envelope = build_request("PASSIVEPAY", DEMO_MERCHANT_ID, {
                    "operator_id": "0000020156", "amount": "100", "auth_code": OK,
                    "biz_type": "WECHATPAY", "order_id": order_id}, DEMO_SIGN_KEY)
                reply = parse_response(session.post(sim.url, json=envelope, timeout=5).content,
                                       DEMO_SIGN_KEY)
                if reply.rsp_code != "SUCCESS" or reply.data["order_id"] != order_id:
                    errors.append(f"{order_id}: {reply.rsp_code}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(sim.gateway.orders()) == 40


def test_log_names_the_exchange_but_never_the_code_or_key(gw, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="cashier.simulator"):
        gw.pay("LOG1", OK)
        gw.call("STATUS_QUERY", {"order_id": "LOG1"}, sign_key="FEDCBA9876543210")
    text = caplog.text
    assert "PASSIVEPAY order_id=LOG1 -> SUCCESS" in text and "md5 verification failed" in text
    assert OK not in text and DEMO_SIGN_KEY not in text and "FEDCBA9876543210" not in text
