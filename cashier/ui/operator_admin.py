"""Operators in the window: a manager lists, adds and removes who may use the terminal.

Reached behind the manager's PIN (``ask_operator_admin``, or the Settings window, which is
already behind it). PINs go straight to ``OperatorStore`` (only their hash is kept); adding and
removing run through the bridge because PIN hashes are slow by design. Bad input is refused
with a sentence and changes nothing, and the last manager cannot be removed here: without one,
nobody could open Settings or this list again (``cashier operators`` can still do it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cashier.operators import Operator, OperatorError, OperatorStore
from cashier.ui.bridge import Bridge
from cashier.ui.pin_dialog import PinDialog
from cashier.ui.style import touch_rows


class LastManagerError(OperatorError):
    """Removing this operator would leave no manager."""


def remove_operator(store: OperatorStore, name: str) -> Operator:
    """``store.remove(name)`` unless that would leave no manager (worker thread)."""
    operator = next((o for o in store.operators if o.name == name.strip()), None)
    if operator is not None and operator.is_manager and not any(
            o.is_manager and o is not operator for o in store.operators):
        raise LastManagerError(name)
    return store.remove(name)


class OperatorAdmin(QWidget):
    """The operator list with an add form and a remove button; ``changed`` after each change."""

    changed = Signal()

    def __init__(self, store: OperatorStore, bridge: Bridge,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.bridge = bridge
        self._busy = False
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("operator_list")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Operator id"), self.tr("Role")])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        touch_rows(self.table)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.remove_button = QPushButton(self.tr("Remove selected"), self)
        self.remove_button.setObjectName("operator_remove")
        self.remove_button.clicked.connect(self.remove_selected)

        self.name = QLineEdit(self)
        self.name.setObjectName("operator_name")
        self.operator_id = QLineEdit(self)
        self.operator_id.setObjectName("operator_id")
        self.operator_id.setPlaceholderText("0000020156")
        self.operator_id.setMaxLength(10)
        self.pin = QLineEdit(self)
        self.pin.setObjectName("operator_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin_again = QLineEdit(self)
        self.pin_again.setObjectName("operator_pin_again")
        self.pin_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_again.setMaxLength(8)
        self.manager = QCheckBox(self.tr("Manager (refunds, Z report, settings, operators)"),
                                 self)
        self.manager.setObjectName("operator_manager")
        self.add_button = QPushButton(self.tr("Add operator"), self)
        self.add_button.setObjectName("operator_add")
        self.add_button.clicked.connect(self.add)
        self.message = QLabel("", self)
        self.message.setObjectName("operator_message")
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("OTT Pay operator id (10 digits)"), self.operator_id)
        form.addRow(self.tr("PIN (4-8 digits)"), self.pin)
        form.addRow(self.tr("PIN again"), self.pin_again)
        form.addRow("", self.manager)
        form.addRow("", self.add_button)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.reload()

    def reload(self) -> None:
        operators = self.store.operators
        self.table.setRowCount(len(operators))
        for row, operator in enumerate(operators):
            role = self.tr("Manager") if operator.is_manager else self.tr("Cashier")
            for column, text in enumerate((operator.name, operator.operator_id, role)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, operator.name)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.remove_button.setEnabled(bool(operators) and not self._busy)

    def names(self) -> list[str]:
        return [o.name for o in self.store.operators]

    # --- changes -----------------------------------------------------------------------------
    def add(self) -> None:
        """Check what can be checked at once, then add on a worker (the PIN is hashed)."""
        if self._busy:
            return
        if self.pin.text() != self.pin_again.text():
            self._say(self.tr("The two PINs differ; nothing was changed."), error=True)
            return
        role = "manager" if self.manager.isChecked() else "cashier"
        self._run(self.store.add, self.name.text(), self.operator_id.text(), role,
                  self.pin.text(), done=self._added)

    def _added(self, operator: Operator) -> None:
        for edit in (self.name, self.operator_id, self.pin, self.pin_again):
            edit.clear()
        self.manager.setChecked(False)
        self._say(self.tr("Added %1.").replace("%1", operator.name))

    def remove_selected(self) -> None:
        if self._busy:
            return
        items = self.table.selectedItems()
        if not items:
            self._say(self.tr("Select the operator to remove."), error=True)
            return
        name = items[0].data(Qt.ItemDataRole.UserRole)
        self._run(remove_operator, self.store, name, done=self._removed)

    def _removed(self, operator: Operator) -> None:
        self._say(self.tr("Removed %1.").replace("%1", operator.name))

    def _run(self, fn: Callable[..., Operator], *args: object,
             done: Callable[[Operator], None]) -> None:
        self._set_busy(True)
        self._say(self.tr("Saving…"))

        def finished(result: Operator) -> None:
            self._set_busy(False)
            self.reload()
            done(result)
            self.changed.emit()

        self.bridge.run(fn, *args, on_done=finished, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.reload()
        self._say(self._refusal(exc), error=True)

    def _refusal(self, exc: BaseException) -> str:
        """The store's reasons in the interface language; nothing was changed."""
        if isinstance(exc, LastManagerError):
            return self.tr("%1 is the last manager; add another manager before removing them.")\
                .replace("%1", str(exc))
        text = str(exc)
        known = {
            "A PIN is 4 to 8 digits.": self.tr("A PIN is 4 to 8 digits."),
            "An operator needs a name and an OTT Pay operator id.":
                self.tr("An operator needs a name and an OTT Pay operator id."),
            "That PIN is already used by another operator; choose another.":
                self.tr("That PIN is already used by another operator; choose another."),
        }
        if text in known:
            return known[text]
        if "is not an OTT Pay operator id" in text:
            return self.tr("The operator id must be 10 digits, like 0000020156.")
        if " exists." in text:
            return self.tr("An operator with that name or operator id exists already.")
        return text

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #c62828; font-weight: bold;" if error else "")
        self.message.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.add_button.setEnabled(not busy)
        self.remove_button.setEnabled(not busy and self.table.rowCount() > 0)


class OperatorAdminDialog(QDialog):
    """``OperatorAdmin`` in its own window."""

    def __init__(self, store: OperatorStore, bridge: Bridge,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Operators"))
        self.admin = OperatorAdmin(store, bridge, self)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.admin, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)


def ask_operator_admin(store: OperatorStore, bridge: Bridge,
                       parent: QWidget | None = None) -> PinDialog:
    """Ask for a manager's PIN, then open the operators window (an ``OperatorAdminDialog``
    child of ``parent``)."""
    prompt = QCoreApplication.translate("OperatorAdmin", "Manager's PIN to change operators:")
    dialog = PinDialog(store.verify_manager, bridge, prompt, parent)

    def open_admin(_manager: Operator) -> None:
        # the parent is looked up, not captured: this slot must not own the dialog's owner
        # (see cashier.ui.slots)
        admin = OperatorAdminDialog(store, bridge, dialog.parentWidget())
        admin.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        admin.show()

    dialog.verified.connect(open_admin)
    dialog.open()
    return dialog
