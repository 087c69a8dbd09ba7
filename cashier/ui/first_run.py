"""First run: with no settings file, offer demo mode or a short real-merchant setup.

"Try demo mode" writes a minimal settings file (no credentials, so ``Config.demo`` stays true)
so the question is not asked again on every start; Settings or this file can add a merchant
later. "Set up a real merchant" asks for the gateway account, the shop, the first manager (so
Settings and operators can be reached later), the scanner and printer, with a test button for
each, and optionally the store database shared by several counters
(``cashier.ui.store_fields``, with its connection test). Everything is checked with
``cashier.config.config_from_dict`` (the same sentences as a broken settings file) and nothing
is written until all of it is valid; then the sign key and the store database's password go to
the OS keyring if asked, the file is written by ``save_config`` (atomic, 0600) and the manager
is added to the operators file (PIN hashed). Device tests and saving run through the bridge.

Start-up calls ``maybe_run_first_run(config_path)`` before loading the settings.
The work itself (test scan, keyring probe, writing the setup) is ``cashier.first_setup``,
without Qt; this module is the dialog around it.

Why one module this long: it is one dialog whose four pages feed one settings form, checked
and written together; split, each page would need the others' fields.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cashier.config import (
    Config,
    ConfigError,
    StoreSection,
    config_from_dict,
)
from cashier.devices.scanner import serial_ports
from cashier.first_setup import (
    SCAN_TEST_SECONDS,
    ScanTestError,
    SetupPlan,
    config_target,
    keyring_problem,
    needs_first_run,
    wait_for_scan,
    write_setup,
)
from cashier.operators import OperatorError, OperatorStore, check_pin, operators_path
from cashier.secrets import (
    MemorySecretStore,
    SecretStore,
    SecretStoreError,
)
from cashier.ui.bridge import Bridge
from cashier.ui.collector import keep_collection_on_gui_thread
from cashier.ui.labels import wallet_label
from cashier.ui.store_fields import StoreFields
from cashier.ui.style import STYLE_SHEET
from cashier.wallets import PaymentCodeError, classify_payment_code, mask_code

#: Wide enough for the merchant page's notes to wrap into a few lines (pixels).
MIN_WIDTH = 560


@dataclass(frozen=True)
class FirstRunResult:
    """What the setup wrote: ``mode`` is ``"demo"`` or ``"merchant"``."""

    mode: str
    config: Config
    path: Path


# --- the dialog -------------------------------------------------------------------------------


class FirstRunDialog(QDialog):
    """Welcome (demo or merchant) -> merchant account -> scanner and printer -> store database
