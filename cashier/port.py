"""The one port from a front-end's screens to the core: typed, blocking calls, no Qt.

History, reports, refunds, late payments, receipts and the exchange rate all go through
``CounterPort``, so a screen never reads the journal or calls the gateway client itself (the
sale screen has its own seam, ``cashier.ui.sale_controller``). Every method may block (SQLite,
the gateway): the Qt terminal calls them through its bridge, never on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cashier.journal.records import Refund, Sale
from cashier.payments.reports import DayReport


@dataclass(frozen=True)
class HistoryPage:
    """Sales newest first, and the business day "today" is (whether or not they are of it)."""

    business_day: str
    sales: list[Sale]


@dataclass(frozen=True)
class SaleDetail:
    """One sale with its refunds and what is still refundable."""

    sale: Sale
    refunds: list[Refund]
    refundable_cents: int


class CounterPort:
    """What the screens may ask of the core; ``engine`` is the ``PaymentEngine``."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine
        self._journal = engine.journal

    def history(self, *, today: bool, query: str | None = None, limit: int = 200) -> HistoryPage:
        """Today's business day's sales (or all days'), optionally searched."""
        day = self._journal.current_business_day()
        return HistoryPage(day, self._engine.history(day if today else None, query or None,
                                                     limit=limit))

    def sale(self, order_id: str) -> Sale:
        """One sale (``SaleNotFoundError`` if there is none)."""
        return self._journal.require_sale(order_id)

    def sale_detail(self, order_id: str) -> SaleDetail:
        return SaleDetail(self._journal.require_sale(order_id), self._engine.refunds(order_id),
                          self._journal.refundable_cents(order_id))

    def refund_and_sale(self, refund_id: str) -> tuple[Refund, Sale]:
        """A refund and the sale it refunds (``LookupError`` if there is no such refund)."""
        refund = self._journal.get_refund(refund_id)
        if refund is None:
            raise LookupError(f"no refund {refund_id} in the journal")
        return refund, self._journal.require_sale(refund.sale_order_id)

    def refund(self, order_id: str, amount_cents: int | None, *, operator_id: str) -> Refund:
        """Refund part (``amount_cents``) or all that is left (``None``) of a paid sale."""
        return self._engine.refund(order_id, amount_cents, operator_id=operator_id)

    def resolve_late(self, order_id: str, action: str) -> Sale:
        """Keep (``"keep"``) or refund (``"refund"``) a late payment."""
        return self._engine.resolve_late(order_id, action)

    def x_report(self) -> DayReport:
        return self._engine.x_report()

    def z_report(self, day: str) -> DayReport:
        return self._engine.z_report(day)

    def recover(self) -> list[Sale]:
        """Start-up: settle what a previous run left open, keep reconciling silent outcomes,
        and return every unresolved late payment."""
        self._engine.recover()
        self._engine.keep_reconciling()
        return self._engine.late_payments()

    def exchange_rate(self, currency: str) -> Any:
        """The gateway's CNY rate for ``currency`` (an ``ExchangeRate``)."""
        return self._engine.client.exchange_rate(currency)
