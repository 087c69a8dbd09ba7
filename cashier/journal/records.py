"""What the journal hands back: immutable snapshots of rows (no live objects, no SQL)."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

#: The journal's copy of the sale state vocabulary (``cashier.payments.states.SaleState`` is the
#: authority; a test keeps the two equal). The journal needs it for refunds and partial indexes.
OPEN_STATES: tuple[str, ...] = ("pending", "unknown")
PAID_STATES: tuple[str, ...] = ("paid", "partially_refunded", "refunded")
REFUNDABLE_STATES: tuple[str, ...] = ("paid", "partially_refunded")

#: Refund states: a refund counts against the refundable amount unless it ``failed``.
REFUND_OPEN_STATES: tuple[str, ...] = ("pending", "unknown")
REFUND_STATES: tuple[str, ...] = ("pending", "succeeded", "failed", "unknown")


def refunded_state(refunded_cents: int, total_cents: int) -> str:
    """A paid sale's state once ``refunded_cents`` of it went back."""
    if refunded_cents <= 0:
        return "paid"
    return "refunded" if refunded_cents >= total_cents else "partially_refunded"


@dataclass(frozen=True)
class Sale:
    """One sale as journaled. ``state`` is the plain state name (equal to a ``SaleState``)."""

    order_id: str
    mode: str
    wallet: str
    amount_cents: int
    tip_cents: int
    refunded_cents: int
    masked_code: str | None
    code_last4: str | None
    operator_id: str | None
    terminal_no: str | None
    state: str
    rsp_code: str | None
    rsp_msg: str | None
    bizpay_order_id: str | None
    trade_time: str | None
    buyer_login_id: str | None
    code_url: str | None
    abandoned: bool
    late: bool
    late_resolution: str | None
    business_day: str
    created_at: float
    updated_at: float
    settled_at: float | None
    #: Why the sale was given up (see ``cashier.payments.states.AbandonReason``); ``None`` if not.
    abandon_reason: str | None = None
    #: Set while the outcome rests on silence (closed because the gateway did not know the
    #: order): the reconciliation sweep asks again until then (epoch seconds).
    recheck_until: float | None = None
    #: The lease (``cashier.journal.owners``) of the process that works on it while it is open.
    owner: str | None = None
    #: The lane (terminal id, and its name) that made the sale when it was another lane of the
    #: store: this lane only refunded it (``ForeignSale``). ``None``: made here.
    lane: str | None = None
    lane_name: str | None = None

    @property
    def total_cents(self) -> int:
        """What the customer is charged: amount plus tip."""
        return self.amount_cents + self.tip_cents

    @property
    def is_open(self) -> bool:
        """Still pending or unknown: someone must keep asking the gateway."""
        return self.state in OPEN_STATES

    @property
    def is_paid(self) -> bool:
        """Money moved (even if some or all of it was refunded since)."""
        return self.state in PAID_STATES

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's ``--json`` shape)."""
        out = asdict(self)
        out["total_cents"] = self.total_cents
        return out

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Sale:
        values = {name: row[name] for name in row.keys()}
        values["abandoned"] = bool(values["abandoned"])
        values["late"] = bool(values["late"])
        return cls(**values)


@dataclass(frozen=True)
class ForeignSale:
    """What the store database says about a sale another lane (``lane``) made, as this lane
    journals it before refunding it. ``others_refunded_cents``: what other lanes refunded of it
    (succeeded refunds in the store). ``merchant_id``: the OTT Pay merchant that lane uses, if
    the store knows it."""

    order_id: str
    lane: str
    lane_name: str
    merchant_id: str | None
    mode: str
    wallet: str
    amount_cents: int
    tip_cents: int
    others_refunded_cents: int
    masked_code: str | None
    code_last4: str | None
    operator_id: str | None
    state: str
    bizpay_order_id: str | None
    trade_time: str | None
    business_day: str
    created_at: float
    updated_at: float
    settled_at: float | None

    @property
    def total_cents(self) -> int:
        return self.amount_cents + self.tip_cents


@dataclass(frozen=True)
class SaleEvent:
    """One transition (or noted change) of a sale; ``from_state`` is ``None`` for the intent."""

    id: int
    order_id: str
    at: float
    from_state: str | None
    to_state: str
    note: str


@dataclass(frozen=True)
class Refund:
    """A refund of (part of) a sale, with its own gateway order id."""

    refund_id: str
    sale_order_id: str
    amount_cents: int
    state: str
    rsp_code: str | None
    rsp_msg: str | None
    operator_id: str | None
    business_day: str
    created_at: float
    updated_at: float
    #: Set while a ``failed`` outcome rests on silence, not on the gateway's answer (a manager
    #: released it): the reconciliation sweep asks again until then (epoch seconds).
    recheck_until: float | None = None
    owner: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Refund:
        return cls(**{name: row[name] for name in row.keys()})


@dataclass(frozen=True)
class SalesSummaryRow:
    """Sales of one business day grouped by wallet and state (input to X/Z reports)."""

    wallet: str
    state: str
    count: int
    amount_cents: int
    tip_cents: int


@dataclass(frozen=True)
class RefundsSummaryRow:
    """Succeeded refunds booked on one business day, per wallet of the refunded sale."""

    wallet: str
    count: int
    amount_cents: int


@dataclass(frozen=True)
class ZRecord:
    """A closed business day: its sequential number and the totals printed at closing."""

    number: int
    business_day: str
    closed_at: float
    totals_json: str
