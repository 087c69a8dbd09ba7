"""One fixed layout: every page and dialog, in English and Chinese, at the four screen sizes a
counter has, without overlapping controls, clipped text, small touch targets or the window
changing size between states (see ``tests/ui/layout.py`` for what each check means)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from cashier.operators import DEMO_MANAGER_PIN
from cashier.port import HistoryPage, StoreReport
from cashier.simulator import Scenario, demo_code
from cashier.store.central import StoreUnavailableError
from cashier.store.shipper import ShipperStatus
from cashier.ui.bridge import Bridge
from cashier.ui.first_run import FirstRunDialog
from cashier.ui.history import LANE_COLUMN
from cashier.ui.sale_controller import SaleView
from cashier.wallets import Wallet
from tests.ui.layout import layout_problems, settle

SIZES = [(1024, 768), (1280, 800), (1366, 768), (1920, 1080)]


class Walk:
    """Checks each screen it is shown and keeps every problem, named by screen."""

    def __init__(self, window: QWidget, size: tuple[int, int]) -> None:
        self.window = window
        self.size = QSize(*size)
        self.problems: list[str] = []

    def page(self, name: str) -> None:
        settle()
        if self.window.size() != self.size:
            self.problems.append(f"{name}: the window changed size to "
                                 f"{self.window.width()}x{self.window.height()}")
        self.problems += [f"{name}: {p}" for p in layout_problems(self.window)]

    def dialog(self, name: str, dialog: QWidget) -> None:
        dialog.show()
        settle()
        if dialog.width() > self.size.width() or dialog.height() > self.size.height():
            self.problems.append(f"{name}: {dialog.width()}x{dialog.height()} does not fit the "
                                 "screen")
        self.problems += [f"{name}: {p}" for p in layout_problems(dialog)]


def late(order_id: str) -> SaleView:
    return SaleView(order_id=order_id, state="paid", amount_cents=123456, tip_cents=0,
                    wallet="WECHATPAY", late=True, abandon_reason="terminal_closed")


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_screen_fits(qtbot, make_terminal, language, size):
    terminal = make_terminal(confirm_after_queries=10_000)
    window = terminal.window
    # a lane of a shop with a store database, while the store is down: the longest phrase
    window.show_store_status(lambda: ShipperStatus("lane-1", False, 0, 12, 0.0, None,
                                                   "the store database cannot be reached", 0.0))
    window.resize(*size)
    walk = Walk(window, size)
    terminal.signin.sign_out()
    walk.page("sign-in")
    terminal.signin.sign_in(terminal.signin.operators.operators[0])

    for key in ("1", "2", "8", ".", "5", "0", "tip", "1", "0"):
        window.amount_entry.press(key)
    window.on_late_payment(late("20261202000000000001"))
    window.on_late_payment(late("20261202000000000002"))
    window.banners.set_action("printer", "Reprint")
    window.banners.show_banner("printer", "Printer problem: the printer at 127.0.0.1:9 did not "
                                          "answer. The receipt is kept for reprint.", "error")
    walk.page("entry")

    window.start_active(Wallet.ALIPAY)
    qtbot.waitUntil(lambda: window.state == "waiting" and window.demo_pay_row.isVisible(),
                    timeout=5000)
    walk.page("waiting for a QR")
    window.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape,
                                   Qt.KeyboardModifier.NoModifier))
    walk.dialog("stop waiting?", window.stop_question)
    window.stop_question.reject()
    window.close()
    walk.dialog("close during a payment?", window.close_question)
    window.close_question.reject()
    window.cancel()
    window.start_link()
    qtbot.waitUntil(lambda: window.state == "waiting" and window.link_row.isVisible(),
                    timeout=5000)
    walk.page("waiting for a link")
    window.cancel()
    window.handle_scan(demo_code(Scenario.CONFIRM_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "waiting" and window.sale.rsp_code == "PROCESSING",
                    timeout=5000)
    walk.page("waiting for the phone")
    window.cancel()
    window.handle_scan(demo_code(Scenario.DECLINED))
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    walk.page("declined")
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "result" and window.sale.is_paid, timeout=5000)
    walk.page("paid")
    order_id = window.sale.order_id
    window.new_sale()

    for key in "5000":
        window.amount_entry.press(key)
    window.start_active(Wallet.WECHATPAY)
    walk.dialog("unusually large amount", window.large_question)
    window.large_question.reject()

    pin = terminal.signin.ask()
    walk.dialog("PIN pad", pin)
    pin.reject()
    history = terminal.open_history()
    qtbot.waitUntil(lambda: order_id in [s.order_id for s in history.sales], timeout=3000)
    history.select_order(order_id)
    qtbot.waitUntil(lambda: history.refund_button.isEnabled(), timeout=3000)
    walk.dialog("history", history)
    refund = history.ask_refund()
    walk.dialog("refund", refund)
    refund.reject()
    # A refund whose REFUND was lost in the network: releasing it asks a PIN, then warns.
    terminal.runtime.journal.create_refund(refund_id="LOSTREFUND1", sale_order_id=order_id,
                                           amount_cents=100)
    history.reload()
    qtbot.waitUntil(history.release_button.isEnabled, timeout=3000)
    release = history.ask_release_refund()
    walk.dialog("release refund", release)
    release.pin.setText(DEMO_MANAGER_PIN)
    release.submit()
    qtbot.waitUntil(lambda: history.release_question is not None
                    and history.release_question.isVisible(), timeout=5000)
    walk.dialog("release refund warning", history.release_question)
    history.release_question.reject()
    history.close()
    reports = terminal.open_reports()
    qtbot.waitUntil(lambda: reports.report is not None, timeout=3000)
    walk.dialog("reports", reports)
    reports.close()
    settings = terminal.open_settings()
    for index in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(index)
        walk.dialog(f"settings, {settings.tabs.tabText(index)}", settings)
    settings.close()

    display = terminal.customer_display
    display.resize(*size)
    display.show_idle()
    walk.dialog("customer display, idle", display)
    display.show_amount(13850, note="Processing…")
    walk.dialog("customer display, amount", display)
    display.show_qr(13850, "https://qr.example.com/pay/ABCDEF", "Alipay")
    walk.dialog("customer display, QR", display)
    display.show_result(True, 13850)
    walk.dialog("customer display, paid", display)

    assert not walk.problems, "\n".join(walk.problems)


def test_the_store_reports_fit_the_smallest_screen(qtbot, make_store_terminal, store_url,
                                                   language):
    terminal = make_store_terminal(store_url)
    terminal.window.resize(*SIZES[0])
    walk = Walk(terminal.window, SIZES[0])
    reports = terminal.open_reports()
    qtbot.waitUntil(lambda: reports.report is not None, timeout=5000)
    reports.load_store_x()
    qtbot.waitUntil(lambda: isinstance(reports.report, StoreReport), timeout=10_000)
    # the longest sentence the window says
    reports._store_error(StoreUnavailableError("the store database cannot be reached"))
    walk.dialog("store reports", reports)
    assert not walk.problems, "\n".join(walk.problems)


def test_first_run_setup_fits_the_smallest_screen(qtbot, language, tmp_path):
    bridge = Bridge()
    try:
        dialog = FirstRunDialog(tmp_path / "cashier.toml", bridge, language=language)
        qtbot.addWidget(dialog)
        walk = Walk(dialog, SIZES[0])
        for index in range(dialog.pages.count()):
            dialog.pages.setCurrentIndex(index)
            walk.dialog(f"first-run setup, page {index + 1}", dialog)
        assert not walk.problems, "\n".join(walk.problems)
    finally:
        bridge.shutdown()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_history_of_all_lanes_fits(qtbot, make_store_terminal, store_url, language, size):
    terminal = make_store_terminal(store_url)
    terminal.window.showNormal()  # a lane runs full screen; here it gets each size in turn
    terminal.window.resize(*size)
    walk = Walk(terminal.window, size)
    qtbot.waitUntil(lambda: not terminal.other_lanes_late.busy, timeout=10_000)
    terminal.other_lanes_late.show(HistoryPage("2026-12-02", [late("1"), late("2")]))
    terminal.window.on_late_payment(late("20261202000000000001"))
    walk.page("sale screen of a lane with a store, late payments here and elsewhere")
    history = terminal.open_history()
    history.show_late_at_other_lanes()
    loading = history.status.text()
    qtbot.waitUntil(lambda: history.status.text() not in ("", loading), timeout=10_000)
    assert history.all_lanes and not history.table.isColumnHidden(LANE_COLUMN)
    walk.dialog("history, all lanes", history)
    assert not walk.problems, "\n".join(walk.problems)
