"""X and Z reports on screen, printable; closing the day (Z) needs the manager's PIN.

An X report changes nothing; a Z report closes the business day for good (numbered; a day
cannot be closed twice), so it asks for a manager's PIN and a confirmation first. A day shown
as closed is refused before the PIN; sales still waiting for the gateway are named in the
confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cashier.money import format_money
from cashier.port import CounterPort
from cashier.ui.bridge import Bridge
from cashier.ui.labels import wallet_label
from cashier.ui.pin_dialog import PinCheck, PinDialog
from cashier.ui.questions import ask
from cashier.ui.slots import weak_slot
from cashier.ui.style import DIALOG_SIZE, touch_rows


class ReportWindow(QDialog):
    """Shows the current business day's X report; ``close_day`` runs the Z report."""

    def __init__(self, port: CounterPort, bridge: Bridge, *, manager_check: PinCheck,
                 print_report: Callable[..., object] | None = None,
                 currency: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reports"))
        self.currency = currency  # the shop's: its symbol goes on every amount shown
        self.resize(*DIALOG_SIZE)
        self.port = port
        self.bridge = bridge
        self.manager_check = manager_check
        self.print_report = print_report
        self.report: Any = None
        self.confirm_close = True  # False: close without asking (after the PIN)
        self.close_question: QMessageBox | None = None

        self.title = QLabel("", self)
        self.title.setObjectName("report_title")
        font = self.title.font()
        font.setPointSize(16)
        font.setBold(True)
        self.title.setFont(font)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([
            self.tr("Wallet"), self.tr("Sales"), self.tr("Amount"), self.tr("Tips"),
            self.tr("Refunds"), self.tr("Net")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        touch_rows(self.table)
        self.summary = QLabel("", self)
        self.summary.setObjectName("report_summary")
        self.summary.setWordWrap(True)
        self.notice = QLabel("", self)
        self.notice.setObjectName("report_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("font-weight: bold;")

        self.refresh_button = QPushButton(self.tr("X report (refresh)"), self)
        self.refresh_button.clicked.connect(self.load_x)
        self.print_button = QPushButton(self.tr("Print"), self)
        self.print_button.clicked.connect(self.print_current)
        self.print_button.setEnabled(False)
        self.z_button = QPushButton(self.tr("Close the day (Z report)…"), self)
        self.z_button.setObjectName("z_button")
        self.z_button.clicked.connect(self.ask_close_day)
        close_button = QPushButton(self.tr("Close"), self)
        close_button.clicked.connect(self.accept)
        actions = QHBoxLayout()
        for button in (self.refresh_button, self.print_button, self.z_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.notice)
        layout.addLayout(actions)
        self.load_x()

    def load_x(self) -> None:
        self.bridge.run(self.port.x_report, on_done=self.show_report, on_error=self._error)

    def _error(self, exc: BaseException) -> None:
        self.notice.setText(str(exc))

    def show_report(self, report: Any) -> None:
        self.report = report
        if report.kind == "Z":
            self.title.setText(self.tr("Z report #%1 — business day %2 (closed)")
                               .replace("%1", str(report.number))
                               .replace("%2", report.business_day))
        else:
            self.title.setText(self.tr("X report — business day %1 (running totals)")
                               .replace("%1", report.business_day))
        rows = [*report.wallets, report.total]
        self.table.setRowCount(len(rows))
        for row, totals in enumerate(rows):
            name = self.tr("Total") if totals is report.total else wallet_label(totals.wallet)
            values = (name, str(totals.sales_count), self._money(totals.sales_cents),
                      self._money(totals.tips_cents),
                      f"{totals.refunds_count} / {self._money(totals.refunds_cents)}",
                      self._money(totals.net_cents))
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        summary = self.tr("Declined: %1 · Not paid: %2 · Still open: %3 · Late payments: %4") \
            .replace("%1", str(report.declined_count)).replace("%2", str(report.closed_count)) \
            .replace("%3", str(report.open_count)).replace("%4", str(len(report.late_payments)))
        self.summary.setText(summary)
        self.print_button.setEnabled(self.print_report is not None)

    def _money(self, cents: int) -> str:
        return format_money(cents, self.currency)

    def print_current(self, *, after: str = "") -> None:
        if self.report is None or self.print_report is None:
            return
        sent = self.tr("The report was sent to the printer.")
        self.bridge.run(self.print_report, self.report,
                        on_done=lambda _: self.notice.setText(f"{after} {sent}".strip()),
                        on_error=self._error)

    def ask_close_day(self) -> PinDialog | None:
        """Close the business day shown (the X report's), after the manager's PIN.

        ``None`` (and a sentence saying why) when the day shown is closed already.
        """
        if self.report is not None and self.report.kind == "Z":
            self.notice.setText(
                self.tr("Business day %1 is already closed (Z report #%2); a day can be closed "
                        "only once.").replace("%1", self.report.business_day)
                .replace("%2", str(self.report.number)))
            return None
        dialog = PinDialog(self.manager_check, self.bridge,
                           self.tr("Closing the day cannot be undone. Manager's PIN:"), self)
        dialog.verified.connect(weak_slot(self._day_close_verified))
        dialog.open()
        return dialog

    def _day_close_verified(self, _manager: object) -> None:
        self.bridge.run(self.port.x_report, on_done=self._confirm_close, on_error=self._error)

    def _confirm_close(self, report: Any) -> None:
        """Ask with the day's latest figures: how many sales are still waiting, if any."""
        self.show_report(report)
        if not self.confirm_close:
            self._close(report.business_day)
            return
        text = self.tr("Close business day %1 now? Later sales count on the next day.") \
            .replace("%1", report.business_day)
        if report.open_count:
            text = self.tr("%1 sale(s) of business day %2 are still waiting for the gateway's "
                           "answer; the Z report shows them as open. Close the day anyway?") \
                .replace("%1", str(report.open_count)).replace("%2", report.business_day)
        self.close_question = ask(self, self.tr("Close the day"), text,
                                  go=self.tr("Close the day"), stay=self.tr("Keep the day open"),
                                  on_go=lambda: self._close(report.business_day))

    def _close(self, day: str) -> None:
        self.bridge.run(self.port.z_report, day, on_done=self._closed, on_error=self._error)

    def _closed(self, report: Any) -> None:
        self.show_report(report)
        closed = self.tr("Business day %1 closed (Z report #%2).") \
            .replace("%1", report.business_day).replace("%2", str(report.number))
        self.notice.setText(closed)
        self.print_current(after=closed)
