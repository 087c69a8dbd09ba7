"""First run: demo or a real merchant, validated like the settings file, written only when valid."""

from __future__ import annotations

import os
import socket
import stat
import sys

import pytest
from PySide6.QtCore import QTimer

from cashier.config import SignKeySource, load_config
from cashier.operators import OperatorStore, operators_path
from cashier.secrets import MemorySecretStore
from cashier.ui.bridge import Bridge
from cashier.ui.first_run import FirstRunDialog, can_ask, maybe_run_first_run
from tests.test_operators import assert_pin_only_hashed
from tests.ui.helpers import NetworkPrinter

SIGN_KEY = "0123456789ABCDEF"
WECHAT = "134567890123456789"


@pytest.fixture
def bridge(qapp):
    bridge = Bridge()
    yield bridge
    bridge.shutdown()


@pytest.fixture
def path(tmp_path):
    return tmp_path / "cfg" / "cashier.toml"


def make(qtbot, bridge, path, **kwargs) -> FirstRunDialog:
    dialog = FirstRunDialog(path, bridge, secret_store=kwargs.pop("secret_store", None), **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    # the keyring look-up runs on the bridge at start; let it answer
    qtbot.waitUntil(lambda: "Looking" not in dialog.keyring_note.text(), timeout=3000)
    return dialog


def fill_merchant(dialog, *, merchant="QC00005496", key=SIGN_KEY, pin="4321") -> None:
    dialog.merchant_button.click()
    dialog.merchant_id.setText(merchant)
    dialog.operator_id.setText("0000020156")
    dialog.sign_key.setText(key)
    dialog.shop_name.setText("茶馆 Tea House")
    dialog.shop_address.setText("1 Queen St")
    dialog.manager_name.setText("Mei")
    dialog.manager_pin.setText(pin)
    dialog.manager_pin_again.setText(pin)


def test_demo_writes_a_minimal_settings_file_that_stays_in_demo_mode(qtbot, bridge, path):
    dialog = make(qtbot, bridge, path)
    dialog.demo_button.click()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=3000)
    assert dialog.result_value.mode == "demo"
    config = load_config(path)
    assert config.demo
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_real_merchant_writes_a_config_load_config_accepts_and_the_first_manager(
        qtbot, bridge, path):
    dialog = make(qtbot, bridge, path)
    fill_merchant(dialog)
    dialog.next_button.click()
    assert dialog.pages.currentIndex() == 2, dialog.message.text()
    dialog.scanner.setCurrentIndex(0)  # none
    dialog.printer_kind.setCurrentIndex(dialog.printer_kind.findData("network"))
    dialog.printer_address.setText("127.0.0.1:9100")
    dialog.paper_width.setCurrentIndex(dialog.paper_width.findData(58))
    dialog.finish_button.click()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=3000)
    config = load_config(path)
    assert not config.demo
    assert (config.ottpay.merchant_id, config.ottpay.operator_id, config.ottpay.sign_key) == (
        "QC00005496", "0000020156", SIGN_KEY)
    assert config.shop.name == "茶馆 Tea House"
    assert (str(config.printer.kind), config.printer.address, config.printer.width) == (
        "network", "127.0.0.1:9100", 58)
    assert str(config.scanner.kind) == "none"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    store = OperatorStore(operators_path(path))
    manager = store.verify_manager("4321")
    assert manager is not None and manager.name == "Mei"
    assert_pin_only_hashed(operators_path(path), "Mei", "4321")


@pytest.mark.parametrize(("merchant", "key", "expected"), [
    ("QC5496", SIGN_KEY, "is not a merchant id"),
    ("QC00005496", "not-a-key", "is not a sign key"),
    ("QC00005496", "", "Enter the sign key from OTT Pay"),
])
def test_bad_merchant_id_or_sign_key_is_refused_and_nothing_written(
        qtbot, bridge, path, merchant, key, expected):
    dialog = make(qtbot, bridge, path)
    fill_merchant(dialog, merchant=merchant, key=key)
    dialog.next_button.click()
    assert dialog.pages.currentIndex() == 1
    assert expected in dialog.message.text()
    assert "not-a-key" not in dialog.message.text()
    dialog.finish()  # even forced, nothing is saved
    qtbot.wait(50)
    assert dialog.result_value is None
    assert not path.parent.exists() or not any(path.parent.iterdir())


def test_short_or_mismatched_manager_pin_is_refused(qtbot, bridge, path):
    dialog = make(qtbot, bridge, path)
    fill_merchant(dialog, pin="12")
    dialog.next_button.click()
    assert "4 to 8 digits" in dialog.message.text()
    dialog.manager_pin_again.setText("9999")
    dialog.manager_pin.setText("1234")
    dialog.next_button.click()
    assert "differ" in dialog.message.text()
    assert dialog.pages.currentIndex() == 1 and not path.exists()


