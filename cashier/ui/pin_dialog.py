"""Ask for a PIN (a manager's, for refunds, the Z report and settings) without freezing the screen.

PIN hashes are deliberately slow to check, so the check runs through the bridge; the dialog
emits ``verified(operator)`` on success and says "wrong PIN" otherwise, changing nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from cashier.ui.bridge import Bridge
from cashier.ui.keypad import Keypad
from cashier.ui.operators import Operator

PinCheck = Callable[[str], Operator | None]


class PinDialog(QDialog):
    """A masked PIN field with a keypad; ``verified`` carries the operator whose PIN it was."""

    verified = Signal(object)

    def __init__(self, check: PinCheck, bridge: Bridge, prompt: str,
                 parent: QWidget | None = None, *, wrong: str | None = None) -> None:
        super().__init__(parent)
        self._wrong = wrong or self.tr("Wrong PIN, or not a manager's PIN.")
        self.setWindowTitle(self.tr("PIN"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one is made per question
        self._check = check
        self._bridge = bridge
        self.prompt = QLabel(prompt, self)
        self.prompt.setWordWrap(True)
        self.pin = QLineEdit(self)
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.message = QLabel("", self)
        self.message.setObjectName("pin_message")
        self.message.setStyleSheet("color: #c62828; font-weight: bold;")
        keypad = Keypad(self)
        keypad.buttons["."].setEnabled(False)
        keypad.key_pressed.connect(self._key)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.pin.returnPressed.connect(self.submit)
        layout = QVBoxLayout(self)
        for widget in (self.prompt, self.pin, self.message, keypad, self.buttons):
            layout.addWidget(widget)
        self.pin.setFocus(Qt.FocusReason.OtherFocusReason)

    def _key(self, key: str) -> None:
        if key == "back":
            self.pin.backspace()
        elif key == "clear":
            self.pin.clear()
        elif key.isdigit():
            self.pin.insert(key)

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
