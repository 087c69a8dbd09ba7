"""The client against each reading of what the documents leave open (answers from a scripted
server): STATUS_QUERY answers without ``order_id``, the ways "order not found" may be said, and
the first-contact log line for values nobody documented."""

import logging

import pytest

from cashier.ottpay.codes import OrderStatus, Outcome
from cashier.ottpay.errors import (
    GatewayMessageError,
    GatewayRejectedError,
    OrderNotFoundError,
    OutcomeUnknownError,
    TransportError,
)
from cashier.ottpay.firstcontact import FirstContact
from tests.ottpay.test_client_transport import ScriptedGateway, make_client, paid, pay, signed


def refusal(rsp_code: str, rsp_msg: str):
    return lambda req, n: signed(rsp_code, None, msg=rsp_msg)


def first_contact_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "first contact" in r.getMessage()]


# -- 1. does a STATUS_QUERY answer echo order_id? ----------------------------------------------

def test_query_answer_without_order_id_is_about_the_order_we_asked():
    def answer(req, n):
        return signed("SUCCESS", {"order_status": "success", "total_amount": "250"})

    with ScriptedGateway(answer) as gw, make_client(gw.url) as client:
        result = client.status_query("A1")
    assert (result.order_id, result.outcome, result.total_cents) == ("A1", Outcome.PAID, 250)


def test_query_answer_naming_another_order_is_still_refused():
    with ScriptedGateway(lambda req, n: paid(req, order_id="B2")) as gw, \
            make_client(gw.url) as client, pytest.raises(GatewayMessageError, match="'B2'"):
        client.status_query("A1")


def test_payment_answer_without_order_id_stays_unknown():
    # Only STATUS_QUERY answers may leave the order out; a payment answer must name it.
    with ScriptedGateway(lambda req, n: paid(req, order_id="")) as gw, \
            make_client(gw.url) as client, pytest.raises(OutcomeUnknownError):
        pay(client)


def test_refund_query_result_names_its_original_sale():
    def answer(req, n):
        return signed("SUCCESS", {"order_id": "R1", "ori_order_id": "A1",
                                  "order_status": "success", "refund_fee": "300"})

    with ScriptedGateway(answer) as gw, make_client(gw.url) as client:
        result = client.status_query("R1")
    assert (result.ori_order_id, result.order_status, result.refund_cents) == \
        ("A1", OrderStatus.SUCCESS, 300)


# -- 2. how is "order not found" said? ---------------------------------------------------------

@pytest.mark.parametrize(("code", "msg"), [
    ("ORDER_NOT_EXIST", "订单不存在"),
    ("ORDERNOTEXIST", ""),
    ("ACQ.TRADE_NOT_EXIST", "交易不存在"),
    ("FAIL", "order not found"),
    ("FAIL", "The order does not exist"),
    ("FAIL", "订单不存在"),
    ("FAIL", "no such order"),
])
def test_order_not_found_is_recognised_by_code_or_by_a_wording_about_the_order(code, msg):
    with ScriptedGateway(refusal(code, msg)) as gw, make_client(gw.url) as client, \
            pytest.raises(OrderNotFoundError) as info:
        client.status_query("A1")
    assert (info.value.rsp_code, info.value.rsp_msg) == (code, msg)


def test_a_not_found_code_counts_even_with_signed_data():
    def answer(req, n):
        return signed("ORDER_NOT_EXIST", {"order_id": "A1"}, msg="订单不存在")

    with ScriptedGateway(answer) as gw, make_client(gw.url) as client, \
            pytest.raises(OrderNotFoundError):
        client.status_query("A1")


@pytest.mark.parametrize(("code", "msg", "error"), [
    ("FAIL", "not found", GatewayRejectedError),  # not about the order: perhaps the merchant
    ("FAIL", "merchant does not exist", GatewayRejectedError),
    ("FAIL", "查询失败", GatewayRejectedError),     # "query failed"
    ("QUERY_FAILED", "try later", GatewayRejectedError),
    ("SYSTEM_ERROR", "order not found", TransportError),  # trouble: the wording is not believed
])
def test_unrecognised_refusals_are_unknown_never_not_found(code, msg, error):
    with ScriptedGateway(refusal(code, msg)) as gw, \
            make_client(gw.url, query_retries=0) as client, pytest.raises(error) as info:
        client.status_query("A1")
    assert not isinstance(info.value, OrderNotFoundError)


# -- first contact: each unrecognised value is logged once -------------------------------------

def test_an_unrecognised_refusal_is_logged_once_with_its_exact_code_and_text(caplog):
    memory = FirstContact()
    caplog.set_level(logging.WARNING, logger="cashier.ottpay")
    with ScriptedGateway(refusal("FAIL", "查询失败")) as gw, \
            make_client(gw.url, first_contact=memory) as client:
        for _ in range(3):
            with pytest.raises(GatewayRejectedError):
                client.status_query("A1")
        with make_client(gw.url, first_contact=memory) as second_client, \
                pytest.raises(GatewayRejectedError):
            second_client.status_query("A2")  # another client in the same process: known
    [line] = first_contact_lines(caplog)
    assert "rsp_code='FAIL'" in line and "rsp_msg='查询失败'" in line


def test_an_undocumented_code_and_status_are_each_logged_once(caplog):
    memory = FirstContact()
    caplog.set_level(logging.WARNING, logger="cashier.ottpay")

    def answer(req, n):
        return signed("ACCEPTED_LATER", {"order_id": "A1", "order_status": "paying"})

    with ScriptedGateway(answer) as gw, make_client(gw.url, first_contact=memory) as client:
        for _ in range(2):
            result = client.status_query("A1")
            assert (result.order_status, result.outcome) == (None, Outcome.UNKNOWN)
    lines = first_contact_lines(caplog)
    assert len(lines) == 2
    assert "unrecognised rsp_code" in lines[0] and "'ACCEPTED_LATER'" in lines[0]
    assert "unrecognised order_status" in lines[1] and "'paying'" in lines[1]


def test_a_not_found_wording_is_logged_once_but_a_not_found_code_is_not(caplog):
    memory = FirstContact()
    caplog.set_level(logging.INFO, logger="cashier.ottpay")
    for code, msg in [("FAIL", "order not found"), ("FAIL", "order not found"),
                      ("ORDER_NOT_EXIST", "order not found")]:
        with ScriptedGateway(refusal(code, msg)) as gw, \
                make_client(gw.url, first_contact=memory) as client, \
                pytest.raises(OrderNotFoundError):
            client.status_query("A1")
    [line] = first_contact_lines(caplog)
    assert "rsp_code='FAIL'" in line and "treated as order not found" in line


def test_first_contact_memory_is_bounded(caplog):
    memory = FirstContact(limit=2)
    caplog.set_level(logging.WARNING, logger="cashier.ottpay")
    logged = [memory.note("rsp_code", action="STATUS_QUERY", order_id="A1", rsp_code=f"X{i}",
                          rsp_msg="", treated_as="unknown") for i in range(4)]
    assert logged == [True, True, False, False]
    assert sum("no more are logged" in m for m in first_contact_lines(caplog)) == 1
