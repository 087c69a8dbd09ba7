"""Amount entry: a big display, an on-screen keypad and the physical keys, in integer cents.

``AmountBuffer`` holds what the cashier typed and refuses keys that could never make a valid
amount (a second ``.``, a third decimal, more than the maximum), each with a sentence; the final
value always goes through ``cashier.money.parse_amount``. No float is ever involved.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from cashier.money import (
    DEFAULT_MAX_CENTS,
    AmountError,
    currency_prefix,
    format_cents,
    parse_amount,
)

translate = QCoreApplication.translate

# Keypad keys; "back", "clear" and "enter" are the named ones.
DIGITS = tuple("0123456789")
_KEY_LAYOUT = (
    ("7", "8", "9"),
    ("4", "5", "6"),
    ("1", "2", "3"),
    (".", "0", "back"),
)


class AmountBuffer:
    """The text of one amount being typed; ``press`` returns a refusal sentence or ``None``."""

    def __init__(self, *, max_cents: int = DEFAULT_MAX_CENTS, allow_zero: bool = False) -> None:
        self.max_cents = max_cents
        self.allow_zero = allow_zero
        self.text = ""

    def press(self, key: str) -> str | None:
        if key == "back":
            self.text = self.text[:-1]
            return None
        if key == "clear":
            self.text = ""
            return None
        if key == ".":
            if "." in self.text:
                return translate("AmountEntry", "The amount already has a decimal point.")
            self.text = (self.text or "0") + "."
            return None
        if key not in DIGITS:
            return translate("AmountEntry", "Only digits and a decimal point can be typed here.")
        if "." in self.text and len(self.text.split(".", 1)[1]) >= 2:
            return translate("AmountEntry", "Amounts have at most two decimals.")
        candidate = key if self.text == "0" else self.text + key
        if self._cents_of(candidate) > self.max_cents:
            return translate("AmountEntry", "The amount cannot be above %1.").replace(
                "%1", format_cents(self.max_cents)
            )
        self.text = candidate
        return None

    def cents(self) -> int:
        """The amount in cents through ``parse_amount``; raises ``AmountError`` with a sentence."""
        text = self.text or ("0" if self.allow_zero else "")
        if not text.strip():
            raise AmountError(translate("AmountEntry", "Enter an amount, for example 12.34."))
        if self._cents_of(text) == 0 and not self.allow_zero:
            raise AmountError(
                translate("AmountEntry", "The amount is zero; enter an amount above 0.00.")
            )
        return parse_amount(text.rstrip(".") or "0", max_cents=self.max_cents,
                            allow_zero=self.allow_zero)

    def display(self) -> str:
        return self.text or "0.00"

    @staticmethod
    def _cents_of(text: str) -> int:
        units, _, frac = text.partition(".")
        return int(units or "0") * 100 + int(frac.ljust(2, "0")[:2] or "0")


class Keypad(QWidget):
    """Big touch-friendly buttons; ``key_pressed`` gets a digit, ``.``, ``back`` or ``clear``."""

    key_pressed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(6)
        self.buttons: dict[str, QPushButton] = {}
        for row, keys in enumerate(_KEY_LAYOUT):
            for col, key in enumerate(keys):
                label = "⌫" if key == "back" else key
                self._add(grid, key, label, row, col)
        self._add(grid, "clear", self.tr("Clear"), 4, 0, span=3)

    def _add(self, grid: QGridLayout, key: str, label: str, row: int, col: int,
             span: int = 1) -> None:
        button = QPushButton(label, self)
        button.setObjectName(f"key_{key}")
        button.setProperty("role", "key")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the entry, not the button
        button.setMinimumSize(64, 56)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        font = button.font()
        font.setPointSize(20)
        button.setFont(font)
        button.clicked.connect(lambda _=False, k=key: self.key_pressed.emit(k))
        grid.addWidget(button, row, col, 1, span)
        self.buttons[key] = button


class AmountField(QFrame):
    """One labelled amount display (sale amount or tip); clicking it makes it the active field."""

    clicked = Signal()

    def __init__(self, caption: str, *, big: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.caption = QLabel(caption, self)
        self.value = QLabel("0.00", self)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = self.value.font()
        font.setPointSize(40 if big else 22)
        font.setBold(True)
        self.value.setFont(font)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set_active(self, active: bool) -> None:
        self.setStyleSheet("AmountField { border: 3px solid #1565c0; }" if active else "")

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.clicked.emit()
        super().mousePressEvent(event)


class AmountEntry(QWidget):
    """Sale amount and tip with keypad and physical keys.

    Digits and ``.`` type, Backspace deletes, Esc clears the active field (then the other),
    Tab switches between amount and tip, Enter emits ``confirmed(amount_cents, tip_cents)`` when
    both are valid, otherwise shows why and changes nothing.
    """

    confirmed = Signal(int, int)
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, max_cents: int = DEFAULT_MAX_CENTS,
                 currency: str = "", tips: bool = True) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.amount = AmountBuffer(max_cents=max_cents)
        self.tip = AmountBuffer(max_cents=max_cents, allow_zero=True)
        self.currency = currency
        self._active = self.amount

        self.amount_field = AmountField(self.tr("Amount"), big=True, parent=self)
        self.tip_field = AmountField(self.tr("Tip"), big=False, parent=self)
        self.tip_field.setVisible(tips)
        self.amount_field.clicked.connect(lambda: self.set_active_field("amount"))
        self.tip_field.clicked.connect(lambda: self.set_active_field("tip"))
        self.total = QLabel("", self)  # amount + tip: what the customer will be charged
        self.total.setObjectName("amount_total")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        font = self.total.font()
        font.setPointSize(22)
        font.setBold(True)
        self.total.setFont(font)
        self.total.setVisible(tips)
        self.message = QLabel("", self)
        self.message.setObjectName("amount_message")
        self.message.setStyleSheet("color: #c62828; font-weight: bold;")
        self.message.setWordWrap(True)
        self.keypad = Keypad(self)
        self.keypad.key_pressed.connect(self.press)

        fields = QHBoxLayout()
        fields.addWidget(self.amount_field, 3)
        fields.addWidget(self.tip_field, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(fields)
        layout.addWidget(self.total)
        layout.addWidget(self.message)
        layout.addWidget(self.keypad, 1)
        self._refresh()

    # --- the API the main window uses -------------------------------------------------------
    def press(self, key: str) -> None:
        """Apply one key (digit, ``.``, ``back``, ``clear``, ``enter``, ``tip``)."""
        if key == "enter":
            self.confirm()
            return
        if key == "tip":
            self.set_active_field("amount" if self._active is self.tip else "tip")
            return
        refusal = self._active.press(key)
        self.message.setText(refusal or "")
        self._refresh()
        self.changed.emit()

    def values(self) -> tuple[int, int]:
        """``(amount_cents, tip_cents)``; raises ``AmountError`` and shows the reason if invalid."""
        try:
            amount = self.amount.cents()
        except AmountError as exc:
            self.set_active_field("amount")
            self.message.setText(str(exc))
            raise
        try:
            tip = self.tip.cents()
        except AmountError as exc:
            self.set_active_field("tip")
            self.message.setText(str(exc))
            raise
        self.message.setText("")
        return amount, tip

    def has_amount(self) -> bool:
        """An amount above zero is keyed (the tip may still be wrong: ``values`` says)."""
        try:
            return self.amount.cents() > 0
        except AmountError:
            return False

    def confirm(self) -> None:
        try:
            amount, tip = self.values()
        except AmountError:
            return
        self.confirmed.emit(amount, tip)

    def clear(self) -> None:
        """A fresh sale: both fields empty, amount active, no message."""
        self.amount.text = ""
        self.tip.text = ""
        self.message.setText("")
        self.set_active_field("amount")
        self.changed.emit()

    def set_active_field(self, which: str) -> None:
        self._active = self.tip if which == "tip" else self.amount
        self._refresh()

    @property
    def active_field(self) -> str:
        return "tip" if self._active is self.tip else "amount"

    # --- Qt plumbing -------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = key_name(event)
        if key is None:
            super().keyPressEvent(event)
            return
        if key == "escape":
            if self._active.text:
                self.press("clear")
            else:
                self.clear()
            return
        self.press(key)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802,A002 (Qt API)
        self.press("tip")  # Tab switches field instead of leaving the entry
        return True

    def _refresh(self) -> None:
        prefix = currency_prefix(self.currency)
        self.amount_field.value.setText(prefix + self.amount.display())
        self.tip_field.value.setText(prefix + self.tip.display())
        try:
            total = format_cents(self.amount.cents() + self.tip.cents(), thousands=True)
        except AmountError:
            total = "—"
        self.total.setText(self.tr("Total %1").replace("%1", prefix + total))
        self.amount_field.set_active(self._active is self.amount)
        self.tip_field.set_active(self._active is self.tip)


def key_name(event: QKeyEvent) -> str | None:
    """The keypad name of a physical key, or ``None`` for keys the entry does not use."""
    key = event.key()
    named = {
        Qt.Key.Key_Backspace: "back",
        Qt.Key.Key_Delete: "back",
        Qt.Key.Key_Return: "enter",
        Qt.Key.Key_Enter: "enter",
        Qt.Key.Key_Escape: "escape",
        Qt.Key.Key_Period: ".",
        Qt.Key.Key_Comma: ".",
    }
    if key in named:
        return named[key]
    text = event.text()
    if len(text) == 1 and text in DIGITS:
        return text
    return None
