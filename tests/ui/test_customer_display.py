"""The customer display shows idle, amount, QR and result pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cashier.ui.customer_display import CustomerDisplay

URL = "http://127.0.0.1:1/pay/T1"


def make(qtbot) -> CustomerDisplay:
    display = CustomerDisplay("Maple Tea House", currency="CAD")
    qtbot.addWidget(display)
    return display


def test_idle_page_shows_shop_name(qtbot):
    display = make(qtbot)
    assert display.page == "idle"
    assert display.shop_label.text() == "Maple Tea House"


def test_amount_with_optional_cny_line(qtbot):
    display = make(qtbot)
    display.show_amount(123456)
    assert display.page == "amount"
    assert display.amount_label.text() == "$1,234.56"
    assert display.cny_label.text() == ""
    display.set_cny(641_968)
    assert display.cny_label.text() == "≈ CNY 6,419.68"
    display.set_cny(None)
    assert display.cny_label.text() == ""


def test_qr_page_paints_the_code_url(qtbot):
    display = make(qtbot)
    display.show_qr(1000, URL, "Alipay")
    assert display.page == "qr"
    assert display.qr.data == URL
    assert "Alipay" in display.qr_caption.text()
    assert display.qr_amount.text() == "$10.00"


def test_result_then_idle_clears_the_qr(qtbot):
    display = make(qtbot)
    display.show_qr(1000, URL, "Alipay")
    display.show_result(True, 1000)
    assert display.page == "result"
    assert "Paid" in display.result_title.text()
    assert display.qr.data is None
    display.show_result(False, 1000, "Declined")
    assert "not completed" in display.result_title.text()
    display.show_idle()
    assert display.page == "idle"


def test_single_screen_gives_a_resizable_window(qtbot):
    display = make(qtbot)
    display.place()
    qtbot.waitExposed(display)
    assert display.isVisible()
    assert not display.isFullScreen()
    display.resize(300, 200)
    assert display.width() == 300


SCREENS = {"screens": [
    {"name": "Cashier", "x": 0, "y": 0, "width": 1280, "height": 800, "logicalDpi": 96,
     "logicalBpi": 96, "dpr": 1},
    {"name": "Customer", "x": 1280, "y": 0, "width": 800, "height": 480, "logicalDpi": 96,
     "logicalBpi": 96, "dpr": 1},
]}

PLACE = """
import sys
from PySide6.QtWidgets import QApplication
from cashier.ui.customer_display import CustomerDisplay
app = QApplication([])
display = CustomerDisplay("Shop")
display.place(None if sys.argv[1] == "-" else sys.argv[1])
app.processEvents()
print(display.screen().name(), display.isFullScreen(), display.width(), display.height())
"""


def place_in_process(tmp_path, preference: str) -> str:
    """Two screens need their own QApplication: the offscreen platform reads them at start."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREENS), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}",
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run([sys.executable, "-c", PLACE, preference], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_second_screen_gets_the_display_full_screen(tmp_path):
    assert place_in_process(tmp_path, "-") == "Customer True 800 480"


def test_configured_screen_by_name_and_primary_means_a_window(tmp_path):
    assert place_in_process(tmp_path, "Customer") == "Customer True 800 480"
    assert place_in_process(tmp_path, "Cashier").split()[1] == "False"
