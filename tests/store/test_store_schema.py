"""The store database's migrations on a store that already holds sales (real PostgreSQL)."""

from __future__ import annotations

import psycopg
import pytest

from cashier.journal import Journal
from cashier.store import central, schema
from tests.store.lane import sell
from tests.store.test_shipping import ship_all


def sales_indexes(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {row[0] for row in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'sales'")}


def test_migration_6_indexes_the_day_alone_and_the_reports_stay_the_same(
        tmp_path, store_url, monkeypatch):
    with monkeypatch.context() as before:  # lanes of the version before shipped these sales
        before.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:5])
        before.setattr(schema, "SCHEMA_VERSION", 5)
        path = tmp_path / "lane1.sqlite3"
        with Journal(path) as journal:
            sell(journal, "L1", 12)
            day = journal.current_business_day()
        ship_all(path, store_url, "L1")
        with central.opened(store_url) as conn:
            report = central.report(conn, day)
            history = central.history(conn, day=day, terminal_id="L1", limit=100)
    assert "sales_day" in sales_indexes(store_url)
    assert report["total"]["sales_count"] > 0 and len(history) == 12

    # The store views of a lane of this version never wait for a migration: they refuse...
    with pytest.raises(central.StoreUnavailableError, match="is being upgraded"), \
            central.opened(store_url):
        pass
    assert "sales_day" in sales_indexes(store_url)
    central.connect(store_url).close()  # ... until its shipper (or a command) migrates it
    with central.opened(store_url) as conn:
        assert conn.execute("SELECT version FROM cashier_schema").fetchone()[0] == \
            schema.SCHEMA_VERSION
        assert central.report(conn, day) == report
        assert central.history(conn, day=day, terminal_id="L1", limit=100) == history
    indexes = sales_indexes(store_url)
    assert "sales_business_day" in indexes and "sales_day" not in indexes
