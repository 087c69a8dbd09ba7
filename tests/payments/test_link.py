"""Pay by link against the real simulator over HTTP: the customer opens the Alipay page the link
points at and presses Pay; the engine settles by the verified notify or by polling, closes links
that expire, and turns a payment after expiry into a late payment."""

from __future__ import annotations

import logging
import time
from urllib.parse import quote, urlsplit

import pytest
import requests

from cashier.config import Config
from cashier.money import AmountError
from cashier.ottpay.callbacks import CallbackReceiver
from cashier.ottpay.wappay import WapPayLinkError, build_wappay_link, wappay_return_query
from cashier.printing import receipt_bytes_for_sale
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_MERCHANT_PAYMENT_KEY, DEMO_SIGN_KEY

from .conftest import OPERATOR
from .helpers import post_callback, wait_until

DEAD_URL = "http://127.0.0.1:9/ottpay/callback"  # nothing listens: notifies never arrive


@pytest.fixture
def browser():
    with requests.Session() as session:
        session.trust_env = False
        yield session


@pytest.fixture
def link_engine(make_engine, sim):
    """``make(**settings)`` -> an engine whose receiver takes notifies and link returns."""
    holder = {}
    with CallbackReceiver(lambda note: holder["engine"].on_callback(note),
                          sign_key=DEMO_SIGN_KEY, merchant_id=DEMO_MERCHANT_ID,
                          on_return=lambda info: holder["engine"].on_link_return(info)) as rx:
        def make(**overrides):
            settings = dict(callback_url=rx.url, link_return_url=rx.return_url,
                            wappay_url=sim.wappay_url,
                            merchant_payment_key=DEMO_MERCHANT_PAYMENT_KEY)
            settings.update(overrides)
            engine = make_engine(**settings)
            holder["engine"] = engine
            return engine

        make.rx = rx
        yield make


def open_and_pay(browser, sim, link_url, order_id, *, pay=True):
    """The customer: opens the link, presses Pay, and is sent back to the return URL."""
    page = browser.get(link_url, timeout=5)
    assert page.status_code == 200 and 'action="/wapPay/pay"' in page.text
    if not pay:
        return None
    paid = browser.post(sim.base_url + "/wapPay/pay", data={"order_id": order_id},
                        allow_redirects=False, timeout=5)
    assert paid.status_code == 303
    return paid.headers["Location"]


def secret_free(journal, order_id):
    """The merCode never reaches the journal (sale row or events)."""
    sale = journal.require_sale(order_id)
    texts = [repr(sale)] + [repr(e) for e in journal.events(order_id)]
    for text in texts:
        assert DEMO_MERCHANT_PAYMENT_KEY not in text
        assert quote(DEMO_MERCHANT_PAYMENT_KEY, safe="") not in text


def test_link_paid_on_the_page_settles_by_the_verified_notify(link_engine, sim, journal,
                                                               recorder, browser):
    engine = link_engine(poll_interval=30.0)  # only the notify can settle it in time
    handle = engine.start_link(1500, tip_cents=100)
    assert handle.link_url.startswith(sim.wappay_url + "?merCode=")
    assert handle.code_url == handle.wait_code_url(0) == handle.link_url
    sale = handle.sale
    assert (sale.mode, sale.wallet, sale.state, sale.total_cents) == ("link", "ALIPAY",
                                                                      "pending", 1600)
    assert "merCode=********" in sale.code_url
    events = journal.events(handle.order_id)
    assert events[0].from_state is None and "ready" in events[1].note  # intent first
    assert sim.requests() == []  # a link sends nothing: the customer's browser does

    location = open_and_pay(browser, sim, handle.link_url, handle.order_id)
    assert sim.order(handle.order_id).amount_cents == 1600  # the tip rides in the amount
    paid = handle.wait(5.0)
    assert paid.state == "paid" and not paid.late
    assert paid.bizpay_order_id == sim.order(handle.order_id).bizpay_order_id
    assert any(e.note == "callback: paid" for e in journal.events(handle.order_id))
    assert browser.get(location, timeout=5).status_code == 200  # back on the return page
    # The notify's thread wakes the sale's waiter before it tells the listener: wait for it.
    wait_until(lambda: recorder.states(handle.order_id)[-1:] == ["paid"])
    secret_free(journal, handle.order_id)
    receipt = receipt_bytes_for_sale(paid, Config())  # a paid link prints like any sale
    for expected in (b"PAID", b"Alipay", b"15.00", b"1.00", b"16.00", handle.order_id.encode()):
        assert expected in receipt, expected

    refund = engine.refund(handle.order_id)  # a paid link refunds like any sale
    assert refund.state == "succeeded" and journal.require_sale(handle.order_id).state == \
        "refunded"


