"""Pay by link from the sale screen (QR + copyable text, settled by the customer's browser through
the simulator), and the support bundle exported from the Help menu."""

from __future__ import annotations

import re
import zipfile

import requests
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from cashier.simulator import DEMO_MERCHANT_PAYMENT_KEY, DEMO_SIGN_KEY
from cashier.ui.app import Terminal
from tests.ui.helpers import NetworkPrinter, key_amount, printer_config


def start_link(qtbot, terminal: Terminal, amount: str, tip: str = "") -> str:
    window = terminal.window
    key_amount(qtbot, terminal, amount, tip)
    qtbot.mouseClick(window.link_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=3000)
    return window.link_text.text()


def customer_opens_and_pays(terminal: Terminal, link: str, order_id: str) -> None:
    """The customer's phone browser: opens the link (the order appears), presses Pay."""
    with requests.Session() as browser:
        browser.trust_env = False
        page = browser.get(link, timeout=5)
        assert page.status_code == 200
        paid = browser.post(terminal.simulator.base_url + "/wapPay/pay",
                            data={"order_id": order_id}, timeout=5)
        assert paid.status_code == 200  # after the redirect to our return page


def test_link_shown_as_qr_and_text_then_paid_by_the_customer(qtbot, make_terminal):
    printer = NetworkPrinter()
    try:
        terminal = make_terminal(printer_config(printer.port))
        window = terminal.window
        link = start_link(qtbot, terminal, "20.00", tip="2")
        order_id = window.sale.order_id
        assert link.startswith(terminal.simulator.wappay_url + "?merCode=")
        assert window.link_row.isVisible() and window.link_text.isReadOnly()
        assert window.waiting_qr.data == link
        assert terminal.customer_display.qr.data == link
        assert window.waiting_title.text() == "Send the customer this payment link (Alipay)"
        assert re.fullmatch(r"\d+:\d\d left", window.countdown_label.text())
        assert "merCode=********" in terminal.port.sale(order_id).code_url
        qtbot.mouseClick(window.copy_link_button, Qt.MouseButton.LeftButton)
        assert QGuiApplication.clipboard().text() == link
        assert terminal.simulator.order(order_id) is None  # nothing at the gateway until opened

        qtbot.wait(150)  # a few polls: "order not found" is normal for an unopened link
        assert window.state == "waiting" and window.link_text.text() == link

        customer_opens_and_pays(terminal, link, order_id)
        qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
        assert window.result_title.text() == "PAID" and window.result_amount.text() == "$22.00"
        sale = terminal.port.sale(order_id)
        assert (sale.state, sale.mode, sale.wallet, sale.amount_cents, sale.tip_cents) == (
            "paid", "link", "ALIPAY", 2000, 200)
        assert not window.link_row.isVisible()
        qtbot.waitUntil(lambda: len(printer.jobs) == 1, timeout=5000)
        assert order_id.encode() in printer.jobs[0] and b"22.00" in printer.jobs[0]
    finally:
        terminal.close()
        printer.stop()


def test_link_paid_with_the_demo_button(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    start_link(qtbot, terminal, "5")
    assert window.demo_pay_row.isVisible()
    qtbot.mouseClick(window.demo_pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    assert window.result_title.text() == "PAID"
    assert terminal.simulator.order(window.sale.order_id).amount_cents == 500


def test_cancelled_link_paid_later_is_a_late_payment_banner(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    link = start_link(qtbot, terminal, "7.50")
    order_id = window.sale.order_id
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # asks first: one key never stops a payment
    qtbot.waitUntil(lambda: window.stop_question is not None
                    and window.stop_question.isVisible(), timeout=2000)
    assert window.state == "waiting"
    [stop] = [b for b in window.stop_question.buttons() if b.text() == "Stop waiting"]
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    assert window.state == "entry"
    assert window.amount_entry.amount.text == "7.50"  # kept: try again without re-keying
    assert any("not charged — still being checked" in t for t in window.banners.texts())
    customer_opens_and_pays(terminal, link, order_id)
    qtbot.waitUntil(lambda: f"late:{order_id}" in window.banners.banners, timeout=8000)
    assert terminal.port.sale(order_id).late
    assert window.state == "entry"


def test_link_refused_without_a_merchant_payment_key_changes_nothing(qtbot, make_terminal):
    terminal = make_terminal(payments={"merchant_payment_key": ""})
    window = terminal.window
    key_amount(qtbot, terminal, "3")
    qtbot.mouseClick(window.link_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.amount_entry.message.text() != "", timeout=3000)
    assert window.state == "entry"
    assert "merchant payment key" in window.amount_entry.message.text()
    assert terminal.runtime.journal.open_sales() == []


def test_support_bundle_from_the_help_menu(qtbot, make_terminal, tmp_path, monkeypatch):
    monkeypatch.setenv("CASHIER_LOG_DIR", str(tmp_path / "log"))
    (tmp_path / "log").mkdir()
    (tmp_path / "log" / "cashier.log").write_text(f"key {DEMO_SIGN_KEY} stays out\n",
                                                  encoding="utf-8")
    terminal = make_terminal()
    asked: list = []
    target = tmp_path / "out" / "bundle.zip"

    def choose(suggested):
        asked.append(suggested)
        return target

    monkeypatch.setattr(terminal, "choose_bundle_path", choose)
    terminal.window.support_action.trigger()
    qtbot.waitUntil(lambda: terminal.support_message is not None, timeout=5000)
    assert asked and asked[0].name.startswith("cashier-support-")
    assert str(target) in terminal.support_message.text()
    with zipfile.ZipFile(target) as bundle:
        names = bundle.namelist()
        assert {"README.txt", "config.json", "journal.json", "logs/cashier.log"} <= set(names)
        assert DEMO_SIGN_KEY not in bundle.read("logs/cashier.log").decode()
        assert DEMO_MERCHANT_PAYMENT_KEY not in bundle.read("config.json").decode()


def test_support_bundle_cancelled_or_failing_says_so(qtbot, make_terminal, tmp_path,
                                                     monkeypatch):
    terminal = make_terminal()
    monkeypatch.setattr(terminal, "choose_bundle_path", lambda suggested: None)
    assert terminal.export_support_bundle() is None  # cancelled: nothing written, no message
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    terminal.export_support_bundle(blocker / "bundle.zip")  # a file where a folder should be
    qtbot.waitUntil(lambda: terminal.support_message is not None, timeout=5000)
    assert "Could not save the support bundle" in terminal.support_message.text()
