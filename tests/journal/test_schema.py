"""Schema migrations: versioned by PRAGMA user_version, idempotent, refusing newer files."""

from __future__ import annotations

import sqlite3

import pytest

from cashier.journal import SCHEMA_VERSION, Journal, SaleNotFoundError, SchemaError
from cashier.journal.schema import migrate, schema_version


def test_new_journal_is_at_current_version_in_wal_with_full_sync(tmp_path):
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        conn = journal._conn
        assert schema_version(conn) == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    raw = sqlite3.connect(path)
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    raw.close()
    assert {"sales", "sale_events", "refunds", "z_reports"} <= tables


def test_migrate_twice_changes_nothing(tmp_path):
    conn = sqlite3.connect(tmp_path / "j.sqlite", isolation_level=None)
    assert migrate(conn) == 0
    assert migrate(conn) == SCHEMA_VERSION
    assert schema_version(conn) == SCHEMA_VERSION
    conn.close()


def test_journal_from_a_newer_cashier_is_refused(tmp_path):
    path = tmp_path / "j.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaError, match="newer"):
        Journal(path)


def test_failed_migration_leaves_the_file_at_its_old_version(tmp_path, monkeypatch):
    from cashier.journal import schema

    broken = schema.MIGRATIONS + (("CREATE TABLE z (a)", "THIS IS NOT SQL"),)
    monkeypatch.setattr(schema, "MIGRATIONS", broken)
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(broken))
    conn = sqlite3.connect(tmp_path / "j.sqlite", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn)
    assert schema_version(conn) == len(broken) - 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "z" not in names
    conn.close()


def test_version_3_marks_outcomes_of_older_journals_that_rest_on_silence(tmp_path):
    from cashier.journal.schema import MIGRATIONS

    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    row = ("'passive', 'WECHATPAY', 800, '{state}', {msg}, '2026-01-05', 1000.0, 1000.0")
    for order_id, state, msg in (("S1", "closed", "'order not found'"),
                                 ("S2", "closed", "'orderclosed'"), ("S3", "paid", "NULL")):
        conn.execute("INSERT INTO sales (order_id, mode, wallet, amount_cents, state, rsp_msg, "
                     f"business_day, created_at, updated_at) VALUES ('{order_id}', "
                     + row.format(state=state, msg=msg) + ")")
    for refund_id, state, msg in (("R1", "failed", "'refund order not found'"),
                                  ("R2", "failed", "'failure'")):
        conn.execute("INSERT INTO refunds (refund_id, sale_order_id, amount_cents, state, "
                     "rsp_msg, business_day, created_at, updated_at) VALUES "
                     f"('{refund_id}', 'S3', 100, '{state}', {msg}, '2026-01-05', 2000.0, 2000.0)")
    conn.close()
    with Journal(path) as journal:
        assert [s.order_id for s in journal.silent_sales(0.0)] == ["S1"]
        assert journal.require_sale("S1").recheck_until == 1000.0 + 48 * 3600
        assert [r.refund_id for r in journal.silent_refunds(0.0)] == ["R1"]
        assert journal.silent_sales(1000.0 + 48 * 3600) == []


def test_version_6_keeps_every_refund_and_its_outbox_of_a_version_5_journal(tmp_path):
    """Version 6 rebuilds ``refunds`` (its sale may be another lane's): rows, indexes and the
    outbox triggers of a journal already shipping to a store all survive."""
    from cashier.journal.schema import MIGRATIONS

    path = tmp_path / "v5.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for version in MIGRATIONS[:5]:
        for statement in version:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 5")
    conn.execute("INSERT INTO journal_meta (key, value) VALUES ('outbox', '1.0')")
    conn.execute("INSERT INTO sales (order_id, mode, wallet, amount_cents, refunded_cents, state, "
                 "business_day, created_at, updated_at) VALUES ('S1', 'passive', 'ALIPAY', "
                 "800, 300, 'partially_refunded', '2026-01-05', 1000.0, 1000.0)")
    conn.execute("INSERT INTO refunds (refund_id, sale_order_id, amount_cents, state, "
                 "business_day, created_at, updated_at, recheck_until, owner) VALUES "
                 "('R1', 'S1', 300, 'succeeded', '2026-01-05', 2000.0, 2000.0, NULL, 'me')")
    conn.execute("DELETE FROM outbox")
    conn.close()
    with Journal(path, business_day_of=lambda _t: "2026-01-06") as journal:
        [kept] = journal.refunds_for("S1")
        assert (kept.refund_id, kept.amount_cents, kept.state, kept.owner) == (
            "R1", 300, "succeeded", "me")
        assert journal.refundable_cents("S1") == 500
        journal.create_refund(refund_id="R2", sale_order_id="S1", amount_cents=100)
        journal.finish_refund("R2", "succeeded")
        assert journal.require_sale("S1").refunded_cents == 400
        with pytest.raises(SaleNotFoundError):
            journal.create_refund(refund_id="R3", sale_order_id="NOPE", amount_cents=1)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT kind, key FROM outbox ORDER BY seq").fetchall() == [
        ("refund", "R2"), ("refund", "R2"), ("sale", "S1")]
    indexes = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'refunds'")}
    assert {"refunds_sale", "refunds_day", "refunds_open", "refunds_recheck"} <= indexes
    conn.close()
