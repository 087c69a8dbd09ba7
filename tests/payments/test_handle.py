"""``SaleHandle``: the cashier's hold on a sale in progress, over a real journal file."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from cashier.journal import Journal
from cashier.journal.records import Sale
from cashier.payments.handle import SaleHandle

PATIENCE = 10.0


@pytest.fixture
def journal(tmp_path) -> Iterator[Journal]:
    with Journal(tmp_path / "journal.sqlite3") as journal:
        journal.create_sale(order_id="H1", mode="active", wallet="ALIPAY", amount_cents=1250)
        yield journal


def _handle(journal: Journal, abandoned: list[str] | None = None) -> SaleHandle:
    def abandon(handle: SaleHandle) -> Sale:
        if abandoned is not None:
            abandoned.append(handle.order_id)
        return journal.require_sale(handle.order_id)

    return SaleHandle("H1", "active", journal, abandon)


def test_the_sale_is_read_from_the_journal_each_time(journal):
    handle = _handle(journal)
    assert handle.sale.amount_cents == 1250 and handle.code_url is None
    journal.update_sale("H1", code_url="https://qr.example/H1")
    assert handle.code_url == "https://qr.example/H1"


def test_a_payment_links_url_is_kept_by_the_handle_not_the_journal(journal):
    handle = _handle(journal)
    journal.update_sale("H1", code_url="https://pay.example/link?merCode=********")
    handle.link_url = "https://pay.example/link?merCode=SECRET"
    assert handle.code_url == "https://pay.example/link?merCode=SECRET"


def test_wait_returns_the_sale_once_released(journal):
    handle = _handle(journal)
    assert not handle.done
    handle.release()
    assert handle.done and handle.wait(PATIENCE).order_id == "H1"


def test_cancel_abandons_in_the_journal_before_the_wait_ends(journal):
    abandoned: list[str] = []
    handle = _handle(journal, abandoned)
    sale = handle.cancel()
    assert abandoned == ["H1"] and sale.order_id == "H1"
    assert handle.cancelled and handle.done


def test_wait_code_url_wakes_when_the_order_has_its_qr(journal):
    handle = _handle(journal)
    got: list[str | None] = []
    waiter = threading.Thread(target=lambda: got.append(handle.wait_code_url(PATIENCE)))
    waiter.start()
    journal.update_sale("H1", code_url="https://qr.example/H1")
    handle.notify()
    waiter.join(PATIENCE)
    assert got == ["https://qr.example/H1"]


def test_wait_code_url_gives_none_when_the_wait_ends_without_one(journal):
    handle = _handle(journal)
    handle.release()
    assert handle.wait_code_url(PATIENCE) is None


def test_sleep_between_polls_ends_when_woken(journal):
    handle = _handle(journal)
    slept = threading.Event()
    sleeper = threading.Thread(target=lambda: (handle.sleep(3600), slept.set()))
    sleeper.start()
    handle.notify()
    assert slept.wait(PATIENCE)
    sleeper.join(PATIENCE)
