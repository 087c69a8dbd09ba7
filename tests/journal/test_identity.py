"""The journal knows itself: lost, replaced or emptied files are refused, never written blind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cashier.journal import Journal, JournalGoneError
from cashier.journal.identity import marker_path, set_aside


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


def _sale(journal: Journal, order_id: str) -> None:
    journal.create_sale(order_id=order_id, mode="passive", wallet="WECHATPAY", amount_cents=500)


def test_a_journal_keeps_its_id_and_a_marker_beside_it(path):
    with Journal(path) as journal:
        first = journal.journal_id
    with Journal(path) as again:
        assert again.journal_id == first
    assert marker_path(path).read_text().strip() == first
    set_aside(path)
    with Journal(path) as fresh:  # a new journal on purpose: another identity
        assert fresh.journal_id != first


def test_empty_journal_file_is_refused_not_started_blank(path):
    path.write_bytes(b"")
    with pytest.raises(JournalGoneError, match="empty .0 bytes.*cashier journal new"):
        Journal(path)
    assert path.stat().st_size == 0  # nothing written into it


def test_missing_journal_where_one_was_is_refused(path):
    with Journal(path) as journal:
        known = journal.journal_id
    path.unlink()
    with pytest.raises(JournalGoneError, match=f"missing, but journal {known} was there"):
        Journal(path)
    assert not path.exists()


def test_a_journal_another_opener_creates_meanwhile_is_not_taken_for_lost(path, monkeypatch):
    """Two openers of a new journal at once (a command and the terminal, or a test's customer
    thread): the second looks, finds no file, and the first creates it and writes its marker
    before the second looks for a marker. That journal is new, not lost."""
    created: list[str] = []
    looks: list[Path] = []
    stat = type(path).stat

    def first_look_finds_nothing(self: Path, **kwargs: bool) -> os.stat_result:
        if self == path and not looks:
            looks.append(self)
            with Journal(path) as other:  # the other opener wins the race right now
                created.append(other.journal_id)
            raise FileNotFoundError(str(self))  # what the first look saw
        return stat(self, **kwargs)

    monkeypatch.setattr(type(path), "stat", first_look_finds_nothing)
    with Journal(path) as journal:
        assert created and journal.journal_id == created[0]  # the same journal, not refused


def test_journal_deleted_while_open_refuses_new_sales_but_records_outcomes(path):
    with Journal(path) as journal:
        _sale(journal, "INFLIGHT1")
        path.unlink()
        with pytest.raises(JournalGoneError, match="was deleted while it was open"):
            _sale(journal, "GHOST1")
        # A request already sent: its outcome is still recorded, so the screen tells the truth.
        assert journal.transition("INFLIGHT1", "paid", from_states=["pending"]).state == "paid"
        with pytest.raises(JournalGoneError):
            journal.create_refund(refund_id="R1", sale_order_id="INFLIGHT1", amount_cents=100)
        assert journal.get_sale("GHOST1") is None


def test_journal_replaced_while_open_refuses_new_sales(path, tmp_path):
    other = tmp_path / "other.sqlite3"
    Journal(other).close()
    with Journal(path) as journal:
        os.replace(other, path)
        with pytest.raises(JournalGoneError, match="replaced by another file"):
            _sale(journal, "GHOST2")
    with Journal(path) as replacement:
        assert replacement.get_sale("GHOST2") is None


def test_journal_emptied_while_open_refuses_new_sales(path):
    with Journal(path) as journal:
        _sale(journal, "BEFORE1")
        os.truncate(path, 0)
        with pytest.raises(JournalGoneError, match="emptied"):
            _sale(journal, "GHOST3")
        with pytest.raises(JournalGoneError, match="emptied"):
            journal.close_day("2026-01-02", "{}")
