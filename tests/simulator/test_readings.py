"""Each simulator profile answers its open question the other way (and only that one)."""

from __future__ import annotations

import base64
import json

import pytest

from cashier.ottpay.envelope import build_request, parse_callback
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY
from cashier.simulator.envelope import aes_key, md5_of
from cashier.simulator.readings import PROFILE_HELP, PROFILES, reading_for

from .test_active_pay import Receiver, _active

WECHAT = "134567890123450000"


def profile(name: str):
    return pytest.mark.parametrize("sim", [name], indirect=True)


def plain_data(envelope: dict) -> dict:
    """The decrypted data exactly as sent (numbers stay numbers), by hand."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = aes_key(envelope["md5"], DEMO_SIGN_KEY)
    decryptor = Cipher(algorithms.AES(key), modes.ECB()).decryptor()
    padded = decryptor.update(base64.b64decode(envelope["data"])) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return json.loads(unpadder.update(padded) + unpadder.finalize())


def test_every_profile_differs_from_demo_and_unknown_names_are_refused():
    assert all(reading != PROFILES["demo"] for name, reading in PROFILES.items()
               if name != "demo")
    assert set(PROFILE_HELP) == set(PROFILES)
    with pytest.raises(ValueError, match="unknown simulator profile 'x'.*no-order-id"):
        reading_for("x")


@profile("no-order-id")
def test_query_answers_leave_out_order_id(gw):
    gw.pay("N1", WECHAT)
    data = gw.query("N1").data
    assert "order_id" not in data and data["order_status"] == "success"


@pytest.mark.parametrize(("sim", "said"), [
    ("demo", ("FAIL", "order not found")),
    ("not-found-code", ("ORDER_NOT_EXIST", "订单不存在")),
    ("not-found-other-text", ("FAIL", "查询失败")),
], indirect=["sim"])
def test_an_unknown_order_is_refused_as_the_profile_says(gw, said):
    reply = gw.query("NOPE1")
    assert (reply.rsp_code, reply.rsp_msg, reply.data) == (*said, None)


@profile("refunds-not-queryable")
def test_refunds_are_not_found_by_their_own_id_but_shown_on_the_original(gw):
    gw.pay("P1", WECHAT, amount=1000)
    assert gw.refund("P1", 300, "R1").rsp_code == "SUCCESS"
    assert (gw.query("R1").rsp_code, gw.query("R1").rsp_msg) == ("FAIL", "order not found")
    original = gw.query("P1").data
    assert (original["order_status"], original["refund_fee"]) == ("partial_refunded", "300")


@profile("callback-tip-in-amount")
def test_callback_amount_includes_the_tip(gw, sim):
    rx = Receiver()
    try:
        _active(gw, "T1", rx.url, amount=2500, tip=300)
        sim.customer_pays("T1")
        assert sim.wait_for_callbacks(5)
        data = parse_callback(rx.bodies[0], DEMO_SIGN_KEY).data
    finally:
        rx.close()
    assert (data["amount"], data["tip"]) == ("2800", "300")


@pytest.mark.parametrize(("sim", "numbers"), [("numbers", "plain"),
                                               ("numbers-point-zero", "point-zero")],
                         indirect=["sim"])
def test_amounts_are_json_numbers_signed_as_the_profile_says(gw, numbers):
    envelope = build_request("PASSIVEPAY", DEMO_MERCHANT_ID, {
        "operator_id": "0000020156", "amount": "1234", "tip": "100", "auth_code": WECHAT,
        "biz_type": "WECHATPAY", "order_id": "M1"}, DEMO_SIGN_KEY)
    raw = gw.http.post(gw.sim.url, json=envelope, timeout=5).json()
    data = plain_data(raw)
    assert data["total_amount"] == 1234 and data["tip"] == 100
    assert raw["md5"] == md5_of(data, numbers)
    assert (raw["md5"] == md5_of(data, "plain")) is (numbers == "plain")
    # ...and the client's envelope code verifies it either way.
    assert gw.pay("M2", WECHAT).data["total_amount"] == "1234"


@profile("seed-return-notify")
def test_notify_carries_only_the_documented_fields(gw, sim):
    rx = Receiver()
    try:
        _active(gw, "S1", rx.url, amount=100)
        sim.customer_pays("S1")
        assert sim.wait_for_callbacks(5)
        data = parse_callback(rx.bodies[0], DEMO_SIGN_KEY).data
    finally:
        rx.close()
    assert set(data) == {"amount", "bizpay_order_id", "tip", "merchant_id", "order_id",
                         "finish_time"}


def _mapppay_as_example(gw) -> tuple[str, str]:
    data = {"amount": "1", "biz_type": "WECHATPAY", "operator_id": "0000020156",
            "order_id": "MP1", "appId": "wx5f89682208cf8e88",
            "call_back_url": "https://shop.example.com/cb"}
    envelope = build_request("MAPPPAY", DEMO_MERCHANT_ID, data, DEMO_SIGN_KEY, version="1.0")
    reply = gw.http.post(gw.sim.url, json=envelope, timeout=5).json()
    return reply["rsp_code"], reply["rsp_msg"]


def test_mapppay_as_in_the_example_is_refused_by_default(gw):
    code, msg = _mapppay_as_example(gw)
    assert code == "PARAM_INVALID" and "'1.0'" in msg


@profile("mapppay-example")
def test_mapppay_as_in_the_example_is_accepted_under_its_profile(gw):
    assert _mapppay_as_example(gw)[0] == "SUCCESS"
    table = {"amount": "1", "biz_type": "WECHATPAY", "operator_id": "0000020156",
             "order_id": "MP2", "app_id": "wx5f89682208cf8e88", "open_id": "o3_mA9fQk",
             "call_back_url": "https://shop.example.com/cb"}
    envelope = build_request("MAPPPAY", DEMO_MERCHANT_ID, table, DEMO_SIGN_KEY, version="1.1")
    assert gw.http.post(gw.sim.url, json=envelope, timeout=5).json()["rsp_code"] == "SUCCESS"
