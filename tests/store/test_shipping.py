"""Lanes ship their journals to a real PostgreSQL: in order, exactly once in effect, through
outages and crashes, without a sale ever waiting for it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from cashier.journal import Journal
from cashier.store import central
from cashier.store.outbox import Outbox
from cashier.store.shipper import Shipper
from tests.store.lane import sell

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.05)


def central_rows(url: str, terminal: str) -> dict[str, tuple]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT order_id, state, amount_cents, tip_cents, refunded_cents FROM sales "
            "WHERE terminal_id = %s", (terminal,)).fetchall()
    assert len(rows) == len({row[0] for row in rows})
    return {row[0]: row[1:] for row in rows}


def journal_rows(journal: Journal) -> dict[str, tuple]:
    return {s.order_id: (s.state, s.amount_cents, s.tip_cents, s.refunded_cents)
            for s in journal.history(limit=1_000_000)}


def count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def ship_all(path: Path, url: str, terminal: str, **options) -> Shipper:
    shipper = Shipper(path, url, terminal, f"Lane {terminal}", idle_seconds=0.05, **options)
    shipper.start()
    try:
        assert shipper.wait_caught_up(60), shipper.status()
    finally:
        shipper.stop()
    return shipper


def test_a_single_terminal_queues_nothing_until_it_joins_a_store(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        sell(journal, "L1", 3)
        outbox = Outbox(journal.path)
        try:
            assert outbox.backlog(0).changes == 0
            assert outbox.join_store()
            queued = outbox.backlog(0).changes
            assert queued == 3 + 1  # every sale and the one refund made before, once each
            journal.create_sale(order_id="L1-new", mode="passive", wallet="ALIPAY",
                                amount_cents=500)
            assert outbox.backlog(0).changes == queued + 1  # committed with the sale
            assert not outbox.join_store()
        finally:
            outbox.close()


def test_everything_ships_and_sending_a_batch_again_changes_nothing(tmp_path, store_url):
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        sell(journal, "L1", 40)
        journal.close_day(journal.current_business_day(), "{}")
        shipper = ship_all(path, store_url, "L1")
        assert central_rows(store_url, "L1") == journal_rows(journal)
    assert shipper.status().pending == 0
    assert count(store_url, "business_days") == 1
    dump = "SELECT * FROM sales ORDER BY order_id"
    with psycopg.connect(store_url) as conn:
        before = conn.execute(dump).fetchall()
        refunds = conn.execute("SELECT * FROM refunds ORDER BY refund_id").fetchall()
        seq = central.shipped_seq(conn, "L1", Outbox(path).journal_id)
    outbox = Outbox(path)
    conn = central.connect(store_url)
    try:
        outbox.queue_again()  # the whole journal as one batch, sent twice
        batch = outbox.read(0, limit=10_000)
        assert batch is not None and batch.sales
        for _ in range(2):
            assert central.ship(conn, "L1", "Lane L1", batch) >= seq
        assert conn.execute(dump).fetchall() == before
        assert conn.execute("SELECT * FROM refunds ORDER BY refund_id").fetchall() == refunds
        assert count(store_url, "business_days") == 1
    finally:
        conn.close()
        outbox.close()


def test_three_lanes_selling_at_once_make_a_store_report_equal_to_their_sum(
        tmp_path, store_url):
    lanes = {f"L{n}": tmp_path / f"lane{n}.sqlite3" for n in (1, 2, 3)}
    procs = {
        terminal: subprocess.Popen(
            [sys.executable, "-m", "tests.store.lane", "sell", str(path), store_url, terminal,
             "120"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for terminal, path in lanes.items()}
    results = {}
    for terminal, proc in procs.items():
        out, _ = proc.communicate(timeout=180)
        assert proc.returncode == 0, f"lane {terminal} failed"
        results[terminal] = json.loads(out)
    day = results["L1"]["day"]
    conn = central.connect(store_url)
    try:
        store = central.report(conn, day)
        history = central.history(conn, limit=10_000)
    finally:
        conn.close()
    by_lane = {lane["terminal_id"]: lane for lane in store["lanes"]}
    assert sorted(by_lane) == ["L1", "L2", "L3"]
    for terminal, result in results.items():
        assert by_lane[terminal]["total"] == result["total"]
        with Journal(lanes[terminal]) as journal:
            assert central_rows(store_url, terminal) == journal_rows(journal)
    for key in ("sales_count", "sales_cents", "tips_cents", "refunds_count", "refunds_cents",
                "net_cents"):
        assert store["total"][key] == sum(r["total"][key] for r in results.values())
    assert store["lanes_open"] == ["L1", "L2", "L3"]  # no lane printed its Z report yet
    assert len(history) == 360


def test_the_store_database_down_mid_shipping_loses_and_doubles_nothing(
        tmp_path, pg_server, store_url):
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        sell(journal, "L1", 300)
        shipper = Shipper(path, store_url, "L1", batch_size=20, idle_seconds=0.05,
                          max_backoff=0.2)
        shipper.start()
        try:
            wait_for(lambda: shipper.status().shipped_seq > 0, "a first batch shipped")
            pg_server.stop()
            try:
                sell(journal, "L1-down", 50)  # the counter keeps selling
                # Those sales are changes to ship, so the shipper meets the outage for sure.
                wait_for(lambda: not shipper.status().connected, "the shipper sees the outage")
                assert shipper.status().problem.startswith("the store database")
                assert shipper.status().pending > 0
            finally:
                pg_server.start()
            assert shipper.wait_caught_up(60), shipper.status()
        finally:
            shipper.stop()
        assert central_rows(store_url, "L1") == journal_rows(journal)
        assert shipper.status().pending == 0 and shipper.status().connected


def test_a_shipper_killed_mid_batch_resumes_exactly(tmp_path, store_url):
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        sell(journal, "L1", 10)
        ship_all(path, store_url, "L1")
        sell(journal, "L1-more", 200)
        blocker = psycopg.connect(store_url)
        # Hold the lane's terminals row: the shipper's batch waits on it after its upserts.
        blocker.execute("SELECT * FROM terminals WHERE terminal_id = 'L1' FOR UPDATE")
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.store.lane", "ship", str(path), store_url, "L1"],
            cwd=ROOT)
        try:
            with psycopg.connect(store_url, autocommit=True) as watcher:
                wait_for(lambda: watcher.execute(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'cashier' "
                    "AND wait_event_type = 'Lock'").fetchone()[0] == 1,
                    "the shipper blocked inside its batch")
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            blocker.rollback()
            blocker.close()
        assert len(central_rows(store_url, "L1")) == 10  # the killed batch left nothing
        ship_all(path, store_url, "L1")
        assert central_rows(store_url, "L1") == journal_rows(journal)
        with psycopg.connect(store_url) as conn:
            assert central.shipped_seq(conn, "L1", journal.journal_id) == \
                Outbox(path).backlog(0).last_seq


def test_a_store_database_newer_than_this_lane_is_reported_not_fatal(tmp_path, store_url):
    with psycopg.connect(store_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE cashier_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO cashier_schema VALUES (99)")
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        sell(journal, "L1", 2)
        shipper = Shipper(path, store_url, "L1", idle_seconds=0.05, max_backoff=0.1)
        shipper.start()
        try:
            wait_for(lambda: shipper.status().problem is not None, "the problem reported")
            assert "newer than this cashier" in shipper.status().problem
            sell(journal, "L1-more", 2)  # the lane sells on
        finally:
            shipper.stop()
