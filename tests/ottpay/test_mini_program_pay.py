"""WeChat Mini-Program pay (MAPPPAY, version "1.1") against the simulator over real HTTP."""

import json

import pytest
import requests

from cashier.money import AmountError
from cashier.ottpay.callbacks import CallbackReceiver
from cashier.ottpay.client import OttPayClient, parse_pay_info
from cashier.ottpay.codes import OrderStatus, Outcome
from cashier.ottpay.envelope import build_request, parse_response
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator

OPERATOR = "0000020156"
APP_ID = "wx8888888888888888"
OPEN_ID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def client_for(sim):
    return OttPayClient(sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id=OPERATOR,
                        connect_timeout=0.5, read_timeout=2.0, query_retries=0)


@pytest.mark.parametrize("as_text", [False, True], ids=["payInfo object", "payInfo JSON text"])
def test_mini_program_pay_round_trip(as_text):
    notes = []
    with Simulator(pay_info_as_text=as_text, callback_retry_interval=0.05) as sim, \
            CallbackReceiver(notes.append, sign_key=DEMO_SIGN_KEY,
                             merchant_id=DEMO_MERCHANT_ID) as rx, client_for(sim) as client:
        result = client.mini_program_pay(order_id="MP1", amount_cents=1999, tip_cents=100,
                                         app_id=APP_ID, open_id=OPEN_ID, call_back_url=rx.url)
        assert result.outcome is Outcome.ACCEPTED and result.rsp_code == "SUCCESS"
        assert (result.order_id, result.amount_cents) == ("MP1", 1999)
        assert result.merchant_id == DEMO_MERCHANT_ID and result.sale_num
        assert isinstance(result.raw["payInfo"], str if as_text else dict)
        info = result.pay_info
        assert info.app_id == APP_ID and info.sign_type == "MD5"
        assert info.time_stamp.isdigit() and len(info.nonce_str) == 32
        assert info.package_str.startswith("prepay_id=") and len(info.pay_sign) == 32
        assert info.request_payment_args()["package"] == info.package_str

        (request,) = sim.requests(action="MAPPPAY")
        assert request.version == "1.1"
        assert {k: request.data[k] for k in ("amount", "tip", "biz_type", "app_id", "open_id",
                                             "call_back_url", "operator_id", "order_id")} == {
            "amount": "1999", "tip": "100", "biz_type": "WECHATPAY", "app_id": APP_ID,
            "open_id": OPEN_ID, "call_back_url": rx.url, "operator_id": OPERATOR,
            "order_id": "MP1"}
        assert client.status_query("MP1").outcome is Outcome.PENDING

        sim.customer_pays("MP1")  # the user confirms in the Mini-Program
        assert sim.wait_for_callbacks(5.0)
        assert [(n.order_id, n.amount_cents, n.tip_cents) for n in notes] == [("MP1", 1999, 100)]
        status = client.status_query("MP1")
        assert (status.outcome, status.order_status) == (Outcome.PAID, OrderStatus.SUCCESS)
        assert status.pay_cents == 2099


def test_mini_program_orders_are_paid_on_the_simulator_page_too():
    with Simulator() as sim, client_for(sim) as client, requests.Session() as http:
        http.trust_env = False
        client.mini_program_pay(order_id="MP2", amount_cents=500, app_id=APP_ID, open_id=OPEN_ID,
                                call_back_url="http://127.0.0.1:9/cb")
        page = http.get(f"{sim.base_url}/pay/MP2", timeout=5)
        assert page.status_code == 200 and 'action="/pay/MP2"' in page.text
        assert http.post(f"{sim.base_url}/pay/MP2", timeout=5).status_code == 200
        assert client.status_query("MP2").outcome is Outcome.PAID


def test_mini_program_pay_refusals_by_the_gateway():
    with Simulator() as sim, client_for(sim) as client, requests.Session() as http:
        http.trust_env = False
        client.mini_program_pay(order_id="MP3", amount_cents=500, app_id=APP_ID, open_id=OPEN_ID,
                                call_back_url="http://127.0.0.1:9/cb")
        again = client.mini_program_pay(order_id="MP3", amount_cents=500, app_id=APP_ID,
                                        open_id=OPEN_ID, call_back_url="http://127.0.0.1:9/cb")
        assert (again.outcome, again.rsp_code, again.pay_info) == (
            Outcome.REJECTED, "ORDER_USED", None)

        def raw(version, **data):
            body = {"operator_id": OPERATOR, "amount": "100", "biz_type": "WECHATPAY",
                    "app_id": APP_ID, "open_id": OPEN_ID, "call_back_url": "http://127.0.0.1:9/c",
                    **data}
            envelope = build_request("MAPPPAY", DEMO_MERCHANT_ID, body, DEMO_SIGN_KEY,
                                     version=version)
            reply = http.post(sim.url, json=envelope, timeout=5)
            return parse_response(reply.content, DEMO_SIGN_KEY)

        old = raw("1.0", order_id="MP4")
        assert (old.rsp_code, old.rsp_msg) == (
            "PARAM_INVALID", "unsupported version '1.0' for MAPPPAY (expected '1.1')")
        alipay = raw("1.1", order_id="MP5", biz_type="ALIPAY")
        assert (alipay.rsp_code, alipay.rsp_msg) == (
            "PARAM_INVALID", "MAPPPAY biz_type must be WECHATPAY")
        assert raw("1.1", order_id="MP6", open_id="").rsp_msg == "missing required field open_id"
        generated = raw("1.1")  # order_id is optional: the gateway makes one up
        assert generated.rsp_code == "SUCCESS" and generated.data["order_id"].startswith("SIM")
        assert sim.order("MP4") is None and sim.order("MP5") is None


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"amount_cents": 0}, AmountError),
        ({"tip_cents": -1}, AmountError),
        ({"app_id": ""}, ValueError),
        ({"open_id": " "}, ValueError),
        ({"call_back_url": ""}, ValueError),
        ({"order_id": "bad id"}, ValueError),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(kwargs, error):
    with Simulator() as sim, client_for(sim) as client:
        args = dict(order_id="MP7", amount_cents=100, app_id=APP_ID, open_id=OPEN_ID,
                    call_back_url="http://127.0.0.1:9/cb")
        args.update(kwargs)
        with pytest.raises(error):
            client.mini_program_pay(**args)
        assert sim.requests() == []


def test_pay_info_as_object_or_text_with_numbers_or_package():
    fields = {"appId": APP_ID, "timeStamp": 1700000000, "nonceStr": "N", "package": "prepay_id=1",
              "signType": "MD5", "paySign": "S"}
    for value in (fields, json.dumps(fields)):
        info = parse_pay_info(value)
        assert (info.time_stamp, info.package_str) == ("1700000000", "prepay_id=1")
    with pytest.raises(ValueError, match="no usable paySign"):
        parse_pay_info({k: v for k, v in fields.items() if k != "paySign"})
    with pytest.raises(ValueError, match="not JSON"):
        parse_pay_info("{nope")
    with pytest.raises(ValueError, match="not an object"):
        parse_pay_info("[1, 2]")
