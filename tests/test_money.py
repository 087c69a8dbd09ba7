import pytest
from hypothesis import given
from hypothesis import strategies as st

from cashier.money import (
    AmountError,
    cents_from_wire,
    check_cents,
    check_total,
    format_cents,
    format_money,
    parse_amount,
)


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12.34", 1234), ("12", 1200), ("0.5", 50), (".5", 50), ("0.05", 5), (" 7.1 ", 710),
        ("1.", 100),
    ],
)
def test_parse_amount_accepts_what_a_cashier_types(typed, cents):
    assert parse_amount(typed) == cents


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("-1", "negative"),
        ("0", "zero"),
        ("0.00", "zero"),
        ("1.234", "more than two decimals"),
        ("abc", "not an amount"),
        ("1e3", "not an amount"),
        ("", "Enter an amount"),
        ("100000.01", "above the maximum"),
        ("1,00", "not an amount"),
        ("NaN", "not an amount"),
    ],
)
def test_parse_amount_refuses_bad_input_with_a_reason(typed, reason):
    with pytest.raises(AmountError, match=reason):
        parse_amount(typed)


def test_parse_amount_honours_a_lower_maximum_and_zero_tips():
    with pytest.raises(AmountError, match="above the maximum of 50.00"):
        parse_amount("50.01", max_cents=5000)
    assert parse_amount("0", allow_zero=True) == 0


def test_check_cents_refuses_floats_and_bools():
    with pytest.raises(AmountError):
        check_cents(1.5)  # type: ignore[arg-type]
    with pytest.raises(AmountError):
        check_cents(True)  # type: ignore[arg-type]


@given(st.integers(min_value=1, max_value=10_000_000))
def test_format_and_parse_round_trip(cents):
    assert parse_amount(format_cents(cents)) == cents


def test_format_cents():
    assert format_cents(123456, thousands=True) == "1,234.56"
    assert format_cents(-5) == "-0.05"


def test_wire_amounts():
    assert cents_from_wire("100") == 100
    assert cents_from_wire(100) == 100
    with pytest.raises(AmountError):
        cents_from_wire("1.00")


@pytest.mark.parametrize(("cents", "currency", "text"), [
    (123456, "CAD", "$1,234.56"), (5, "cny", "¥0.05"), (100, "CHF", "CHF 1.00"), (100, "", "1.00"),
])
def test_format_money_puts_the_symbol_first(cents, currency, text):
    assert format_money(cents, currency) == text


# -- one normalisation rule for amounts and payment codes (NFKC, then ASCII digits) ----------

@pytest.mark.parametrize(("typed", "cents"), [
    ("１２．３４", 1234),   # fullwidth digits and full stop (Asian keyboards and IMEs)
    ("１２.５", 1250),
    ("．５", 50),
])
def test_fullwidth_amounts_are_normalised(typed, cents):
    assert parse_amount(typed) == cents


@pytest.mark.parametrize("typed", ["١٢", "12.٣٤", "१२", "১২"])  # Arabic-Indic, Devanagari, Bengali
def test_digits_of_other_scripts_are_refused_in_one_sentence(typed):
    with pytest.raises(AmountError) as info:
        parse_amount(typed)
    message = str(info.value)
    assert "digits 0-9" in message and message.count(". ") == 0 and message.endswith(".")


def test_amount_and_tip_together_stay_within_the_maximum():
    assert check_total(600, 400, max_cents=1000) == 1000
    with pytest.raises(AmountError, match=r"total 10\.01 \(amount 6\.00 \+ tip 4\.01\) is above "
                                          r"the maximum of 10\.00"):
        check_total(600, 401, max_cents=1000)


def test_the_gateway_sends_ascii_cents_only():
    assert cents_from_wire("100") == 100
    with pytest.raises(AmountError):
        cents_from_wire("١٠٠")
