"""The client against the real simulator over HTTP on 127.0.0.1: every action, every scenario."""

import logging

import pytest
import requests

from cashier.money import AmountError
from cashier.ottpay.callbacks import CallbackReceiver
from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import OrderStatus, Outcome
from cashier.ottpay.errors import (
    GatewayRejectedError,
    OrderNotFoundError,
    OttPayError,
    OutcomeUnknownError,
    SignKeyRejectedError,
)
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator
from cashier.wallets import Wallet

OPERATOR = "0000020156"
WECHAT = "13456789012345"  # + a four-digit scenario suffix = an 18-digit WeChat Pay code
CONFIRM_AFTER = 2
CLOSE_AFTER = 3


@pytest.fixture
def sim():
    with Simulator(
        merchant_id=DEMO_MERCHANT_ID, sign_key=DEMO_SIGN_KEY,
        confirm_after_queries=CONFIRM_AFTER, close_after_queries=CLOSE_AFTER,
        slow_response_seconds=1.0, callback_retries=3, callback_retry_interval=0.05,
        exchange_rates={"CAD": 520_000_000, "USD": 710_000_000},
    ) as simulator:
        yield simulator


@pytest.fixture
def client(sim):
    with OttPayClient(sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id=OPERATOR,
                      connect_timeout=0.5, read_timeout=0.5, query_retries=1,
                      query_backoff=0.01) as c:
        yield c


def pay(client, order_id, suffix="0000", amount=1000, **kw):
    return client.passive_pay(order_id=order_id, amount_cents=amount, auth_code=WECHAT + suffix,
                              biz_type=Wallet.WECHATPAY, **kw)


def poll(client, order_id, until, max_queries=10):
    """Query until ``until(result)``; returns every result seen."""
    seen = []
    for _ in range(max_queries):
        seen.append(client.status_query(order_id))
        if until(seen[-1]):
            return seen
    raise AssertionError(f"{order_id} never settled: {[r.order_status for r in seen]}")


def test_instant_success_is_paid_and_sent_as_the_protocol_says(sim, client):
    result = pay(client, "S1", tip_cents=150, sale_num="7", amount=1234)
    assert result.outcome is Outcome.PAID
    assert (result.rsp_code, result.order_status) == ("SUCCESS", OrderStatus.SUCCESS)
    assert result.total_cents == 1234 and result.tip_cents == 150
    assert result.trade_time is not None and result.trade_time.tzinfo is not None
    assert result.bizpay_order_id
    [request] = sim.requests(order_id="S1")
    assert request.action == "PASSIVEPAY" and request.merchant_id == DEMO_MERCHANT_ID
    assert request.data == {"operator_id": OPERATOR, "amount": "1234", "auth_code": WECHAT + "0000",
                            "biz_type": "WECHATPAY", "order_id": "S1", "tip": "150",
                            "sale_num": "7"}
    status = client.status_query("S1")
    assert (status.outcome, status.order_status, status.total_cents) == (
        Outcome.PAID, OrderStatus.SUCCESS, 1234)


def test_customer_confirming_is_pending_then_paid(sim, client):
    assert pay(client, "C1", "1111").outcome is Outcome.PENDING
    seen = poll(client, "C1", lambda r: r.outcome is not Outcome.PENDING)
    assert seen[0].order_status is OrderStatus.NOTPAY
    assert seen[-1].outcome is Outcome.PAID and len(seen) == CONFIRM_AFTER
    assert len(sim.requests(order_id="C1", action="PASSIVEPAY")) == 1


def test_confirming_then_failure_is_declined(client):
    first = pay(client, "C2", "2222")
    assert (first.outcome, first.rsp_code) == (Outcome.PENDING, "PROCESSING")
    seen = poll(client, "C2", lambda r: r.outcome is not Outcome.PENDING)
    assert (seen[-1].outcome, seen[-1].order_status) == (Outcome.DECLINED, OrderStatus.FAILURE)


