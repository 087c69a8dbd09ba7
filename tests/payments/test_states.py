"""The sale state machine: allowed transitions, illegal ones raise, journal vocabulary agrees."""

from __future__ import annotations

import pytest

from cashier.journal.records import OPEN_STATES, PAID_STATES, REFUND_STATES
from cashier.payments.states import (
    IllegalTransition,
    RefundState,
    SaleState,
    can_transition,
    check_transition,
    sources_of,
)


def test_journal_vocabulary_matches_the_enums():
    assert set(OPEN_STATES) == {s.value for s in SaleState if s.is_open}
    assert set(PAID_STATES) == {s.value for s in SaleState if s.is_paid}
    assert set(REFUND_STATES) == {s.value for s in RefundState}


@pytest.mark.parametrize("final", ["declined", "closed", "refunded"])
def test_final_states_go_nowhere(final):
    for target in SaleState:
        with pytest.raises(IllegalTransition, match=f"from {final} to {target.value}"):
            check_transition("A1", final, target)


def test_open_states_settle_either_way():
    for src in ("pending", "unknown"):
        for dst in ("paid", "declined", "closed"):
            assert can_transition(src, dst)
    assert not can_transition("pending", "refunded")
    assert not can_transition("paid", "declined")
    assert not can_transition("paid", "pending")
    assert sources_of("paid") == {SaleState.PENDING, SaleState.UNKNOWN}
    assert sources_of("refunded") == {SaleState.PAID, SaleState.PARTIALLY_REFUNDED}


def test_states_compare_equal_to_journal_strings():
    assert SaleState.PAID == "paid"
    assert SaleState("partially_refunded") is SaleState.PARTIALLY_REFUNDED
