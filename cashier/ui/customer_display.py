"""The window the customer sees: shop name when idle, the amount, the QR to pay, the result.

It goes full screen on the second screen when one is connected, otherwise it is an ordinary
resizable window (a counter with one screen can still put it on a small monitor by hand).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from cashier.money import format_cents, format_money
from cashier.ui.qrwidget import QrWidget
from cashier.ui.style import STYLE_SHEET


def _label(parent: QWidget, size: int, *, bold: bool = False, name: str = "") -> QLabel:
    label = QLabel("", parent)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSize(size)
    font.setBold(bold)
    label.setFont(font)
    if name:
        label.setObjectName(name)
    return label


class CustomerDisplay(QWidget):
    """Pages: ``idle``, ``amount``, ``qr``, ``result``. ``page`` names the one showing."""

    def __init__(self, shop_name: str = "", *, currency: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("Customer display"))
        self.setStyleSheet(STYLE_SHEET)
        self.shop_name = shop_name
        self.currency = currency
        self._cny_fen: int | None = None
        self.stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

        self.idle_page = QWidget()
        idle = QVBoxLayout(self.idle_page)
        self.shop_label = _label(self.idle_page, 36, bold=True, name="shop_name")
        self.welcome_label = _label(self.idle_page, 20)
        idle.addStretch(1)
        idle.addWidget(self.shop_label)
        idle.addWidget(self.welcome_label)
        idle.addStretch(1)

        self.amount_page = QWidget()
        amount = QVBoxLayout(self.amount_page)
        self.amount_caption = _label(self.amount_page, 20)
        self.amount_label = _label(self.amount_page, 60, bold=True, name="amount")
        self.cny_label = _label(self.amount_page, 20, name="cny")
        self.amount_note = _label(self.amount_page, 18)
        amount.addStretch(1)
        for widget in (self.amount_caption, self.amount_label, self.cny_label, self.amount_note):
            amount.addWidget(widget)
        amount.addStretch(1)

        self.qr_page = QWidget()
        qr = QVBoxLayout(self.qr_page)
        self.qr_caption = _label(self.qr_page, 22, bold=True, name="qr_caption")
        self.qr_amount = _label(self.qr_page, 36, bold=True)
        self.qr_cny = _label(self.qr_page, 18)
        self.qr = QrWidget(parent=self.qr_page)
        qr.addWidget(self.qr_caption)
        qr.addWidget(self.qr_amount)
        qr.addWidget(self.qr_cny)
        qr.addWidget(self.qr, 1)

        self.result_page = QWidget()
        result = QVBoxLayout(self.result_page)
        self.result_title = _label(self.result_page, 48, bold=True, name="result_title")
        self.result_detail = _label(self.result_page, 24)
        result.addStretch(1)
        result.addWidget(self.result_title)
        result.addWidget(self.result_detail)
        result.addStretch(1)

        self._pages = {"idle": self.idle_page, "amount": self.amount_page, "qr": self.qr_page,
                       "result": self.result_page}
        for page in self._pages.values():
            self.stack.addWidget(page)
        self.show_idle()

    @property
    def page(self) -> str:
        current = self.stack.currentWidget()
        return next(name for name, widget in self._pages.items() if widget is current)

    def _money(self, cents: int) -> str:
        return format_money(cents, self.currency)

    def _cny_text(self) -> str:
        if self._cny_fen is None:
            return ""
        return self.tr("≈ CNY %1").replace("%1", format_cents(self._cny_fen, thousands=True))

    # --- what the sale screen calls --------------------------------------------------------
    def show_idle(self) -> None:
        self.shop_label.setText(self.shop_name)
        self.welcome_label.setText(self.tr("Welcome"))
        self.qr.set_data(None)
        self._cny_fen = None
        self.stack.setCurrentWidget(self.idle_page)

    def show_amount(self, total_cents: int, *, note: str = "") -> None:
        """The amount to pay (while the cashier scans or waits for confirmation)."""
        self.amount_caption.setText(self.tr("Amount to pay"))
        self.amount_label.setText(self._money(total_cents))
        self.cny_label.setText(self._cny_text())
        self.amount_note.setText(note)
        self.stack.setCurrentWidget(self.amount_page)

    def show_qr(self, total_cents: int, code_url: str, wallet_label: str) -> None:
        self.qr_caption.setText(self.tr("Scan with %1 to pay").replace("%1", wallet_label))
        self.qr_amount.setText(self._money(total_cents))
        self.qr_cny.setText(self._cny_text())
        self.qr.set_data(code_url)
        self.stack.setCurrentWidget(self.qr_page)

    def show_result(self, paid: bool, total_cents: int, detail: str = "") -> None:
        self.qr.set_data(None)
        if paid:
            self.result_title.setText(self.tr("Paid — thank you!"))
            self.result_title.setStyleSheet("color: #2e7d32;")
        else:
            self.result_title.setText(self.tr("Payment not completed"))
            self.result_title.setStyleSheet("color: #c62828;")
        self.result_detail.setText(self._money(total_cents) + (f"\n{detail}" if detail else ""))
        self.stack.setCurrentWidget(self.result_page)

    def set_cny(self, fen: int | None) -> None:
        """The CNY equivalent of the amount showing (``None`` hides the line)."""
        self._cny_fen = fen
        text = self._cny_text()
        self.cny_label.setText(text)
        self.qr_cny.setText(text)

    def place(self, preference: int | str | None = None) -> None:
        """Full screen on the customer's screen, else an ordinary resizable window.

        ``preference`` is the ``[display] screen`` setting: an index into the screen list or a
        screen name; by default the first screen that is not the cashier's (primary) one.
        """
        screen = choose_screen(preference)
        if screen is None:
            self.resize(640, 480)
            self.showNormal()
            return
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()


def choose_screen(preference: int | str | None = None) -> QScreen | None:
    """The customer's screen, or ``None`` when only the cashier's screen is there."""
    screens = QGuiApplication.screens()
    primary = QGuiApplication.primaryScreen()
    chosen: QScreen | None = None
    if isinstance(preference, int) and 0 <= preference < len(screens):
        chosen = screens[preference]
    elif isinstance(preference, str) and preference:
        chosen = next((s for s in screens if s.name() == preference), None)
    if chosen is None:
        chosen = next((s for s in screens if s is not primary), None)
    return None if chosen is None or chosen is primary else chosen