def test_link_paid_by_polling_when_the_notify_cannot_reach_us(link_engine, sim, browser):
    engine = link_engine(callback_url=DEAD_URL,
                         link_return_url="https://shop.example.com/thanks")
    handle = engine.start_link(990)
    open_and_pay(browser, sim, handle.link_url, handle.order_id)
    sale = handle.wait(5.0)
    assert sale.state == "paid"
    assert sim.requests(handle.order_id, "STATUS_QUERY")
    assert sim.wait_for_callbacks(5.0)


def test_an_unopened_link_is_closed_when_it_expires(link_engine, sim, journal, recorder):
    engine = link_engine()
    handle = engine.start_link(700, valid_seconds=0.4)
    sale = handle.wait(5.0)
    assert sale.state == "closed" and sale.abandoned and not sale.late
    assert "never opened" in journal.events(handle.order_id)[-1].note
    assert len(sim.requests(handle.order_id, "STATUS_QUERY")) >= 2  # not found, not found...
    assert recorder.late() == []


def test_not_found_is_not_closed_while_the_link_is_valid(link_engine, sim, journal):
    engine = link_engine(unknown_grace=0.05)  # a QR order would be closed after this
    handle = engine.start_link(700, valid_seconds=30.0)
    wait_until(lambda: len(sim.requests(handle.order_id, "STATUS_QUERY")) >= 5)
    assert handle.sale.state == "pending"
    handle.cancel()


def test_an_opened_unpaid_link_is_closed_when_it_expires(link_engine, sim, journal, browser):
    engine = link_engine()
    handle = engine.start_link(700, valid_seconds=0.5)
    open_and_pay(browser, sim, handle.link_url, handle.order_id, pay=False)
    sale = handle.wait(5.0)
    assert sale.state == "closed"
    assert "still unpaid (notpay)" in journal.events(handle.order_id)[-1].note


def test_paid_after_expiry_is_a_late_payment_by_notify(link_engine, sim, journal, recorder,
                                                       browser):
    engine = link_engine()
    handle = engine.start_link(1200, valid_seconds=0.4)
    open_and_pay(browser, sim, handle.link_url, handle.order_id, pay=False)
    assert handle.wait(5.0).state == "closed"

    open_and_pay(browser, sim, handle.link_url, handle.order_id)  # the customer pays anyway
    wait_until(lambda: journal.require_sale(handle.order_id).state == "paid")
    sale = journal.require_sale(handle.order_id)
    assert sale.late and sale.late_resolution is None
    wait_until(recorder.late)
    assert recorder.late() == [handle.order_id]
    assert [s.order_id for s in engine.late_payments()] == [handle.order_id]
    transitions = [(e.from_state, e.to_state) for e in journal.events(handle.order_id)]
    assert transitions.count(("closed", "paid")) == 1
    assert engine.resolve_late(handle.order_id, "keep").late_resolution == "kept"


def test_paid_after_expiry_is_found_by_the_background_check(link_engine, sim, journal,
                                                            recorder, browser):
    engine = link_engine(callback_url=DEAD_URL,
                         link_return_url="https://shop.example.com/thanks")
    handle = engine.start_link(1200, valid_seconds=0.5)
    open_and_pay(browser, sim, handle.link_url, handle.order_id, pay=False)
    assert handle.wait(5.0).state == "closed"
    open_and_pay(browser, sim, handle.link_url, handle.order_id)
    wait_until(lambda: journal.require_sale(handle.order_id).late)
    sale = journal.require_sale(handle.order_id)
    assert sale.state == "paid" and "paid after the link expired" in \
        journal.events(handle.order_id)[-1].note
    assert sim.wait_for_callbacks(5.0)


def test_a_link_paid_after_the_late_watch_is_found_by_the_reconciliation_sweep(
        link_engine, sim, journal, recorder, browser):
    engine = link_engine(callback_url=DEAD_URL, link_return_url="https://shop.example.com/x")
    handle = engine.start_link(700, valid_seconds=0.1)
    assert handle.wait(5.0).state == "closed"
    assert journal.require_sale(handle.order_id).recheck_until is not None
    wait_until(lambda: engine.resolver.idle())  # the quick late watch is over
    open_and_pay(browser, sim, handle.link_url, handle.order_id)  # its notify is lost
    assert engine.reconcile().paid_late == [handle.order_id]
    assert journal.require_sale(handle.order_id).late and recorder.late() == [handle.order_id]


def test_late_link_payment_is_refunded_with_the_refund_policy(link_engine, sim, journal,
                                                              browser):
    engine = link_engine(late_payment="refund")
    handle = engine.start_link(800, valid_seconds=0.4)
    assert handle.wait(5.0).state == "closed"  # expired without being opened
    open_and_pay(browser, sim, handle.link_url, handle.order_id)  # opened and paid later
    wait_until(lambda: journal.require_sale(handle.order_id).late_resolution == "refunded")
    assert sim.order(handle.order_id).refunded_cents == 800


