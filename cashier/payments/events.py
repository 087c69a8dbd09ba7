"""Events the engine reports to its listener (a plain callable; the Qt UI re-emits them).

The listener is called from engine threads (sale workers, the resolver, the callback receiver),
always *after* the change it reports is committed to the journal. It must be quick and
thread-safe; an exception it raises is logged and swallowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cashier.journal.records import Refund, Sale


@dataclass(frozen=True)
class SaleUpdated:
    """A sale was created or changed (state, ``code_url``, gateway fields, late flag)."""

    sale: Sale


@dataclass(frozen=True)
class LatePayment:
    """A sale was paid after the cashier gave up: alert until someone resolves it."""

    sale: Sale


@dataclass(frozen=True)
class RefundUpdated:
    """A refund was journaled or settled; ``sale`` is the refunded sale as it is now."""

    refund: Refund
    sale: Sale


EngineEvent = SaleUpdated | LatePayment | RefundUpdated
Listener = Callable[[EngineEvent], None]
