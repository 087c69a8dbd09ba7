"""The one port from a front-end's screens to the core: typed, blocking calls, no Qt.

History, reports, refunds, late payments, receipts and the exchange rate all go through
``CounterPort``, so a screen never reads the journal or calls the gateway client itself (the
sale screen has its own seam, ``cashier.ui.sale_controller``). Every method may block (SQLite,
the gateway, the store database): the Qt terminal calls them through its bridge, never on the
GUI thread.

With a ``[store]`` section the port also reads the store database's view of every lane (the
``store_*`` methods), and closes the store's business day (``store_z_report``); each raises
``StoreUnavailableError`` (one sentence) when that database cannot be reached, and nothing of
this lane's own work depends on it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cashier.config import StoreSection
from cashier.journal import local_business_day
from cashier.journal.records import Refund, Sale
from cashier.payments.reports import DayReport, WalletTotals
from cashier.payments.search import parse_search

#: The whole of the terminal's start-up check of the sales a previous run left open, in seconds
#: (each request within it has its own time limit too).
STARTUP_CHECK_SECONDS = 20.0


@dataclass(frozen=True)
class Lane:
    """A terminal sharing the store database: its ``terminal_id`` and display name."""

    terminal_id: str
    name: str


@dataclass(frozen=True)
class HistoryPage:
    """Sales newest first, and the business day "today" is (whether or not they are of it).
    From the store (every lane), ``lanes`` holds the lane of each sale, in the same order."""

    business_day: str
    sales: list[Sale]
    lanes: list[Lane] = field(default_factory=list)


@dataclass(frozen=True)
class SaleDetail:
    """One sale with its refunds and what is still refundable."""

    sale: Sale
    refunds: list[Refund]
    refundable_cents: int


@dataclass(frozen=True)
class StoreLane:
    """One lane in a store report: its figures, and its Z number once it closed the day."""

    terminal_id: str
    name: str
    z_number: int | None
    total: WalletTotals


@dataclass(frozen=True)
class StoreReport:
    """The store's X or Z report of a business day, per lane and in total.

    ``number``: the store Z's number (None: the store has not closed the day);
    ``closed_now``: this call closed the day; ``lanes_open``: the lanes that have not closed it
    (on a Z report: asked to). ``data`` is the report as ``cashier store report --json`` gives
    it (for the printer).
    """

    kind: str
    business_day: str
    lanes: tuple[StoreLane, ...]
    total: WalletTotals
    lanes_open: tuple[str, ...]
    number: int | None
    closed_now: bool
    data: dict[str, Any]


class CounterPort:
    """What the screens may ask of the core; ``engine`` is the ``PaymentEngine``, ``store``
    the ``[store]`` settings (the store view needs ``database_url`` and ``terminal_id``)."""

    def __init__(self, engine: Any, store: StoreSection | None = None) -> None:
        self._engine = engine
        self._journal = engine.journal
        self._store = store if store is not None and store.enabled else None

    @property
    def has_store(self) -> bool:
        """Whether this lane shares a store database (the store view is there to ask)."""
        return self._store is not None

    @property
    def lane_id(self) -> str | None:
        """This lane's ``terminal_id`` in the store database (None without one)."""
        return self._store.terminal_id if self._store is not None else None

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

    def release_refund(self, refund_id: str, *, operator_id: str) -> Refund:
        """A manager counts a refund whose outcome is unknown as failed, after the warning
        ``cashier.payments.refunds.RELEASE_WARNING``; the gateway is asked once more first."""
        return self._engine.release_refund(refund_id, operator_id=operator_id)

    def resolve_late(self, order_id: str, action: str) -> Sale:
        """Keep (``"keep"``) or refund (``"refund"``) a late payment."""
        return self._engine.resolve_late(order_id, action)

    def x_report(self) -> DayReport:
        return self._engine.x_report()

    def z_report(self, day: str, *,
                 on_wait: Callable[[list[str]], None] | None = None) -> DayReport:
        """Close ``day``; ``on_wait`` (called from this thread) is told the refunds being sent
        that the Z waits for first, if any."""
        return self._engine.z_report(day, on_wait=on_wait)

    def recover(self) -> list[Sale]:
        """Start-up: settle what a previous run left open, keep reconciling silent outcomes,
        and return every unresolved late payment.

        Returns within ``STARTUP_CHECK_SECONDS`` plus one request's time limit, whatever the
        gateway does; a sale still open then is asked about in the background (never closed
        for lack of an answer), and outcomes resting on silence that the start-up sweep did not
        reach are asked about by the next sweep."""
        self._engine.recover(timeout=STARTUP_CHECK_SECONDS)
        self._engine.keep_reconciling()
        return self._engine.late_payments()

    def exchange_rate(self, currency: str) -> Any:
        """The gateway's CNY rate for ``currency`` (an ``ExchangeRate``)."""
        return self._engine.client.exchange_rate(currency)

    # --- the store view: every lane's sales, from the store database --------------------------

    def store_history(self, *, today: bool, query: str | None = None, late: bool = False,
                      limit: int = 200) -> HistoryPage:
        """Every lane's sales of this lane's business day (or all days'), searched like
        ``history``; ``late``: only late payments nobody has resolved yet."""
        from cashier.store import central

        day = self._journal.current_business_day()
        with central.opened(self._store_url()) as conn:
            rows = central.history(conn, day=day if today else None, late=late, limit=limit,
                                   **parse_search(query)._asdict())
        return HistoryPage(day, [_record(Sale, row) for row in rows],
                           [Lane(row["terminal_id"], row["terminal_name"]) for row in rows])

    def store_sale_detail(self, terminal_id: str, order_id: str) -> SaleDetail:
        """A sale of lane ``terminal_id`` as the store has it, with its refunds from every lane
        and what is still refundable of it (``LookupError`` if the store has no such sale)."""
        from cashier.store import central

        with central.opened(self._store_url()) as conn:
            found = central.sale_detail(conn, terminal_id, order_id)
        if found is None:
            raise LookupError(f"no sale {order_id} of lane {terminal_id} in the store")
        return SaleDetail(_record(Sale, found["sale"]),
                          [_record(Refund, row) for row in found["refunds"]],
                          found["refundable_cents"])

    def late_at_other_lanes(self) -> HistoryPage:
        """Late payments of the other lanes that nobody has resolved yet (every lane's banner
        shows them; this lane's own are on its banner already)."""
        page = self.store_history(today=False, late=True)
        kept = [(sale, lane) for sale, lane in zip(page.sales, page.lanes, strict=True)
                if lane.terminal_id != self.lane_id]
        return HistoryPage(page.business_day, [sale for sale, _ in kept],
                           [lane for _, lane in kept])

    def store_x_report(self) -> StoreReport:
        """Today's running totals of every lane and of the store."""
        return self._store_report(z=False, closed_by=None)

    def store_z_report(self, closed_by: str) -> StoreReport:
        """The store's Z report of today: closes the day for every lane (``closed_by``: who,
        as the store shows it). ``StoreDayClosedError`` if the store closed it already."""
        return self._store_report(z=True, closed_by=closed_by)

    def _store_report(self, *, z: bool, closed_by: str | None) -> StoreReport:
        from cashier.store import central

        day = local_business_day(time.time())
        with central.opened(self._store_url()) as conn:
            if closed_by is not None:
                central.close_store_day(conn, day, f"{self.lane_id}, {closed_by}")
            data = central.z_report(conn, day) if z else central.report(conn, day)
        data.update(kind="Z" if z else "X", closed_now=closed_by is not None)
        closure = data["store_z"]
        return StoreReport(
            kind=data["kind"], business_day=day,
            lanes=tuple(StoreLane(lane["terminal_id"], lane["name"], lane["z_number"],
                                  _wallet_totals(lane["total"])) for lane in data["lanes"]),
            total=_wallet_totals(data["total"]), lanes_open=tuple(data["lanes_open"]),
            number=closure["number"] if closure else None, closed_now=closed_by is not None,
            data=data)

    def _store_url(self) -> str:
        if self._store is None or self._store.database_url is None:
            raise LookupError("this lane has no store database")
        return self._store.database_url


def _record(cls: Any, row: dict[str, Any]) -> Any:
    """A journal record (``Sale``, ``Refund``) from a store row: the store keeps what every lane
    shares; what only the lane itself needs (its terminal number, payment URL...) stays empty."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in row:
            values[f.name] = row[f.name]
        elif f.default is dataclasses.MISSING:
            values[f.name] = False if f.type in ("bool", bool) else None
    return cls(**values)


def _wallet_totals(figures: dict[str, Any]) -> WalletTotals:
    return WalletTotals(figures["wallet"], figures["sales_count"], figures["sales_cents"],
                        figures["tips_cents"], figures["refunds_count"], figures["refunds_cents"])
