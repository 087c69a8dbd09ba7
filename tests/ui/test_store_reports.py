"""The store's X and Z reports in the Reports window of a lane, against the real throwaway
PostgreSQL: one row per lane and the store's total, the store Z behind the manager's PIN closing
the day for every lane (this lane too, through its own Z), both printed on the lane's printer,
and the store being down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from cashier.journal import Journal
from cashier.money import format_cents, format_money
from cashier.operators import DEMO_CASHIER_PIN, DEMO_MANAGER_PIN
from cashier.payments.reports import DayReport, x_report
from cashier.port import StoreReport
from cashier.simulator import Scenario, demo_code
from tests.devices.test_receipt import printed_lines
from tests.store.lane import sell
from tests.store.test_shipping import ship_all
from tests.ui.helpers import NetworkPrinter
from tests.ui.test_report_window import table_rows


def pay(qtbot, terminal, amount: str) -> None:
    window = terminal.window
    for key in amount:
        window.amount_entry.press(key)
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "result" and window.sale.is_paid, timeout=10_000)
    window.new_sale()


def other_lane(tmp_path, store_url) -> dict:
    """Lane 2, which sold 6 sales and shipped them; its running totals."""
    path = tmp_path / "lane-2.sqlite3"
    with Journal(path) as journal:
        sell(journal, "lane-2", 6)
        totals = x_report(journal, journal.current_business_day()).total
    ship_all(path, store_url, "lane-2")
    return totals


@pytest.fixture
def printer() -> Iterator[NetworkPrinter]:
    receipt_printer = NetworkPrinter()
    yield receipt_printer
    receipt_printer.stop()


def printed(printer: NetworkPrinter, title: str) -> list[str] | None:
    """The lines of the printed job titled ``title`` (None: none printed yet)."""
    for job in list(printer.jobs):
        lines = [line.strip() for line in printed_lines(job)]
        if title in lines:
            return lines
    return None


def test_the_store_reports_show_every_lane_and_the_store_z_closes_the_day(
        qtbot, make_store_terminal, store_url, tmp_path, printer):
    lane2 = other_lane(tmp_path, store_url)
    terminal = make_store_terminal(store_url, printer_port=printer.port)

    def money(cents: int) -> str:
        return format_money(cents, terminal.config.shop.currency)

    pay(qtbot, terminal, "12.50")
    pay(qtbot, terminal, "7")
    assert terminal.shipper.wait_caught_up(30)

    reports = terminal.open_reports()
    reports.confirm_close = False
    qtbot.waitUntil(lambda: isinstance(reports.report, DayReport), timeout=5000)
    qtbot.mouseClick(reports.store_x_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(reports.report, StoreReport), timeout=10_000)
    day = reports.report.business_day
    assert reports.report.kind == "X"
    assert reports.title.text() == f"Store X report — business day {day} (running totals)"

    assert [(row[0], row[1], row[-1]) for row in table_rows(reports)] == [
        ("lane-1 Front counter", "2", money(1950)),
        ("lane-2 Lane lane-2", "6", money(lane2.net_cents)),
        ("Store total", "8", money(1950 + lane2.net_cents))]
    assert reports.summary.text() == "Lanes that have not closed the day: lane-1, lane-2"
    qtbot.mouseClick(reports.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: printed(printer, "STORE X REPORT (INTERIM)") is not None,
                    timeout=10_000)
    lines = printed(printer, "STORE X REPORT (INTERIM)")
    assert {"lane-1 Front counter", "lane-2 Lane lane-2"} <= set(lines)
    assert f"NET{format_cents(1950 + lane2.net_cents):>29}" in lines

    dialog = reports.ask_close_store_day()
    dialog.pin.setText(DEMO_CASHIER_PIN)
    dialog.submit()
    qtbot.waitUntil(lambda: "Wrong PIN" in dialog.message.text(), timeout=3000)
    dialog.reject()
    assert reports.report.number is None

    dialog = reports.ask_close_store_day()
    dialog.pin.setText(DEMO_MANAGER_PIN)
    dialog.submit()
    qtbot.waitUntil(lambda: reports.report.kind == "Z", timeout=10_000)
    assert reports.title.text() == f"Store Z report #1 — business day {day}"
    qtbot.waitUntil(lambda: reports.notice.text() == (
        f"The store closed business day {day} (store Z report #1). The report was sent to the "
        "printer."), timeout=10_000)
    assert "lane-2" in reports.summary.text()
    qtbot.waitUntil(lambda: printed(printer, "STORE Z REPORT (CLOSING) #1") is not None,
                    timeout=10_000)
    assert any(line.startswith("Still open:") and "lane-2" in line
               for line in printed(printer, "STORE Z REPORT (CLOSING) #1"))

    # this lane learns of it from its shipper and closes its own day through its own Z
    qtbot.waitUntil(lambda: terminal.engine.journal.z_record(day) is not None, timeout=30_000)
    assert terminal.shipper.wait_caught_up(30)
    reports.load_store_x()
    qtbot.waitUntil(lambda: table_rows(reports)[0][0] == "lane-1 Front counter (Z #1)",
                    timeout=10_000)
    assert reports.summary.text() == "Lanes that have not closed the day: lane-2"
    assert reports.title.text() == \
        f"Store X report — business day {day} (closed by store Z report #1)"

    assert reports.ask_close_store_day() is None  # refused before any PIN is asked
    assert reports.notice.text() == (f"Business day {day} is already closed (store Z report #1); "
                                     "a day can be closed only once.")

    reports.load_x()  # from the lane's own report the store's state is not known: refused after
    qtbot.waitUntil(lambda: isinstance(reports.report, DayReport), timeout=5000)
    dialog = reports.ask_close_store_day()
    dialog.pin.setText(DEMO_MANAGER_PIN)
    dialog.submit()
    qtbot.waitUntil(lambda: reports.notice.text() == (
        "The store has already closed today's business day; a day can be closed only once."),
        timeout=10_000)
    qtbot.waitUntil(lambda: isinstance(reports.report, StoreReport), timeout=10_000)
    assert reports.report.number == 1


def test_with_the_store_down_the_lane_reports_still_work(qtbot, make_store_terminal,
                                                         closed_port):
    terminal = make_store_terminal(f"postgresql://cashier@127.0.0.1:{closed_port}/store")
    reports = terminal.open_reports()
    qtbot.waitUntil(lambda: isinstance(reports.report, DayReport), timeout=5000)
    qtbot.mouseClick(reports.store_x_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cannot be reached" in reports.notice.text(), timeout=15_000)
    assert reports.notice.text() == (
        "The store database cannot be reached, so the store's reports are not available; this "
        "lane's own reports still work.")
    assert isinstance(reports.report, DayReport)
    pay(qtbot, terminal, "3")  # the lane sells, and its own X report counts it
    reports.load_x()
    qtbot.waitUntil(lambda: table_rows(reports)[-1][:3] == [
        "Total", "1", format_money(300, terminal.config.shop.currency)], timeout=5000)


def test_a_terminal_on_its_own_has_no_store_reports(make_terminal):
    reports = make_terminal().open_reports()
    assert reports.store_x_button is None and reports.store_z_button is None
