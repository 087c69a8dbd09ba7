"""Classifying answers (protocol sections 4-5), gateway times, and exchange-rate maths."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cashier.money import AmountError
from cashier.ottpay.codes import OrderStatus, Outcome
from cashier.ottpay.results import (
    ExchangeRate,
    classify_active_pay,
    classify_payment,
    classify_refund,
)
from cashier.ottpay.timeparse import (
    BEIJING,
    TimeParseError,
    parse_gateway_time,
    parse_gateway_time_or_none,
)

S = OrderStatus


@pytest.mark.parametrize(
    ("rsp_code", "status", "amount_ok", "expected"),
    [
        ("SUCCESS", S.SUCCESS, True, Outcome.PAID),
        ("success", S.SUCCESS, True, Outcome.PAID),
        ("SUCCESS", S.SUCCESS, False, Outcome.UNKNOWN),  # amount mismatch: query
        ("SUCCESS", S.NOTPAY, True, Outcome.PENDING),
        ("SUCCESS", S.INIT, True, Outcome.PENDING),
        ("SUCCESS", None, True, Outcome.UNKNOWN),
        ("SUCCESS", S.FAILURE, True, Outcome.UNKNOWN),
        ("PROCESSING", S.NOTPAY, False, Outcome.PENDING),
        ("PROCESSING", None, False, Outcome.PENDING),
        ("PWD_INCORRECT", None, False, Outcome.PENDING),
        ("FAIL", S.FAILURE, False, Outcome.DECLINED),
        ("FAIL", None, False, Outcome.DECLINED),
        ("FAIL", S.SUCCESS, True, Outcome.UNKNOWN),  # contradiction: query
        ("PARAM_INVALID", None, False, Outcome.REJECTED),
        ("PARAM_ERROR", None, False, Outcome.REJECTED),
        ("ORDER_USED", None, False, Outcome.REJECTED),
        ("ORDER_TYPE_ERROR", None, False, Outcome.REJECTED),
        ("ORDER_PAID", None, False, Outcome.UNKNOWN),  # caller confirms with a query
        ("ORDER_PAID", S.SUCCESS, True, Outcome.UNKNOWN),
        ("TIMEOUT", None, False, Outcome.UNKNOWN),
        ("SYSTEM_ERROR", None, False, Outcome.UNKNOWN),
        ("DB_ERROR", None, False, Outcome.UNKNOWN),
        ("SOMETHING_NEW", S.SUCCESS, True, Outcome.UNKNOWN),
        ("", None, False, Outcome.UNKNOWN),
        (None, None, False, Outcome.UNKNOWN),
    ],
)
def test_payment_classification(rsp_code, status, amount_ok, expected):
    assert classify_payment(rsp_code, status, amount_ok) is expected


@pytest.mark.parametrize(
    ("rsp_code", "expected"),
    [
        ("SUCCESS", Outcome.ACCEPTED),
        ("FAIL", Outcome.DECLINED),
        ("PARAM_INVALID", Outcome.REJECTED),
        ("PARAM_ERROR", Outcome.REJECTED),
        ("ORDER_USED", Outcome.REJECTED),
        ("PROCESSING", Outcome.UNKNOWN),
        ("SYSTEM_ERROR", Outcome.UNKNOWN),
        ("WHATEVER", Outcome.UNKNOWN),
        (None, Outcome.UNKNOWN),
    ],
)
def test_refund_classification(rsp_code, expected):
    assert classify_refund(rsp_code) is expected


def test_active_pay_is_accepted_only_with_a_code_url():
    assert classify_active_pay("SUCCESS", "http://x/pay/1") is Outcome.ACCEPTED
    assert classify_active_pay("SUCCESS", None) is Outcome.UNKNOWN
    assert classify_active_pay("PARAM_INVALID", None) is Outcome.REJECTED
    assert classify_active_pay("ORDER_USED", None) is Outcome.REJECTED
    assert classify_active_pay("SYSTEM_ERROR", None) is Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20200610232209", datetime(2020, 6, 10, 23, 22, 9, tzinfo=BEIJING)),
        ("2020-06-10 23:22:09", datetime(2020, 6, 10, 23, 22, 9, tzinfo=BEIJING)),
        ("  2020-06-10 23:22:09  ", datetime(2020, 6, 10, 23, 22, 9, tzinfo=BEIJING)),
        ("2020-06-10T23:22:09", datetime(2020, 6, 10, 23, 22, 9, tzinfo=BEIJING)),
        ("2020-06-10 23:22:09+08:00", datetime(2020, 6, 10, 15, 22, 9, tzinfo=UTC)),
        ("20200610232209+0800", datetime(2020, 6, 10, 15, 22, 9, tzinfo=UTC)),
        ("2020-06-10 23:22:09 GMT+8", datetime(2020, 6, 10, 15, 22, 9, tzinfo=UTC)),
        ("2020-06-10 23:22:09 UTC+08:00", datetime(2020, 6, 10, 15, 22, 9, tzinfo=UTC)),
        ("2020-06-10 23:22:09 CST", datetime(2020, 6, 10, 15, 22, 9, tzinfo=UTC)),
        ("2020-06-10 23:22:09Z", datetime(2020, 6, 10, 23, 22, 9, tzinfo=UTC)),
        ("2020-06-10 23:22:09 UTC", datetime(2020, 6, 10, 23, 22, 9, tzinfo=UTC)),
        ("2020-06-10 23:22:09-05:30", datetime(2020, 6, 11, 4, 52, 9, tzinfo=UTC)),
    ],
)
def test_gateway_times_are_parsed_as_aware_datetimes(text, expected):
    parsed = parse_gateway_time(text)
    assert parsed.tzinfo is not None
    assert parsed == expected


def test_naive_gateway_time_is_beijing_time():
    parsed = parse_gateway_time("20240101000000")
    assert parsed.utcoffset() == timedelta(hours=8)
    assert parsed.astimezone(UTC) == datetime(2023, 12, 31, 16, 0, 0, tzinfo=UTC)
    assert parsed.astimezone(timezone(timedelta(hours=-5))).hour == 11


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2020061023220",  # one digit short
        "202006102322090",
        "2020-13-10 23:22:09",  # month 13
        "2020-02-30 10:00:00",
        "2020-06-10 24:00:00",
        "2020-06-10 23:22:09 XYZ",
        "2020-06-10 23:22:09+25:00",
        "yesterday",
        "2020/06/10 23:22:09",
    ],
)
def test_bad_gateway_times_raise_a_clear_error(text):
    with pytest.raises(TimeParseError) as info:
        parse_gateway_time(text)
    assert str(info.value)
    assert parse_gateway_time_or_none(text) is None


def test_non_text_time_is_refused():
    with pytest.raises(TimeParseError):
        parse_gateway_time(20200610232209)  # type: ignore[arg-type]
    assert parse_gateway_time_or_none(None) is None


@pytest.mark.parametrize(
    ("rate_e8", "cents", "fen"),
    [
        (520_000_000, 100, 520),
        (520_000_000, 0, 0),
        (650_000_000, 1, 7),  # 6.5 -> half up
        (645_000_000, 1, 6),  # 6.45 -> 6
        (525_000_000, 1, 5),  # 5.25 -> 5
        (525_000_000, 2, 11),  # 10.5 -> 11 (half up, not banker's)
        (512_345_678, 123_456, 632_521),  # 632521.48023168 exactly
        (710_000_000, 10_000_000, 71_000_000),
    ],
)
def test_exchange_rate_to_cny_fen_is_integer_half_up(rate_e8, cents, fen):
    assert ExchangeRate("CAD", rate_e8).to_cny_fen(cents) == fen


def test_exchange_rate_refuses_non_cents():
    rate = ExchangeRate("CAD", 520_000_000)
    for bad in (-1, 1.5, True, "100"):
        with pytest.raises(AmountError):
            rate.to_cny_fen(bad)
