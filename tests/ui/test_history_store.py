"""History, "All lanes": two real lanes sharing the throwaway PostgreSQL, each with its own
journal and shipper; one lane's History shows, searches and refunds the other lane's sales."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cashier.operators import DEMO_MANAGER_PIN
from cashier.simulator import Scenario, demo_code
from cashier.ui.history import LANE_COLUMN


def sell(qtbot, terminal, amount: str) -> str:
    window = terminal.window
    for key in amount:
        window.amount_entry.press(key)
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "result" and window.sale.is_paid, timeout=10_000)
    order_id = window.sale.order_id
    window.new_sale()
    return order_id


def all_lanes(qtbot, terminal):
    history = terminal.open_history()
    qtbot.waitUntil(lambda: "sale(s)" in history.status.text(), timeout=5000)
    qtbot.mouseClick(history.all_lanes_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(history.lanes), timeout=10_000)
    return history


def test_all_lanes_lists_and_searches_every_lanes_sales_with_their_lane(
        qtbot, make_store_terminal, store_url):
    front = make_store_terminal(store_url, lane="lane-1", name="Front counter")
    back = make_store_terminal(store_url, lane="lane-2", name="Back counter")
    mine = sell(qtbot, front, "12.34")
    theirs = sell(qtbot, back, "5.67")
    assert front.shipper.wait_caught_up(30) and back.shipper.wait_caught_up(30)

    history = all_lanes(qtbot, front)
    assert history.all_lanes_button.isVisible() and history.this_lane_button.isVisible()
    assert [s.order_id for s in history.sales] == [theirs, mine]
    assert [lane.terminal_id for lane in history.lanes] == ["lane-2", "lane-1"]
    assert not history.table.isColumnHidden(LANE_COLUMN)
    assert history.table.item(0, LANE_COLUMN).text() == "Back counter"

    history.search.setText("5.67")
    history.reload()
    qtbot.waitUntil(lambda: [s.order_id for s in history.sales] == [theirs], timeout=5000)
    history.search.setText(theirs[:-1])  # an order id prefix
    history.reload()
    qtbot.waitUntil(lambda: [s.order_id for s in history.sales] == [theirs], timeout=5000)

    qtbot.mouseClick(history.this_lane_button, Qt.MouseButton.LeftButton)
    history.search.setText("")
    history.reload()
    qtbot.waitUntil(lambda: [s.order_id for s in history.sales] == [mine], timeout=5000)
    assert history.table.isColumnHidden(LANE_COLUMN) and not history.lanes


def test_another_lanes_sale_shows_its_detail_and_is_refunded_here(
        qtbot, make_store_terminal, store_url):
    front = make_store_terminal(store_url, lane="lane-1", name="Front counter")
    back = make_store_terminal(store_url, lane="lane-2", name="Back counter")
    theirs = sell(qtbot, back, "5.67")
    assert back.shipper.wait_caught_up(30)

    history = all_lanes(qtbot, front)
    assert history.select_order(theirs)
    qtbot.waitUntil(lambda: "Refundable" in history.detail.text(), timeout=5000)
    assert history.detail.text().splitlines()[0] == "Sold at lane Back counter"
    assert "Refundable: $5.67" in history.detail.text()
    assert history.refund_button.isEnabled()
    assert not history.reprint_button.isEnabled()  # its receipt is printed at its own lane

    dialog = history.ask_refund()
    dialog.amount.setText("1.00")
    dialog.pin.setText(DEMO_MANAGER_PIN)
    dialog.submit()
    qtbot.waitUntil(lambda: history.notice.text() not in ("", "Refunding…"), timeout=15_000)
    assert history.notice.text() == "Refunded $1.00."
    # reloaded: the store counts the refund against the sale as soon as it is reserved
    qtbot.waitUntil(lambda: "Refundable: $4.67" in history.detail.text(), timeout=10_000)
    assert [r.sale_order_id for r in front.engine.refunds(theirs)] == [theirs]

    # This lane journaled the refund with the other lane's sale: its own History shows both.
    qtbot.mouseClick(history.this_lane_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not history.lanes and [s.lane for s in history.sales] == ["lane-2"],
                    timeout=5000)
    assert [s.order_id for s in history.sales] == [theirs]
    assert history.select_order(theirs)
    qtbot.waitUntil(lambda: "(refunded)" in history.detail.text(), timeout=5000)
    lines = history.detail.text().splitlines()
    assert lines[0] == "Sold at lane Back counter"
    assert any(line.startswith("Refund ") and "$1.00 (refunded)" in line for line in lines), lines
    assert "Refundable: $4.67" in lines
    assert not history.reprint_button.isEnabled()


def test_store_down_another_lanes_sale_is_refused_in_one_sentence(
        qtbot, make_store_terminal, store_url, closed_port):
    back = make_store_terminal(store_url, lane="lane-2", name="Back counter")
    theirs = sell(qtbot, back, "5.67")
    assert back.shipper.wait_caught_up(30)
    front = make_store_terminal(store_url, lane="lane-1", name="Front counter")
    history = all_lanes(qtbot, front)
    assert history.select_order(theirs)
    qtbot.waitUntil(lambda: history.refund_button.isEnabled(), timeout=5000)
    # The store database goes away: its address refuses connections from now on.
    front.engine.store_refunds.database_url = f"postgresql://cashier@127.0.0.1:{closed_port}/store"

    dialog = history.ask_refund()
    dialog.amount.setText("1.00")
    dialog.pin.setText(DEMO_MANAGER_PIN)
    dialog.submit()
    qtbot.waitUntil(lambda: history.notice.text() not in ("", "Refunding…"), timeout=15_000)
    assert history.notice.text() == ("The store database cannot be reached, so only sales made "
                                     "at this lane can be refunded now.")
    assert front.engine.refunds(theirs) == [] and front.engine.sale(theirs) is None


def test_store_down_says_so_in_one_sentence_and_goes_back_to_this_lane(
        qtbot, make_store_terminal, closed_port):
    front = make_store_terminal(f"postgresql://cashier@127.0.0.1:{closed_port}/store")
    mine = sell(qtbot, front, "3.21")
    history = front.open_history()
    qtbot.waitUntil(lambda: [s.order_id for s in history.sales] == [mine], timeout=5000)
    qtbot.mouseClick(history.all_lanes_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: history.this_lane_button.isChecked(), timeout=15_000)
    assert history.notice.text() == \
        "The store database cannot be reached, so only this lane's sales are shown."
    qtbot.waitUntil(lambda: [s.order_id for s in history.sales] == [mine], timeout=5000)
    assert history.table.isColumnHidden(LANE_COLUMN)


def test_without_a_store_there_is_no_lane_choice(qtbot, make_terminal):
    history = make_terminal().open_history()
    qtbot.waitUntil(lambda: "sale(s)" in history.status.text(), timeout=5000)
    assert not history.all_lanes_button.isVisible()
    assert not history.this_lane_button.isVisible()
    assert history.table.isColumnHidden(LANE_COLUMN)
