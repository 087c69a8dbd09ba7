"""``cashier journal``: a lost or emptied journal is refused; a new one is started on purpose."""

from __future__ import annotations

from cashier.journal import Journal
from tests.cli.conftest import WECHAT


def _journal_path(cashier):
    return cashier.tmp_path / "journal.sqlite3"


def test_emptied_journal_is_refused_until_a_new_one_is_started_on_purpose(cashier, sim):
    assert cashier("pay", "1.00", "--code", WECHAT + "0000").code == 0
    path = _journal_path(cashier)
    path.write_bytes(b"")  # emptied (a failed copy, a full disk)
    refused = cashier("pay", "2.00", "--code", WECHAT + "0000")
    assert refused.code == 2
    assert "is empty (0 bytes)" in refused.err and "cashier journal new" in refused.err
    assert cashier("history").code == 2  # nothing starts on it, not even reading
    assert len(sim.requests(action="PASSIVEPAY")) == 1  # the refused sale was never sent

    started = cashier("journal", "new", "--json")
    assert started.code == 0, started.err
    report = started.json()
    kept = report["kept"]
    assert kept.startswith(str(path) + ".replaced-") and open(kept, "rb").read() == b""
    assert cashier("pay", "2.00", "--code", WECHAT + "0000").code == 0
    with Journal(path) as journal:
        assert journal.journal_id == report["journal_id"]
        assert [s.amount_cents for s in journal.history()] == [200]


def test_deleted_journal_is_refused_not_started_blank(cashier):
    assert cashier("pay", "1.00", "--code", WECHAT + "0000").code == 0
    _journal_path(cashier).unlink()
    refused = cashier("report", "--x")
    assert refused.code == 2 and "is missing, but journal" in refused.err
    assert not _journal_path(cashier).exists()


def test_a_journal_with_sales_is_set_aside_only_with_yes(cashier):
    assert cashier("pay", "1.00", "--code", WECHAT + "0000").code == 0
    asked = cashier("journal", "new")
    assert asked.code == 2 and "holds sales; add --yes" in asked.err
    started = cashier("journal", "new", "--yes", "--json")
    assert started.code == 0, started.err
    with Journal(started.json()["kept"]) as old:
        assert [s.amount_cents for s in old.history()] == [100]  # nothing lost
    shown = cashier("journal", "show", "--json").json()
    assert shown["journal_id"] == started.json()["journal_id"] and shown["open_sales"] == 0


def test_no_new_journal_while_the_terminal_runs_on_it(cashier):
    with Journal(_journal_path(cashier)) as terminal:
        terminal.claim_terminal()
        refused = cashier("journal", "new", "--yes")
        assert refused.code == 2 and "The terminal is running (pid" in refused.err
        assert cashier("journal", "show", "--json").json()["terminal_pid"] is not None
