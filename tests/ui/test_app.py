"""The assembled terminal in demo mode: embedded simulator, DEMO marker, clean shutdown."""

from __future__ import annotations

import requests

from cashier.config import Config
from cashier.ui.app import Terminal


def test_demo_terminal_starts_the_simulator_and_stops_everything(qtbot, tmp_path):
    terminal = Terminal(Config(), demo=True, journal_path=tmp_path / "journal.sqlite",
                        customer_display=True)
    try:
        qtbot.addWidget(terminal.window)
        terminal.show()
        assert terminal.window.demo_label.isVisible()
        assert terminal.customer_display is not None and terminal.customer_display.isVisible()
        assert terminal.customer_display.shop_label.text() == "Demo shop"
        page = requests.get(terminal.simulator.base_url + "/", timeout=5)
        assert page.status_code == 200
        assert terminal.window.demo_buttons, "demo mode offers simulated scans"
        assert (tmp_path / "journal.sqlite").exists()
    finally:
        terminal.close()
    assert terminal.bridge.closed


def test_without_credentials_and_without_demo_it_refuses_to_start(tmp_path):
    try:
        Terminal(Config(), demo=False, journal_path=tmp_path / "j.sqlite")
    except ValueError as exc:
        assert "--demo" in str(exc)
    else:
        raise AssertionError("a terminal without credentials must not start outside demo mode")