def test_sign_key_in_the_keyring_when_ticked(qtbot, bridge, path):
    store = MemorySecretStore()
    dialog = make(qtbot, bridge, path, secret_store=store)
    assert dialog.use_keyring.isEnabled()
    fill_merchant(dialog)
    dialog.use_keyring.setChecked(True)
    dialog.next_button.click()
    dialog.scanner.setCurrentIndex(1)  # keyboard wedge
    dialog.finish_button.click()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=3000)
    assert SIGN_KEY not in path.read_text()
    assert store.get_sign_key("QC00005496") == SIGN_KEY
    config = load_config(path, secret_store=store)
    assert config.ottpay.sign_key_source is SignKeySource.KEYRING
    assert config.ottpay.sign_key == SIGN_KEY
    assert str(config.scanner.kind) == "wedge"


def test_test_print_reaches_a_real_tcp_printer_and_a_closed_port_says_offline(
        qtbot, bridge, path):
    dialog = make(qtbot, bridge, path)
    fill_merchant(dialog)
    dialog.next_button.click()
    dialog.printer_kind.setCurrentIndex(dialog.printer_kind.findData("network"))
    printer = NetworkPrinter()
    try:
        dialog.printer_address.setText(f"127.0.0.1:{printer.port}")
        dialog.test_print_button.click()
        qtbot.waitUntil(lambda: "printed" in dialog.print_result.text(), timeout=3000)
        qtbot.waitUntil(lambda: len(printer.jobs) == 1, timeout=3000)
    finally:
        printer.stop()
    assert b"PRINTER TEST" in printer.jobs[0]
    assert "茶馆 Tea House".encode("gb18030") in printer.jobs[0]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    dialog.printer_address.setText(f"127.0.0.1:{closed}")
    dialog.test_print_button.click()
    qtbot.waitUntil(lambda: "offline" in dialog.print_result.text(), timeout=3000)
    assert dialog.test_print_button.isEnabled()
    assert not path.exists()  # testing saves nothing


def test_test_print_with_a_bad_printer_setting_names_it(qtbot, bridge, path):
    dialog = make(qtbot, bridge, path)
    fill_merchant(dialog)
    dialog.next_button.click()
    dialog.printer_kind.setCurrentIndex(dialog.printer_kind.findData("network"))
    dialog.test_print_button.click()
    assert "[printer] address is missing" in dialog.print_result.text()



def test_test_scan_through_a_real_pty_shows_the_wallet(qtbot, bridge, path, pty_pair):
    master, port = pty_pair
    dialog = make(qtbot, bridge, path)
    fill_merchant(dialog)
    dialog.next_button.click()
    dialog.scanner.setEditText(port)
    dialog.test_scan_button.click()
    assert not dialog.test_scan_button.isEnabled()
    # The port is opened on a bridge worker, which drops what arrived before: scan when asked.
    qtbot.waitUntil(lambda: "Scan a payment code now" in dialog.scan_result.text(),
                    timeout=10000)
    os.write(master, WECHAT.encode() + b"\r")
    qtbot.waitUntil(lambda: "works" in dialog.scan_result.text(), timeout=3000)
    assert "WeChat Pay" in dialog.scan_result.text()
    assert WECHAT not in dialog.scan_result.text()  # masked
    assert dialog.test_scan_button.isEnabled()


def test_test_scan_without_a_scan_or_a_scanner_says_so(qtbot, bridge, path, pty_pair, tmp_path):
    _master, port = pty_pair
    dialog = make(qtbot, bridge, path)
    dialog.scan_seconds = 0.2
    fill_merchant(dialog)
    dialog.next_button.click()
    dialog.scanner.setEditText(port)
    dialog.test_scan_button.click()
    qtbot.waitUntil(lambda: "No scan arrived" in dialog.scan_result.text(), timeout=3000)
    dialog.scanner.setEditText(str(tmp_path / "ttyNOPE"))
    dialog.test_scan_button.click()
    qtbot.waitUntil(lambda: "There is no scanner" in dialog.scan_result.text(), timeout=3000)


def test_wedge_test_scan_classifies_what_is_typed(qtbot, bridge, path):
    dialog = make(qtbot, bridge, path)
    fill_merchant(dialog)
    dialog.next_button.click()
    dialog.scanner.setCurrentIndex(1)
    dialog.test_scan_button.click()
    qtbot.keyClicks(dialog.wedge_input, "12345\r")
    assert "not a payment code" in dialog.scan_result.text()


def test_maybe_run_first_run_only_without_a_settings_file(qtbot, path):
    QTimer.singleShot(200, lambda: next(
        w for w in qtbot_top_level() if isinstance(w, FirstRunDialog)).demo_button.click())
    result = maybe_run_first_run(path, language="en", secret_store=MemorySecretStore(),
                                 interactive=True)
    assert result is not None and result.mode == "demo" and load_config(path).demo
    assert maybe_run_first_run(path, language="en", interactive=True) is None  # a file exists


