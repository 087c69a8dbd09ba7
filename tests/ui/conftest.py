"""Fixtures for UI tests: a real terminal (demo simulator over HTTP, journal in tmp_path)."""

from __future__ import annotations

import pytest

from cashier.config import Config
from cashier.ui.app import Terminal
from cashier.ui.operators import DEMO_CASHIER_PIN
from tests.ui.helpers import FAST


@pytest.fixture
def make_terminal(qtbot, tmp_path):
    terminals: list[Terminal] = []

    def make(config: Config | None = None, *, signed_in: bool = True,
             payments: dict | None = None, **simulator_options) -> Terminal:
        options = {"confirm_after_queries": 2, "slow_response_seconds": 1.5,
                   "callback_retry_interval": 0.05} | simulator_options
        terminal = Terminal(config or Config(), demo=True, journal_path=tmp_path / "journal.sqlite",
                            customer_display=True, wedge=True, simulator_options=options,
                            payment_options=FAST | (payments or {}))
        terminals.append(terminal)
        qtbot.addWidget(terminal.window)
        terminal.show()
        qtbot.waitExposed(terminal.window)
        if signed_in:
            terminal.sign_in(terminal.operators.find_by_pin(DEMO_CASHIER_PIN))
        return terminal

    yield make
    for terminal in terminals:
        terminal.close()
