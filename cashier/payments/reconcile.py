"""The reconciliation sweep: outcomes that rest on silence are asked about again.

"Order not found" and "no answer" only mean "not yet": a request held in the network can reach
the gateway long after the terminal gave up on it. So the journal marks every outcome decided by
silence (``recheck_until``: a sale closed because the gateway did not know it, a refund a
manager released) and this sweep asks the gateway again about each of them, and about every
refund still unknown, until ``recheck_until`` (``recheck_seconds`` after the sale or release,
48 hours by default).

It runs at start-up (``PaymentEngine.recover``), every ``reconcile_interval`` while the terminal
runs (``PaymentEngine.keep_reconciling``, on the resolver thread) and before a Z report. A sale
found paid becomes a late payment (banner, keep or refund); a refund found paid out is booked.
When the gateway cannot be reached the sweep stops at once (the next one asks again), so a Z
report waits for one request's deadline at most, not one per outcome.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from cashier.journal.store import Journal
from cashier.ottpay.errors import TransportError
from cashier.payments.refunds import Refunder
from cashier.payments.settle import Settler
from cashier.payments.states import RefundState, SaleState

log = logging.getLogger("cashier.payments")


@dataclass(frozen=True)
class SweepResult:
    """What one sweep asked about and what changed."""

    sales_checked: int = 0
    refunds_checked: int = 0
    paid_late: list[str] = field(default_factory=list)        # sale order ids
    refunds_settled: list[str] = field(default_factory=list)  # refund ids now final
    unreachable: bool = False  # stopped early: the gateway did not answer


def sweep(journal: Journal, settler: Settler, refunder: Refunder) -> SweepResult:
    """Ask once about every outcome that rests on silence, and every unknown refund."""
    now = settler.wall_clock()
    sales = journal.silent_sales(now)
    # Unknown refunds another live process is still confirming are left to it.
    refunds = journal.claim_open_refunds() + journal.silent_refunds(now)
    paid_late: list[str] = []
    settled: list[str] = []
    try:
        for sale in sales:
            if settler.recheck(sale).state == SaleState.PAID:
                paid_late.append(sale.order_id)
        for refund in refunds:
            if refund.state == RefundState.FAILED:
                after = refunder.recheck(refund)
            else:
                after = refunder.confirm(refund.refund_id, sweeping=True)
            if not RefundState(after.state).is_open and after.recheck_until is None:
                settled.append(refund.refund_id)
    except TransportError as exc:
        log.warning("reconciliation stopped: the gateway did not answer (%s); the next sweep "
                    "asks again", exc)
        return SweepResult(len(sales), len(refunds), paid_late, settled, unreachable=True)
    if sales or refunds:
        log.info("reconciliation: %d sale(s) and %d refund(s) asked about again; %d paid late, "
                 "%d refund(s) settled", len(sales), len(refunds), len(paid_late), len(settled))
    return SweepResult(len(sales), len(refunds), paid_late, settled)
