"""rsp_code and order_status classification as the protocol file's tables say."""

import pytest

from cashier.ottpay.codes import (
    OrderStatus,
    Outcome,
    classify_order_status,
    classify_rsp_code,
)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        ("success", Outcome.PAID),
        ("SUCCESS", Outcome.PAID),
        ("partial_refunded", Outcome.PAID),
        ("fully_refunded", Outcome.PAID),
        ("failure", Outcome.DECLINED),
        ("orderclosed", Outcome.CLOSED),
        ("notpay", Outcome.PENDING),
        ("init", Outcome.PENDING),
        ("canceling", Outcome.PENDING),
        ("authfinish", Outcome.PENDING),
        ("weird", Outcome.UNKNOWN),
        (None, Outcome.UNKNOWN),
    ],
)
def test_order_status_table(status, outcome):
    """Section 5: success, failure, orderclosed and the two refunded states are final (PAID,
    DECLINED, CLOSED); the rest leave the order open."""
    assert classify_order_status(status) is outcome


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