def test_a_tampered_return_url_changes_nothing(link_engine, sim, journal, browser):
    engine = link_engine(poll_interval=30.0)
    handle = engine.start_link(5000)
    open_and_pay(browser, sim, handle.link_url, handle.order_id, pay=False)
    forged = link_engine.rx.return_url + "?" + wappay_return_query(
        order_id=handle.order_id, total_cents=5000, trade_no="AL1", trade_status="TRADE_FINISHED",
        currency="CAD", sign="Zm9yZ2Vk",
    )
    for _ in range(5):  # however often: at most one extra query per poll interval
        assert browser.get(forged, timeout=5).status_code == 200
    wait_until(lambda: len(sim.requests(handle.order_id, "STATUS_QUERY")) == 1)
    sale = journal.require_sale(handle.order_id)
    assert sale.state == "pending" and not sale.abandoned
    assert [e.to_state for e in journal.events(handle.order_id)] == ["pending", "pending"]
    assert sim.order(handle.order_id).status.value == "notpay"
    handle.cancel()


def test_a_notify_for_an_unknown_order_is_ignored_and_logged(link_engine, sim, journal,
                                                             browser, caplog):
    caplog.set_level(logging.WARNING, logger="cashier.payments")
    link_engine()
    rx = link_engine.rx
    # A link the terminal never made (another till, a replay): paid at the gateway for real.
    stranger = build_wappay_link(
        merchant_payment_key=DEMO_MERCHANT_PAYMENT_KEY, merchant_id=DEMO_MERCHANT_ID,
        order_id="NOTOURS1", operator_id=OPERATOR, amount_cents=300, return_url=rx.return_url,
        notify_url=rx.url, base_url=sim.wappay_url,
    )
    location = open_and_pay(browser, sim, stranger.url, "NOTOURS1")
    assert sim.wait_for_callbacks(5.0)
    assert sim.callback_deliveries("NOTOURS1")[0].delivered  # answered 200: never retried
    assert post_callback(rx.url, "NOTOURS2", 100) == 200
    browser.get(location, timeout=5)
    assert journal.get_sale("NOTOURS1") is None and journal.get_sale("NOTOURS2") is None
    assert journal.open_sales() == []
    assert "callback for unknown order NOTOURS1 ignored" in caplog.text
    assert "callback for unknown order NOTOURS2 ignored" in caplog.text
    assert "payment link return names no sale we know (NOTOURS1" in caplog.text


def test_a_notify_with_another_amount_is_ignored(link_engine, journal):
    engine = link_engine(poll_interval=30.0)
    handle = engine.start_link(1000, tip_cents=50)
    assert post_callback(link_engine.rx.url, handle.order_id, 1000, 0) == 200  # tip lost
    assert post_callback(link_engine.rx.url, handle.order_id, 999, 51) == 200
    assert handle.sale.state == "pending"
    assert post_callback(link_engine.rx.url, handle.order_id, 1050, 0) == 200  # the link total
    assert handle.wait(5.0).state == "paid"


@pytest.mark.parametrize(
    ("settings", "error", "reason"),
    [
        ({"merchant_payment_key": None}, WapPayLinkError, "merchant payment key"),
        ({"callback_url": "http://shop.example.com/cb"}, WapPayLinkError, "must use https"),
        ({"link_return_url": "http://shop.example.com/r"}, WapPayLinkError, "must use https"),
        ({"callback_url": None}, ValueError, "needs a callback URL"),
        ({"wappay_url": "http://mppay.example.com/wapPay"}, WapPayLinkError, "must use https"),
    ],
)
def test_unsafe_or_incomplete_link_settings_are_refused_before_journaling(
        link_engine, sim, journal, settings, error, reason):
    engine = link_engine(**settings)
    with pytest.raises(error, match=reason):
        engine.start_link(1000)
    assert journal.history() == [] and sim.requests() == []


def test_bad_amounts_are_refused_before_journaling(link_engine, journal):
    engine = link_engine()
    for kwargs in ({"amount_cents": 0}, {"amount_cents": 100, "tip_cents": -1}):
        with pytest.raises(AmountError):
            engine.start_link(**kwargs)
    with pytest.raises(ValueError, match="validity"):
        engine.start_link(100, valid_seconds=0)
    assert journal.history() == []


