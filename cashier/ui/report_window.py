"""X and Z reports on screen, printable; closing the day (Z) needs the manager's PIN.

An X report changes nothing; a Z report closes the business day for good (numbered; a day
cannot be closed twice), so it asks for a manager's PIN and a confirmation first. A day shown
as closed is refused before the PIN; sales still waiting for the gateway are named in the
confirmation.

A lane of a store (``CounterPort.has_store``) also shows the store's reports, one row per lane:
the store X, and the store Z, which closes the day for every lane (the lanes still open close it
themselves as soon as they can), with the same PIN and confirmation. With the store database
down the window says so in one sentence; the lane's own reports still work.
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
from cashier.payments.errors import RefundsInProgressError
from cashier.payments.reports import DayReport
from cashier.port import CounterPort, StoreReport
from cashier.ui.bridge import Bridge
from cashier.ui.labels import wallet_label
from cashier.ui.pin_dialog import PinCheck, PinDialog
from cashier.ui.questions import ask
from cashier.ui.slots import weak_slot
from cashier.ui.style import DIALOG_SIZE, touch_rows


class ReportWindow(QDialog):
    """Shows the current business day's X report; ``close_day`` runs the Z report.

    ``print_report`` prints a lane's ``DayReport``, ``print_store_report`` the store's report
    (``StoreReport.data``).
    """

    def __init__(self, port: CounterPort, bridge: Bridge, *, manager_check: PinCheck,
                 print_report: Callable[..., object] | None = None,
                 print_store_report: Callable[..., object] | None = None,
                 currency: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reports"))
        self.currency = currency  # the shop's: its symbol goes on every amount shown
        self.resize(*DIALOG_SIZE)
        self.port = port
        self.bridge = bridge
        self.manager_check = manager_check
        self.print_report = print_report
        self.print_store_report = print_store_report
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
        self._set_columns(self.tr("Wallet"))
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
        self.store_x_button: QPushButton | None = None
        self.store_z_button: QPushButton | None = None
        if port.has_store:
            self.store_x_button = QPushButton(self.tr("Store X report (every lane)"), self)
            self.store_x_button.setObjectName("store_x_button")
            self.store_x_button.clicked.connect(self.load_store_x)
            self.store_z_button = QPushButton(self.tr("Close the store's day (store Z)…"), self)
            self.store_z_button.setObjectName("store_z_button")
            self.store_z_button.clicked.connect(self.ask_close_store_day)
            store_actions = QHBoxLayout()
            store_actions.addWidget(self.store_x_button)
            store_actions.addWidget(self.store_z_button)
            store_actions.addStretch(1)
            layout.addLayout(store_actions)
        layout.addLayout(actions)
        self.load_x()

    def _set_columns(self, first: str) -> None:
        self.table.setHorizontalHeaderLabels([
            first, self.tr("Sales"), self.tr("Amount"), self.tr("Tips"), self.tr("Refunds"),
            self.tr("Net")])

    def _fill(self, rows: list[tuple[str, Any]]) -> None:
        """One table row per (name, ``WalletTotals``)."""
        self.table.setRowCount(len(rows))
        for row, (name, totals) in enumerate(rows):
            values = (name, str(totals.sales_count), self._money(totals.sales_cents),
                      self._money(totals.tips_cents),
                      f"{totals.refunds_count} / {self._money(totals.refunds_cents)}",
                      self._money(totals.net_cents))
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

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
        self._set_columns(self.tr("Wallet"))
        self._fill([*((wallet_label(w.wallet), w) for w in report.wallets),
                    (self.tr("Total"), report.total)])
        summary = self.tr("Declined: %1 · Not paid: %2 · Still open: %3 · Late payments: %4") \
            .replace("%1", str(report.declined_count)).replace("%2", str(report.closed_count)) \
            .replace("%3", str(report.open_count)).replace("%4", str(len(report.late_payments)))
        self.summary.setText(summary)
        self.print_button.setEnabled(self.print_report is not None)

    def _money(self, cents: int) -> str:
        return format_money(cents, self.currency)

    def print_current(self, *, after: str = "") -> None:
        store = isinstance(self.report, StoreReport)
        printer = self.print_store_report if store else self.print_report
        if self.report is None or printer is None:
            return
        sent = self.tr("The report was sent to the printer.")
        self.bridge.run(printer, self.report.data if store else self.report,
                        on_done=lambda _: self.notice.setText(f"{after} {sent}".strip()),
                        on_error=self._error)

    def ask_close_day(self) -> PinDialog | None:
        """Close the business day shown (the X report's), after the manager's PIN.

        ``None`` (and a sentence saying why) when the day shown is closed already.
        """
        if isinstance(self.report, DayReport) and self.report.kind == "Z":
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
        bridge, waiting = self.bridge, weak_slot(self._waiting_for_refunds)
        self.bridge.run(self.port.z_report, day,
                        on_wait=lambda _refund_ids: bridge.call_on_gui(waiting),
                        on_done=self._closed, on_error=self._close_failed)

    def _waiting_for_refunds(self) -> None:
        """The Z waits (briefly) for a refund of the day this lane is sending right now."""
        self.notice.setText(self.tr("Waiting for a refund being sent to the gateway…"))

    def _close_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, RefundsInProgressError):
            self._error(exc)
            return
        self.notice.setText(
            self.tr("Refund(s) %1 of business day %2 are still being sent to the gateway; close "
                    "the day once they are answered.")
            .replace("%1", ", ".join(exc.refund_ids)).replace("%2", exc.day))

    def _closed(self, report: Any) -> None:
        self.show_report(report)
        closed = self.tr("Business day %1 closed (Z report #%2).") \
            .replace("%1", report.business_day).replace("%2", str(report.number))
        self.notice.setText(closed)
        self.print_current(after=closed)

    # -- the store's reports -------------------------------------------------------------------

    def load_store_x(self) -> None:
        self.bridge.run_store("store_x", self.port.store_x_report,
                              on_done=self.show_store_report, on_error=self._store_error)

    def _store_error(self, exc: BaseException) -> None:
        from cashier.store.central import (  # only with a store
            StoreDayClosedError,
            StoreUnavailableError,
        )

        if isinstance(exc, StoreUnavailableError):
            self.notice.setText(self.tr("The store database cannot be reached, so the store's "
                                        "reports are not available; this lane's own reports "
                                        "still work."))
        elif isinstance(exc, StoreDayClosedError):
            self.notice.setText(self._store_closed_sentence("", None))
            self.load_store_x()
        else:
            self._error(exc)

    def _store_closed_sentence(self, day: str, number: int | None) -> str:
        if number is None:
            return self.tr("The store has already closed today's business day; a day can be "
                           "closed only once.")
        return self.tr("Business day %1 is already closed (store Z report #%2); a day can be "
                       "closed only once.").replace("%1", day).replace("%2", str(number))

    def show_store_report(self, report: StoreReport) -> None:
        """The store's report: one row per lane (with its Z number once it closed the day)."""
        self.report = report
        if report.kind == "Z":
            self.title.setText(self.tr("Store Z report #%1 — business day %2")
                               .replace("%1", str(report.number))
                               .replace("%2", report.business_day))
        elif report.number is not None:
            self.title.setText(self.tr("Store X report — business day %1 (closed by store Z "
                                       "report #%2)").replace("%1", report.business_day)
                               .replace("%2", str(report.number)))
        else:
            self.title.setText(self.tr("Store X report — business day %1 (running totals)")
                               .replace("%1", report.business_day))
        rows = []
        for lane in report.lanes:
            name = f"{lane.terminal_id} {lane.name}".strip()
            if lane.z_number is not None:
                name = self.tr("%1 (Z #%2)").replace("%1", name) \
                    .replace("%2", str(lane.z_number))
            rows.append((name, lane.total))
        self._set_columns(self.tr("Lane"))
        self._fill([*rows, (self.tr("Store total"), report.total)])
        if not report.lanes_open:
            summary = self.tr("Every lane has closed the day.")
        elif report.kind == "Z":
            summary = self.tr("Still open, asked to close the day: %1") \
                .replace("%1", ", ".join(report.lanes_open))
        else:
            summary = self.tr("Lanes that have not closed the day: %1") \
                .replace("%1", ", ".join(report.lanes_open))
        self.summary.setText(summary)
        self.print_button.setEnabled(self.print_store_report is not None)

    def ask_close_store_day(self) -> PinDialog | None:
        """The store's Z report, after the manager's PIN: closes today for every lane.

        ``None`` (and a sentence saying why) when the store report shown is of a closed day.
        """
        if isinstance(self.report, StoreReport) and self.report.number is not None:
            self.notice.setText(self._store_closed_sentence(self.report.business_day,
                                                            self.report.number))
            return None
        dialog = PinDialog(self.manager_check, self.bridge,
                           self.tr("Closing the store's day cannot be undone. Manager's PIN:"),
                           self)
        dialog.verified.connect(weak_slot(self._store_close_verified))
        dialog.open()
        return dialog

    def _store_close_verified(self, manager: Any) -> None:
        name = getattr(manager, "name", "")
        if not self.confirm_close:
            self._close_store(name)
            return
        self.close_question = ask(
            self, self.tr("Close the store's day"),
            self.tr("Close today's business day for every lane? The lanes still open close it "
                    "with their own Z report as soon as they can."),
            go=self.tr("Close the store's day"), stay=self.tr("Keep the day open"),
            on_go=lambda: self._close_store(name))

    def _close_store(self, manager_name: str) -> None:
        self.bridge.run_store("store_z", self.port.store_z_report, manager_name,
                              on_done=self._store_closed, on_error=self._store_error)

    def _store_closed(self, report: StoreReport) -> None:
        self.show_store_report(report)
        closed = self.tr("The store closed business day %1 (store Z report #%2).") \
            .replace("%1", report.business_day).replace("%2", str(report.number))
        self.notice.setText(closed)
        self.print_current(after=closed)
