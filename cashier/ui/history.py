"""History: today's and past sales, searchable, with detail, reprint, refund and late payments.

Everything that reads the journal or talks to the gateway runs through the bridge. Refunds,
resolving a late payment and releasing a refund whose outcome is unknown need a manager's PIN;
amounts are checked against what is still refundable before anything is sent.

A lane sharing a store database can switch to "All lanes": the store's view of every lane's
sales, searched the same way, with each sale's lane. Another lane's sale can be refunded here;
reprinting it or resolving its late payment happens at its own lane. When the store database
cannot be reached the dialog says so in one sentence and goes back to this lane.

One module (about 550 lines) because it is one window: the list, the detail of the selected
sale and the actions on it share the selection and the notice line. Its refund dialog (a PIN
dialog with an amount) is here because only History opens it; every question to the core goes
through ``cashier.port``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cashier.money import AmountError, format_cents, format_money, parse_amount
from cashier.operators import Operator
from cashier.ottpay.connection import CERTIFICATE_NOT_VERIFIED
from cashier.ottpay.errors import not_sent_reason
from cashier.payments.errors import (
    StoreRefusal,
    StoreRefusedError,
    StoreSaleNotFoundError,
    StoreUnreachableError,
)
from cashier.port import CounterPort, HistoryPage, Lane, SaleDetail
from cashier.ui.bridge import Bridge
from cashier.ui.labels import refund_state_label, release_warning, state_label, wallet_label
from cashier.ui.pin_dialog import PinCheck, PinDialog
from cashier.ui.questions import ask
from cashier.ui.slots import weak_slot
from cashier.ui.style import DIALOG_SIZE, touch_rows

COLUMNS = ("time", "order", "wallet", "amount", "tip", "state", "code", "lane")
LANE_COLUMN = COLUMNS.index("lane")  # shown for "All lanes" only


class RefundDialog(PinDialog):
    """Amount (empty = everything left) and a manager's PIN; ``amount_cents`` is ``None`` for
    a full refund. The amount is checked before the PIN, and nothing is sent from here."""

    def __init__(self, check: PinCheck, bridge: Bridge, refundable_cents: int,
                 parent: QWidget | None = None, *, currency: str = "") -> None:
        super().__init__(check, bridge, "", parent)
        self.setWindowTitle(self.tr("Refund"))
        self.refundable_cents = refundable_cents
        self.amount_cents: int | None = None
        self.prompt.setText(self.tr("Manager's PIN:"))
        self.amount = QLineEdit(self)
        self.amount.setObjectName("refund_amount")
        self.amount.setPlaceholderText(format_cents(refundable_cents))
        self.amount_label = self.add_field(
            self.tr("Amount to refund (leave empty to refund everything left, %1):")
            .replace("%1", format_money(refundable_cents, currency)), self.amount, decimal=True)

    def submit(self) -> None:
        text = self.amount.text().strip()
        try:
            self.amount_cents = None if not text else parse_amount(
                text, max_cents=self.refundable_cents)
        except AmountError as exc:
            self.message.setText(str(exc))
            return
        super().submit()


class HistoryDialog(QDialog):
    """Sales newest first, through the core's ``port`` (history, detail, refund, late)."""

    def __init__(self, port: CounterPort, bridge: Bridge, *, manager_check: PinCheck,
                 print_receipt: Callable[..., object] | None = None,
                 print_refund: Callable[[str], object] | None = None,
                 operator_name: Callable[[str | None], str] = lambda oid: oid or "",
                 currency: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("History"))
        self.currency = currency  # the shop's: its symbol goes on every amount shown
        self.resize(*DIALOG_SIZE)
        self.port = port
        self.bridge = bridge
        self.manager_check = manager_check
        self.print_receipt = print_receipt
        self.print_refund = print_refund  # prints a refund's receipt once it succeeded
        self.operator_name = operator_name  # an operator id -> who that is
        self.sales: list[Any] = []
        self.lanes: list[Lane] = []  # "All lanes": the lane of each sale listed
        self.selected: Any = None
        self.selected_lane: Lane | None = None
        self.refundable_cents = 0
        self.unknown_refund: Any = None  # the selected sale's oldest refund still unanswered
        self.release_question: QMessageBox | None = None
        self.business_day: str | None = None  # the current one, known after the first load
        self._loads = 0  # numbers each load, so an answer overtaken by a newer one is dropped

        self.this_lane_button = QPushButton(self.tr("This lane"), self)
        self.this_lane_button.setObjectName("history_this_lane")
        self.all_lanes_button = QPushButton(self.tr("All lanes"), self)
        self.all_lanes_button.setObjectName("history_all_lanes")
        self.scope = QButtonGroup(self)
        for button in (self.this_lane_button, self.all_lanes_button):
            button.setCheckable(True)
            button.setVisible(port.has_store)
            self.scope.addButton(button)
        self.this_lane_button.setChecked(True)
        self.all_lanes_button.toggled.connect(self._scope_changed)
        self.late_only = QCheckBox(self.tr("Unresolved late payments only"), self)
        self.late_only.setVisible(False)
        self.late_only.toggled.connect(self.reload)
        scope_row = QHBoxLayout()
        for widget in (self.this_lane_button, self.all_lanes_button, self.late_only):
            scope_row.addWidget(widget)
        scope_row.addStretch(1)

        self.search = QLineEdit(self)
        self.search.setObjectName("history_search")
        self.search.setPlaceholderText(self.tr("Order id, amount (12.34) or last 4 digits of "
                                               "the code"))
        self.search.returnPressed.connect(self.reload)
        self.today_only = QCheckBox(self.tr("Today only"), self)
        self.today_only.setChecked(True)
        self.today_only.toggled.connect(self.reload)
        search_button = QPushButton(self.tr("Search"), self)
        search_button.clicked.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.today_only)
        top.addWidget(search_button)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([
            self.tr("Time"), self.tr("Order"), self.tr("Wallet"), self.tr("Amount"),
            self.tr("Tip"), self.tr("State"), self.tr("Code"), self.tr("Lane")])
        self.table.setColumnHidden(LANE_COLUMN, True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        touch_rows(self.table)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.detail = QLabel("", self)
        self.detail.setObjectName("history_detail")
        self.detail.setWordWrap(True)
        self.status = QLabel("", self)  # loading / how many sales
        self.status.setObjectName("history_status")
        self.notice = QLabel("", self)  # the outcome of the last action, or why it failed
        self.notice.setObjectName("history_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("font-weight: bold;")

        self.reprint_button = QPushButton(self.tr("Reprint"), self)
        self.reprint_button.clicked.connect(self.reprint)
        self.refund_button = QPushButton(self.tr("Refund…"), self)
        self.refund_button.clicked.connect(self.ask_refund)
        self.keep_late_button = QPushButton(self.tr("Keep late payment"), self)
        self.keep_late_button.clicked.connect(lambda: self.ask_resolve_late("keep"))
        self.refund_late_button = QPushButton(self.tr("Refund late payment"), self)
        self.refund_late_button.clicked.connect(lambda: self.ask_resolve_late("refund"))
        self.release_button = QPushButton(self.tr("Release refund…"), self)
        self.release_button.setObjectName("release_refund_button")
        self.release_button.clicked.connect(self.ask_release_refund)
        close_button = QPushButton(self.tr("Close"), self)
        close_button.clicked.connect(self.accept)
        actions = QHBoxLayout()
        for button in (self.reprint_button, self.refund_button, self.keep_late_button,
                       self.refund_late_button, self.release_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(close_button)

        layout = QVBoxLayout(self)
        if port.has_store:
            layout.addLayout(scope_row)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.status)
        layout.addWidget(self.notice)
        layout.addLayout(actions)
        self._update_buttons()
        self.reload()

    # --- loading ---------------------------------------------------------------------------
    @property
    def all_lanes(self) -> bool:
        """Showing the store's view of every lane (else this lane's journal)."""
        return self.all_lanes_button.isChecked()

    def reload(self) -> None:
        query = self.search.text().strip()
        today = self.today_only.isChecked()
        self.status.setText(self.tr("Loading…"))
        self._loads += 1
        number = self._loads

        def show(page: HistoryPage) -> None:
            if number == self._loads:
                self._show_sales(page)

        if self.all_lanes:
            late = self.late_only.isChecked()
            self.bridge.run_store("history", lambda: self.port.store_history(
                today=today, query=query, late=late), on_done=show, on_error=self._store_failed)
            return
        self.bridge.run(lambda: self.port.history(today=today, query=query),
                        on_done=show, on_error=self._show_error)

    def show_late_at_other_lanes(self) -> None:
        """All lanes, their late payments nobody has resolved yet, of any day (the banner's
        way in)."""
        self.search.clear()
        for box, checked in ((self.today_only, False), (self.late_only, True)):
            box.blockSignals(True)
            box.setChecked(checked)
            box.blockSignals(False)
        self.late_only.setVisible(True)
        if self.all_lanes:
            self.reload()
        else:
            self.all_lanes_button.setChecked(True)  # reloads

    def _scope_changed(self, all_lanes: bool) -> None:
        self.table.setColumnHidden(LANE_COLUMN, not all_lanes)
        self.late_only.setVisible(all_lanes)
        if not all_lanes:
            self.late_only.blockSignals(True)
            self.late_only.setChecked(False)
            self.late_only.blockSignals(False)
        self.reload()

    def _show_error(self, exc: BaseException) -> None:
        self.status.setText("")
        self.notice.setText(str(exc))

    def _store_failed(self, exc: BaseException) -> None:
        """The store view failed: unreachable, or refusing this lane's settings -> one
        sentence and back to this lane."""
        from cashier.store.central import StoreUnavailableError  # only with a store

        if not isinstance(exc, StoreUnavailableError):
            self._show_error(exc)
            return
        self.status.setText("")
        self.notice.setText(self.tr("The store database cannot be reached, so only this "
                                    "lane's sales are shown.") if exc.passes else
                            self.tr("The store database refused this lane's user name, password "
                                    "or database name, so only this lane's sales are shown; "
                                    "fix them in Settings."))
        self.this_lane_button.setChecked(True)  # reloads this lane's

    def _show_sales(self, page: HistoryPage) -> None:
        day, sales = page.business_day, page.sales
        self.business_day = day
        self.today_only.setText(self.tr("Business day %1 only").replace("%1", day))
        keep = self.selected.order_id if self.selected is not None else None
        self.sales = sales
        self.lanes = page.lanes
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.blockSignals(False)
        self.table.setRowCount(len(sales))
        for row, sale in enumerate(sales):
            values = (
                datetime.fromtimestamp(sale.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                sale.order_id, wallet_label(sale.wallet), self._money(sale.amount_cents),
                self._money(sale.tip_cents), state_label(sale.state, sale.late),
                sale.masked_code or "",
                (page.lanes[row].name or page.lanes[row].terminal_id) if page.lanes else "",
            )
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.selected = None
        self.selected_lane = None
        self._show_status()
        self.detail.setText("")
        self._update_buttons()
        if keep is not None:
            self.select_order(keep)  # reloads its detail

    def select_order(self, order_id: str) -> bool:
        for row, sale in enumerate(self.sales):
            if sale.order_id == order_id:
                self.table.selectRow(row)
                return True
        return False

    def _money(self, cents: int) -> str:
        return format_money(cents, self.currency)

    def _show_status(self) -> None:
        """How many sales are listed, or which one is selected."""
        count = self.tr("%1 sale(s)").replace("%1", str(len(self.sales)))
        if self.selected is None:
            self.status.setText(count)
            return
        row = next((i for i, s in enumerate(self.sales)
                    if s.order_id == self.selected.order_id), 0)
        self.status.setText(self.tr("Sale %1 of %2: order %3, %4")
                            .replace("%1", str(row + 1)).replace("%2", str(len(self.sales)))
                            .replace("%3", self.selected.order_id)
                            .replace("%4", state_label(self.selected.state, self.selected.late)))

    def _selection_changed(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        row = rows.pop() if len(rows) == 1 else None
        self.selected = self.sales[row] if row is not None else None
        self.selected_lane = self.lanes[row] if row is not None and self.lanes else None
        self.refundable_cents = 0
        self.unknown_refund = None
        self._update_buttons()
        self._show_status()
        if self.selected is None:
            self.detail.setText("")
            return
        if self.bridge.closed:  # the terminal is closing: its table empties as it is deleted
            return
        if self._elsewhere() and self.selected_lane is not None:
            self.bridge.run_store("sale_detail", self.port.store_sale_detail,
                                  self.selected_lane.terminal_id, self.selected.order_id,
                                  on_done=self._show_detail, on_error=self._store_failed)
            return
        self.bridge.run(self.port.sale_detail, self.selected.order_id,
                        on_done=self._show_detail, on_error=self._show_error)

    def _elsewhere(self) -> bool:
        """The selected sale was made at another lane: known from the store, or in this lane's
        journal only because this lane refunded it."""
        if self.selected is not None and self.selected.lane is not None:
            return True
        return self.selected_lane is not None and \
            self.selected_lane.terminal_id != self.port.lane_id

    def _show_detail(self, detail: SaleDetail) -> None:
        sale, refunds, refundable = detail.sale, detail.refunds, detail.refundable_cents
        if self.selected is None or sale.order_id != self.selected.order_id:
            return
        self.selected = sale
        self.refundable_cents = refundable
        self.unknown_refund = next((r for r in refunds if r.state in ("pending", "unknown")),
                                   None)
        lane = sale.lane_name or sale.lane  # another lane's sale this lane refunded
        if self._elsewhere() and self.selected_lane is not None:
            lane = self.selected_lane.name or self.selected_lane.terminal_id
        lines = [self.tr("Sold at lane %1").replace("%1", lane)] if lane else []
        lines += [
            self.tr("Order %1 · %2 · %3").replace("%1", sale.order_id)
            .replace("%2", wallet_label(sale.wallet)).replace("%3", state_label(sale.state,
                                                                                sale.late)),
            self.tr("Amount %1 + tip %2 = %3").replace("%1", self._money(sale.amount_cents))
            .replace("%2", self._money(sale.tip_cents))
            .replace("%3", self._money(sale.total_cents)),
            self.tr("Gateway order %1 · operator %2").replace("%1", sale.bizpay_order_id or "-")
            .replace("%2", self.operator_name(sale.operator_id) or "-"),
        ]
        for refund in refunds:
            lines.append(self.tr("Refund %1: %2 (%3)").replace("%1", refund.refund_id)
                         .replace("%2", self._money(refund.amount_cents))
                         .replace("%3", refund_state_label(refund)))
        if sale.is_paid:
            lines.append(self.tr("Refundable: %1").replace("%1", self._money(refundable)))
        self.detail.setText("\n".join(lines))
        self._update_buttons()

    def _update_buttons(self) -> None:
        sale = self.selected
        paid = sale is not None and sale.is_paid
        here = not self._elsewhere()  # its receipt and its late payment belong to its lane
        unresolved_late = here and paid and sale.late and sale.late_resolution is None
        self.reprint_button.setEnabled(here and paid and self.print_receipt is not None)
        self.refund_button.setEnabled(paid and self.refundable_cents > 0)
        self.keep_late_button.setEnabled(bool(unresolved_late))
        self.refund_late_button.setEnabled(bool(unresolved_late))
        # a refund is released where it is journaled: at the lane of the sale
        self.release_button.setEnabled(here and self.unknown_refund is not None)

    # --- actions ---------------------------------------------------------------------------
    def reprint(self) -> None:
        if self.selected is None or self.print_receipt is None:
            return
        order_id = self.selected.order_id
        self.bridge.run(self.print_receipt, order_id, reprint=True,
                        on_done=lambda _: self.notice.setText(
                            self.tr("Receipt for %1 sent to the printer.").replace("%1",
                                                                                   order_id)),
                        on_error=self._show_error)

    def ask_refund(self) -> RefundDialog | None:
        if self.selected is None or self.refundable_cents <= 0:
            return None
        order_id = self.selected.order_id
        dialog = RefundDialog(self.manager_check, self.bridge, self.refundable_cents, self,
                              currency=self.currency)
        dialog.verified.connect(weak_slot(self._refund_verified, order_id, dialog))
        dialog.open()
        return dialog

    def _refund_verified(self, order_id: str, dialog: RefundDialog, manager: Operator) -> None:
        self._refund(order_id, dialog.amount_cents, manager)

    def _refund(self, order_id: str, amount_cents: int | None, manager: Operator) -> None:
        self.notice.setText(self.tr("Refunding…"))
        self.bridge.run(self.port.refund, order_id, amount_cents,
                        operator_id=manager.operator_id, on_done=self._refunded,
                        on_error=self._refund_refused)

    def _refund_refused(self, exc: BaseException) -> None:
        if isinstance(exc, StoreUnreachableError):
            text = self.tr("The store database cannot be reached, so only sales made at this "
                           "lane can be refunded now.")
        elif isinstance(exc, (StoreRefusedError, StoreSaleNotFoundError)):
            text = self._store_refusal(exc.refusal) or str(exc)
        else:
            self._show_error(exc)
            return
        self.status.setText("")
        self.notice.setText(text)

    def _store_refusal(self, refusal: StoreRefusal) -> str:
        """The store's refusal of a refund in the interface language ("" for an unknown kind)."""
        order = refusal.order_id
        texts = {
            "upgrading": self.tr("The store database is being upgraded, so only sales made at "
                                 "this lane can be refunded now; try again in a few minutes."),
            "locked": self.tr("Another lane is refunding sale %1 right now; try again in a "
                              "moment.").replace("%1", order),
            "nothing_left": self.tr("Sale %1 has nothing left to refund.").replace("%1", order),
            "over_refund": self.tr("Cannot refund %1: only %2 of sale %3 remains refundable.")
            .replace("%1", self._money(refusal.amount_cents or 0))
            .replace("%2", self._money(refusal.remaining_cents or 0)).replace("%3", order),
            "ambiguous": self.tr("Order id %1 was used by more than one lane; refund it at the "
                                 "lane that made the sale.").replace("%1", order),
            "not_paid": self.tr("Sale %1 is %2; only paid sales can be refunded.")
            .replace("%1", order).replace("%2", state_label(refusal.state or "")),
            "not_found": self.tr("No sale with order id %1 at this lane or in the store "
                                 "database; a lane's newest sales appear there once it has "
                                 "shipped them.").replace("%1", order),
            "other_merchant": self.tr("Sale %1 was made at %2 under another OTT Pay merchant, "
                                      "so only a lane of that merchant can refund it.")
            .replace("%1", order).replace("%2", refusal.lane or ""),
        }
        text = texts.get(refusal.kind, "")
        for lane, cents in refusal.reserving if text else ():
            text += self.tr(" %1 of it is held by a refund at %2 (being sent, or done and not "
                            "yet shipped to the store).") \
                .replace("%1", self._money(cents)).replace("%2", lane)
        return text

    def _not_sent(self, amount: str, reason: str) -> str:
        """A refund that never left the terminal; nothing was refunded."""
        if reason.startswith(CERTIFICATE_NOT_VERIFIED):
            return self.tr("The refund of %1 was not sent, so nothing was refunded: the "
                           "gateway's TLS certificate could not be verified; trust the "
                           "certificate authority that signed it with [ottpay] ca_bundle.") \
                .replace("%1", amount)
        return self.tr("The refund of %1 was not sent to the gateway; nothing was refunded.") \
            .replace("%1", amount)

    def _refunded(self, refund: Any) -> None:
        amount = self._money(refund.amount_cents)
        unsent = not_sent_reason(refund.rsp_code, refund.rsp_msg)
        if refund.state == "succeeded":
            text = self.tr("Refunded %1.").replace("%1", amount)
            if self.print_refund is not None:
                self.bridge.run(self.print_refund, refund.refund_id, on_error=self._show_error)
        elif refund.state == "failed" and unsent is not None:
            text = self._not_sent(amount, unsent)
        elif refund.state == "failed":
            text = self.tr("The gateway refused the refund of %1: %2").replace("%1", amount) \
                .replace("%2", refund.rsp_msg or refund.rsp_code or "")
        else:
            text = self.tr("Refund of %1 sent; its confirmation is being checked.").replace(
                "%1", amount)
        self.notice.setText(text)
        self.reload()

    def ask_resolve_late(self, action: str) -> PinDialog | None:
        if self.selected is None:
            return None
        order_id = self.selected.order_id
        prompt = (self.tr("Manager's PIN to keep this late payment:") if action == "keep"
                  else self.tr("Manager's PIN to refund this late payment:"))
        dialog = PinDialog(self.manager_check, self.bridge, prompt, self)
        dialog.verified.connect(weak_slot(self._resolve_late, order_id, action))
        dialog.open()
        return dialog

    def _resolve_late(self, order_id: str, action: str, _manager: Operator) -> None:
        self.bridge.run(self.port.resolve_late, order_id, action,
                        on_done=lambda _sale: self.reload(), on_error=self._show_error)

    def ask_release_refund(self) -> PinDialog | None:
        """A manager counts the selected sale's unanswered refund as failed, so its money can be
        refunded again: the manager's PIN, then the warning and a confirmation."""
        refund = self.unknown_refund
        if refund is None:
            return None
        dialog = PinDialog(self.manager_check, self.bridge,
                           self.tr("Manager's PIN to release refund %1 of %2:")
                           .replace("%1", refund.refund_id)
                           .replace("%2", self._money(refund.amount_cents)), self)
        dialog.verified.connect(weak_slot(self._confirm_release, refund))
        dialog.open()
        return dialog

    def _confirm_release(self, refund: Any, manager: Operator) -> None:
        self.release_question = ask(
            self, self.tr("Release refund"), release_warning(),
            go=self.tr("Release the refund"), stay=self.tr("Keep waiting"),
            on_go=lambda: self._release(refund.refund_id, manager),
            icon=QMessageBox.Icon.Warning)

    def _release(self, refund_id: str, manager: Operator) -> None:
        self.notice.setText(self.tr("Asking the gateway once more…"))
        self.bridge.run(self.port.release_refund, refund_id, operator_id=manager.operator_id,
                        on_done=self._released, on_error=self._show_error)

    def _released(self, refund: Any) -> None:
        amount = self._money(refund.amount_cents)
        if refund.state == "failed" and refund.recheck_until is not None:
            text = self.tr("Refund %1 released: its %2 can be refunded again. The terminal keeps "
                           "asking the gateway about it.")
        elif refund.state == "succeeded":
            text = self.tr("The gateway answered after all: refund %1 of %2 was paid out; "
                           "nothing was released.")
        else:
            text = self.tr("The gateway answered after all: refund %1 of %2 failed; its money "
                           "can be refunded again.")
        self.notice.setText(text.replace("%1", refund.refund_id).replace("%2", amount))
        self.reload()
