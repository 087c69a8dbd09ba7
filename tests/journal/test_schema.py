"""Schema migrations: versioned by PRAGMA user_version, idempotent, refusing newer files."""

from __future__ import annotations

import sqlite3

import pytest

from cashier.journal import SCHEMA_VERSION, Journal, SchemaError
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
