"""Payment links end to end over real HTTP on 127.0.0.1: link -> simulator's Alipay page -> Pay ->
signed notify to a CallbackReceiver -> browser back on the return page -> STATUS_QUERY."""

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from cashier.ottpay.callbacks import CallbackReceiver
from cashier.ottpay.client import OttPayClient
from cashier.ottpay.codes import OrderStatus, Outcome
from cashier.ottpay.errors import OrderNotFoundError
from cashier.ottpay.wappay import (
    build_wappay_link,
    parse_wappay_return,
    wappay_return_query,
)
from cashier.simulator import (
    DEMO_MERCHANT_ID,
    DEMO_MERCHANT_PAYMENT_KEY,
    DEMO_SIGN_KEY,
    Simulator,
)

OPERATOR = "0000020156"


@pytest.fixture
def sim():
    with Simulator(callback_retries=2, callback_retry_interval=0.05) as simulator:
        yield simulator


@pytest.fixture
def client(sim):
    with OttPayClient(sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id=OPERATOR,
                      connect_timeout=0.5, read_timeout=2.0, query_retries=0) as c:
        yield c


@pytest.fixture
def browser():
    with requests.Session() as session:
        session.trust_env = False
        yield session


class Terminal:
    """What the terminal's receiver saw: verified notifies and (unverifiable) returns."""

    def __init__(self):
        self.notes = []
        self.returns = []


@pytest.fixture
def terminal():
    seen = Terminal()
    with CallbackReceiver(seen.notes.append, sign_key=DEMO_SIGN_KEY, merchant_id=DEMO_MERCHANT_ID,
                          on_return=seen.returns.append) as rx:
        seen.rx = rx
        yield seen


def make_link(sim, rx, order_id, amount=2500, **overrides):
    args = dict(
        merchant_payment_key=DEMO_MERCHANT_PAYMENT_KEY, merchant_id=DEMO_MERCHANT_ID,
        order_id=order_id, operator_id=OPERATOR, amount_cents=amount,
        return_url=rx.return_url, notify_url=rx.url, base_url=sim.wappay_url,
    )
    args.update(overrides)
    return build_wappay_link(**args)


def test_link_opened_paid_notified_returned_and_queried(sim, client, terminal, browser):
    link = make_link(sim, terminal.rx, "LINK1")
    with pytest.raises(OrderNotFoundError):  # nobody opened the link yet
        client.status_query("LINK1")

    page = browser.get(link.url, timeout=5)
    assert page.status_code == 200
    assert 'id="amount">25.00<' in page.text and 'action="/wapPay/pay"' in page.text
    assert DEMO_MERCHANT_PAYMENT_KEY not in page.text
    pending = client.status_query("LINK1")
    assert (pending.order_status, pending.outcome) == (OrderStatus.NOTPAY, Outcome.PENDING)

    paid = browser.post(sim.base_url + "/wapPay/pay", data={"order_id": "LINK1"},
                        allow_redirects=False, timeout=5)
    assert paid.status_code == 303
    location = paid.headers["Location"]
    assert location.startswith(terminal.rx.return_url + "?")
    claimed = parse_wappay_return(location)
    order = sim.order("LINK1")
    assert (claimed.order_id, claimed.total_cents, claimed.trade_no) == (
        "LINK1", 2500, order.bizpay_order_id)
    assert claimed.claims_paid and claimed.currency == "CAD" and claimed.sign_type == "RSA"
    assert claimed.sign and not claimed.proves_payment

    assert sim.wait_for_callbacks(5.0)
    assert [(n.order_id, n.amount_cents, n.tip_cents) for n in terminal.notes] == [
        ("LINK1", 2500, 0)]
    assert terminal.notes[0].order_status is OrderStatus.SUCCESS
    assert terminal.notes[0].bizpay_order_id == order.bizpay_order_id

    landing = browser.get(location, timeout=5)  # the browser follows the redirect
    assert landing.status_code == 200 and "confirming your payment" in landing.text
    assert [r.order_id for r in terminal.returns] == ["LINK1"]

    status = client.status_query("LINK1")
    assert (status.outcome, status.total_cents, status.tip_cents) == (Outcome.PAID, 2500, 0)
    assert status.bizpay_order_id == order.bizpay_order_id