def test_return_url_defaults_to_the_receivers_page_on_the_callback_host(link_engine):
    engine = link_engine(link_return_url=None,
                         callback_url="https://shop.example.com:8443/ottpay/callback")
    handle = engine.start_link(100, valid_seconds=30.0)
    from urllib.parse import parse_qs

    from cashier.ottpay.wappay import decode_link_url

    query = parse_qs(urlsplit(handle.link_url).query)
    assert decode_link_url(query["returnURL"][0], "returnURL") == \
        "https://shop.example.com:8443/ottpay/return"
    handle.cancel()


def test_recovery_keeps_a_valid_link_open_and_closes_an_expired_one(link_engine, make_engine,
                                                                    sim, journal, browser):
    first = link_engine()
    valid = first.start_link(400, valid_seconds=60.0)
    open_and_pay(browser, sim, valid.link_url, valid.order_id, pay=False)
    first.shutdown()  # the terminal dies; the sale is left open in the journal
    assert journal.require_sale(valid.order_id).is_open
    # After a restart the link validity comes from the settings.
    again = link_engine(link_valid_seconds=60.0)
    (sale,) = again.recover()
    assert sale.state == "pending" and sale.abandoned
    again.shutdown()
    # Make sure the sale really is older than the short validity (the test can be that fast).
    wait_until(lambda: journal.require_sale(valid.order_id).created_at + 0.05 < time.time())
    later = link_engine(link_valid_seconds=0.05)
    (sale,) = later.recover()
    assert sale.state == "closed" and sale.abandoned


def test_a_link_paid_while_the_terminal_was_off_is_found_at_recovery(link_engine, sim, journal,
                                                                     recorder, browser):
    first = link_engine(callback_url=DEAD_URL,
                        link_return_url="https://shop.example.com/thanks")
    handle = first.start_link(650, valid_seconds=0.3)
    assert handle.wait(5.0).state == "closed"
    first.shutdown()  # the terminal is off; its late watch stopped with it
    open_and_pay(browser, sim, handle.link_url, handle.order_id)  # notify lost (nobody there)
    assert sim.wait_for_callbacks(5.0)
    again = link_engine(callback_url=DEAD_URL)
    assert again.recover() == []  # no open sale...
    wait_until(lambda: journal.require_sale(handle.order_id).state == "paid")  # ...yet found
    # The event follows the journal commit (by design), so wait for it too.
    wait_until(lambda: handle.order_id in recorder.late())
    assert journal.require_sale(handle.order_id).late


def test_expired_links_outside_the_watch_are_not_asked_about_again(link_engine, sim, journal):
    first = link_engine(link_valid_seconds=0.2)
    handle = first.start_link(650)
    assert handle.wait(5.0).state == "closed"
    first.shutdown()
    wait_until(lambda: journal.require_sale(handle.order_id).created_at + 0.4 < time.time())
    again = link_engine(link_valid_seconds=0.2)
    asked = len(sim.requests(handle.order_id, "STATUS_QUERY"))
    assert again.links.recover() == []
    assert len(sim.requests(handle.order_id, "STATUS_QUERY")) == asked


@pytest.mark.parametrize("sim", ["seed-return-notify"], indirect=True)
def test_a_return_laid_out_as_seed_002_settles_the_sale_it_names(link_engine, sim, journal,
                                                                 browser):
    # Seed 002's return: out_trade_no is OTT Pay's order number (AL...), trade_no Alipay's.
    # The notify never arrives and polling is slow: only the return hint can settle it soon.
    engine = link_engine(poll_interval=30.0, callback_url=DEAD_URL)
    other = engine.start_link(700)  # another open link: must not be mistaken for this one
    handle = engine.start_link(1500)
    location = open_and_pay(browser, sim, handle.link_url, handle.order_id)
    returned = dict(part.split("=", 1) for part in urlsplit(location).query.split("&"))
    assert returned["out_trade_no"] == sim.order(handle.order_id).bizpay_order_id
    assert returned["out_trade_no"].startswith("AL") and len(returned["trade_no"]) == 28
    assert browser.get(location, timeout=5).status_code == 200
    assert handle.wait(5.0).state == "paid"
    assert journal.require_sale(other.order_id).state == "pending"
    other.cancel()


@pytest.mark.parametrize("sim", ["seed-return-notify"], indirect=True)
def test_a_return_is_matched_by_the_gateway_number_the_journal_holds(link_engine, sim, journal,
                                                                      browser, caplog):
    caplog.set_level(logging.WARNING, logger="cashier.payments")
    engine = link_engine(poll_interval=30.0)
    handle = engine.start_link(1500)
    location = open_and_pay(browser, sim, handle.link_url, handle.order_id)
    assert handle.wait(5.0).state == "paid"  # by the notify, which carries the AL... number
    assert journal.require_sale(handle.order_id).bizpay_order_id == \
        sim.order(handle.order_id).bizpay_order_id
    assert browser.get(location, timeout=5).status_code == 200
    assert "names no sale we know" not in caplog.text