def test_declined_code(client):
    result = pay(client, "D1", "3333")
    assert (result.outcome, result.rsp_code, result.order_status) == (
        Outcome.DECLINED, "FAIL", OrderStatus.FAILURE)
    assert client.status_query("D1").outcome is Outcome.DECLINED


def test_late_answer_is_unknown_never_resent_and_a_query_finds_it_paid(sim, client):
    with pytest.raises(OutcomeUnknownError) as info:
        pay(client, "L1", "4444")
    assert "read timeout" in str(info.value) and "never resend" in str(info.value)
    assert (info.value.action, info.value.order_id) == ("PASSIVEPAY", "L1")
    assert len(sim.requests(order_id="L1", action="PASSIVEPAY")) == 1
    assert client.status_query("L1").outcome is Outcome.PAID
    assert len(sim.requests(order_id="L1", action="PASSIVEPAY")) == 1


def test_never_settling_order_closes(client):
    assert pay(client, "N1", "5555").outcome is Outcome.PENDING
    seen = poll(client, "N1", lambda r: r.outcome is not Outcome.PENDING)
    assert (seen[-1].outcome, seen[-1].order_status) == (Outcome.CLOSED, OrderStatus.ORDERCLOSED)
    assert len(seen) == CLOSE_AFTER


def test_wrong_wallet_password_is_pending_then_paid(client):
    first = pay(client, "W1", "6666")
    assert (first.outcome, first.rsp_code) == (Outcome.PENDING, "PWD_INCORRECT")
    assert poll(client, "W1", lambda r: r.outcome is not Outcome.PENDING)[-1].outcome \
        is Outcome.PAID


def test_html_502_is_unknown_and_the_query_finds_it_charged(sim, client):
    with pytest.raises(OutcomeUnknownError) as info:
        pay(client, "H1", "7777")
    assert info.value.http_status == 502 and "HTTP 502" in str(info.value)
    assert len(sim.requests(order_id="H1", action="PASSIVEPAY")) == 1
    assert client.status_query("H1").outcome is Outcome.PAID


def test_tampered_answer_is_unknown_and_the_query_finds_it_charged(sim, client):
    with pytest.raises(OutcomeUnknownError) as info:
        pay(client, "T1", "8888")
    assert "failed verification" in str(info.value)
    assert client.status_query("T1").outcome is Outcome.PAID
    assert len(sim.requests(order_id="T1", action="PASSIVEPAY")) == 1


def test_reused_order_ids_are_rejected_or_confirmed_by_query(client):
    assert pay(client, "U1", "1111").outcome is Outcome.PENDING
    used = pay(client, "U1", "0000")
    assert (used.rsp_code, used.outcome) == ("ORDER_USED", Outcome.REJECTED)
    assert pay(client, "U2").outcome is Outcome.PAID
    paid = pay(client, "U2")
    assert (paid.rsp_code, paid.outcome) == ("ORDER_PAID", Outcome.UNKNOWN)


def test_unknown_order_query_raises_order_not_found(client):
    with pytest.raises(OrderNotFoundError) as info:
        client.status_query("NEVERSEEN1")
    assert isinstance(info.value, GatewayRejectedError)
    assert info.value.rsp_code == "FAIL" and "NEVERSEEN1" in str(info.value)