def test_following_the_redirect_like_a_browser_lands_on_the_return_page(sim, terminal, browser):
    link = make_link(sim, terminal.rx, "LINK2", amount=1)
    browser.get(link.url, timeout=5)
    landing = browser.post(sim.base_url + "/wapPay/pay", data={"order_id": "LINK2"}, timeout=5)
    assert landing.status_code == 200 and landing.url.startswith(terminal.rx.return_url)
    assert terminal.returns[0].total_cents == 1


def test_a_tampered_return_url_changes_nothing(sim, client, terminal, browser):
    link = make_link(sim, terminal.rx, "LINK3", amount=5000)
    browser.get(link.url, timeout=5)
    forged = terminal.rx.return_url + "?" + wappay_return_query(
        order_id="LINK3", total_cents=5000, trade_no="AL999", trade_status="TRADE_FINISHED",
        currency="CAD", sign="Zm9yZ2Vk",
    )
    landing = browser.get(forged, timeout=5)
    assert landing.status_code == 200  # the customer sees a neutral page, nothing more
    assert terminal.returns[0].claims_paid  # it claims so...
    assert sim.order("LINK3").status is OrderStatus.NOTPAY  # ...but nothing was paid
    assert client.status_query("LINK3").outcome is Outcome.PENDING
    assert terminal.notes == [] and sim.callback_deliveries() == []

    # Paid for real, then a return URL rewritten to a smaller total and a failed status.
    paid = browser.post(sim.base_url + "/wapPay/pay", data={"order_id": "LINK3"},
                        allow_redirects=False, timeout=5)
    query = parse_qs(urlsplit(paid.headers["Location"]).query)
    query.update(total_fee=["0.01"], trade_status=["TRADE_CLOSED"])
    tampered = terminal.rx.return_url + "?" + "&".join(
        f"{k}={v[0]}" for k, v in query.items())
    browser.get(tampered, timeout=5)
    assert terminal.returns[-1].total_cents == 1 and not terminal.returns[-1].claims_paid
    order = sim.order("LINK3")
    assert (order.status, order.amount_cents) == (OrderStatus.SUCCESS, 5000)
    status = client.status_query("LINK3")
    assert (status.outcome, status.total_cents) == (Outcome.PAID, 5000)


def test_unreadable_return_page_is_a_400_and_never_reaches_the_handler(terminal, browser, caplog):
    caplog.set_level(logging.WARNING, logger="cashier.ottpay")
    page = browser.get(terminal.rx.return_url + "?total_fee=1.00", timeout=5)
    assert page.status_code == 400 and terminal.returns == []
    assert "names no order" in caplog.text


def test_reopening_a_link_shows_the_same_order_and_another_amount_is_refused(sim, terminal,
                                                                              browser):
    link = make_link(sim, terminal.rx, "LINK4")
    assert browser.get(link.url, timeout=5).status_code == 200
    assert browser.get(link.url, timeout=5).status_code == 200
    assert [o.order_id for o in sim.gateway.orders()] == ["LINK4"]
    other = make_link(sim, terminal.rx, "LINK4", amount=2600)
    refused = browser.get(other.url, timeout=5)
    assert refused.status_code == 400 and "orderId already used" in refused.text
    assert sim.order("LINK4").amount_cents == 2500


