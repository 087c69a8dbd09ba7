"""Refunds reserved in the store database under the sale's row lock: two lanes refunding the
same sale at the same moment cannot both pass."""

from __future__ import annotations

import threading

import psycopg
import pytest

from cashier.journal import Journal
from cashier.payments.errors import StoreRefusal
from cashier.store import central
from tests.store.lane import sell
from tests.store.test_shipping import ship_all


@pytest.fixture
def shipped_sale(tmp_path, store_url) -> str:
    """Sale L1-00001 (paid, 1.01 + 0.01 tip), shipped by lane L1."""
    path = tmp_path / "lane1.sqlite3"
    with Journal(path) as journal:
        sell(journal, "L1", 2)
    ship_all(path, store_url, "L1")
    return "L1-00001"


def reserve_at_once(url: str, order_id: str, amounts: list[int | None]) -> list[object]:
    """Each lane reserves from its own connection, all released together by a barrier."""
    barrier = threading.Barrier(len(amounts))
    results: list[object] = [None] * len(amounts)

    def lane(n: int) -> None:
        conn = central.connect(url)
        try:
            barrier.wait(timeout=30)
            results[n] = central.reserve_refund(conn, order_id=order_id, refund_id=f"R{n}",
                                                terminal_id=f"L{n + 2}",
                                                amount_cents=amounts[n])
        except central.RefundRefusedError as exc:
            results[n] = exc
        finally:
            conn.close()

    threads = [threading.Thread(target=lane, args=(n,)) for n in range(len(amounts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.parametrize("amounts", [[None, None], [70, 70, 70]])
def test_lanes_refunding_one_sale_at_once_never_exceed_it(store_url, shipped_sale, amounts):
    results = reserve_at_once(store_url, shipped_sale, amounts)
    granted = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, central.RefundRefusedError)]
    assert len(granted) == 1 and len(refused) == len(amounts) - 1
    assert granted[0] == (102 if amounts[0] is None else 70)
    assert all("refund" in str(exc) for exc in refused)


def test_a_reservation_counts_until_released_and_again_returns_the_same(store_url,
                                                                         shipped_sale):
    conn = central.connect(store_url)
    try:
        reserve = dict(order_id=shipped_sale, terminal_id="L2")
        assert central.reserve_refund(conn, refund_id="RA", amount_cents=100, **reserve) == 100
        assert central.reserve_refund(conn, refund_id="RA", amount_cents=100, **reserve) == 100
        with pytest.raises(central.RefundRefusedError, match="only 0.02 of sale") as refused:
            central.reserve_refund(conn, refund_id="RB", amount_cents=50, **reserve)
        assert refused.value.refusal == StoreRefusal(
            "over_refund", shipped_sale, amount_cents=50, remaining_cents=2,
            reserving=(("L2", 100),))
        central.release_refund(conn, "RA")
        assert central.reserve_refund(conn, refund_id="RB", **reserve) == 102
        with pytest.raises(central.RefundRefusedError, match="nothing left") as refused:
            central.reserve_refund(conn, refund_id="RD", **reserve)
        assert refused.value.refusal == StoreRefusal("nothing_left", shipped_sale,
                                                     reserving=(("L2", 102),))
        with pytest.raises(central.RefundRefusedError, match="no sale with order id NOPE") \
                as refused:
            central.reserve_refund(conn, refund_id="RC", order_id="NOPE", terminal_id="L2")
        assert refused.value.refusal == StoreRefusal("not_found", "NOPE")
    finally:
        conn.close()


def test_migration_3_names_the_sale_lane_of_refunds_already_shipped(store_url):
    """A store from before cross-lane refunds: every refund there was of its own lane's sale."""
    from cashier.store.schema import MIGRATIONS, migrate

    with psycopg.connect(store_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE cashier_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO cashier_schema VALUES (2)")
        for version in MIGRATIONS[:2]:
            for statement in version:
                conn.execute(statement)
        conn.execute("INSERT INTO terminals (terminal_id) VALUES ('L1')")
        conn.execute("INSERT INTO refunds (terminal_id, refund_id, sale_order_id, amount_cents, "
                     "state, business_day, created_at, updated_at) VALUES ('L1', 'R1', 'S1', "
                     "5, 'succeeded', '2026-01-05', now(), now())")
        assert migrate(conn) == 2
        assert conn.execute("SELECT terminal_id, sale_terminal_id FROM refunds").fetchall() == [
            ("L1", "L1")]
        assert conn.execute("SELECT merchant_id FROM terminals").fetchall() == [(None,)]


def test_a_refund_waiting_on_another_lanes_reservation_is_refused_saying_so(
        store_url, shipped_sale, monkeypatch):
    monkeypatch.setattr(central, "REFUND_LOCK_TIMEOUT_MS", 300)
    with psycopg.connect(store_url, autocommit=True) as holder, holder.transaction():
        holder.execute("SELECT 1 FROM sales WHERE order_id = %s FOR UPDATE", (shipped_sale,))
        with central.connect(store_url) as conn, pytest.raises(
                central.RefundRefusedError,
                match=f"^another lane is refunding sale {shipped_sale} right now; try again in "
                      "a moment$") as refused:
            central.reserve_refund(conn, order_id=shipped_sale, refund_id="RW", terminal_id="L2")
        assert refused.value.refusal == StoreRefusal("locked", shipped_sale)
    with central.connect(store_url) as conn:  # nothing was reserved meanwhile
        assert central.reserve_refund(conn, order_id=shipped_sale, refund_id="RW",
                                      terminal_id="L2") == 102


def test_a_lane_gone_quiet_inside_a_reservation_loses_its_lock_to_the_server(
        store_url, shipped_sale, monkeypatch):
    with central.connect(store_url) as conn:
        assert conn.execute("SHOW idle_in_transaction_session_timeout").fetchone()[0] == \
            f"{central.IDLE_IN_TRANSACTION_MS // 1000}s"
    monkeypatch.setattr(central, "IDLE_IN_TRANSACTION_MS", 200)
    stuck = central.connect(store_url)  # a lane that stops while holding the sale's row lock
    try:
        stuck.execute("BEGIN")
        stuck.execute("SELECT 1 FROM sales WHERE order_id = %s FOR UPDATE", (shipped_sale,))
        with central.connect(store_url) as conn:  # waits (at most the lock timeout), then passes
            assert central.reserve_refund(conn, order_id=shipped_sale, refund_id="RI",
                                          terminal_id="L2") == 102
    finally:
        stuck.close()