def test_active_pay_callback_and_query(sim, client):
    notes = []
    with CallbackReceiver(notes.append, sign_key=DEMO_SIGN_KEY,
                          merchant_id=DEMO_MERCHANT_ID) as rx:
        callback_url = rx.url
        result = client.active_pay(order_id="Q1", amount_cents=2500, biz_type=Wallet.ALIPAY,
                                   call_back_url=callback_url, tip_cents=100)
        assert result.outcome is Outcome.ACCEPTED
        assert result.code_url == f"{sim.base_url}/pay/Q1"
        assert client.status_query("Q1").outcome is Outcome.PENDING
        page = requests.get(result.code_url, timeout=(1, 2))
        assert page.status_code == 200 and "Q1" in page.text and "26.00" in page.text
        sim.customer_pays("Q1")
        assert sim.wait_for_callbacks(5.0)
    [note] = notes
    assert (note.order_id, note.amount_cents, note.tip_cents) == ("Q1", 2500, 100)
    assert note.order_status is OrderStatus.SUCCESS and note.finish_time is not None
    assert client.status_query("Q1").outcome is Outcome.PAID
    [request] = sim.requests(order_id="Q1", action="ACTIVEPAY")
    assert request.data["call_back_url"] == callback_url and request.data["biz_type"] == "ALIPAY"


def test_active_pay_reused_order_is_rejected(client):
    client.active_pay(order_id="Q2", amount_cents=100, biz_type="wechat",
                      call_back_url="http://127.0.0.1:9/cb")
    again = client.active_pay(order_id="Q2", amount_cents=100, biz_type=Wallet.WECHATPAY,
                              call_back_url="http://127.0.0.1:9/cb")
    assert (again.rsp_code, again.outcome, again.code_url) == ("ORDER_USED", Outcome.REJECTED, None)


def test_partial_then_full_refund_and_over_refund(sim, client):
    assert pay(client, "P1", amount=1000).outcome is Outcome.PAID
    part = client.refund(ori_order_id="P1", refund_cents=300, order_id="R1")
    assert (part.outcome, part.refund_cents, part.ori_order_id) == (Outcome.ACCEPTED, 300, "P1")
    status = client.status_query("P1")
    assert (status.order_status, status.refund_cents) == (OrderStatus.PARTIAL_REFUNDED, 300)
    own = client.status_query("R1")
    assert (own.order_status, own.total_cents) == (OrderStatus.SUCCESS, 300)
    over = client.refund(ori_order_id="P1", refund_cents=701, order_id="R2")
    assert (over.rsp_code, over.outcome) == ("PARAM_INVALID", Outcome.REJECTED)
    assert "exceeds" in over.rsp_msg
    rest = client.refund(ori_order_id="P1", refund_cents=700, order_id="R3")
    assert rest.outcome is Outcome.ACCEPTED
    status = client.status_query("P1")
    assert (status.order_status, status.refund_cents) == (OrderStatus.FULLY_REFUNDED, 1000)
    assert status.outcome is Outcome.PAID
    assert [r.data["refund_amt"] for r in sim.requests(action="REFUND")] == ["300", "701", "700"]


def test_refund_of_unpaid_order_is_not_accepted(client):
    result = client.refund(ori_order_id="NOPE1", refund_cents=100, order_id="R9")
    assert result.outcome in (Outcome.REJECTED, Outcome.DECLINED)


def test_exchange_rates(client):
    cad = client.exchange_rate("CAD")
    assert (cad.fee_type, cad.rate_e8, cad.to_cny_fen(1000)) == ("CAD", 520_000_000, 5200)
    assert client.exchange_rate("usd").rate_e8 == 710_000_000
    with pytest.raises(GatewayRejectedError) as info:
        client.exchange_rate("XYZ")
    assert info.value.rsp_code == "PARAM_INVALID"


