"""Integer-cent amounts: parse what a cashier types, format for screen and receipt.

Money never touches a float anywhere in cashier. An amount is an ``int`` number of cents.
"""

from __future__ import annotations

import re
import unicodedata

#: The largest amount accepted anywhere unless configuration lowers it: 100,000.00.
DEFAULT_MAX_CENTS = 10_000_000

_AMOUNT_RE = re.compile(r"^(?P<units>\d+)(?:\.(?P<cents>\d{0,2}))?$|^\.(?P<only_cents>\d{1,2})$",
                        re.ASCII)


class AmountError(ValueError):
    """An amount a cashier typed (or a caller passed) that cannot be used; the message says why."""


def normalise_typed(text: str) -> str:
    """What a cashier typed or a scanner sent, in Unicode NFKC form: fullwidth digits and full
    stops (an Asian keyboard or IME) become ASCII, ``"１２．３４"`` -> ``"12.34"``. Digits of other
    scripts (Arabic-Indic, Devanagari...) stay as they are; ``foreign_digits`` finds them, and
    amounts and payment codes refuse them: both follow this one rule."""
    return unicodedata.normalize("NFKC", text)


def foreign_digits(text: str) -> bool:
    """Whether ``text`` has a digit that is not ASCII 0-9 (after ``normalise_typed``)."""
    return any(ch.isdigit() and not ch.isascii() for ch in text)


def parse_amount(text: str, *, max_cents: int = DEFAULT_MAX_CENTS, allow_zero: bool = False) -> int:
    """Parse ``"12.34"``, ``"12"``, ``"0.5"`` or ``".5"`` into cents.

    Refuses negative, zero (unless ``allow_zero``, for tips), more than two decimals, amounts above
    ``max_cents`` and anything that is not a plain decimal number, each with a sentence a cashier
    can act on.
    """
    cleaned = normalise_typed(text).strip() if isinstance(text, str) else ""
    if not cleaned:
        raise AmountError("Enter an amount, for example 12.34.")
    if foreign_digits(cleaned):
        raise AmountError(f"Type the amount {cleaned!r} with the digits 0-9.")
    if cleaned.startswith("-"):
        raise AmountError(f"The amount {cleaned} is negative; enter a positive amount.")
    match = _AMOUNT_RE.match(cleaned)
    if match is None:
        if re.fullmatch(r"[0-9]*\.[0-9]{3,}", cleaned):
            raise AmountError(f"The amount {cleaned} has more than two decimals.")
        raise AmountError(f"{cleaned!r} is not an amount; type digits with at most two decimals.")
    if match.group("only_cents") is not None:
        units, frac = "0", match.group("only_cents")
    else:
        units, frac = match.group("units"), match.group("cents") or ""
    cents = int(units) * 100 + int(frac.ljust(2, "0") or "0")
    return check_cents(cents, max_cents=max_cents, allow_zero=allow_zero)


def check_cents(
    cents: int, *, max_cents: int = DEFAULT_MAX_CENTS, allow_zero: bool = False
) -> int:
    """Validate an amount already in cents (an ``int``, never a ``bool`` or ``float``)."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise AmountError(f"Amounts are whole cents, not {type(cents).__name__}.")
    if cents < 0:
        raise AmountError(f"The amount {format_cents(cents)} is negative; enter a positive amount.")
    if cents == 0 and not allow_zero:
        raise AmountError("The amount is zero; enter an amount above 0.00.")
    if cents > max_cents:
        raise AmountError(
            f"The amount {format_cents(cents)} is above the maximum of {format_cents(max_cents)}."
        )
    return cents


def check_total(amount_cents: int, tip_cents: int, *, max_cents: int = DEFAULT_MAX_CENTS) -> int:
    """Amount + tip of one sale, refused above ``max_cents``: the maximum bounds what the
    customer pays, so a sale can never total more than it (amount and tip are checked alone by
    ``check_cents`` first)."""
    total = amount_cents + tip_cents
    if total > max_cents:
        raise AmountError(
            f"The total {format_cents(total)} (amount {format_cents(amount_cents)} + tip "
            f"{format_cents(tip_cents)}) is above the maximum of {format_cents(max_cents)}."
        )
    return total


def format_cents(cents: int, *, thousands: bool = False) -> str:
    """``1234`` -> ``"12.34"`` (``"1,234.00"`` with ``thousands``); negative keeps its sign."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(cents), 100)
    units_text = f"{units:,}" if thousands else str(units)
    return f"{sign}{units_text}.{rest:02d}"


#: Symbols of the currencies a shop here may keep its books in; others show their ISO code.
CURRENCY_SYMBOLS = {"CAD": "$", "USD": "$", "AUD": "A$", "NZD": "NZ$", "HKD": "HK$",
                    "CNY": "¥", "EUR": "€", "GBP": "£"}


def format_money(cents: int, currency: str = "") -> str:
    """Cents for the screen: ``(1234, "CAD")`` -> ``"$12.34"``, ``(1234, "XYZ")`` ->
    ``"XYZ 12.34"``, ``(1234, "")`` -> ``"12.34"``; thousands separated."""
    return currency_prefix(currency) + format_cents(cents, thousands=True)


def currency_prefix(currency: str) -> str:
    """What goes before an amount of ``currency`` (an ISO code, or "" for none)."""
    if not currency:
        return ""
    return CURRENCY_SYMBOLS.get(currency.upper(), f"{currency} ")


def cents_from_wire(value: object) -> int:
    """Read an amount the gateway sent (``"100"`` or ``100``) as cents; raises ``AmountError``."""
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]+", text):
        raise AmountError(f"The gateway sent {value!r} where an amount in cents was expected.")
    return int(text)
