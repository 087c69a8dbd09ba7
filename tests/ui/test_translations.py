"""Simplified Chinese: the catalogue covers every string and the built window shows Chinese."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cashier.ui.bridge import Bridge
from cashier.ui.i18n import TRANSLATIONS_DIR, install_language, remove_language
from cashier.ui.main_window import MainWindow

TS = TRANSLATIONS_DIR / "cashier_zh_CN.ts"
QM = TRANSLATIONS_DIR / "cashier_zh_CN.qm"
UI_DIR = Path(__file__).resolve().parents[2] / "cashier" / "ui"


def _tool(name: str) -> str:
    path = Path(sys.executable).with_name(name)
    found = str(path) if path.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} not installed")
    return found


@pytest.fixture
def zh(qapp):
    translators = install_language(qapp, "zh_CN")
    assert translators, "cashier_zh_CN.qm did not load"
    yield
    remove_language(qapp, translators)


def test_main_window_in_chinese(qtbot, zh):
    bridge = Bridge()
    try:
        window = MainWindow(None, bridge, demo=True)
        qtbot.addWidget(window)
        assert window.scan_button.text() == "扫码收款  [F1]"
        assert window.demo_label.text() == "演示"
        assert window.wallet_buttons and [b.text() for b in window.wallet_buttons.values()] == [
            "支付宝  [F2]", "微信支付  [F3]", "银联  [F4]"]
        assert window.amount_entry.amount_field.caption.text() == "金额"
        assert "收银台" in window.windowTitle()
    finally:
        bridge.shutdown()


def test_english_is_the_default(qtbot):
    bridge = Bridge()
    try:
        window = MainWindow(None, bridge)
        qtbot.addWidget(window)
        assert window.scan_button.text() == "Scan code  [F1]"
    finally:
        bridge.shutdown()


def test_unknown_language_is_refused(qapp):
    with pytest.raises(ValueError, match="zh_CN"):
        install_language(qapp, "klingon")


def test_every_ui_string_is_translated_and_the_qm_is_current(tmp_path):
    ts = tmp_path / "check.ts"
    shutil.copy(TS, ts)
    subprocess.run([_tool("pyside6-lupdate"), *sorted(map(str, UI_DIR.glob("*.py"))),
                    "-ts", str(ts), "-no-obsolete"], check=True, capture_output=True)
    text = ts.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text, "untranslated strings: run lupdate and translate"
    qm = tmp_path / "check.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(qm)], check=True,
                   capture_output=True)
    assert qm.read_bytes() == QM.read_bytes(), "rebuild cashier_zh_CN.qm with pyside6-lrelease"
