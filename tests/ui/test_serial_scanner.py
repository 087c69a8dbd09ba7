"""A serial scanner (a real pseudo-terminal) starts payment at once; unplugging shows a banner."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt

from cashier.config import Config, ScannerKind, ScannerSection, ScanSuffix
from cashier.devices.scanner import ScannerStatus
from cashier.operators import DEMO_CASHIER_PIN
from cashier.simulator import Scenario, demo_code
from cashier.ui.app import Terminal

FAST = {"poll_interval": 0.05, "passive_timeout": 5.0, "resolver_max_interval": 0.1}



def test_serial_scan_pays_and_unplug_shows_a_banner(qtbot, tmp_path, pty_pair):
    master, port = pty_pair
    config = Config(scanner=ScannerSection(kind=ScannerKind.SERIAL, port=port,
                                            suffix=ScanSuffix.CR))
    terminal = Terminal(config, demo=True, journal_path=tmp_path / "journal.sqlite",
                        payment_options=FAST, cny_currency=None)
    try:
        terminal.show()
        window = terminal.window
        terminal.signin.sign_in(terminal.signin.operators.find_by_pin(DEMO_CASHIER_PIN))
        qtbot.waitUntil(lambda: terminal.scanner.status is ScannerStatus.CONNECTED, timeout=5000)
        for char in "15":
            qtbot.keyClick(window.amount_entry, char)
        os.write(master, demo_code(Scenario.INSTANT_SUCCESS).encode() + b"\r")
        qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
        assert window.result_title.text() == "PAID"
        assert terminal.port.sale(window.sale.order_id).amount_cents == 1500
        qtbot.keyClick(window, Qt.Key.Key_Return)

        os.close(master)  # unplug
        qtbot.waitUntil(lambda: any("Scanner disconnected" in t
                                    for t in window.banners.texts()), timeout=5000)
    finally:
        terminal.close()
