"""Every read the UI, reports and recovery make is an index search, never a table scan.

The statements are captured from the real journal methods (sqlite3 trace callback) and their
query plans checked, so a change that silently drops an index fails here, not at a million sales.
"""

from __future__ import annotations

import re

import pytest

from cashier.journal import Journal


@pytest.fixture
def journal(tmp_path):
    with Journal(tmp_path / "j.sqlite", business_day_of=lambda _t: "2026-11-23") as j:
        j.create_sale(order_id="A1", mode="passive", wallet="ALIPAY", amount_cents=5)
        yield j


PARTIAL = {"sales_open", "sales_late", "refunds_open"}

READS = {
    "history page": lambda j: j.history(limit=50),
    "history of a day": lambda j: j.history(day="2026-11-23"),
    "search by amount": lambda j: j.history(amount_cents=1234),
    "search by last four digits": lambda j: j.history(code_last4="1111"),
    "search by order id prefix": lambda j: j.history(order_id_prefix="2611"),
    "X report sales": lambda j: j.sales_summary("2026-11-23"),
    "X report refunds": lambda j: j.refunds_summary("2026-11-23"),
    "recovery": lambda j: j.open_sales(),
    "open refunds": lambda j: j.open_refunds(),
    "late payments": lambda j: j.late_payments(),
    "late payments of a day": lambda j: j.late_payments(day="2026-11-23", unresolved_only=False),
    "one sale": lambda j: j.get_sale("A1"),
    "refunds of a sale": lambda j: j.refunds_for("A1"),
    "events of a sale": lambda j: j.events("A1"),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_read_uses_an_index(journal, name):
    statements: list[str] = []
    journal._conn.set_trace_callback(statements.append)
    READS[name](journal)
    journal._conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert selects
    for sql in selects:
        plan = [row[3] for row in journal._conn.execute("EXPLAIN QUERY PLAN " + sql)]
        for step in plan:
            if not step.startswith("SCAN"):
                continue  # SEARCH (an index lookup) or a small temp sort
            index = re.search(r"USING (?:COVERING )?INDEX (\w+)", step)
            assert index, f"{name}: full table scan: {plan}"
            # Walking a whole index is fine only for tiny partial indexes or a LIMITed page.
            allowed = PARTIAL | ({"sales_created", "foreign_sales_created"}
                                 if name == "history page" else set())
            assert index.group(1) in allowed, f"{name}: walks all of {index.group(1)}: {plan}"
