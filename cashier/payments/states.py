"""The sale lifecycle: states, the transitions allowed between them, and refund states.

    pending ──► paid ──► partially_refunded ──► refunded
       │ ▲        └───────────────────────────────▲
       ▼ │
    unknown ──► paid | declined | closed          (pending ──► declined | closed too)

``unknown`` means "no trustworthy answer yet": it is never final, it is queried until it settles.
``closed`` is confirmed unpaid (expired/closed at the gateway, or the gateway never received it).
"""

from __future__ import annotations

import enum

from cashier.journal.records import OPEN_STATES, PAID_STATES


class SaleState(enum.StrEnum):
    """A sale's state; equal to the plain string the journal stores."""

    PENDING = "pending"
    PAID = "paid"
    DECLINED = "declined"
    UNKNOWN = "unknown"
    CLOSED = "closed"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"

    @property
    def is_open(self) -> bool:
        """Pending or unknown: the outcome is not settled yet."""
        return self.value in OPEN_STATES

    @property
    def is_final(self) -> bool:
        """Settled: no gateway answer can change it any more (refunds aside)."""
        return not self.is_open

    @property
    def is_paid(self) -> bool:
        return self.value in PAID_STATES


S = SaleState

TRANSITIONS: dict[SaleState, frozenset[SaleState]] = {
    S.PENDING: frozenset({S.UNKNOWN, S.PAID, S.DECLINED, S.CLOSED}),
    S.UNKNOWN: frozenset({S.PENDING, S.PAID, S.DECLINED, S.CLOSED}),
    S.PAID: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.DECLINED: frozenset(),
    S.CLOSED: frozenset(),
    S.REFUNDED: frozenset(),
}


class IllegalTransition(ValueError):
    """A state change the lifecycle does not allow (a bug, or a gateway contradicting itself)."""

    def __init__(self, order_id: str, from_state: str, to_state: str) -> None:
        super().__init__(f"sale {order_id} cannot go from {from_state} to {to_state}")
        self.order_id = order_id
        self.from_state = SaleState(from_state)
        self.to_state = SaleState(to_state)


def can_transition(from_state: str, to_state: str) -> bool:
    return SaleState(to_state) in TRANSITIONS[SaleState(from_state)]


def check_transition(order_id: str, from_state: str, to_state: str) -> None:
    """Raise ``IllegalTransition`` unless ``from_state -> to_state`` is allowed."""
    if not can_transition(from_state, to_state):
        raise IllegalTransition(order_id, from_state, to_state)


def sources_of(to_state: str) -> frozenset[SaleState]:
    """Every state from which ``to_state`` may be reached (the compare-and-set ``IN`` list)."""
    target = SaleState(to_state)
    return frozenset(src for src, targets in TRANSITIONS.items() if target in targets)


class RefundState(enum.StrEnum):
    """A refund's state: ``unknown`` refunds are confirmed by query, never resent."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNKNOWN = "unknown"

    @property
    def is_open(self) -> bool:
        return self in (RefundState.PENDING, RefundState.UNKNOWN)


class LateResolution(enum.StrEnum):
    """How a late payment was resolved."""

    KEPT = "kept"
    REFUNDED = "refunded"


class AbandonReason(enum.StrEnum):
    """Why nobody was waiting any more for a sale still open (what a late payment says)."""

    STOPPED_WAITING = "stopped_waiting"  # the cashier cancelled, or the wait ran out
    TERMINAL_CLOSED = "terminal_closed"  # found open at start-up: closed or crashed meanwhile
    LINK_EXPIRED = "link_expired"
    NO_ANSWER = "no_answer"  # closed because the gateway had no record of it (silence)
