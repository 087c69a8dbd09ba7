"""X and Z reports through the real window: totals per wallet, manager's PIN, no double close."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from cashier.config import Config, PaymentsSection, ShopSection
from cashier.operators import DEMO_CASHIER_PIN, DEMO_MANAGER_PIN
from cashier.payments.errors import RefundsInProgressError
from cashier.simulator import Scenario, demo_code
from cashier.wallets import Wallet
from tests.faults.proxy import FaultProxy, Hold
from tests.ui.helpers import NetworkPrinter, key_amount, printer_config


def pay(qtbot, terminal, amount: str, code: str) -> str:
    window = terminal.window
    key_amount(qtbot, terminal, amount)
    window.handle_scan(code)
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    order_id = window.sale.order_id
    window.new_sale()
    return order_id


def table_rows(report_window) -> list[list[str]]:
    table = report_window.table
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def close_day(qtbot, reports, pin: str):
    dialog = reports.ask_close_day()
    dialog.pin.setText(pin)
    dialog.submit()
    return dialog


def test_x_then_z_report_printed_and_not_closed_twice(qtbot, make_terminal):
    printer = NetworkPrinter()
    try:
        terminal = make_terminal(printer_config(printer.port))
        wechat = pay(qtbot, terminal, "10", demo_code(Scenario.INSTANT_SUCCESS))
        pay(qtbot, terminal, "5", demo_code(Scenario.INSTANT_SUCCESS, Wallet.ALIPAY))
        pay(qtbot, terminal, "3", demo_code(Scenario.DECLINED))
        terminal.engine.refund(wechat, 200)
        qtbot.waitUntil(lambda: len(printer.jobs) == 2, timeout=5000)  # two receipts

        qtbot.mouseClick(terminal.window.reports_button, Qt.MouseButton.LeftButton)
        reports = terminal.reports
        reports.confirm_close = False
        qtbot.waitUntil(lambda: reports.report is not None, timeout=3000)
        assert reports.report.kind == "X"
        assert table_rows(reports) == [
            ["Alipay", "1", "$5.00", "$0.00", "0 / $0.00", "$5.00"],
            ["WeChat Pay", "1", "$10.00", "$0.00", "1 / $2.00", "$8.00"],
            ["Total", "2", "$15.00", "$0.00", "1 / $2.00", "$13.00"],
        ]
        assert "Declined: 1" in reports.summary.text()

        dialog = close_day(qtbot, reports, DEMO_CASHIER_PIN)
        qtbot.waitUntil(lambda: "Wrong PIN" in dialog.message.text(), timeout=3000)
        dialog.reject()
        assert terminal.runtime.journal.z_records() == []

        close_day(qtbot, reports, DEMO_MANAGER_PIN)
        qtbot.waitUntil(lambda: "sent to the printer" in reports.notice.text(), timeout=5000)
        assert "closed (Z report #1)" in reports.notice.text()
        assert reports.report.kind == "Z" and "#1" in reports.title.text()
        qtbot.waitUntil(lambda: len(printer.jobs) == 3, timeout=5000)
        assert b"13.00" in printer.jobs[2]

        assert reports.ask_close_day() is None  # refused before any PIN is asked
        assert reports.notice.text() == (
            f"Business day {reports.report.business_day} is already closed (Z report #1); "
            "a day can be closed only once.")
        assert len(terminal.runtime.journal.z_records()) == 1
    finally:
        printer.stop()


def test_closing_a_day_with_open_sales_says_so_and_asks(qtbot, make_terminal):
    # The simulator closes a never-settling order after close_after_queries queries (3 by
    # default): on a slow machine the background check reached that before the report did.
    terminal = make_terminal(close_after_queries=10_000)
    window = terminal.window
    key_amount(qtbot, terminal, "8")
    window.handle_scan(demo_code(Scenario.NEVER_SETTLES))
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=3000)
    window.cancel()  # still open: checked in the background
    qtbot.mouseClick(window.reports_button, Qt.MouseButton.LeftButton)
    reports = terminal.reports
    qtbot.waitUntil(lambda: reports.report is not None, timeout=3000)

    close_day(qtbot, reports, DEMO_MANAGER_PIN)
    qtbot.waitUntil(lambda: reports.close_question is not None
                    and reports.close_question.isVisible(), timeout=5000)
    assert "1 sale(s)" in reports.close_question.text()
    assert "still waiting" in reports.close_question.text()
    [keep] = [b for b in reports.close_question.buttons() if b.text() == "Keep the day open"]
    qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert terminal.runtime.journal.z_records() == []


def test_report_amounts_carry_the_shops_currency_symbol(qtbot, make_terminal, language):
    # above 1,000.00 so the thousands separator shows; not asked about as unusually large
    terminal = make_terminal(Config(shop=ShopSection(currency="EUR"),
                                    payments=PaymentsSection(confirm_above_cents=None)))
    pay(qtbot, terminal, "1234.50", demo_code(Scenario.INSTANT_SUCCESS))
    reports = terminal.open_reports()
    qtbot.waitUntil(lambda: reports.report is not None, timeout=3000)
    *_, total = table_rows(reports)
    assert total[1:] == ["1", "€1,234.50", "€0.00", "0 / €0.00", "€1,234.50"]


def test_the_z_says_it_waits_for_a_refund_being_sent_and_then_closes_with_it(
        qtbot, make_lane_terminal, sim, language):
    with FaultProxy(sim.url) as proxy:
        terminal = make_lane_terminal(proxy)
        order_id = pay(qtbot, terminal, "10", demo_code(Scenario.INSTANT_SUCCESS))
        proxy.on("REFUND", Hold(), times=1)
        refunded: dict = {}
        thread = threading.Thread(target=lambda: refunded.setdefault(
            "refund", terminal.engine.refund(order_id, 200)))
        thread.start()
        try:
            proxy.wait_for("REFUND", held=1)
            reports = terminal.open_reports()
            reports.confirm_close = False
            qtbot.waitUntil(lambda: reports.report is not None, timeout=3000)
            close_day(qtbot, reports, DEMO_MANAGER_PIN)
            qtbot.waitUntil(lambda: reports.notice.text() != "", timeout=10_000)
            assert reports.notice.text() == {
                "en": "Waiting for a refund being sent to the gateway…",
                "zh_CN": "正在等待发往支付网关的退款…",
            }[language]
        finally:
            proxy.release("REFUND")
            thread.join(30)
        assert refunded["refund"].state == "succeeded"
        qtbot.waitUntil(lambda: reports.report.kind == "Z", timeout=10_000)
        *_, total = table_rows(reports)
        assert total[4] == "1 / $2.00"  # the refund is in the day's Z


def test_a_z_given_up_on_a_refund_still_being_sent_says_so(qtbot, make_terminal, language):
    reports = make_terminal().open_reports()
    reports._close_failed(RefundsInProgressError("2026-12-02", ["R-1", "R-2"]))
    assert reports.notice.text() == {
        "en": "Refund(s) R-1, R-2 of business day 2026-12-02 are still being sent to the "
              "gateway; close the day once they are answered.",
        "zh_CN": "营业日 2026-12-02 的退款 R-1, R-2 仍在发往支付网关；收到结果后再日结。",
    }[language]