def test_wrong_sign_key_on_the_client_gives_a_clear_error_and_charges_nothing(sim):
    with OttPayClient(sim.url, DEMO_MERCHANT_ID, "FEDCBA9876543210", operator_id=OPERATOR,
                      read_timeout=0.5, query_backoff=0.01) as wrong:
        result = pay(wrong, "K1")
        assert result.outcome is Outcome.REJECTED and "md5" in result.rsp_msg
        with pytest.raises(SignKeyRejectedError) as info:
            wrong.status_query("K1")
    assert "check the merchant id and sign key" in str(info.value)
    assert "FEDCBA9876543210" not in str(info.value) and DEMO_SIGN_KEY not in repr(info.value)
    assert sim.requests() == [] and sim.order("K1") is None


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"amount_cents": 0}, AmountError),
        ({"amount_cents": -5}, AmountError),
        ({"amount_cents": 12.5}, AmountError),
        ({"tip_cents": -1}, AmountError),
        ({"auth_code": "12ab"}, ValueError),
        ({"auth_code": ""}, ValueError),
        ({"order_id": "has space"}, ValueError),
        ({"order_id": "X" * 33}, ValueError),
        ({"biz_type": "paypal"}, ValueError),
    ],
)
def test_bad_payment_input_is_refused_before_anything_is_sent(sim, client, kwargs, error):
    args = {"order_id": "B1", "amount_cents": 100, "auth_code": WECHAT + "0000",
            "biz_type": Wallet.WECHATPAY, **kwargs}
    with pytest.raises(error):
        client.passive_pay(**args)
    assert sim.requests() == []


def test_operator_id_is_required_for_payments(sim):
    with OttPayClient(sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY) as bare:
        with pytest.raises(ValueError, match="operator id"):
            pay(bare, "O1")
        assert pay(bare, "O2", operator_id=OPERATOR).outcome is Outcome.PAID
    assert [r.data["operator_id"] for r in sim.requests()] == [OPERATOR]


def test_logs_mask_the_code_and_never_hold_the_sign_key(
    sim, client, caplog, errors_never_hold_a_sign_key
):
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []
    pay(client, "G1", "1111", amount=4321)
    client.status_query("G1")
    for order_id, suffix in (("G2", "4444"), ("G3", "7777"), ("G4", "8888")):
        try:
            pay(client, order_id, suffix)
        except OttPayError as exc:
            errors.append(exc)
    try:
        client.status_query("G404")
    except OttPayError as exc:
        errors.append(exc)
    assert len(errors) == 4
    assert set(errors) <= set(errors_never_hold_a_sign_key)  # the fixture sees every error
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "1345**********1111" in text
    assert "order_id=G1" in text and "rsp_code=PROCESSING" in text and " ms)" in text
    for secret in (DEMO_SIGN_KEY, WECHAT + "1111", WECHAT + "4444", WECHAT + "7777"):
        assert secret not in text
    for exc in errors:
        assert DEMO_SIGN_KEY not in str(exc) and DEMO_SIGN_KEY not in repr(exc)
        assert WECHAT not in str(exc)
    assert DEMO_SIGN_KEY not in repr(client) and DEMO_SIGN_KEY not in str(client)


def test_callback_is_retried_by_the_gateway_until_the_handler_accepts(sim, client):
    calls = []

    def flaky_handler(note):
        calls.append(note.order_id)
        if len(calls) == 1:
            raise RuntimeError("journal busy")  # answered 500: the gateway must retry

    with CallbackReceiver(flaky_handler, sign_key=DEMO_SIGN_KEY,
                          merchant_id=DEMO_MERCHANT_ID) as rx:
        client.active_pay(order_id="Q3", amount_cents=700, biz_type=Wallet.WECHATPAY,
                          call_back_url=rx.url)
        sim.customer_pays("Q3")
        assert sim.wait_for_callbacks(5.0)
    assert calls == ["Q3", "Q3"]


def test_callback_signed_for_another_merchant_never_reaches_the_handler(sim, client):
    notes = []
    with CallbackReceiver(notes.append, sign_key=DEMO_SIGN_KEY, merchant_id="ON00004652") as rx:
        client.active_pay(order_id="Q4", amount_cents=700, biz_type=Wallet.WECHATPAY,
                          call_back_url=rx.url)
        sim.customer_pays("Q4")
        assert sim.wait_for_callbacks(5.0)
    assert notes == []
    assert client.status_query("Q4").outcome is Outcome.PAID  # polling still finds it paid
