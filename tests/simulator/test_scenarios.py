"""Every magic PASSIVEPAY scenario over real HTTP (suffix table in cashier.simulator.scenarios)."""

from __future__ import annotations

import time

import pytest
import requests

from cashier.ottpay.codes import OrderStatus
from cashier.ottpay.crypto import MessageError
from cashier.ottpay.envelope import build_request, load_json_object, parse_response
from cashier.simulator import (
    DEMO_CODES,
    DEMO_MERCHANT_ID,
    DEMO_SIGN_KEY,
    Scenario,
    Simulator,
    demo_code,
    scenario_for,
)
from cashier.wallets import Wallet, classify_payment_code

from .conftest import FAST, Gateway


def _statuses(gw, order_id: str, count: int) -> list[str]:
    return [gw.query(order_id).data["order_status"] for _ in range(count)]


def test_demo_codes_are_valid_codes_of_their_wallet_and_select_their_scenario():
    for scenario in Scenario:
        for wallet in Wallet:
            code = demo_code(scenario, wallet)
            assert classify_payment_code(code) is wallet
            assert scenario_for(code) is scenario
    assert DEMO_CODES[Scenario.CONFIRM_SUCCESS] == "134567890123451111"
    assert scenario_for("134567890123459999") is Scenario.INSTANT_SUCCESS


def test_confirming_then_success(gw, sim):
    reply = gw.pay("S1111", DEMO_CODES[Scenario.CONFIRM_SUCCESS])
    assert (reply.rsp_code, reply.data["order_status"]) == ("PROCESSING", "notpay")
    assert reply.data["buyer_login_id"] == ""
    assert _statuses(gw, "S1111", 3) == ["notpay", "success", "success"]
    assert sim.order("S1111").queries == 3


def test_confirming_then_failure(gw, sim):
    reply = gw.pay("S2222", DEMO_CODES[Scenario.CONFIRM_FAILURE])
    assert (reply.rsp_code, reply.data["order_status"]) == ("PROCESSING", "notpay")
    assert _statuses(gw, "S2222", 3) == ["notpay", "failure", "failure"]
    assert gw.refund("S2222", 1, "S2222R").rsp_code == "FAIL"


def test_declined(gw, sim):
    reply = gw.pay("S3333", DEMO_CODES[Scenario.DECLINED])
    assert (reply.rsp_code, reply.data["order_status"]) == ("FAIL", "failure")
    assert gw.query("S3333").data["order_status"] == "failure"
    assert sim.order("S3333").status is OrderStatus.FAILURE


def test_slow_response_charges_at_once_and_answers_late(gw, sim, http):
    # Paid while the answer waits: with the answer held for 30 s (not the fixture's 0.3 s, which
    # a loaded machine can outlast), the query is surely answered before it.
    with Simulator(**(FAST | {"slow_response_seconds": 30})) as holding:
        held = Gateway(holding, http)
        with pytest.raises(requests.ReadTimeout):
            held.post("PASSIVEPAY", {
                "operator_id": "0000020156", "amount": "100",
                "auth_code": DEMO_CODES[Scenario.SLOW_RESPONSE], "biz_type": "WECHATPAY",
                "order_id": "S4444",
            }, timeout=0.1)
        assert held.query("S4444").data["order_status"] == "success"
    started = time.monotonic()
    reply = gw.pay("S4444B", DEMO_CODES[Scenario.SLOW_RESPONSE])
    assert time.monotonic() - started >= 0.3
    assert (reply.rsp_code, reply.data["order_status"]) == ("SUCCESS", "success")


def test_never_settles_closes_after_queries(gw):
    reply = gw.pay("S5555", DEMO_CODES[Scenario.NEVER_SETTLES])
    assert (reply.rsp_code, reply.data["order_status"]) == ("PROCESSING", "notpay")
    assert _statuses(gw, "S5555", 4) == ["notpay", "notpay", "orderclosed", "orderclosed"]


def test_wrong_password_then_success(gw):
    reply = gw.pay("S6666", DEMO_CODES[Scenario.WRONG_PASSWORD])
    assert (reply.rsp_code, reply.data["order_status"]) == ("PWD_INCORRECT", "notpay")
    assert _statuses(gw, "S6666", 2) == ["notpay", "success"]


def test_bad_gateway_charges_but_answers_502_html(gw, sim):
    reply = gw.post("PASSIVEPAY", {
        "operator_id": "0000020156", "amount": "100", "auth_code": DEMO_CODES[Scenario.BAD_GATEWAY],
        "biz_type": "WECHATPAY", "order_id": "S7777",
    })
    assert reply.status_code == 502
    assert reply.headers["Content-Type"].startswith("text/html")
    with pytest.raises(MessageError):
        load_json_object(reply.content)
    assert gw.query("S7777").data["order_status"] == "success"


def test_tampered_md5_charges_but_fails_verification(gw, sim):
    reply = gw.post("PASSIVEPAY", {
        "operator_id": "0000020156", "amount": "100",
        "auth_code": DEMO_CODES[Scenario.TAMPERED_MD5], "biz_type": "WECHATPAY",
        "order_id": "S8888",
    })
    assert reply.status_code == 200
    envelope = load_json_object(reply.content)
    assert envelope["rsp_code"] == "SUCCESS" and envelope["data"] and envelope["md5"]
    with pytest.raises(MessageError):
        parse_response(reply.content, DEMO_SIGN_KEY)
    assert gw.query("S8888").data["order_status"] == "success"


def test_stop_does_not_wait_for_a_slow_answer(http):
    with Simulator(slow_response_seconds=30) as slow:
        envelope = build_request("PASSIVEPAY", DEMO_MERCHANT_ID, {
            "operator_id": "0000020156", "amount": "100", "biz_type": "WECHATPAY",
            "auth_code": DEMO_CODES[Scenario.SLOW_RESPONSE], "order_id": "SLOWSTOP",
        }, DEMO_SIGN_KEY)
        with pytest.raises(requests.ReadTimeout):
            http.post(slow.url, json=envelope, timeout=0.1)
        started = time.monotonic()
    assert time.monotonic() - started < 15.0  # far below the 30 s the answer is held