(optional).

    ``result_value`` holds the ``FirstRunResult`` once something was written.
    """

    def __init__(self, path: Path, bridge: Bridge, *, secret_store: SecretStore | None = None,
                 language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Set up the cashier terminal"))
        self.setStyleSheet(STYLE_SHEET)  # the terminal's one style: touch-sized controls
        self.path = path
        self.bridge = bridge
        self.secret_store = secret_store
        self.language = language
        self.result_value: FirstRunResult | None = None
        self.scan_seconds = SCAN_TEST_SECONDS
        self._scan_stop = threading.Event()
        self._busy = False
        self._needs_manager = not any(o.is_manager for o in self._existing_operators())

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(self._merchant_page())
        self.pages.addWidget(self._devices_page())
        self.pages.addWidget(self._store_page())
        self.message = QLabel("", self)
        self.message.setObjectName("first_run_message")
        self.message.setWordWrap(True)
        self.back_button = QPushButton(self.tr("Back"), self)
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton(self.tr("Next"), self)
        self.next_button.setObjectName("first_run_next")
        self.next_button.clicked.connect(self.next)
        self.finish_button = QPushButton(self.tr("Save and start"), self)
        self.finish_button.setObjectName("first_run_finish")
        self.finish_button.clicked.connect(self.finish)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.finish_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(MIN_WIDTH)
        self._show_page(0)
        self.bridge.run(keyring_problem, secret_store, on_done=self._keyring_checked,
                        on_error=lambda exc: self._keyring_checked(type(exc).__name__))

    def _existing_operators(self) -> list[Any]:
        try:
            return OperatorStore(operators_path(self.path)).operators
        except OperatorError:
            return []

    # --- pages -------------------------------------------------------------------------------
    def _welcome_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("There are no settings yet. Try the terminal with a built-in "
                               "payment simulator, or set it up for your merchant account."), page)
        intro.setWordWrap(True)
        self.demo_button = QPushButton(self.tr("Try demo mode"), page)
        self.demo_button.setObjectName("first_run_demo")
        self.demo_button.setMinimumHeight(48)
        self.demo_button.clicked.connect(self.choose_demo)
        self.merchant_button = QPushButton(self.tr("Set up a real merchant"), page)
        self.merchant_button.setObjectName("first_run_merchant")
        self.merchant_button.setMinimumHeight(48)
        self.merchant_button.clicked.connect(lambda: self._show_page(1))
        layout.addWidget(intro)
        layout.addWidget(self.demo_button)
        layout.addWidget(self.merchant_button)
        layout.addStretch(1)
        return page

    def _line(self, form: QFormLayout, label: str, name: str, *,
              password: bool = False, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(label, edit)
        return edit

    def _merchant_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.merchant_id = self._line(form, self.tr("Merchant id"), "merchant_id",
                                      placeholder="QC00005496")
        self.operator_id = self._line(form, self.tr("Operator id"), "operator_id",
                                      placeholder="0000020156")
        self.sign_key = self._line(form, self.tr("Sign key"), "sign_key", password=True)
        self.use_keyring = QCheckBox(self.tr("Keep the sign key in the OS keyring"), self)
        self.use_keyring.setObjectName("use_keyring")
        self.use_keyring.setEnabled(False)
        self.keyring_note = QLabel(self.tr("Looking for the OS keyring…"), self)
        self.keyring_note.setObjectName("keyring_note")
        self.keyring_note.setWordWrap(True)
        form.addRow("", self.use_keyring)
        form.addRow("", self.keyring_note)
        self.shop_name = self._line(form, self.tr("Shop name"), "shop_name")
        self.shop_address = self._line(form, self.tr("Shop address"), "shop_address")
        self.manager_name = self._line(form, self.tr("Manager's name"), "manager_name")
        self.manager_pin = self._line(form, self.tr("Manager's PIN (4-8 digits)"),
                                      "manager_pin", password=True)
        self.manager_pin_again = self._line(form, self.tr("PIN again"), "manager_pin_again",
                                            password=True)
        for edit in (self.manager_name, self.manager_pin, self.manager_pin_again):
            edit.setVisible(self._needs_manager)
            label = form.labelForField(edit)
            if label is not None:
                label.setVisible(self._needs_manager)
        return page

    def _devices_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.scanner = QComboBox(self)
        self.scanner.setObjectName("scanner")
        self.scanner.setEditable(True)
        self.scanner.addItem(self.tr("None"), ("none", ""))
        self.scanner.addItem(self.tr("Keyboard wedge"), ("wedge", ""))
        for port in serial_ports():
            self.scanner.addItem(port, ("serial", port))
        self.scanner.setCurrentIndex(1)
        form.addRow(self.tr("Scanner"), self.scanner)
        self.test_scan_button = QPushButton(self.tr("Test scan"), self)
        self.test_scan_button.setObjectName("test_scan")
        self.test_scan_button.clicked.connect(self.test_scan)
        self.wedge_input = QLineEdit(self)
        self.wedge_input.setObjectName("wedge_input")
        self.wedge_input.setPlaceholderText(self.tr("Keyboard wedge: scan into this field"))
        self.wedge_input.returnPressed.connect(
            lambda: self._show_scan(self.wedge_input.text().strip() or None))
        self.scan_result = QLabel("", self)
        self.scan_result.setObjectName("scan_result")
        self.scan_result.setWordWrap(True)
        form.addRow(self.test_scan_button, self.wedge_input)
        form.addRow("", self.scan_result)

        self.printer_kind = QComboBox(self)
        self.printer_kind.setObjectName("printer_kind")
        for kind, text in (("none", self.tr("None")), ("network", self.tr("Network")),
                           ("usb", self.tr("USB")), ("serial", self.tr("Serial")),
                           ("file", self.tr("Device file")), ("win32", self.tr("Windows printer"))):
            self.printer_kind.addItem(text, kind)
        form.addRow(self.tr("Printer"), self.printer_kind)
        self.printer_address = self._line(form, self.tr("Printer address"), "printer_address",
                                          placeholder="192.168.1.50:9100")
        self.paper_width = QComboBox(self)
        self.paper_width.setObjectName("paper_width")
        for width in (80, 58):
            self.paper_width.addItem(self.tr("%1 mm").replace("%1", str(width)), width)
        form.addRow(self.tr("Paper width"), self.paper_width)
        self.encoding = self._line(form, self.tr("Encoding"), "encoding")
        self.encoding.setText("gb18030")
        self.test_print_button = QPushButton(self.tr("Test print"), self)
        self.test_print_button.setObjectName("test_print")
        self.test_print_button.clicked.connect(self.test_print)
        self.print_result = QLabel("", self)
        self.print_result.setObjectName("print_result")
        self.print_result.setWordWrap(True)
        form.addRow(self.test_print_button, self.print_result)
        return page

    def _store_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        note = QLabel(self.tr("Several counters: fill this in only when the shop's lanes share "
                              "a store database. Leave it empty for a terminal on its own."), page)
        note.setWordWrap(True)
        form.addRow(note)
        self.store_fields = StoreFields(form, page, self.bridge, StoreSection())
        return page

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.back_button.setVisible(index > 0)
        self.next_button.setVisible(index in (1, 2))
        self.finish_button.setVisible(index in (2, 3))
        self.message.setText("")
        self._fit()

    def _fit(self) -> None:
        """Grow to show every wrapped line (the keyring note, the message) in full: Qt sizes a
        dialog once, for the texts it had then."""
        layout = self.layout()
        layout.activate()
        height = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() \
            else layout.totalSizeHint().height()
        if height > self.height():
            self.resize(self.width(), height)

    def _keyring_checked(self, problem: str | None) -> None:
        self.store_fields.keyring.setEnabled(problem is None)
        if problem is not None:
            self.store_fields.keyring.setChecked(False)
        if problem is None:
            self.use_keyring.setEnabled(True)
            self.keyring_note.setText(self.tr("Otherwise the key is kept in the settings file, "
                                              "readable only by you."))
        else:
            self.use_keyring.setChecked(False)
            self.keyring_note.setText(
                self.tr("No OS keyring is available on this computer (%1); the sign key will be "
                        "kept in the settings file, readable only by you.").replace("%1", problem))
        self._fit()

    # --- navigation ---------------------------------------------------------------------------
    def back(self) -> None:
        self._show_page(max(0, self.pages.currentIndex() - 1))

    def next(self) -> None:
        """Leave the merchant page only when what it holds is valid (the devices and the store
        are checked with everything on saving)."""
        if self.pages.currentIndex() == 2:
            self._show_page(3)
        elif self._plan(devices=False) is not None:
            self._show_page(2)

    def _error(self, text: str) -> None:
        self.message.setStyleSheet("color: #c62828; font-weight: bold;")
        self.message.setText(text)
        self._fit()

    # --- reading the form -----------------------------------------------------------------
    def _scanner_choice(self) -> tuple[str, str]:
        index = self.scanner.currentIndex()
        typed = self.scanner.currentText().strip()
        if index >= 0 and self.scanner.itemText(index) == self.scanner.currentText():
            kind, port = self.scanner.itemData(index)
            return str(kind), str(port)
        return ("serial", typed) if typed else ("none", "")

    def form_data(self, *, devices: bool = True) -> dict[str, Any]:
        """The settings as the file would hold them (empty fields left out)."""
        ottpay = {"merchant_id": self.merchant_id.text().strip(),
                  "operator_id": self.operator_id.text().strip(),
                  "sign_key": self.sign_key.text().strip()}
        if self.use_keyring.isChecked():
            ottpay["sign_key_source"] = "keyring"
        data: dict[str, Any] = {
            "ottpay": {k: v for k, v in ottpay.items() if v},
            "shop": {"name": self.shop_name.text().strip(),
                     "address": self.shop_address.text().strip()},
            "ui": {"language": self.language},
        }
        if devices:
            kind, port = self._scanner_choice()
            data["scanner"] = {"kind": kind} | ({"port": port} if port else {})
            printer: dict[str, Any] = {"kind": self.printer_kind.currentData(),
                                       "width": self.paper_width.currentData(),
                                       "encoding": self.encoding.text().strip()}
            if self.printer_address.text().strip():
                printer["address"] = self.printer_address.text().strip()
            data["printer"] = printer
            store = self.store_fields.table()
            if store:
                data["store"] = store
        return data

    def _validate(self, data: dict[str, Any]) -> tuple[Config, str | None] | None:
        """``config_from_dict`` on ``data`` (a keyring key checked from memory): the config and
        the key to put in the keyring, or ``None`` after showing the sentence to fix."""
        missing = self._missing_credential()
        if missing is not None:
            self._error(missing)
            return None
        keyring = data["ottpay"].get("sign_key_source") == "keyring"
        in_file = data | {"ottpay": {k: v for k, v in data["ottpay"].items()
                                     if k != "sign_key_source"}}
        check = self.store_fields.checked
        try:  # checked as if in the file first, so a missing key is named as such
            config = check(in_file, source=self.path, secret_store=MemorySecretStore())
            keyring_key = config.ottpay.sign_key if keyring and config.ottpay.sign_key else None
            if keyring_key is not None:
                ottpay = {k: v for k, v in data["ottpay"].items() if k != "sign_key"}
                store = MemorySecretStore({config.ottpay.merchant_id or "": keyring_key})
                config = check(data | {"ottpay": ottpay}, source=self.path, secret_store=store)
        except ConfigError as exc:
            self._error(self._in_field_names(str(exc).replace(f"{self.path}: ", "")))
            return None
        return config, keyring_key

    def _missing_credential(self) -> str | None:
        """What to enter when one of the three OTT Pay fields is empty (``None``: none is)."""
        fields = (
            (self.merchant_id, self.tr("Enter the merchant id from OTT Pay (two letters and "
                                       "eight digits).")),
            (self.operator_id, self.tr("Enter the operator id from OTT Pay (ten digits).")),
            (self.sign_key, self.tr("Enter the sign key from OTT Pay (16 characters, 0-9 and "
                                    "A-F).")),
        )
        empty = [sentence for edit, sentence in fields if not edit.text().strip()]
        if len(empty) == len(fields):
            return self.tr("Enter the merchant id, operator id and sign key from OTT Pay (or go "
                           "back and choose demo mode).")
        return empty[0] if empty else None

    def _in_field_names(self, message: str) -> str:
        """A settings-file sentence (``[ottpay] operator_id '20156' is not...``) with the
        setting named as this dialog labels it (``Operator id '20156' is not...``)."""
        labels = {
            "[ottpay] merchant_id": self.tr("Merchant id"),
            "[ottpay] operator_id": self.tr("Operator id"),
            "[ottpay] sign_key": self.tr("Sign key"),
            "[shop] name": self.tr("Shop name"),
            "[shop] address": self.tr("Shop address"),
            "[scanner] port": self.tr("Scanner"),
            "[printer] address": self.tr("Printer address"),
            "[printer] encoding": self.tr("Encoding"),
            "[store] database_url": self.tr("Store database address"),
            "[store] terminal_id": self.tr("This lane's terminal id"),
        }
        for setting, label in labels.items():
            if message.startswith(setting):
                return label + message[len(setting):]
        return message

    def _plan(self, *, devices: bool = True) -> SetupPlan | None:
        checked = self._validate(self.form_data(devices=devices))
        if checked is None:
            return None
        config, keyring_key = checked
        manager = None
        if self._needs_manager:
            name = self.manager_name.text().strip()
            pin = self.manager_pin.text()
            if not name:
                self._error(self.tr("Enter the manager's name (the manager changes settings "
                                    "and adds cashiers)."))
                return None
            try:
                check_pin(pin)
            except OperatorError:
                self._error(self.tr("The manager's PIN must be 4 to 8 digits."))
                return None
            if pin != self.manager_pin_again.text():
                self._error(self.tr("The two PINs differ."))
                return None
            manager = (name, config.ottpay.operator_id or "", pin)
        return SetupPlan(config, self.path, keyring_key, manager,
                         store_password=self.store_fields.keyring_password())

    # --- choices ------------------------------------------------------------------------------
    def choose_demo(self) -> None:
        """A settings file without credentials: demo mode now, and no setup on the next start."""
        try:
            config = config_from_dict({"ui": {"language": self.language}}, source=self.path)
        except ConfigError as exc:
            self._error(str(exc))
            return
        self._save(SetupPlan(config, self.path, None, None), "demo")

    def finish(self) -> None:
        plan = self._plan()
        if plan is None:
            return
        self._save(plan, "merchant")

    def _save(self, plan: SetupPlan, mode: str) -> None:
        if self._busy:
            return
        self._set_busy(True)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Saving…"))
        self.bridge.run(write_setup, plan, self.secret_store,
                        on_done=lambda config: self._saved(mode, config),
                        on_error=self._save_failed)

    def _saved(self, mode: str, config: Config) -> None:
        self._set_busy(False)
        self.result_value = FirstRunResult(mode, config, self.path)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        # the keyring's own sentence names what it refused: the sign key or the password
        if isinstance(exc, SecretStoreError) and "password" in str(exc):
            self._error(self.tr("The store database's password could not be put in the OS "
                                "keyring (%1); nothing was saved. Untick its keyring box to "
                                "keep it in the settings file.").replace("%1", str(exc)))
        elif isinstance(exc, SecretStoreError):
            self._error(self.tr("The sign key could not be put in the OS keyring (%1); nothing "
                                "was saved. Untick the keyring box to keep it in the settings "
                                "file.").replace("%1", str(exc)))
        elif isinstance(exc, OSError):
            self._error(self.tr("The settings could not be written to %1 (%2).")
                        .replace("%1", str(self.path)).replace("%2", exc.strerror or str(exc)))
        else:
            self._error(str(exc))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (self.finish_button, self.demo_button, self.merchant_button,
                       self.next_button, self.back_button):
            button.setEnabled(not busy)

    # --- device tests -------------------------------------------------------------------------
    def test_scan(self) -> None:
        """Serial: wait a few seconds for one scan off the GUI thread. Wedge: scan into the
        field next to the button."""
        kind, port = self._scanner_choice()
        if kind == "wedge":
            self.wedge_input.clear()
            self.wedge_input.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scan_result.setText(self.tr("Scan a payment code into the field now."))
            return
        if kind != "serial":
            self.scan_result.setText(self.tr("Choose a scanner first."))
            return
        self.test_scan_button.setEnabled(False)
        self._scan_stop.clear()
        self.scan_result.setText("")
        prompt = self.tr("Scan a payment code now (%1 seconds)…").replace(
            "%1", f"{self.scan_seconds:g}")
        # Asked for only once the port is open: a code scanned before that would be lost.
        self.bridge.run(wait_for_scan, port, timeout=self.scan_seconds, stop=self._scan_stop,
                        on_open=lambda: self.bridge.call_on_gui(
                            lambda: self.scan_result.setText(prompt)),
                        on_done=self._show_scan,
                        on_error=lambda exc: self._scan_failed(port, exc))

    def _show_scan(self, code: str | None) -> None:
        self.test_scan_button.setEnabled(True)
        if code is None:
            self.scan_result.setText(self.tr("No scan arrived. Check the scanner's cable and "
                                             "that it sends a carriage return after each code."))
            return
        try:
            wallet = classify_payment_code(code)
        except PaymentCodeError as exc:
            self.scan_result.setText(self.tr("The scanner works, but %1 is not a payment code "
                                             "(%2).").replace("%1", mask_code(code))
                                     .replace("%2", str(exc)))
            return
        self.scan_result.setText(self.tr("The scanner works: %1 code %2")
                                 .replace("%1", wallet_label(wallet))
                                 .replace("%2", mask_code(code)))

    def _scan_failed(self, port: str, exc: BaseException) -> None:
        self.test_scan_button.setEnabled(True)
        if isinstance(exc, ScanTestError) and exc.kind == "absent":
            self.scan_result.setText(self.tr("There is no scanner at %1.").replace("%1", port))
        else:
            detail = exc.detail if isinstance(exc, ScanTestError) else str(exc)
            self.scan_result.setText(self.tr("The scanner port %1 cannot be opened (%2).")
                                     .replace("%1", port).replace("%2", detail))

    def test_print(self) -> None:
        """Print the test page with the printer in the form (not yet saved)."""
        data = self.form_data()
        try:
            config = config_from_dict({key: data[key] for key in ("printer", "shop")},
                                      source=self.path)
        except ConfigError as exc:
            self.print_result.setText(str(exc).replace(f"{self.path}: ", ""))
            return
        if config.printer.kind == "none":
            self.print_result.setText(self.tr("Choose a printer first."))
            return
        from cashier.printing import print_test_page

        self.test_print_button.setEnabled(False)
        self.print_result.setText(self.tr("Printing…"))
        self.bridge.run(print_test_page, config, on_done=self._printed,
                        on_error=self._print_failed)

    def _printed(self, _result: object) -> None:
        self.test_print_button.setEnabled(True)
        self.print_result.setText(self.tr("The test page was printed."))

    def _print_failed(self, exc: BaseException) -> None:
        self.test_print_button.setEnabled(True)
        self.print_result.setText(str(exc))

    def done(self, result: int) -> None:  # noqa: D401 - Qt API
        self._scan_stop.set()  # a scan test still waiting gives up
        super().done(result)


def can_ask(env: Mapping[str, str] = os.environ) -> bool:
    """A person could answer: there is a display and Qt is not drawing off-screen."""
    from cashier.ui.launch import display_problem

    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0]
    return display_problem(env) is None and platform not in ("offscreen", "minimal")


def maybe_run_first_run(config_path: str | os.PathLike[str] | None, *,
                        parent: QWidget | None = None, language: str | None = None,
                        secret_store: SecretStore | None = None, interactive: bool | None = None,
                        env: Mapping[str, str] = os.environ) -> FirstRunResult | None:
    """Run the setup when the settings file start-up would read does not exist.

    Returns what was written, or ``None`` when a file exists, nobody could answer (no display,
    or Qt's offscreen platform, unless ``interactive``) or the setup was cancelled: start-up then
    goes on as before (no file means demo mode). Makes the ``QApplication`` if there is none and
    installs ``language`` (default: the system's) only while the dialog is open.
    """
    if not needs_first_run(config_path, env):
        return None
    if not (can_ask(env) if interactive is None else interactive):
        return None
    from cashier.ui.i18n import install_language, remove_language, system_language

    app = QApplication.instance() or QApplication(["cashier"])
    keep_collection_on_gui_thread(app)
    chosen = language or system_language()
    translators = install_language(app, chosen)
    bridge = Bridge()
    try:
        dialog = FirstRunDialog(config_target(config_path, env), bridge,
                                secret_store=secret_store, language=chosen, parent=parent)
        dialog.exec()
        return dialog.result_value
    finally:
        bridge.shutdown()
        remove_language(app, translators)

