"""Ask for a PIN (a manager's, for refunds, the Z report and settings) without freezing the screen.

PIN hashes are deliberately slow to check, so the check runs through the bridge; the dialog
emits ``verified(operator)`` on success and says "wrong PIN" otherwise, changing nothing.
The on-screen keypad types into whichever of the dialog's fields was last focused, so a
touch-only manager can fill every field (``add_field``) without a keyboard.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from cashier.operators import Operator
from cashier.ui.bridge import Bridge
from cashier.ui.keypad import Keypad

PinCheck = Callable[[str], Operator | None]


class PinDialog(QDialog):
    """A masked PIN field with a keypad; ``verified`` carries the operator whose PIN it was."""

    verified = Signal(object)

    def __init__(self, check: PinCheck, bridge: Bridge, prompt: str,
                 parent: QWidget | None = None, *, wrong: str | None = None) -> None:
        super().__init__(parent)
        self._wrong = wrong or self.tr("Wrong PIN, or not a manager's PIN.")
        self.setWindowTitle(self.tr("PIN"))
        # one is made per question; connect its signals through cashier.ui.slots.weak_slot
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._check = check
        self._bridge = bridge
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.pin = QLineEdit(self)
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.prompt.setBuddy(self.pin)
        self.message = QLabel("", self)
        self.message.setObjectName("pin_message")
        self.message.setStyleSheet("color: #c62828; font-weight: bold;")
        self.keypad = Keypad(self)
        self.keypad.key_pressed.connect(self._key)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.pin.returnPressed.connect(self.submit)
        self.fields = QVBoxLayout()  # label and field pairs; the PIN is the last one
        self.fields.addWidget(self.prompt)
        self.fields.addWidget(self.pin)
        layout = QVBoxLayout(self)
        layout.addLayout(self.fields)
        for widget in (self.message, self.keypad, self.buttons):
            layout.addWidget(widget)
        self._decimal_fields: set[QLineEdit] = set()
        self._typing_into = self.pin
        self.pin.installEventFilter(self)
        self._focus(self.pin)

    def add_field(self, caption: str, field: QLineEdit, *, decimal: bool = False) -> QLabel:
        """Put a labelled field above the PIN; the keypad types into it while it has focus
        (``decimal``: its "." key works there)."""
        label = QLabel(caption, self)
        label.setWordWrap(True)
        label.setBuddy(field)
        at = self.fields.indexOf(self.prompt)
        self.fields.insertWidget(at, field)
        self.fields.insertWidget(at, label)
        if decimal:
            self._decimal_fields.add(field)
        field.installEventFilter(self)
        self._focus(field)
        return label

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.FocusIn and isinstance(obj, QLineEdit):
            self._typing_into = obj
            self.keypad.buttons["."].setEnabled(obj in self._decimal_fields)
        return super().eventFilter(obj, event)

    def _focus(self, field: QLineEdit) -> None:
        field.setFocus(Qt.FocusReason.OtherFocusReason)
        self._typing_into = field  # FocusIn only comes once the dialog is shown
        self.keypad.buttons["."].setEnabled(field in self._decimal_fields)

    def _key(self, key: str) -> None:
        field = self._typing_into
        if key == "back":
            field.backspace()
        elif key == "clear":
            field.clear()
        elif key.isdigit() or (key == "." and field in self._decimal_fields):
            field.insert(key)

    def submit(self) -> None:
        pin = self.pin.text()
        if not pin:
            self.message.setText(self.tr("Enter the PIN."))
            return
        self.buttons.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        self._bridge.run(self._check, pin, on_done=self._checked, on_error=self._failed)

    def _checked(self, operator: Operator | None) -> None:
        self.buttons.setEnabled(True)
        if operator is None:
            self.pin.clear()
            self.message.setText(self._wrong)
            return
        self.message.setText("")
        self.verified.emit(operator)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(str(exc))
