"""MAPPPAY answers the simulator never gives: numbers inside payInfo, answers that cannot be
trusted (another amount or order, no payInfo), transport failures. Never retried."""

import json

import pytest

from cashier.ottpay.codes import Outcome
from cashier.ottpay.errors import OutcomeUnknownError
from tests.ottpay.test_client_transport import ScriptedGateway, make_client, signed

APP_ID = "wx8888888888888888"
PAY_INFO = {"appId": APP_ID, "timeStamp": 1700000000, "nonceStr": "5K8264ILTKCH16CQ",
            "packageStr": "prepay_id=wx20161123", "signType": "MD5", "paySign": "C380BEC2BF"}


def answer(request, **overrides):
    data = {"payInfo": PAY_INFO, "merchant_id": "QC00005496",
            "order_id": request.data["order_id"], "amount": request.data["amount"],
            "sale_num": "000000000042", **overrides}
    return signed("SUCCESS", {k: v for k, v in data.items() if v is not None})


def pay(client):
    return client.mini_program_pay(order_id="MP1", amount_cents=250, app_id=APP_ID,
                                   open_id="oUser", call_back_url="https://shop.example.com/cb")


def test_numbers_inside_pay_info_verify_and_are_read_as_text():
    with ScriptedGateway(lambda req, n: answer(req)) as gw, make_client(gw.url) as client:
        result = pay(client)
    assert result.outcome is Outcome.ACCEPTED
    assert result.pay_info.time_stamp == "1700000000"
    assert (result.amount_cents, result.sale_num) == (250, "000000000042")
    (request,) = gw.hits
    assert (request.action, request.version) == ("MAPPPAY", "1.1")


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"amount": "999"}, "says 999 cents, we asked 250"),
        ({"order_id": "SOMEONEELSE"}, "about order 'SOMEONEELSE'"),
        ({"payInfo": None}, "has no payInfo"),
        ({"payInfo": "{broken"}, "payInfo is text but not JSON"),
        ({"payInfo": json.dumps({**PAY_INFO, "paySign": ""})}, "no usable paySign"),
    ],
)
def test_an_answer_that_does_not_fit_is_an_unknown_outcome(overrides, reason):
    with ScriptedGateway(lambda req, n: answer(req, **overrides)) as gw, \
            make_client(gw.url) as client:
        with pytest.raises(OutcomeUnknownError, match=reason) as info:
            pay(client)
    assert "never resend" in str(info.value) and len(gw.hits) == 1


def test_a_failed_exchange_is_unknown_and_never_retried():
    with ScriptedGateway(lambda req, n: (502, "text/html", b"<html>bad</html>")) as gw, \
            make_client(gw.url) as client:
        with pytest.raises(OutcomeUnknownError, match="HTTP 502"):
            pay(client)
    assert len(gw.hits) == 1


def test_a_refusal_without_data_is_rejected_without_pay_info():
    with ScriptedGateway(lambda req, n: signed("PARAM_INVALID", None, msg="bad app_id")) as gw, \
            make_client(gw.url) as client:
        result = pay(client)
    assert (result.outcome, result.pay_info, result.rsp_msg) == (
        Outcome.REJECTED, None, "bad app_id")
