"""rsp_code and order_status classification as the protocol file's tables say."""

import pytest

from cashier.ottpay.codes import (
    OrderStatus,
    Outcome,
    classify_order_status,
    classify_rsp_code,
    is_final_payment_status,
)


@pytest.mark.parametrize(
    ("status", "outcome", "final"),
    [
        ("success", Outcome.PAID, True),
        ("SUCCESS", Outcome.PAID, True),
        ("partial_refunded", Outcome.PAID, True),
        ("fully_refunded", Outcome.PAID, True),
        ("failure", Outcome.DECLINED, True),
        ("orderclosed", Outcome.CLOSED, True),
        ("notpay", Outcome.PENDING, False),
        ("init", Outcome.PENDING, False),
        ("canceling", Outcome.PENDING, False),
        ("authfinish", Outcome.PENDING, False),
        ("weird", Outcome.UNKNOWN, False),
        (None, Outcome.UNKNOWN, False),
    ],
)
def test_order_status_table(status, outcome, final):
    assert classify_order_status(status) is outcome
    assert is_final_payment_status(status) is final


def test_order_status_parse_is_case_insensitive():
    assert OrderStatus.parse(" NotPay ") is OrderStatus.NOTPAY
    assert OrderStatus.parse("nope") is None


@pytest.mark.parametrize(
    ("code", "outcome"),
    [("SUCCESS", Outcome.ACCEPTED), ("PROCESSING", Outcome.PENDING), ("FAIL", Outcome.DECLINED),
     ("PARAM_INVALID", Outcome.REJECTED), ("SYSTEM_ERROR", Outcome.UNKNOWN),
     ("NEW_CODE", Outcome.UNKNOWN), (None, Outcome.UNKNOWN)],
)
def test_rsp_code_table(code, outcome):
    assert classify_rsp_code(code) is outcome
