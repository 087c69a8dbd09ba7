"""The status bar's store phrase: what it says for each shipping state, and on a running lane
against the real throwaway PostgreSQL (up to date, unreachable) or with no store at all."""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtWidgets import QStatusBar

from cashier.simulator import Scenario, demo_code
from cashier.store.shipper import ShipperStatus
from cashier.ui.store_status import store_phrase


def status(**changes) -> ShipperStatus:
    values = dict(terminal_id="lane-1", connected=True, shipped_seq=10, pending=0,
                  oldest_pending_at=None, last_shipped_at=None, problem=None)
    return ShipperStatus(**(values | changes))


def test_phrase_for_each_shipping_state():
    now = 1_800_000_000.0
    assert store_phrase(status(), now) == "Store: up to date"
    assert store_phrase(status(pending=12, oldest_pending_at=now - 40), now) == \
        "Store: 12 changes waiting, 40 s behind"
    assert store_phrase(status(pending=3, oldest_pending_at=now - 600), now) == \
        "Store: 3 changes waiting, 10 min behind"
    assert store_phrase(status(connected=False), now) == "Store: connecting…"
    since = now - 3600
    assert store_phrase(status(connected=False, problem="the store database cannot be reached",
                               problem_since=since), now) == \
        f"Store unreachable since {datetime.fromtimestamp(since):%H:%M}, sales continue"
    newer = "the store database is at schema version 9, newer than this cashier (version 5)"
    assert store_phrase(status(problem=newer, problem_since=since), now) == \
        f"Store: shipping stopped since {datetime.fromtimestamp(since):%H:%M}, sales continue"


def test_a_lane_shows_its_shipping_is_up_to_date(qtbot, make_store_terminal, store_url):
    terminal = make_store_terminal(store_url)
    window = terminal.window
    for key in "9.99":
        window.amount_entry.press(key)
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "result" and window.sale.is_paid, timeout=10_000)
    assert terminal.shipper.wait_caught_up(30)
    qtbot.waitUntil(lambda: window.store_status.text() == "Store: up to date", timeout=5000)
    assert window.store_status.isVisible()


def test_an_unreachable_store_says_since_when_and_that_sales_continue(
        qtbot, make_store_terminal, closed_port):
    before = time.time()
    terminal = make_store_terminal(f"postgresql://cashier@127.0.0.1:{closed_port}/store")
    label = terminal.window.store_status
    qtbot.waitUntil(lambda: label.text().startswith("Store unreachable since"), timeout=10_000)
    since = terminal.shipper.status().problem_since
    assert since is not None and since >= before
    assert label.text() == \
        f"Store unreachable since {datetime.fromtimestamp(since):%H:%M}, sales continue"


def test_no_store_no_status_bar(make_terminal):
    window = make_terminal().window
    assert window.store_status is None
    assert window.findChild(QStatusBar) is None


def test_a_wrong_store_password_says_shipping_stopped_not_unreachable(
        qtbot, make_store_terminal, login_store_url):
    terminal = make_store_terminal(login_store_url.replace(":Right-pw-7@", ":Wr0ng-pw@"))
    label = terminal.window.store_status
    qtbot.waitUntil(lambda: terminal.shipper.status().problem is not None, timeout=10_000)
    assert terminal.shipper.status().problem.startswith(
        "the store database refused this lane's user name or password")
    since = terminal.shipper.status().problem_since
    qtbot.waitUntil(lambda: label.text() == f"Store: shipping stopped since "
                    f"{datetime.fromtimestamp(since):%H:%M}, sales continue", timeout=5000)