def test_no_question_when_nobody_can_answer(qapp, path):
    assert maybe_run_first_run(path, env={"QT_QPA_PLATFORM": "offscreen"}) is None
    assert not path.exists()
    if sys.platform.startswith("linux"):
        assert not can_ask({})  # no DISPLAY / WAYLAND_DISPLAY
    assert can_ask({"DISPLAY": ":0"})


def qtbot_top_level():
    from PySide6.QtWidgets import QApplication

    return QApplication.topLevelWidgets()


def test_no_os_keyring_is_said_and_the_box_stays_off(qtbot, bridge, path):
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        dialog = make(qtbot, bridge, path)
    finally:
        keyring.set_keyring(previous)
    assert not dialog.use_keyring.isEnabled()
    assert "No OS keyring is available" in dialog.keyring_note.text()


def test_first_run_and_operators_in_chinese(qtbot, bridge, path, qapp):
    from cashier.ui.i18n import install_language, remove_language
    from cashier.ui.operator_admin import OperatorAdmin

    translators = install_language(qapp, "zh_CN")
    try:
        dialog = make(qtbot, bridge, path)
        admin = OperatorAdmin(OperatorStore(None), bridge)
        qtbot.addWidget(admin)
    finally:
        remove_language(qapp, translators)
    assert dialog.windowTitle() == "设置收银台"
    assert dialog.demo_button.text() == "试用演示模式"
    assert admin.add_button.text() == "添加操作员"


def test_an_unreadable_operators_file_stops_the_save_before_anything_is_written(
        qtbot, bridge, path):
    dialog = make(qtbot, bridge, path)
    operators_path(path).parent.mkdir(parents=True)
    operators_path(path).write_text("not json", encoding="utf-8")  # broken after the dialog opened
    fill_merchant(dialog)
    dialog.next_button.click()
    dialog.finish_button.click()
    qtbot.waitUntil(lambda: "operators file cannot be read" in dialog.message.text(), timeout=3000)
    assert dialog.result_value is None and not path.exists()
    assert dialog.finish_button.isEnabled()


def test_with_a_manager_already_on_file_no_manager_is_asked_for(qtbot, bridge, path):
    existing = OperatorStore(operators_path(path))
    existing.add("Wu", "0000020158", "manager", "5555")
    before = operators_path(path).read_bytes()
    dialog = make(qtbot, bridge, path)
    fill_merchant(dialog)
    dialog.manager_name.clear()
    assert dialog.manager_name.isHidden()
    dialog.next_button.click()
    dialog.finish_button.click()
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=3000)
    assert operators_path(path).read_bytes() == before
    assert not load_config(path).demo


def test_a_manager_pin_a_cashier_already_uses_is_refused_before_writing(qtbot, bridge, path):
    OperatorStore(operators_path(path)).add("Bo", "0000020157", "cashier", "4321")
    dialog = make(qtbot, bridge, path)
    assert not dialog.manager_name.isHidden()  # cashiers only: a manager is still needed
    fill_merchant(dialog, pin="4321")
    dialog.next_button.click()
    dialog.finish_button.click()
    qtbot.waitUntil(lambda: "already used" in dialog.message.text(), timeout=3000)
    assert dialog.result_value is None and not path.exists()


def _clipped(label) -> bool:
    return label.isVisible() and label.height() < label.heightForWidth(label.width())


def test_the_keyring_note_and_the_message_are_not_clipped(qtbot, bridge, path):
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        dialog = make(qtbot, bridge, path)
    finally:
        keyring.set_keyring(previous)
    dialog.merchant_button.click()
    dialog.merchant_id.setText("QC00005496")
    dialog.operator_id.setText("20156")
    dialog.sign_key.setText(SIGN_KEY)
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=3000)
    qtbot.wait(0)  # let the layout settle
    assert "No OS keyring is available" in dialog.keyring_note.text()
    assert not _clipped(dialog.keyring_note), (dialog.size(), dialog.keyring_note.size())
    assert not _clipped(dialog.message)
    assert dialog.message.text() == (
        "Operator id '20156' is not an operator id (10 digits, like 0000020156).")


@pytest.mark.parametrize(("field", "expected"), [
    ("merchant_id", "Enter the merchant id from OTT Pay (two letters and eight digits)."),
    ("operator_id", "Enter the operator id from OTT Pay (ten digits)."),
    ("sign_key", "Enter the sign key from OTT Pay (16 characters, 0-9 and A-F)."),
])
def test_a_missing_merchant_field_is_named_as_the_dialog_names_it(qtbot, bridge, path, field,
                                                                   expected):
    dialog = make(qtbot, bridge, path)
    fill_merchant(dialog)
    getattr(dialog, field).setText("")
    dialog.next_button.click()
    assert dialog.message.text() == expected
    assert "[ottpay]" not in dialog.message.text() and "_id" not in dialog.message.text()
