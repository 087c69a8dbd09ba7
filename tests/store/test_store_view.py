"""The store view a lane's screens read (``central.opened``, ``sale_detail``, the ``late``
filter), against the real throwaway PostgreSQL."""

from __future__ import annotations

import pytest

from cashier.journal import Journal
from cashier.store import central
from tests.store.lane import sell
from tests.store.test_shipping import ship_all


def test_sale_detail_counts_what_other_lanes_reserved(tmp_path, store_url):
    path = tmp_path / "lane1.sqlite3"
    with Journal(path) as journal:
        sell(journal, "L1", 2)  # L1-00001: paid, 1.01 + 0.01 tip
    ship_all(path, store_url, "L1")
    with central.opened(store_url) as conn:
        detail = central.sale_detail(conn, "L1", "L1-00001")
        assert detail["sale"]["terminal_name"] == "Lane L1" and detail["refunds"] == []
        assert detail["refundable_cents"] == 102
        central.reserve_refund(conn, order_id="L1-00001", refund_id="R-L2", terminal_id="L2",
                               amount_cents=40)
        assert central.sale_detail(conn, "L1", "L1-00001")["refundable_cents"] == 62
        central.release_refund(conn, "R-L2")
        assert central.sale_detail(conn, "L1", "L1-00001")["refundable_cents"] == 102
        assert central.sale_detail(conn, "L2", "L1-00001") is None


def test_late_filter_finds_only_unresolved_late_payments(tmp_path, store_url):
    path = tmp_path / "lane1.sqlite3"
    with Journal(path) as journal:
        sell(journal, "L1", 3)
        for order_id in ("LATE-1", "LATE-2"):
            journal.create_sale(order_id=order_id, mode="passive", wallet="ALIPAY",
                                amount_cents=700, tip_cents=0)
            journal.mark_abandoned(order_id)
            journal.transition(order_id, "paid", from_states=("pending",))
        journal.resolve_late("LATE-1", "refund")
    ship_all(path, store_url, "L1")
    with central.opened(store_url) as conn:
        assert [s["order_id"] for s in central.history(conn, late=True)] == ["LATE-2"]


def test_an_unreachable_store_is_one_sentence_without_the_password(closed_port):
    with pytest.raises(central.StoreUnavailableError) as caught, \
            central.opened(f"postgresql://cashier:Secr3t-pw@127.0.0.1:{closed_port}/store"):
        pass
    assert str(caught.value).startswith("the store database cannot be reached (")
    assert "Secr3t-pw" not in str(caught.value)
