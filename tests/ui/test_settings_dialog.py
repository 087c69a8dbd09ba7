"""Settings: everything validated before anything is saved; the sign key never shown back."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit

from cashier.config import Config, config_from_dict, load_config
from cashier.operators import DEMO_CASHIER_PIN, DEMO_MANAGER_PIN
from cashier.simulator import Scenario, demo_code
from cashier.ui.bridge import Bridge
from cashier.ui.settings_dialog import SettingsDialog
from tests.ui.helpers import NetworkPrinter

SIGN_KEY = "0123456789ABCDEF"


@pytest.fixture
def bridge(qapp):
    bridge = Bridge()
    yield bridge
    bridge.shutdown()


def configured(path) -> Config:
    return config_from_dict({"ottpay": {"merchant_id": "QC00005496", "sign_key": SIGN_KEY,
                                        "operator_id": "0000020156"}}, source=path)


def make(qtbot, bridge, config, path, **kwargs) -> SettingsDialog:
    dialog = SettingsDialog(config, bridge, path=path, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def field(dialog, name: str):
    return dialog.findChild(object, name)


def all_texts(dialog) -> str:
    texts = [w.text() for w in dialog.findChildren(QLineEdit)]
    texts += [w.placeholderText() for w in dialog.findChildren(QLineEdit)]
    texts += [w.text() for w in dialog.findChildren(QLabel)]
    return "\n".join(texts)


def test_sign_key_is_never_shown_and_kept_when_left_empty(qtbot, bridge, tmp_path):
    path = tmp_path / "cashier.toml"
    dialog = make(qtbot, bridge, configured(path), path)
    assert SIGN_KEY not in all_texts(dialog)
    assert "CDEF" in dialog.sign_key.placeholderText()
    field(dialog, "shop.name").setText("茶馆 Tea House")
    assert dialog.save() is not None
    saved = load_config(path)
    assert saved.ottpay.sign_key == SIGN_KEY
    assert saved.shop.name == "茶馆 Tea House"


@pytest.mark.parametrize(("name", "value", "says"), [
    ("payments.poll_interval_seconds", "soon", "poll_interval_seconds"),
    ("ottpay.merchant_id", "not a merchant", "merchant_id"),
    ("payments.max_amount", "12.345", "max_amount"),
    ("ottpay.endpoint", "http://pay.example.com/processV2", "endpoint"),
])
def test_invalid_entry_is_refused_and_nothing_saved(qtbot, bridge, tmp_path, name, value, says):
    path = tmp_path / "cashier.toml"
    dialog = make(qtbot, bridge, configured(path), path)
    field(dialog, "shop.name").setText("changed too")
    field(dialog, name).setText(value)
    assert dialog.save() is None
    assert says in dialog.message.text()
    assert not path.exists()


def test_new_sign_key_replaces_the_old_one(qtbot, bridge, tmp_path):
    path = tmp_path / "cashier.toml"
    dialog = make(qtbot, bridge, configured(path), path)
    dialog.sign_key.setText("FEDCBA9876543210")
    dialog.save()
    assert load_config(path).ottpay.sign_key == "FEDCBA9876543210"
    dialog.sign_key.setText("short")
    assert dialog.save() is None
    assert "sign_key" in dialog.message.text()
    assert load_config(path).ottpay.sign_key == "FEDCBA9876543210"


def test_test_print_uses_the_form_printer(qtbot, bridge, tmp_path):
    printer = NetworkPrinter()
    try:
        path = tmp_path / "cashier.toml"
        from cashier.ui.app import Terminal

        dialog = make(qtbot, bridge, Config(), path, test_print=Terminal.test_print)
        kind = field(dialog, "printer.kind")
        kind.setCurrentIndex(kind.findData("network"))
        field(dialog, "printer.address").setText(f"127.0.0.1:{printer.port}")
        dialog.test_print()
        qtbot.waitUntil(lambda: dialog.print_result.text() == "The test page was printed.",
                        timeout=5000)
        # the page is sent before the printer's side has read it all: wait for the printer
        qtbot.waitUntil(lambda: len(printer.jobs) == 1, timeout=5000)
        assert b"PRINTER TEST" in printer.jobs[0]
    finally:
        printer.stop()
    with socket.create_server(("127.0.0.1", 0)) as probe:
        dead = probe.getsockname()[1]
    field(dialog, "printer.address").setText(f"127.0.0.1:{dead}")
    dialog.test_print()
    qtbot.waitUntil(lambda: "offline" in dialog.print_result.text(), timeout=5000)
    assert not path.exists()  # testing saves nothing


def test_settings_need_a_managers_pin_and_a_scan_is_a_test_scan(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    qtbot.mouseClick(window.settings_button, Qt.MouseButton.LeftButton)
    pin = window.findChildren(type(terminal.ask_settings()))[0]
    pin.pin.setText(DEMO_CASHIER_PIN)
    pin.submit()
    qtbot.waitUntil(lambda: "Wrong PIN" in pin.message.text(), timeout=3000)
    assert terminal.settings is None
    dialog = terminal.ask_settings()
    dialog.pin.setText(DEMO_MANAGER_PIN)
    dialog.submit()
    qtbot.waitUntil(lambda: terminal.settings is not None and terminal.settings.isVisible(),
                    timeout=3000)
    terminal._scanned(demo_code(Scenario.INSTANT_SUCCESS))
    assert "WeChat Pay code 1345" in terminal.settings.scan_result.text()
    assert window.state == "entry"  # the test scan did not start a payment
    assert terminal.simulator.requests(action="PASSIVEPAY") == []
