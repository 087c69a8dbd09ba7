"""History, "All lanes": two real lanes sharing the throwaway PostgreSQL, each with its own
journal and shipper; one lane's History shows, searches and refunds the other lane's sales."""

from __future__ import annotations

import psycopg
from PySide6.QtCore import Qt

from cashier.operators import DEMO_MANAGER_PIN
from cashier.simulator import Scenario, demo_code
from cashier.store import central, schema
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
    qtbot.waitUntil(lambda: history.status.text() not in ("", history.tr("Loading…")),
                    timeout=5000)
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


def test_a_store_that_refuses_this_lanes_password_says_so_not_that_it_is_down(
        qtbot, make_store_terminal, login_store_url, language):
    front = make_store_terminal(login_store_url.replace(":Right-pw-7@", ":Wr0ng-pw@"))
    history = front.open_history()
    qtbot.waitUntil(lambda: history.status.text() not in ("", history.tr("Loading…")),
                    timeout=5000)
    qtbot.mouseClick(history.all_lanes_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: history.notice.text() != "", timeout=15_000)
    assert history.notice.text() == {
        "en": "The store database refused this lane's user name, password or database name, so "
              "only this lane's sales are shown; fix them in Settings.",
        "zh_CN": "门店数据库拒绝了本收银台的用户名、密码或数据库名，因此只显示本收银台的交易；"
                 "请在设置中更正。",
    }[language]
    qtbot.waitUntil(lambda: history.this_lane_button.isChecked(), timeout=5000)


def test_without_a_store_there_is_no_lane_choice(qtbot, make_terminal):
    history = make_terminal().open_history()
    qtbot.waitUntil(lambda: "sale(s)" in history.status.text(), timeout=5000)
    assert not history.all_lanes_button.isVisible()
    assert not history.this_lane_button.isVisible()
    assert history.table.isColumnHidden(LANE_COLUMN)


def select_refundable(qtbot, history, order_id: str) -> None:
    assert history.select_order(order_id)
    qtbot.waitUntil(lambda: history.refund_button.isEnabled(), timeout=5000)


def refund_refused(qtbot, history, amount: str) -> str:
    """Ask the History to refund ``amount`` of the sale selected; the sentence it answers."""
    dialog = history.ask_refund()
    dialog.amount.setText(amount)
    dialog.pin.setText(DEMO_MANAGER_PIN)
    dialog.submit()
    refunding = history.tr("Refunding…")
    qtbot.waitUntil(lambda: history.notice.text() not in ("", refunding), timeout=15_000)
    return history.notice.text()


def test_a_sale_being_refunded_at_another_lane_is_refused_in_the_interface_language(
        qtbot, make_store_terminal, store_url, language):
    front = make_store_terminal(store_url, lane="lane-1", name="Front counter")
    back = make_store_terminal(store_url, lane="lane-2", name="Back counter")
    theirs = sell(qtbot, back, "5.67")
    assert back.shipper.wait_caught_up(30)
    history = all_lanes(qtbot, front)
    select_refundable(qtbot, history, theirs)
    with psycopg.connect(store_url, autocommit=True) as conn:  # lane L3 is refunding all of it
        conn.execute("INSERT INTO refund_reservations (refund_id, order_id, terminal_id, "
                     "amount_cents) VALUES ('R-L3', %s, 'L3', 567)", (theirs,))

    assert refund_refused(qtbot, history, "1.00") == {
        "en": f"Sale {theirs} has nothing left to refund. $5.67 of it is held by a refund at L3 "
              "(being sent, or done and not yet shipped to the store).",
        "zh_CN": f"交易 {theirs} 已无可退金额。其中 $5.67 被 L3 的一笔退款占用"
                 "（正在发送，或已完成但尚未同步到门店）。",
    }[language]
    assert front.engine.refunds(theirs) == [] and front.engine.sale(theirs) is None


def test_a_sale_another_lane_is_refunding_this_moment_is_refused_in_the_interface_language(
        qtbot, make_store_terminal, store_url, language, monkeypatch):
    monkeypatch.setattr(central, "REFUND_LOCK_TIMEOUT_MS", 300)
    front = make_store_terminal(store_url, lane="lane-1", name="Front counter")
    back = make_store_terminal(store_url, lane="lane-2", name="Back counter")
    theirs = sell(qtbot, back, "5.67")
    assert back.shipper.wait_caught_up(30)
    history = all_lanes(qtbot, front)
    select_refundable(qtbot, history, theirs)
    # Another lane holds the sale's row lock, as while it reserves a refund of it.
    with psycopg.connect(store_url, autocommit=True) as holder, holder.transaction():
        holder.execute("SELECT 1 FROM sales WHERE order_id = %s FOR UPDATE", (theirs,))
        refused = refund_refused(qtbot, history, "1.00")
    assert refused == {
        "en": f"Another lane is refunding sale {theirs} right now; try again in a moment.",
        "zh_CN": f"另一台收银台正在为交易 {theirs} 退款；请稍后再试。",
    }[language]
    assert front.engine.refunds(theirs) == [] and front.engine.sale(theirs) is None


def test_while_the_store_is_upgraded_another_lanes_sale_is_refused_in_the_interface_language(
        qtbot, make_store_terminal, store_url, language):
    front = make_store_terminal(store_url, lane="lane-1", name="Front counter")
    back = make_store_terminal(store_url, lane="lane-2", name="Back counter")
    theirs = sell(qtbot, back, "5.67")
    assert back.shipper.wait_caught_up(30)
    history = all_lanes(qtbot, front)
    select_refundable(qtbot, history, theirs)
    for lane in (front, back):  # no shipper upgrades it back meanwhile
        lane.shipper.stop()
    with psycopg.connect(store_url, autocommit=True) as conn:  # as if a newer lane upgrades it
        conn.execute("UPDATE cashier_schema SET version = %s", (schema.SCHEMA_VERSION - 1,))

    assert refund_refused(qtbot, history, "1.00") == {
        "en": "The store database is being upgraded, so only sales made at this lane can be "
              "refunded now; try again in a few minutes.",
        "zh_CN": "门店数据库正在升级，因此现在只能为本收银台的交易退款；请几分钟后再试。",
    }[language]
    assert front.engine.refunds(theirs) == [] and front.engine.sale(theirs) is None
