"""What a history search box's text means, for this lane's journal and the store's history alike.

An amount with a decimal point (``12.34``) matches the amount; four digits match the last four
digits of the scanned code; anything else is an order id prefix.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from cashier.money import parse_amount


class HistorySearch(NamedTuple):
    """The search as keyword arguments of ``Journal.history`` and ``central.history``."""

    amount_cents: int | None = None
    code_last4: str | None = None
    order_id_prefix: str | None = None


def parse_search(query: str | None) -> HistorySearch:
    """``AmountError`` for a decimal amount that is not one (a sentence)."""
    text = (query or "").strip()
    amount = parse_amount(text, max_cents=10**12) if "." in text else None
    last4 = text if amount is None and re.fullmatch(r"\d{4}", text) else None
    prefix = text if text and amount is None and last4 is None else None
    return HistorySearch(amount, last4, prefix)
