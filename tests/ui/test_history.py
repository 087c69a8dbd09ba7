"""History: search, detail, refund with the manager's PIN, late payments resolved."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cashier.config import Config, PaymentsSection, ShopSection
from cashier.journal.records import Refund
from cashier.operators import DEMO_CASHIER_PIN, DEMO_MANAGER_PIN
from cashier.payments.refunds import RELEASE_WARNING
from cashier.simulator import Scenario, demo_code
from cashier.ui.history import COLUMNS
from tests.faults import Drop
from tests.ui.helpers import MANAGER_ID, NetworkPrinter, key_amount, printer_config


def pay(qtbot, terminal, amount: str, scenario=Scenario.INSTANT_SUCCESS) -> str:
    window = terminal.window
    key_amount(qtbot, terminal, amount)
    window.handle_scan(demo_code(scenario))
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    order_id = window.sale.order_id
    window.new_sale()
    return order_id


def open_history(qtbot, terminal):
    qtbot.mouseClick(terminal.window.history_button, Qt.MouseButton.LeftButton)
    history = terminal.history
    qtbot.waitUntil(lambda: "sale(s)" in history.status.text(), timeout=3000)
    return history


def select(qtbot, history, order_id: str) -> None:
    assert history.select_order(order_id)
    qtbot.waitUntil(lambda: history.refund_button.isEnabled() or "Refundable: $0.00"
                    in history.detail.text(), timeout=3000)


def refund(qtbot, history, amount: str, pin: str):
    dialog = history.ask_refund()
    dialog.amount.setText(amount)
    dialog.pin.setText(pin)
    dialog.submit()
    return dialog


def test_search_by_amount_and_last_digits(qtbot, make_terminal):
    terminal = make_terminal()
    first = pay(qtbot, terminal, "12.34")
    second = pay(qtbot, terminal, "5")
    history = open_history(qtbot, terminal)
    assert [s.order_id for s in history.sales] == [second, first]
    history.search.setText("12.34")
    history.reload()
    qtbot.waitUntil(lambda: [s.order_id for s in history.sales] == [first], timeout=3000)
    history.search.setText("0000")
    history.reload()
    qtbot.waitUntil(lambda: len(history.sales) == 2, timeout=3000)
    history.search.setText("1.234")
    history.reload()
    qtbot.waitUntil(lambda: "two decimals" in history.notice.text(), timeout=3000)
    assert len(history.sales) == 2  # bad search changed nothing


def test_partial_refund_needs_the_managers_pin(qtbot, make_terminal):
    terminal = make_terminal()
    order_id = pay(qtbot, terminal, "20")
    history = open_history(qtbot, terminal)
    select(qtbot, history, order_id)
    assert "Refundable: $20.00" in history.detail.text()

    dialog = refund(qtbot, history, "5", DEMO_CASHIER_PIN)  # a cashier may not refund
    qtbot.waitUntil(lambda: "Wrong PIN" in dialog.message.text(), timeout=3000)
    assert terminal.simulator.requests(action="REFUND") == []
    dialog.reject()

    dialog = refund(qtbot, history, "25", DEMO_MANAGER_PIN)  # more than refundable
    assert "above the maximum of 20.00" in dialog.message.text()
    dialog.reject()

    refund(qtbot, history, "5", DEMO_MANAGER_PIN)
    qtbot.waitUntil(lambda: "Refunded $5.00." in history.notice.text(), timeout=5000)
    sale = terminal.port.sale(order_id)
    assert (sale.state, sale.refunded_cents) == ("partially_refunded", 500)
    assert len(terminal.simulator.requests(action="REFUND")) == 1
    qtbot.waitUntil(lambda: "Refundable: $15.00" in history.detail.text(), timeout=3000)

    refund(qtbot, history, "", DEMO_MANAGER_PIN)  # the rest
    qtbot.waitUntil(lambda: "Refunded $15.00." in history.notice.text(), timeout=5000)
    assert terminal.port.sale(order_id).state == "refunded"
    qtbot.waitUntil(lambda: not history.refund_button.isEnabled(), timeout=3000)


def test_late_payment_kept_by_the_manager_clears_the_banner(qtbot, make_terminal):
    terminal = make_terminal(confirm_after_queries=8)
    window = terminal.window
    key_amount(qtbot, terminal, "9")
    window.handle_scan(demo_code(Scenario.CONFIRM_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=3000)
    order_id = window.sale.order_id
    window.cancel()
    qtbot.waitUntil(lambda: f"late:{order_id}" in window.banners.banners, timeout=8000)

    history = open_history(qtbot, terminal)
    select(qtbot, history, order_id)
    qtbot.waitUntil(history.keep_late_button.isEnabled, timeout=3000)
    dialog = history.ask_resolve_late("keep")
    dialog.pin.setText(DEMO_MANAGER_PIN)
    dialog.submit()
    qtbot.waitUntil(lambda: f"late:{order_id}" not in window.banners.banners, timeout=5000)
    assert terminal.port.sale(order_id).late_resolution == "kept"


def test_refund_receipt_is_printed(qtbot, make_terminal):
    printer = NetworkPrinter()
    try:
        terminal = make_terminal(printer_config(printer.port))
        order_id = pay(qtbot, terminal, "20")
        qtbot.waitUntil(lambda: len(printer.jobs) == 1, timeout=5000)
        history = open_history(qtbot, terminal)
        select(qtbot, history, order_id)
        refund(qtbot, history, "5", DEMO_MANAGER_PIN)
        qtbot.waitUntil(lambda: len(printer.jobs) == 2, timeout=5000)
    finally:
        printer.stop()
    (refund_row,) = terminal.runtime.journal.refunds_for(order_id)
    job = printer.jobs[1]
    assert b"REFUND" in job
    assert refund_row.refund_id.encode() in job and order_id.encode() in job
    assert b"5.00" in job


def test_touch_only_partial_refund_with_the_dialogs_keypad(qtbot, make_terminal):
    terminal = make_terminal()
    order_id = pay(qtbot, terminal, "20")
    history = open_history(qtbot, terminal)
    select(qtbot, history, order_id)
    dialog = history.ask_refund()
    qtbot.waitExposed(dialog)
    assert dialog.amount_label.buddy() is dialog.amount and dialog.prompt.buddy() is dialog.pin
    assert "Amount to refund" in dialog.amount_label.text()
    assert dialog.prompt.text() == "Manager's PIN:"

    def tap(*keys: str) -> None:
        for key in keys:
            qtbot.mouseClick(dialog.keypad.buttons[key], Qt.MouseButton.LeftButton)

    tap("5", ".", "5", "0")  # the amount field has the focus first
    assert dialog.amount.text() == "5.50" and dialog.pin.text() == ""
    qtbot.mouseClick(dialog.pin, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.keypad.buttons["."].isEnabled(), timeout=2000)
    tap(*DEMO_MANAGER_PIN)
    assert dialog.pin.text() == DEMO_MANAGER_PIN and dialog.amount.text() == "5.50"
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "Refunded $5.50." in history.notice.text(), timeout=5000)
    [request] = terminal.simulator.requests(action="REFUND")
    assert request.data["refund_amt"] == "550"


def test_detail_names_the_operator(qtbot, make_terminal):
    terminal = make_terminal()
    order_id = pay(qtbot, terminal, "3")
    history = open_history(qtbot, terminal)
    select(qtbot, history, order_id)
    assert "operator Demo cashier" in history.detail.text()


def test_status_line_follows_the_selection_and_today_is_the_business_day(qtbot, make_terminal):
    terminal = make_terminal()
    first = pay(qtbot, terminal, "3")
    pay(qtbot, terminal, "4")
    history = open_history(qtbot, terminal)
    day = terminal.runtime.journal.current_business_day()
    assert history.today_only.text() == f"Business day {day} only"
    assert history.status.text() == "2 sale(s)"
    select(qtbot, history, first)
    assert history.status.text() == f"Sale 2 of 2: order {first}, paid"
    history.table.clearSelection()
    assert history.status.text() == "2 sale(s)"


def test_table_amounts_carry_the_shops_currency_symbol_as_the_detail_does(qtbot, make_terminal,
                                                                         language):
    # above 1,000.00 so the thousands separator shows; not asked about as unusually large
    terminal = make_terminal(Config(shop=ShopSection(currency="EUR"),
                                    payments=PaymentsSection(confirm_above_cents=None)))
    key_amount(qtbot, terminal, "1234.5", tip="2")
    terminal.window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: terminal.window.state == "result", timeout=5000)
    history = terminal.open_history()
    qtbot.waitUntil(lambda: len(history.sales) == 1, timeout=3000)
    cells = [history.table.item(0, COLUMNS.index(column)).text() for column in ("amount", "tip")]
    assert cells == ["€1,234.50", "€2.00"]
    history.select_order(history.sales[0].order_id)
    qtbot.waitUntil(history.refund_button.isEnabled, timeout=3000)
    assert all(cell in history.detail.text() for cell in cells)  # one way of writing money


def test_a_manager_releases_a_refund_the_gateway_never_answered(qtbot, make_lane_terminal, sim,
                                                                  proxy):
    terminal = make_lane_terminal(proxy)
    order_id = pay(qtbot, terminal, "20")
    proxy.on("REFUND", Drop(), times=1)  # the REFUND is lost before it reaches the gateway
    history = open_history(qtbot, terminal)
    select(qtbot, history, order_id)
    refund(qtbot, history, "5", DEMO_MANAGER_PIN)
    qtbot.waitUntil(lambda: "being checked" in history.notice.text(), timeout=10_000)
    qtbot.waitUntil(history.release_button.isEnabled, timeout=5000)
    assert "Refundable: $15.00" in history.detail.text()  # the 5.00 stays reserved

    def release(answer: str) -> None:
        dialog = history.ask_release_refund()
        assert "$5.00" in dialog.prompt.text()
        dialog.pin.setText(DEMO_MANAGER_PIN)
        dialog.submit()
        qtbot.waitUntil(lambda: history.release_question is not None
                        and history.release_question.isVisible(), timeout=5000)
        assert history.release_question.text() == RELEASE_WARNING
        [button] = [b for b in history.release_question.buttons() if b.text() == answer]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    wrong = history.ask_release_refund()
    wrong.pin.setText(DEMO_CASHIER_PIN)  # no manager's
    wrong.submit()
    qtbot.waitUntil(lambda: "Wrong PIN" in wrong.message.text(), timeout=3000)
    wrong.reject()
    release("Keep waiting")
    assert terminal.port.sale_detail(order_id).refunds[0].state in ("pending", "unknown")

    release("Release the refund")
    qtbot.waitUntil(lambda: "released" in history.notice.text(), timeout=10_000)
    (released,) = terminal.port.sale_detail(order_id).refunds
    assert (released.state, released.rsp_msg) == ("failed", "released by a manager")
    assert released.recheck_until is not None  # the sweep keeps asking the gateway
    assert any(f"released by {MANAGER_ID}" in e.note
               for e in terminal.runtime.journal.events(order_id))
    assert terminal.port.sale_detail(order_id).refundable_cents == 2000
    qtbot.waitUntil(lambda: "released by a manager, still being checked"
                    in history.detail.text(), timeout=5000)
    assert proxy.forwarded["REFUND"] == 0 and sim.order(order_id).refunded_cents == 0


def test_a_refund_never_sent_for_an_untrusted_certificate_names_the_setting(qtbot,
                                                                            make_terminal):
    terminal = make_terminal()
    order_id = pay(qtbot, terminal, "20")
    history = open_history(qtbot, terminal)
    # What the engine journals for a REFUND whose TLS handshake failed (tests/cli prove that
    # over real HTTPS); here only what History says of it.
    refund = Refund(refund_id="R1NOTSENT", sale_order_id=order_id, amount_cents=500,
                    state="failed", rsp_code=None, operator_id=MANAGER_ID,
                    rsp_msg="REFUND not sent: the gateway's TLS certificate could not be "
                            "verified (self-signed certificate)",
                    business_day="2026-12-02", created_at=0.0, updated_at=0.0)
    history._refunded(refund)
    assert history.notice.text() == (
        "The refund of $5.00 was not sent, so nothing was refunded: the gateway's TLS "
        "certificate could not be verified; trust the certificate authority that signed it "
        "with [ottpay] ca_bundle.")