def test_a_paid_link_cannot_be_paid_twice(sim, terminal, browser):
    link = make_link(sim, terminal.rx, "LINK5")
    browser.get(link.url, timeout=5)
    first = browser.post(sim.base_url + "/wapPay/pay", data={"order_id": "LINK5"},
                         allow_redirects=False, timeout=5)
    again = browser.post(sim.base_url + "/wapPay/pay", data={"order_id": "LINK5"},
                         allow_redirects=False, timeout=5)
    assert (first.status_code, again.status_code) == (303, 409)
    assert "not payable" in again.text and 'action="/wapPay/pay"' not in again.text
    assert sim.wait_for_callbacks(5.0)
    assert len(sim.callback_deliveries("LINK5")) == 1
    unknown = browser.post(sim.base_url + "/wapPay/pay", data={"order_id": "NOPE"}, timeout=5)
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"merCode": "WRONGKEY"}, "merCode is not this merchant&#x27;s payment key"),
        ({"merCode": ""}, "the link has no merCode"),
        ({"merchantId": "ON00004652"}, "unknown merchantId"),
        ({"amount": "0"}, "amount must be a positive integer"),
        ({"amount": "12.50"}, "amount must be a positive integer"),
        ({"operId": "12"}, "operId must be 10 digits"),
        ({"notifyURL": "%%%"}, "notifyURL is not base64"),
        ({"returnURL": "Zm9v"}, "returnURL is not an http(s) URL"),
    ],
)
def test_the_simulator_refuses_bad_links(sim, terminal, browser, change, reason):
    link = make_link(sim, terminal.rx, "LINK6")
    params = {k: v[0] for k, v in parse_qs(urlsplit(link.url).query).items()}
    params.update(change)
    page = browser.get(sim.wappay_url, params=params, timeout=5)
    assert page.status_code == 400 and reason in page.text
    assert DEMO_MERCHANT_PAYMENT_KEY not in page.text
    assert sim.order("LINK6") is None


def test_a_simulator_without_a_payment_key_refuses_every_link(terminal, browser):
    with Simulator(merchant_payment_key="") as bare:
        link = make_link(bare, terminal.rx, "LINK7")
        page = browser.get(link.url, timeout=5)
        assert page.status_code == 400 and bare.order("LINK7") is None


def test_link_orders_survive_in_the_simulator_state_file(tmp_path, terminal, browser):
    state = tmp_path / "sim.json"
    with Simulator(state_path=state) as first:
        browser.get(make_link(first, terminal.rx, "LINK8").url, timeout=5)
    assert DEMO_MERCHANT_PAYMENT_KEY not in state.read_text(encoding="utf-8")
    with Simulator(state_path=state) as second:
        order = second.order("LINK8")
        assert (order.action, order.return_url) == ("WAPPAY", terminal.rx.return_url)
        second.customer_pays("LINK8")
        assert second.wait_for_callbacks(5.0)
    assert [n.order_id for n in terminal.notes] == ["LINK8"]


def test_the_demo_return_page_shows_what_came_back(sim, browser):
    query = wappay_return_query(order_id="X1", total_cents=150, trade_no="AL1",
                                trade_status="TRADE_FINISHED", currency="CAD", sign="c2ln")
    page = browser.get(sim.wappay_return_url + "?" + query, timeout=5)
    assert page.status_code == 200 and "1.50" in page.text and "c2ln" not in page.text


def test_protocol_example_notify_reaches_the_receiver(terminal, browser):
    """The Alipay H5 page's callback data (md5 1E2E9E78...) verifies on the notify path."""
    from cashier.ottpay.envelope import build_callback

    data = {"amount": "1", "bizpay_order_id": "AL5599135482523381", "tip": "0",
            "merchant_id": DEMO_MERCHANT_ID, "order_id": "2020061019988O227O2154",
            "finish_time": "2020-06-10 23:22:09"}
    envelope = build_callback("SUCCESS", "success", DEMO_MERCHANT_ID, data, DEMO_SIGN_KEY)
    assert envelope["md5"] == "1E2E9E78906F85FFE17962A523329220"
    answer = browser.post(terminal.rx.url, data=json.dumps(envelope), timeout=5)
    assert (answer.status_code, answer.text) == (200, "SUCCESS")
    note = terminal.notes[0]
    assert (note.order_id, note.amount_cents, note.bizpay_order_id) == (
        "2020061019988O227O2154", 1, "AL5599135482523381")
