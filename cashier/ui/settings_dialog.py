"""Settings: gateway, payments, shop (with the store database its lanes may share), scanner,
printer, display and language (and operators, when given the operator store: see
``cashier.ui.operator_admin``).

The form starts from the current settings; Save validates everything through
``cashier.config.config_from_dict`` (the same rules as the settings file) and writes the file
only when all of it is valid, otherwise it shows the one sentence that says what to fix and
saves nothing. The sign key is never shown back: the field is empty with its last four
characters as a hint, and left empty it keeps the current key. The store database's password
follows the same rule (``cashier.ui.store_fields``); a new one kept in the OS keyring is written
there through the bridge, then the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cashier.config import (
    Config,
    ConfigError,
    SignKeySource,
    config_from_dict,
    config_to_dict,
    default_config_path,
    save_config,
)
from cashier.devices.scanner import serial_ports
from cashier.first_setup import SetupPlan, write_setup
from cashier.operators import OperatorStore
from cashier.secrets import SecretStore, SecretStoreError
from cashier.ui.bridge import Bridge
from cashier.ui.labels import wallet_label
from cashier.ui.operator_admin import OperatorAdmin
from cashier.ui.store_fields import StoreFields
from cashier.ui.style import DIALOG_SIZE
from cashier.wallets import PaymentCodeError, classify_payment_code, mask_code


def _number(text: str) -> Any:
    """A typed number as TOML would hold it; anything else stays text for the validator to name."""
    text = text.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class SettingsDialog(QDialog):
    """``saved(config)`` is emitted after a valid form was written to ``path``."""

    saved = Signal(object)

    def __init__(self, config: Config, bridge: Bridge, *, path: Path | None = None,
                 test_print: Callable[[Config], object] | None = None,
                 operators: OperatorStore | None = None,
                 secret_store: SecretStore | None = None,
                 parent: QWidget | None = None) -> None:
        """``secret_store``: where a password kept in the keyring goes (default: the OS's)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.resize(*DIALOG_SIZE)
        self.config = config
        self.bridge = bridge
        self.path = path or config.path or default_config_path()
        self.test_print_fn = test_print
        self.secret_store = secret_store
        self._base = config_to_dict(config)  # keeps keys the form does not show
        self.fields: dict[tuple[str, str], QLineEdit | QComboBox | QCheckBox] = {}

        self.tabs = QTabWidget(self)
        self._gateway_tab()
        self._payments_tab()
        self.store = StoreFields(self._shop_tab(), self, bridge, config.store)
        self._scanner_tab()
        self._printer_tab()
        self._display_tab()
        self.operator_admin: OperatorAdmin | None = None
        if operators is not None:  # the dialog is already behind the manager's PIN
            self.operator_admin = OperatorAdmin(operators, bridge)
            self.tabs.addTab(self.operator_admin, self.tr("Operators"))
        self.message = QLabel("", self)
        self.message.setObjectName("settings_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-weight: bold;")
        save = QPushButton(self.tr("Save"), self)
        save.setObjectName("settings_save")
        save.clicked.connect(self.save)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    # --- building --------------------------------------------------------------------------
    def _tab(self, title: str) -> QFormLayout:
        page = QWidget()
        form = QFormLayout(page)
        self.tabs.addTab(page, title)
        return form

    def _text(self, form: QFormLayout, label: str, section: str, key: str) -> QLineEdit:
        edit = QLineEdit(str(self._base.get(section, {}).get(key, "")), self)
        edit.setObjectName(f"{section}.{key}")
        form.addRow(label, edit)
        self.fields[(section, key)] = edit
        return edit

    def _choice(self, form: QFormLayout, label: str, section: str, key: str,
                choices: list[tuple[str, str]], editable: bool = False) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(f"{section}.{key}")
        combo.setEditable(editable)
        for value, text in choices:
            combo.addItem(text, value)
        current = str(self._base.get(section, {}).get(key, ""))
        index = combo.findData(current)
        if index >= 0:
            combo.setCurrentIndex(index)
        elif editable:
            combo.setEditText(current)
        form.addRow(label, combo)
        self.fields[(section, key)] = combo
        return combo

    def _check(self, form: QFormLayout, label: str, section: str, key: str) -> QCheckBox:
        box = QCheckBox(label, self)
        box.setObjectName(f"{section}.{key}")
        box.setChecked(bool(self._base.get(section, {}).get(key, False)))
        form.addRow("", box)
        self.fields[(section, key)] = box
        return box

    def _gateway_tab(self) -> None:
        form = self._tab(self.tr("Gateway"))
        self._text(form, self.tr("Endpoint"), "ottpay", "endpoint")
        self._text(form, self.tr("Merchant id"), "ottpay", "merchant_id")
        self._text(form, self.tr("Operator id"), "ottpay", "operator_id")
        self.sign_key = QLineEdit(self)
        self.sign_key.setObjectName("ottpay.sign_key")
        self.sign_key.setEchoMode(QLineEdit.EchoMode.Password)
        current = self.config.ottpay.sign_key
        if self.config.ottpay.sign_key_source is SignKeySource.KEYRING:
            self.sign_key.setEnabled(False)
            self.sign_key.setPlaceholderText(self.tr("kept in the OS keyring"))
        elif current:
            self.sign_key.setPlaceholderText(
                self.tr("unchanged (ends in %1); type a new key to replace it")
                .replace("%1", current[-4:]))
        form.addRow(self.tr("Sign key"), self.sign_key)
        self._text(form, self.tr("Callback URL"), "ottpay", "callback_url")
        self._text(form, self.tr("Callback listen (host:port)"), "ottpay", "callback_listen")
        self._text(form, self.tr("Gateway timeout (s)"), "ottpay", "timeout_seconds")
        self._text(form, self.tr("Terminal number"), "ottpay", "terminal_no")

    def _payments_tab(self) -> None:
        form = self._tab(self.tr("Payments"))
        self._text(form, self.tr("Poll interval (s)"), "payments", "poll_interval_seconds")
        self._text(form, self.tr("Wait for a scanned code (s)"), "payments",
                   "passive_timeout_seconds")
        self._text(form, self.tr("Wait for a QR payment (s)"), "payments",
                   "active_timeout_seconds")
        self._choice(form, self.tr("Late payment"), "payments", "late_payment",
                     [("ask", self.tr("Ask the cashier")), ("refund", self.tr("Refund it"))])
        self._text(form, self.tr("Largest amount"), "payments", "max_amount")

    def _shop_tab(self) -> QFormLayout:
        """The shop, and below it the store database it may share with its other lanes."""
        form = self._tab(self.tr("Shop"))
        self._text(form, self.tr("Name"), "shop", "name")
        self._text(form, self.tr("Address"), "shop", "address")
        self._text(form, self.tr("Phone"), "shop", "phone")
        return form

    def _scanner_tab(self) -> None:
        form = self._tab(self.tr("Scanner"))
        self._choice(form, self.tr("Scanner"), "scanner", "kind",
                     [("none", self.tr("None")), ("wedge", self.tr("Keyboard (wedge)")),
                      ("serial", self.tr("Serial / USB"))])
        self._choice(form, self.tr("Port"), "scanner", "port",
                     [(port, port) for port in serial_ports()], editable=True)
        self._text(form, self.tr("Baud rate"), "scanner", "baudrate")
        self._choice(form, self.tr("Ends with"), "scanner", "suffix",
                     [(s, s) for s in ("CR", "LF", "CRLF", "NONE")])
        self._text(form, self.tr("Wedge prefix"), "scanner", "wedge_prefix")
        self._text(form, self.tr("Wedge suffix"), "scanner", "wedge_suffix")
        self.scan_result = QLabel(self.tr("Test scan: scan a payment code now."), self)
        self.scan_result.setObjectName("scan_result")
        self.scan_result.setWordWrap(True)
        form.addRow("", self.scan_result)

    def _printer_tab(self) -> None:
        form = self._tab(self.tr("Printer"))
        self._choice(form, self.tr("Printer"), "printer", "kind",
                     [(k, k) for k in ("none", "usb", "serial", "network", "file", "win32")])
        self._text(form, self.tr("Address"), "printer", "address")
        self._choice(form, self.tr("Paper width (mm)"), "printer", "width",
                     [("80", "80"), ("58", "58")])
        self._text(form, self.tr("Encoding"), "printer", "encoding")
        self._check(form, self.tr("Print the receipt automatically"), "printer", "auto_print")
        self.test_print_button = QPushButton(self.tr("Test print"), self)
        self.test_print_button.clicked.connect(self.test_print)
        self.print_result = QLabel("", self)
        self.print_result.setObjectName("print_result")
        self.print_result.setWordWrap(True)
        form.addRow(self.test_print_button, self.print_result)

    def _display_tab(self) -> None:
        form = self._tab(self.tr("Display"))
        self._check(form, self.tr("Customer display"), "display", "customer_display")
        screens = [("", self.tr("Second screen if there is one"))] + [
            (screen.name(), screen.name()) for screen in QGuiApplication.screens()]
        self._choice(form, self.tr("Screen"), "display", "screen", screens, editable=True)
        self._choice(form, self.tr("Language"), "ui", "language",
                     [("en", "English"), ("zh_CN", "简体中文")])

    # --- reading the form ------------------------------------------------------------------
    def form_data(self) -> dict[str, Any]:
        """The settings as the file would hold them (current values for what is not shown)."""
        data = {section: dict(table) for section, table in self._base.items()}
        numbers = {("ottpay", "timeout_seconds"), ("payments", "poll_interval_seconds"),
                   ("payments", "passive_timeout_seconds"), ("payments", "active_timeout_seconds"),
                   ("scanner", "baudrate"), ("printer", "width"), ("display", "screen")}
        for (section, key), widget in self.fields.items():
            if isinstance(widget, QCheckBox):
                value: Any = widget.isChecked()
            elif isinstance(widget, QComboBox):
                index = widget.currentIndex()
                typed = widget.currentText().strip()
                data_value = widget.itemData(index) if index >= 0 else None
                value = data_value if data_value is not None and \
                    widget.itemText(index) == widget.currentText() else typed
            else:
                value = widget.text().strip()
            table = data.setdefault(section, {})
            if value == "" or value is None:
                table.pop(key, None)  # empty = not set (the default)
            else:
                table[key] = _number(value) if (section, key) in numbers else value
        new_key = self.sign_key.text().strip()
        if new_key:
            data["ottpay"]["sign_key"] = new_key
        data["store"] = self.store.table()
        return data

    def save(self) -> Config | None:
        """Validate everything; write only if all of it is valid. Returns the settings being
        written (None: not valid); with a new password for the OS keyring they are written
        through the bridge and ``saved`` follows."""
        try:
            config = self.store.checked(self.form_data(), source=self.path)
        except ConfigError as exc:
            self._error(str(exc).replace(f"{self.path}: ", ""))
            return None
        password = self.store.keyring_password()
        if password is None:
            save_config(config, self.path)
            self._saved(config)
            return config
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Saving…"))
        self.bridge.run(write_setup, SetupPlan(config, self.path, None, None,
                                               store_password=password), self.secret_store,
                        on_done=self._saved, on_error=self._save_failed)
        return config

    def _error(self, text: str) -> None:
        self.message.setStyleSheet("color: #c62828; font-weight: bold;")
        self.message.setText(text)

    def _saved(self, config: Config) -> None:
        self.message.setStyleSheet("color: #2e7d32; font-weight: bold;")
        self.message.setText(self.tr("Saved. Restart the terminal to use the new settings."))
        self.config = config
        self.saved.emit(config)

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, SecretStoreError):
            self._error(self.tr("The password could not be put in the OS keyring (%1); nothing "
                                "was saved. Untick the keyring box to keep it in the settings "
                                "file.").replace("%1", str(exc)))
        else:
            self._error(str(exc))

    # --- device tests --------------------------------------------------------------------
    def show_test_scan(self, code: str) -> None:
        """A scan that arrived while settings are open: say what it is instead of paying."""
        try:
            wallet = classify_payment_code(code)
        except PaymentCodeError as exc:
            self.scan_result.setText(str(exc))
            return
        self.scan_result.setText(self.tr("Test scan: %1 code %2")
                                 .replace("%1", wallet_label(wallet))
                                 .replace("%2", mask_code(code)))

    def test_print(self) -> None:
        """Print a test page with the printer settings in the form (not yet saved)."""
        if self.test_print_fn is None:
            return
        try:
            config = config_from_dict(self.form_data(), source=self.path)
        except ConfigError as exc:
            self.print_result.setText(str(exc).replace(f"{self.path}: ", ""))
            return
        self.print_result.setText(self.tr("Printing…"))
        self.bridge.run(self.test_print_fn, config,
                        on_done=lambda _: self.print_result.setText(
                            self.tr("The test page was printed.")),
                        on_error=lambda exc: self.print_result.setText(str(exc)))
