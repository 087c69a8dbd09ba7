"""X and Z reports: a business day's counts and sums per wallet, tips, refunds, net, late payments.

An X report is a running view (nothing changes); a Z report closes the day: it is numbered
sequentially, stored with the totals printed, and a day cannot be closed twice
(``DayAlreadyClosedError``). Sales count on the day they were made, refunds on the day they were
made; sales made after a day was closed belong to the next day (see ``Journal``).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from cashier.journal.records import OPEN_STATES, PAID_STATES, Sale
from cashier.journal.store import DayAlreadyClosedError, Journal


@dataclass(frozen=True)
class WalletTotals:
    """Paid sales and succeeded refunds of one wallet (or of all: ``wallet="ALL"``)."""

    wallet: str
    sales_count: int = 0
    sales_cents: int = 0
    tips_cents: int = 0
    refunds_count: int = 0
    refunds_cents: int = 0

    @property
    def gross_cents(self) -> int:
        """Amounts plus tips of the paid sales."""
        return self.sales_cents + self.tips_cents

    @property
    def net_cents(self) -> int:
        """Gross minus refunds."""
        return self.gross_cents - self.refunds_cents

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["gross_cents"] = self.gross_cents
        out["net_cents"] = self.net_cents
        return out


@dataclass(frozen=True)
class DayReport:
    """An X (``number is None``) or Z report of one business day."""

    kind: str  # "X" or "Z"
    business_day: str
    generated_at: float
    wallets: tuple[WalletTotals, ...]
    total: WalletTotals
    declined_count: int = 0
    closed_count: int = 0
    open_count: int = 0  # still pending/unknown when the report was made
    late_payments: tuple[Sale, ...] = field(default=())
    number: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "number": self.number,
            "business_day": self.business_day,
            "generated_at": self.generated_at,
            "wallets": [w.to_dict() for w in self.wallets],
            "total": self.total.to_dict(),
            "declined_count": self.declined_count,
            "closed_count": self.closed_count,
            "open_count": self.open_count,
            "late_payments": [sale.to_dict() for sale in self.late_payments],
        }


def build_report(journal: Journal, day: str, *, kind: str = "X") -> DayReport:
    """Compute a day's report from the journal (no write)."""
    per_wallet: dict[str, dict[str, int]] = {}
    declined = closed = still_open = 0

    def bucket(wallet: str) -> dict[str, int]:
        return per_wallet.setdefault(wallet, dict.fromkeys(
            ("sales_count", "sales_cents", "tips_cents", "refunds_count", "refunds_cents"), 0))

    for row in journal.sales_summary(day):
        if row.state in PAID_STATES:
            b = bucket(row.wallet)
            b["sales_count"] += row.count
            b["sales_cents"] += row.amount_cents
            b["tips_cents"] += row.tip_cents
        elif row.state == "declined":
            declined += row.count
        elif row.state == "closed":
            closed += row.count
        elif row.state in OPEN_STATES:
            still_open += row.count
    for row in journal.refunds_summary(day):
        b = bucket(row.wallet)
        b["refunds_count"] += row.count
        b["refunds_cents"] += row.amount_cents
    wallets = tuple(WalletTotals(wallet, **per_wallet[wallet]) for wallet in sorted(per_wallet))
    total = WalletTotals(
        "ALL",
        **{key: sum(getattr(w, key) for w in wallets) for key in (
            "sales_count", "sales_cents", "tips_cents", "refunds_count", "refunds_cents")},
    )
    return DayReport(
        kind=kind,
        business_day=day,
        generated_at=time.time(),
        wallets=wallets,
        total=total,
        declined_count=declined,
        closed_count=closed,
        open_count=still_open,
        late_payments=tuple(journal.late_payments(day=day, unresolved_only=False)),
    )


def x_report(journal: Journal, day: str) -> DayReport:
    """Running totals of ``day``; changes nothing."""
    return build_report(journal, day, kind="X")


def z_report(journal: Journal, day: str) -> DayReport:
    """Close ``day``: compute, store with the next number, return. Refuses a closed day."""
    existing = journal.z_record(day)
    if existing is not None:
        raise DayAlreadyClosedError(
            f"business day {day} was already closed by Z report #{existing.number}"
        )
    report = build_report(journal, day, kind="Z")
    record = journal.close_day(day, json.dumps(report.to_dict(), sort_keys=True))
    return replace(report, number=record.number, generated_at=record.closed_at)


def closed_report(journal: Journal, day: str) -> dict[str, Any] | None:
    """The Z report of a closed day exactly as stored when it was closed, or ``None``."""
    record = journal.z_record(day)
    if record is None:
        return None
    stored = json.loads(record.totals_json)
    stored["number"] = record.number
    stored["closed_at"] = record.closed_at
    return stored

