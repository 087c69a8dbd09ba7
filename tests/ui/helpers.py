"""Helpers shared by the UI tests."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cashier.ui.app import Terminal

FAST = {"poll_interval": 0.05, "passive_timeout": 5.0, "active_timeout": 5.0,
        "resolver_max_interval": 0.1, "unknown_grace": 1.0}


def key_amount(qtbot, terminal: Terminal, amount: str, tip: str = "") -> None:
    entry = terminal.window.amount_entry
    for char in amount:  # typed like a person: slower than the wedge's max gap
        qtbot.keyClick(entry, char)
        qtbot.wait(70)
    if tip:
        qtbot.keyClick(entry, Qt.Key.Key_Tab)
        for char in tip:
            qtbot.keyClick(entry, char)
            qtbot.wait(70)
    qtbot.waitUntil(lambda: entry.amount.text == amount and entry.tip.text == tip, timeout=2000)
