"""The sale screen: key the amount, scan or show a QR, wait, see an unmistakable result.

States (pages of one stack): ``entry`` -> ``waiting`` -> ``result`` -> a fresh ``entry``.
Every core call goes through the bridge to a ``SaleController``; core events (sale updates,
late payments) arrive as Qt signals from ``CoreEvents``. A banner area above the pages keeps
problems (late payments, printer, scanner) in sight until they are resolved.

The module is long because it is one state machine: which page shows, what each key, scan and
button may do in each state (a scan is a payment on the entry page, a retry on a declined
result, ignored elsewhere), and what a question (stop waiting, close, large amount) does to
the state. Splitting the pages from the transitions would scatter those rules. Banners
(``banners``), questions (``questions``), the amount entry (``keypad``) and the style
(``style``) live in their own modules.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cashier.money import AmountError, format_cents, format_money
from cashier.ottpay.codes import Outcome, classify_rsp_code
from cashier.ottpay.connection import CERTIFICATE_NOT_VERIFIED
from cashier.ottpay.errors import not_sent_reason
from cashier.sentence import sentence
from cashier.ui.banners import BannerArea
from cashier.ui.bridge import Bridge, CoreEvents
from cashier.ui.customer_display import CustomerDisplay
from cashier.ui.keypad import AmountEntry
from cashier.ui.labels import wallet_label
from cashier.ui.qrwidget import QrWidget
from cashier.ui.questions import ask
from cashier.ui.sale_controller import SaleController, SaleView
from cashier.ui.store_status import StoreStatusLabel
from cashier.ui.style import STYLE_SHEET, BoldTitle
from cashier.wallets import (
    PaymentCodeError,
    Wallet,
    classify_payment_code,
    mask_code,
    qr_wallets,
)

log = logging.getLogger("cashier.ui")

# Extra seconds the screen waits beyond the engine's own deadline (the engine ends the wait).
WAIT_MARGIN = 10.0

# One key per way to take a payment, shown on its button: the amount keys plus one key.
SCAN_KEY = "F1"
WALLET_KEYS = {Wallet.ALIPAY: "F2", Wallet.WECHATPAY: "F3", Wallet.UNIONPAY: "F4"}
LINK_KEY = "F5"


def _big(label: QLabel, size: int, bold: bool = True) -> QLabel:
    font = label.font()
    font.setPointSize(size)
    font.setBold(bold)
    label.setFont(font)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label


class MainWindow(QMainWindow):
    """The cashier's sale screen; ``state``: ``entry``, ``starting``, ``waiting`` or ``result``."""

    state_changed = Signal(str)
    history_requested = Signal()
    reports_requested = Signal()
    signin_requested = Signal()
    settings_requested = Signal()
    demo_customer_pays = Signal(str)  # demo: the simulated customer pays this QR order
    signout_requested = Signal()
    sale_finished = Signal(object)  # the SaleView shown on the result screen (print, log)
    support_bundle_requested = Signal()  # Help > Export support bundle… (no PIN needed)
    reprint_requested = Signal()  # the printer banner's Reprint: print the kept jobs again

    def __init__(
        self,
        controller: SaleController | None,
        bridge: Bridge,
        *,
        events: CoreEvents | None = None,
        customer_display: CustomerDisplay | None = None,
        demo: bool = False,
        currency: str = "",
        max_cents: int | None = None,
        large_cents: int | None = None,
        demo_codes: dict[str, str] | None = None,
        qr_offered: tuple[Wallet, ...] = qr_wallets(),
    ) -> None:
        """``qr_offered``: the wallets a QR button is shown for (``wallets.qr_wallets``)."""
        super().__init__()
        self.qr_offered = qr_offered
        self.controller = controller
        self.bridge = bridge
        self.customer_display = customer_display
        self.demo = demo
        self.currency = currency
        self.state = "entry"
        # Types keys a scanner filter still holds; False while a scan is mid-burst (see Terminal).
        self.release_typing: Callable[[], bool] = lambda: True
        self._close_confirmed = False
        self.close_question: QMessageBox | None = None
        self.large_cents = large_cents  # totals above it are confirmed before anything is sent
        self.large_question: QMessageBox | None = None
        self.stop_question: QMessageBox | None = None
        self.pending_code: str | None = None  # scanned before the amount was keyed
        self.sale: SaleView | None = None
        self.exchange_rate: Any = None  # an ottpay ExchangeRate (to_cny_fen), when known
        self._deadline = 0.0
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick)
        # While a sale is keyed, the gateway connection is opened and kept open ahead of the scan.
        self._preparing = False
        self._keep_ready = QTimer(self)
        self._keep_ready.setInterval(int(1000 * controller.prepare_interval) if controller else 0)
        self._keep_ready.timeout.connect(self._prepare_gateway)

        central = QWidget(self)
        self.setCentralWidget(central)
        root = QVBoxLayout(central)
        root.addLayout(self._build_header())
        self.banners = BannerArea(central)
        self.banners.set_action("late", self.tr("History"))
        self.banners.action.connect(self._banner_action)
        root.addWidget(self.banners)
        self.pages = QStackedWidget(central)
        root.addWidget(self.pages, 1)
        self.entry_page = self._build_entry(max_cents, demo_codes or {})
        self.waiting_page = self._build_waiting()
        self.result_page = self._build_result()
        self.signin_page = self._build_signin()
        for page in (self.entry_page, self.waiting_page, self.result_page, self.signin_page):
            self.pages.addWidget(page)
        self.operator_name: str | None = None
        self.store_status: StoreStatusLabel | None = None
        self._add_shortcuts()

        demo_text = self.tr("DEMO")
        self.setWindowTitle(self.tr("Cashier") + (f" — {demo_text}" if demo else ""))
        if events is not None:
            events.sale_updated.connect(self.on_sale_updated)
            events.late_payment.connect(self.on_late_payment)
        bridge.task_failed.connect(lambda exc: self.banners.show_banner(
            "task", self.tr("Something went wrong: %1").replace("%1", str(exc)), "error"))
        if controller is None:
            self.banners.show_banner(
                "engine", self.tr("Payments are not available: the payment engine is not "
                                  "connected."), "error")
        self.setStyleSheet(STYLE_SHEET)
        self.new_sale()

    def _banner_action(self, kind: str) -> None:
        if kind == "late":
            self.history_requested.emit()
        elif kind == "printer":
            self.reprint_requested.emit()

    # --- building ------------------------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        header = QHBoxLayout()
        self.title_label = _big(QLabel(self.tr("New sale")), 16)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.title_label, 1)
        self.demo_label = QLabel(self.tr("DEMO"))
        self.demo_label.setObjectName("demo_marker")
        self.demo_label.setStyleSheet(
            "background: #6a1b9a; color: white; font-weight: bold; font-size: 18pt;"
            " padding: 4px 16px; border-radius: 6px;"
        )
        self.demo_label.setToolTip(self.tr("Demo mode: payments go to the built-in simulator; "
                                           "no real money moves."))
        self.demo_label.setVisible(self.demo)
        header.addWidget(self.demo_label)
        self.operator_label = QLabel("")
        self.operator_label.setObjectName("operator_label")
        header.addWidget(self.operator_label)
        self.signout_button = QPushButton(self.tr("Sign out"))
        self.signout_button.setObjectName("signout_button")
        self.signout_button.clicked.connect(self.signout_requested)
        self.signout_button.setVisible(False)
        self.history_button = QPushButton(self.tr("History"))
        self.history_button.setObjectName("history_button")
        self.history_button.clicked.connect(self.history_requested)
        self.reports_button = QPushButton(self.tr("Reports"))
        self.reports_button.setObjectName("reports_button")
        self.reports_button.clicked.connect(self.reports_requested)
        self.settings_button = QPushButton(self.tr("Settings"))
        self.settings_button.setObjectName("settings_button")
        self.settings_button.clicked.connect(self.settings_requested)
        self.help_button = QPushButton(self.tr("Help"))
        self.help_button.setObjectName("help_button")
        help_menu = QMenu(self.help_button)
        self.support_action = help_menu.addAction(self.tr("Export support bundle…"))
        self.support_action.triggered.connect(self.support_bundle_requested)
        self.help_button.setMenu(help_menu)
        for button in (self.history_button, self.reports_button, self.settings_button,
                       self.help_button, self.signout_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            header.addWidget(button)
        return header

    def _build_entry(self, max_cents: int | None, demo_codes: dict[str, str]) -> QWidget:
        page = QWidget()
        layout = QHBoxLayout(page)
        kwargs = {"max_cents": max_cents} if max_cents else {}
        self.amount_entry = AmountEntry(page, currency=self.currency, **kwargs)
        self.amount_entry.changed.connect(self._entry_changed)
        self.amount_entry.confirmed.connect(lambda *_: self._amount_confirmed())
        layout.addWidget(self.amount_entry, 1)

        side = QVBoxLayout()
        self.scan_prompt = QLabel(self.tr("Scan code: scan the customer's payment code, "
                                          "or type it here:"))
        self.scan_prompt.setWordWrap(True)
        side.addWidget(self.scan_prompt)
        self.code_input = QLineEdit(page)
        self.code_input.setObjectName("code_input")
        self.code_input.setPlaceholderText(self.tr("Payment code"))
        self.code_input.returnPressed.connect(self._pay_typed_code)
        side.addWidget(self.code_input)
        self.scan_button = QPushButton(_with_key(self.tr("Scan code"), SCAN_KEY))
        self.scan_button.setObjectName("scan_button")
        self.scan_button.setProperty("role", "pay")
        self.scan_button.setMinimumHeight(56)
        self.scan_button.clicked.connect(self._pay_typed_code)
        side.addWidget(self.scan_button)

        side.addWidget(QLabel(self.tr("Show QR:")))
        qr = QGridLayout()  # two columns: every way to pay fits the smallest screen
        side.addLayout(qr)
        self.wallet_buttons: dict[Wallet, QPushButton] = {}
        at = 0  # grid position of the next button shown
        for wallet in (Wallet.ALIPAY, Wallet.WECHATPAY, Wallet.UNIONPAY):
            button = QPushButton(_with_key(wallet_label(wallet), WALLET_KEYS[wallet]))
            button.setObjectName(f"qr_{wallet.value.lower()}")
            button.setProperty("role", "pay")
            button.setMinimumHeight(56)
            button.clicked.connect(lambda _=False, w=wallet: self.start_active(w))
            button.setVisible(wallet in self.qr_offered)
            if wallet in self.qr_offered:
                qr.addWidget(button, at // 2, at % 2)
                at += 1
            self.wallet_buttons[wallet] = button
        self.link_button = QPushButton(_with_key(self.tr("Send link"), LINK_KEY))
        self.link_button.setObjectName("link_button")
        self.link_button.setToolTip(self.tr("Phone and delivery orders: a payment link the "
                                            "customer opens on their phone (Alipay)"))
        self.link_button.setMinimumHeight(56)
        self.link_button.clicked.connect(self.start_link)
        qr.addWidget(self.link_button, at // 2, at % 2)

        self.demo_buttons: dict[str, QPushButton] = {}
        if self.demo and demo_codes:
            side.addWidget(QLabel(self.tr("Simulate scan (demo):")))
            demo = QGridLayout()
            side.addLayout(demo)
            for at, (label, code) in enumerate(demo_codes.items()):
                button = QPushButton(label)
                button.setProperty("demo_code", code)
                button.clicked.connect(lambda _=False, c=code: self.handle_scan(c))
                demo.addWidget(button, at // 2, at % 2)
                self.demo_buttons[label] = button
        side.addStretch(1)
        layout.addLayout(side, 1)
        return page

    def _build_waiting(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.waiting_title = _big(QLabel(), 22)
        self.waiting_title.setObjectName("waiting_title")
        self.waiting_amount = _big(QLabel(), 36)
        self.waiting_detail = _big(QLabel(), 14, bold=False)
        self.waiting_qr = QrWidget(parent=page)
        self.countdown_label = _big(QLabel(), 18)
        self.countdown_label.setObjectName("countdown")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.setMinimumHeight(56)
        self.cancel_button.clicked.connect(self.cancel)
        for widget in (self.waiting_title, self.waiting_amount, self.waiting_detail):
            layout.addWidget(widget)
        layout.addWidget(self.waiting_qr, 1)
        self.link_row = QWidget(page)  # a payment link as text to copy into a message
        link_layout = QHBoxLayout(self.link_row)
        self.link_text = QLineEdit(self.link_row)
        self.link_text.setObjectName("link_text")
        self.link_text.setReadOnly(True)
        self.copy_link_button = QPushButton(self.tr("Copy"), self.link_row)
        self.copy_link_button.setObjectName("copy_link_button")
        self.copy_link_button.clicked.connect(self.copy_link)
        link_layout.addWidget(self.link_text, 1)
        link_layout.addWidget(self.copy_link_button)
        self.link_row.setVisible(False)
        layout.addWidget(self.link_row)
        self.demo_pay_row = QWidget(page)  # demo: pay the QR without a phone
        row = QHBoxLayout(self.demo_pay_row)
        self.demo_pay_link = QLabel(self.demo_pay_row)
        self.demo_pay_link.setOpenExternalLinks(True)
        self.demo_pay_button = QPushButton(self.tr("Customer pays (demo)"), self.demo_pay_row)
        self.demo_pay_button.setObjectName("demo_pay_button")
        self.demo_pay_button.clicked.connect(
            lambda: self.sale is not None and self.demo_customer_pays.emit(self.sale.order_id))
        row.addWidget(self.demo_pay_link, 1)
        row.addWidget(self.demo_pay_button)
        self.demo_pay_row.setVisible(False)
        layout.addWidget(self.demo_pay_row)
        layout.addWidget(self.countdown_label)
        layout.addWidget(self.cancel_button)
        return page

    def _build_signin(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.signin_title = _big(QLabel(self.tr("Sign in with your PIN to start selling")), 22)
        self.signin_button = QPushButton(self.tr("Sign in"))
        self.signin_button.setObjectName("signin_button")
        self.signin_button.setMinimumHeight(72)
        self.signin_button.clicked.connect(self.signin_requested)
        self.signin_hint = QLabel("")  # demo mode: the public demo PINs
        self.signin_hint.setObjectName("signin_hint")
        self.signin_hint.setWordWrap(True)
        self.signin_hint.setVisible(False)
        layout.addStretch(1)
        layout.addWidget(self.signin_title)
        layout.addWidget(self.signin_button)
        layout.addWidget(self.signin_hint)
        layout.addStretch(1)
        return page

    def set_signin_hint(self, text: str) -> None:
        """A line under the sign-in button (demo mode names its PINs there)."""
        self.signin_hint.setText(text)
        self.signin_hint.setVisible(bool(text))

    def set_operator(self, name: str | None) -> None:
        """Signed in as ``name`` (fresh sale), or signed out (``None``: the sign-in page)."""
        if self.state in ("starting", "waiting"):
            return  # never leave a sale the customer is paying
        self.operator_name = name
        signed_in = name is not None
        self.operator_label.setText(name or "")
        self.signout_button.setVisible(signed_in)
        self.history_button.setVisible(signed_in)
        self.reports_button.setVisible(signed_in)
        self.settings_button.setVisible(signed_in)
        if signed_in:
            self.new_sale()
        else:
            self.sale = None
            self.title_label.setText(self.tr("Signed out"))
            self._set_state("signin")
            if self.customer_display is not None:
                self.customer_display.show_idle()

    def _build_result(self) -> QWidget:
        page = QFrame()
        page.setObjectName("result_page")
        layout = QVBoxLayout(page)
        self.result_title = _big(BoldTitle(), 54)
        self.result_title.setObjectName("result_title")
        self.result_amount = _big(QLabel(), 36)
        self.result_reason = _big(QLabel(), 18, bold=False)
        self.result_reason.setObjectName("result_reason")
        self.new_sale_button = QPushButton(self.tr("New sale"))
        self.new_sale_button.setObjectName("new_sale_button")
        self.new_sale_button.setMinimumHeight(56)
        self.new_sale_button.clicked.connect(self.new_sale)
        self.retry_row = QWidget(page)  # not paid: the same amount again, in one tap
        retry = QHBoxLayout(self.retry_row)
        retry.setContentsMargins(0, 0, 0, 0)
        self.retry_button = QPushButton(self.tr("Try again"), self.retry_row)
        self.retry_button.setObjectName("retry_button")
        self.retry_button.clicked.connect(self.try_again)
        retry.addWidget(self.retry_button)
        self.retry_wallet_buttons: dict[Wallet, QPushButton] = {}
        for wallet in self.wallet_buttons:
            button = QPushButton(_with_key(wallet_label(wallet), WALLET_KEYS[wallet]),
                                 self.retry_row)
            button.setObjectName(f"retry_{wallet.value.lower()}")
            button.clicked.connect(lambda _=False, w=wallet: self.start_active(w))
            retry.addWidget(button)
            self.retry_wallet_buttons[wallet] = button
        for button in (self.retry_button, *self.retry_wallet_buttons.values()):
            button.setMinimumHeight(56)
        self.retry_row.setVisible(False)
        layout.addStretch(1)
        for widget in (self.result_title, self.result_amount, self.result_reason):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.retry_row)
        layout.addWidget(self.new_sale_button)
        return page

    def _add_shortcuts(self) -> None:
        keys = {SCAN_KEY: self._pay_typed_code, LINK_KEY: self.start_link}
        keys |= {key: (lambda w=wallet: self.start_active(w)) for wallet, key in
                 WALLET_KEYS.items()}
        for key, slot in keys.items():
            QShortcut(QKeySequence(key), self, activated=slot)

    def show_store_status(self, status: Callable[[], Any]) -> StoreStatusLabel:
        """With a store database: the status bar says how shipping to it goes (``status``
        returns the shipper's ``ShipperStatus``). Without one there is no status bar."""
        self.store_status = StoreStatusLabel(status, self)
        self.statusBar().addPermanentWidget(self.store_status, 1)
        return self.store_status

    # --- state ---------------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        self.state = state
        if state != "entry":
            self._keep_ready.stop()
        page = {"entry": self.entry_page, "starting": self.waiting_page,
                "waiting": self.waiting_page, "result": self.result_page,
                "signin": self.signin_page}[state]
        self.pages.setCurrentWidget(page)
        self.state_changed.emit(state)

    def _money(self, cents: int) -> str:
        return format_money(cents, self.currency)

    def new_sale(self) -> None:
        """A fresh sale: empty amount and tip, focus on the amount, customer sees the idle page."""
        if self.state == "signin" and self.operator_name is None:
            return
        self.amount_entry.clear()
        self._back_to_entry()
        if self.customer_display is not None:
            self.customer_display.show_idle()

    def try_again(self) -> None:
        """After a payment that did not go through: the entry page with amount and tip kept."""
        if self._may_retry():
            self._back_to_entry()
            self._entry_changed()

    def _may_retry(self) -> bool:
        """On the result of a sale that is settled unpaid (declined or closed)."""
        return self.state == "result" and self.sale is not None and \
            self.sale.state in ("declined", "closed")

    def _back_to_entry(self) -> None:
        self._countdown.stop()
        self.sale = None
        self.pending_code = None
        self.code_input.clear()
        self.amount_entry.message.setText("")
        self.title_label.setText(self.tr("New sale"))
        self._set_state("entry")
        self.amount_entry.setFocus()

    def set_exchange_rate(self, rate: Any) -> None:
        """A cached EX_RATE_QUERY answer: the customer display then shows the CNY equivalent."""
        self.exchange_rate = rate
        if self.state == "entry":
            self._entry_changed()
        elif self.sale is not None:
            self._show_cny(self.sale.total_cents)

    def _show_cny(self, total_cents: int) -> None:
        if self.customer_display is not None:
            rate = self.exchange_rate
            self.customer_display.set_cny(rate.to_cny_fen(total_cents) if rate else None)

    def _prepare_gateway(self, *, first_key: bool = False) -> None:
        """An amount is being keyed: have the gateway connection open before the scan arrives
        (on a bridge worker; sends no request), and keep it so while the sale is prepared.

        ``first_key``: called for a change of the amount, which only matters for its first
        key (the timer takes over from there: one bridge call per key would cost the GUI
        thread for nothing)."""
        if self.controller is None or self.state != "entry" or not self.amount_entry.amount.text:
            self._keep_ready.stop()
            return
        if first_key and self._keep_ready.isActive():
            return
        self._keep_ready.start()
        if self._preparing or self.bridge.closed:
            return
        self._preparing = True
        self.bridge.run(self.controller.prepare, on_done=self._prepared,
                        on_error=self._prepared)

    def _prepared(self, outcome: object) -> None:
        self._preparing = False
        if isinstance(outcome, BaseException):  # the sale will connect itself; keep a record
            log.info("could not get the gateway connection ready: %s", outcome)

    def _entry_changed(self) -> None:
        self._prepare_gateway(first_key=True)
        if self.customer_display is None or self.state != "entry":
            return
        try:
            amount, tip = self.amount_entry.amount.cents(), self.amount_entry.tip.cents()
        except AmountError:
            self.customer_display.show_idle()
            return
        self._show_cny(amount + tip)
        self.customer_display.show_amount(amount + tip)

    # --- starting a payment -------------------------------------------------------------------
    def handle_scan(self, code: str) -> None:
        """A scan from any scanner (or the demo helper): pay the keyed amount with it at once."""
        if self.state == "signin":
            self.banners.show_banner("scan", self.tr("A code was scanned before anyone signed "
                                                     "in; it was ignored."), "info")
            self._expire_banner("scan")
            return
        if self._may_retry():
            self.try_again()  # the customer scans again after a decline: same amount
        if self.state == "result":
            self.banners.show_banner("scan", self.tr("A code was scanned on the result screen; "
                                                     "it was ignored. Start a new sale, key "
                                                     "the amount, then scan."), "info")
            self._expire_banner("scan")
            return
        if self.state != "entry":
            self.banners.show_banner("scan", self.tr("A code was scanned while a sale is in "
                                                     "progress; it was ignored."), "info")
            self._expire_banner("scan")
            return
        try:
            wallet = classify_payment_code(code)
        except PaymentCodeError as exc:
            self.amount_entry.message.setText(str(exc))
            return
        if self.release_typing() and not self.amount_entry.has_amount():
            self.pending_code = code.strip()
            self.amount_entry.set_active_field("amount")
            self.amount_entry.message.setText(
                self.tr("%1 code %2 kept: key the amount, then press Enter to charge it.")
                .replace("%1", wallet_label(wallet)).replace("%2", mask_code(code)))
            return
        keyed = self._keyed_amount()
        if keyed is None:
            return
        amount, tip = keyed
        log.info("scan %s (%s) for %s", mask_code(code), wallet.value, format_cents(amount))
        if not self._can_pay():
            return
        self.pending_code = None
        self._start(self.tr("Processing the payment…"),
                    self._need_controller().start_passive, amount, tip, code.strip(),
                    timeout=self._need_controller().passive_timeout)

    def _amount_confirmed(self) -> None:
        """Enter on a valid amount: charge a code scanned before it, else wait for the scan."""
        if self.pending_code is not None:
            self.handle_scan(self.pending_code)
        else:
            self.code_input.setFocus()

    def _pay_typed_code(self) -> None:
        if self._may_retry():
            self.try_again()
        code = self.code_input.text().strip()
        if not code:
            self.amount_entry.message.setText(self.tr("Scan or type the customer's payment "
                                                      "code first."))
            return
        self.handle_scan(code)

    def start_active(self, wallet: Wallet) -> None:
        """Show a QR for ``wallet`` that the customer scans with their phone."""
        if self._may_retry():
            self.try_again()  # another wallet for the amount that was not paid
        if self.state != "entry" or self.wallet_buttons[wallet].isHidden():
            return
        keyed = self._keyed_amount()
        if keyed is None or not self._can_pay():
            return
        amount, tip = keyed
        self._start(self.tr("Ask the customer to scan the QR code with %1")
                    .replace("%1", wallet_label(wallet)),
                    self._need_controller().start_active, amount, tip, wallet,
                    timeout=self._need_controller().active_timeout)

    def start_link(self) -> None:
        """Create a payment link for the keyed amount: shown as a QR and as text to send."""
        if self._may_retry():
            self.try_again()
        if self.state != "entry":
            return
        keyed = self._keyed_amount()
        if keyed is None or not self._can_pay():
            return
        amount, tip = keyed
        controller = self._need_controller()
        self._start(self.tr("Send the customer this payment link (Alipay)"),
                    lambda a, t, _unused: controller.start_link(a, t), amount, tip, None,
                    timeout=controller.link_timeout)

    def copy_link(self) -> None:
        """Put the payment link on the clipboard, to paste into a message to the customer."""
        QGuiApplication.clipboard().setText(self.link_text.text())
        self.copy_link_button.setText(self.tr("Copied"))

    def _keyed_amount(self) -> tuple[int, int] | None:
        """The amount and tip exactly as the fields will show them, or ``None`` (reason shown).

        Keys the scanner filter still holds are typed first: a payment started right after the
        last key must charge that key too, never the amount without it.
        """
        if not self.release_typing():
            self.amount_entry.message.setText(self.tr("A scan is still arriving; wait a moment "
                                                      "and try again."))
            return None
        try:
            return self.amount_entry.values()
        except AmountError:
            return None

    def _expire_banner(self, key: str) -> None:
        self.banners.expire(key, 5000)

    def _can_pay(self) -> bool:
        if self.controller is None:
            self.amount_entry.message.setText(self.tr("Payments are not available: the payment "
                                                      "engine is not connected."))
            return False
        return True

    def _need_controller(self) -> SaleController:
        if self.controller is None:
            raise RuntimeError("no payment engine")
        return self.controller

    def _start(self, title: str, call, amount: int, tip: int, arg, *, timeout: float) -> None:
        if self.large_cents is None or amount + tip <= self.large_cents:
            self._send(title, call, amount, tip, arg, timeout=timeout)
            return
        if self.large_question is not None and self.large_question.isVisible():
            return
        total = self._money(amount + tip)
        def charge() -> None:
            if self.state == "entry":  # nothing else started meanwhile
                self._send(title, call, amount, tip, arg, timeout=timeout)

        self.large_question = ask(
            self, self.tr("Unusually large amount"),
            self.tr("Charge %1? That is more than %2, more than usual here. Check the amount "
                    "with the customer.").replace("%1", total)
            .replace("%2", self._money(self.large_cents)),
            go=self.tr("Charge %1").replace("%1", total), stay=self.tr("Change the amount"),
            on_go=charge,
            on_stay=self.amount_entry.setFocus, icon=QMessageBox.Icon.Warning)

    def _send(self, title: str, call, amount: int, tip: int, arg, *, timeout: float) -> None:
        self._set_state("starting")
        self.title_label.setText(self.tr("Payment"))
        self.waiting_title.setText(title)
        self.waiting_amount.setText(self._money(amount + tip))
        self.waiting_detail.setText(self.tr("Sending…"))
        self.waiting_qr.set_data(None)
        self.waiting_qr.setVisible(False)
        self.link_row.setVisible(False)
        self.link_text.clear()
        self.copy_link_button.setText(self.tr("Copy"))
        self.countdown_label.setText("")
        self.cancel_button.setEnabled(False)
        if self.customer_display is not None:
            self._show_cny(amount + tip)
            self.customer_display.show_amount(amount + tip)
        self.bridge.run(call, amount, tip, arg,
                        on_done=lambda view: self._started(view, timeout),
                        on_error=self._start_failed)

    def _started(self, view: SaleView, timeout: float) -> None:
        if self.state != "starting":
            return
        self.sale = view
        self._set_state("waiting")
        self.cancel_button.setEnabled(True)
        self._deadline = time.monotonic() + timeout
        self._countdown.start()
        self._tick()
        self._show_sale_progress(view)
        if view.is_final:
            self.show_result(view)
            return
        self.bridge.run(self._need_controller().wait, view.order_id, timeout + WAIT_MARGIN,
                        on_done=self._wait_finished, on_error=self._wait_failed)

    def _show_sale_progress(self, view: SaleView) -> None:
        details = [wallet_label(view.wallet), self.tr("Order %1").replace("%1", view.order_id)]
        if view.masked_code:
            details.append(view.masked_code)
        self.waiting_detail.setText(" · ".join(d for d in details if d))
        self.demo_pay_row.setVisible(self.demo and bool(view.code_url))
        is_link = view.mode == "link"
        self.link_row.setVisible(is_link and bool(view.code_url))
        if view.code_url:
            self.waiting_qr.set_data(view.code_url)
            self.waiting_qr.setVisible(True)
            if is_link and self.link_text.text() != view.code_url:
                self.link_text.setText(view.code_url)
                self.link_text.setCursorPosition(0)
            label = html.escape(self.tr("Open the customer page"))
            self.demo_pay_link.setText(f'<a href="{html.escape(view.code_url)}">{label}</a>')
            if self.customer_display is not None:
                self.customer_display.show_qr(view.total_cents, view.code_url,
                                              wallet_label(view.wallet))
        else:
            confirming = classify_rsp_code(view.rsp_code) is Outcome.PENDING
            if confirming:
                self.waiting_title.setText(self.tr("Waiting for customer to confirm on phone"))
            if self.customer_display is not None:
                self.customer_display.show_amount(
                    view.total_cents,
                    note=self.tr("Please confirm the payment on your phone") if confirming
                    else self.tr("Processing…"))

    def _start_failed(self, exc: BaseException) -> None:
        self._countdown.stop()
        self._set_state("entry")
        self.amount_entry.message.setText(sentence(exc))
        self.amount_entry.setFocus()
        if self.customer_display is not None:
            self.customer_display.show_idle()

    def _tick(self) -> None:
        left = max(0, int(self._deadline - time.monotonic() + 0.999))
        self.countdown_label.setText(self.tr("%1 left").replace("%1",
                                                                f"{left // 60}:{left % 60:02d}"))

    # --- finishing -------------------------------------------------------------------------
    def _wait_finished(self, view: SaleView) -> None:
        if self.state == "waiting" and self.sale and view.order_id == self.sale.order_id:
            self.show_result(view)

    def _wait_failed(self, exc: BaseException) -> None:
        if self.state != "waiting" or self.sale is None:
            return
        self.show_result(self.sale, reason=sentence(exc))

    def on_sale_updated(self, sale: object) -> None:
        """Core event: a sale changed. Updates the screen if it is the one being waited for."""
        view = sale if isinstance(sale, SaleView) else SaleView.from_sale(sale)
        if view.late and view.late_resolution is not None:
            self.banners.clear_banner(f"late:{view.order_id}")  # someone resolved it
        checking = f"checking:{view.order_id}"
        if view.is_final and checking in self.banners.banners:
            self.banners.clear_banner(checking)
            if not view.is_paid:  # paid: the late payment banner says so
                self.banners.show_banner(checking, self.tr("Order %1 was not charged (checked).")
                                         .replace("%1", view.order_id), "info")
                self._expire_banner(checking)
        if self.sale is None or view.order_id != self.sale.order_id or self.state != "waiting":
            return
        if view.mode == "link" and self.sale.code_url:
            # The journal keeps the link with its key hidden; the screen keeps the real one.
            view = dataclasses.replace(view, code_url=self.sale.code_url)
        self.sale = view
        self._show_sale_progress(view)
        if view.is_final:
            self.show_result(view)

    def on_late_payment(self, sale: object) -> None:
        """Core event: paid after the cashier stopped waiting. Stays until resolved."""
        view = sale if isinstance(sale, SaleView) else SaleView.from_sale(sale)
        if view.abandon_reason == "terminal_closed":
            text = self.tr("Late payment: order %1 (%2) paid after the terminal was closed "
                           "while waiting. Keep or refund it.")
        elif view.abandon_reason == "no_answer":  # given up on silence, not by the cashier
            text = self.tr("Late payment: order %1 (%2) was paid although the gateway did not "
                           "answer in time. Keep or refund it.")
        else:
            text = self.tr("Late payment: order %1 (%2) paid after you stopped waiting. Keep "
                           "or refund it.")
        self.banners.show_banner(
            f"late:{view.order_id}",
            text.replace("%1", view.order_id).replace("%2", self._money(view.total_cents)),
            "error",
        )

    def show_result(self, view: SaleView, *, reason: str | None = None) -> None:
        """PAID in green with the amount, or a red/amber screen with what to do next."""
        self._countdown.stop()
        self.sale = view
        self._set_state("result")
        self.title_label.setText(self.tr("Result"))
        self.result_amount.setText(self._money(view.total_cents))
        if view.is_paid:
            title, colour = self.tr("PAID"), "#2e7d32"
            detail = " · ".join(x for x in (wallet_label(view.wallet), view.order_id) if x)
        elif view.state == "declined" and not_sent_reason(view.rsp_code, view.rsp_msg):
            title, colour = self.tr("NOT SENT"), "#c62828"
            detail = decline_reason(view.rsp_code, view.rsp_msg)
        elif view.state == "declined":
            title, colour = self.tr("DECLINED"), "#c62828"
            detail = self._declined_reason(view)
        elif view.state == "closed":
            title, colour = self.tr("NOT PAID"), "#c62828"
            detail = self.tr("The customer did not pay in time; the order was closed. "
                             "Tap Try again or a wallet: the amount is kept.")
        else:
            title, colour = self.tr("NOT CONFIRMED"), "#ef6c00"
            detail = self.tr("No final answer from the gateway yet. The sale keeps being "
                             "checked; do not take another payment for it until it settles.")
        if reason:
            detail = f"{reason}\n{detail}"
        self.result_title.setText(title)
        self.result_title.setStyleSheet(f"color: {colour};")
        self.result_page.setStyleSheet(f"#result_page {{ border: 8px solid {colour}; }}")
        self.result_reason.setText(detail)
        retry = view.state in ("declined", "closed")
        self.retry_row.setVisible(retry)
        for wallet, button in self.retry_wallet_buttons.items():
            button.setVisible(not self.wallet_buttons[wallet].isHidden())
        if self.customer_display is not None:
            self.customer_display.show_result(view.is_paid, view.total_cents)
        (self.retry_button if retry else self.new_sale_button).setFocus()
        self.sale_finished.emit(view)

    def _declined_reason(self, view: SaleView) -> str:
        return decline_reason(view.rsp_code) + "\n" + self.tr(
            "Ask the customer to pay another way or with another card in the wallet, then "
            "tap Try again or a wallet: the amount is kept.")

    def cancel(self) -> None:
        """Stop waiting, back to the amount (kept). The core keeps checking: a line says so
        until the check ends; a late payment shows up as a banner."""
        if self.state != "waiting" or self.sale is None:
            return
        order_id = self.sale.order_id
        self.banners.show_banner(
            f"checking:{order_id}",
            self.tr("Cancelled order %1 (%2): not charged — still being checked.")
            .replace("%1", order_id).replace("%2", self._money(self.sale.total_cents)), "info")
        self.bridge.run(self._need_controller().cancel, order_id,
                        on_error=lambda exc: self.banners.show_banner(
                            "cancel", sentence(exc), "error"))
        self._back_to_entry()
        self._entry_changed()

    def ask_cancel(self) -> None:
        """Escape while waiting: a single key must not stop a payment the customer is making."""
        if self.state != "waiting" or (self.stop_question is not None
                                       and self.stop_question.isVisible()):
            return
        self.stop_question = ask(
            self, self.tr("Stop waiting?"),
            self.tr("Stop waiting for this payment? If the customer pays anyway, it shows up as "
                    "a late payment."),
            go=self.tr("Stop waiting"), stay=self.tr("Keep waiting"), on_go=self.cancel)

    # --- keys and closing --------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        key = event.key()
        if self.state == "result" and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.try_again() if self._may_retry() else self.new_sale()
            return
        if self.state == "result" and key == Qt.Key.Key_Escape:
            self.new_sale()
            return
        if self.state == "waiting" and key == Qt.Key.Key_Escape:
            self.ask_cancel()
            return
        if self.state == "signin" and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.signin_requested.emit()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self.state in ("starting", "waiting") and not self._close_confirmed:
            event.ignore()  # a customer may be paying: ask first (close_now() does not)
            self._ask_close()
            return
        self._countdown.stop()
        if self.customer_display is not None:
            self.customer_display.close()
        super().closeEvent(event)


    def _ask_close(self) -> None:
        if self.close_question is not None and self.close_question.isVisible():
            return
        self.close_question = ask(
            self, self.tr("Payment in progress"),
            self.tr("A customer may be paying right now. If you close the terminal, the payment "
                    "is checked again at the next start and shown as closed while waiting."),
            go=self.tr("Close anyway"), stay=self.tr("Keep waiting"), on_go=self.close_now,
            icon=QMessageBox.Icon.Warning)

    def close_now(self) -> None:
        """Close without asking (the terminal shutting down, or the cashier said so)."""
        self._close_confirmed = True
        self.close()


def _with_key(text: str, key: str) -> str:
    """A button's text with the key that does the same."""
    return f"{text}  [{key}]"


def decline_reason(rsp_code: str | None, rsp_msg: str | None = None) -> str:
    """Why a payment was declined, in the cashier's language (never the gateway's raw word);
    for one that was never sent (``rsp_msg``), why not."""
    translate = QCoreApplication.translate
    unsent = not_sent_reason(rsp_code, rsp_msg)
    if unsent is not None and unsent.startswith(CERTIFICATE_NOT_VERIFIED):
        return translate("MainWindow", "Not sent, so nothing was charged: the gateway's TLS "
                                       "certificate could not be verified; trust the "
                                       "certificate authority that signed it with [ottpay] "
                                       "ca_bundle.")
    if unsent is not None:
        return translate("MainWindow", "The payment was not sent to the gateway; nothing was "
                                       "charged.")
    if classify_rsp_code(rsp_code) is Outcome.REJECTED:
        return translate("MainWindow", "The gateway refused the payment request (%1); nothing "
                                       "was charged.").replace("%1", rsp_code or "")
    return translate("MainWindow", "The customer's wallet declined the payment; nothing was "
                                   "charged.")
