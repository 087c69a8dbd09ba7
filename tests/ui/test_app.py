"""The assembled terminal in demo mode: embedded simulator, DEMO marker, clean shutdown."""

from __future__ import annotations

import time

import requests

from cashier.config import Config, OttPaySection
from cashier.journal import Journal
from cashier.simulator import Scenario, demo_code
from cashier.ui.app import Terminal
from tests.ui.helpers import key_amount


def test_demo_terminal_starts_the_simulator_and_stops_everything(qtbot, tmp_path):
    terminal = Terminal(Config(), demo=True, journal_path=tmp_path / "journal.sqlite",
                        customer_display=True)
    try:
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


def test_closing_while_the_gateway_holds_an_answer_ends_at_once(qtbot, make_terminal, tmp_path):
    """The gateway charges but answers only after 120 s (and the read timeout is 60 s): closing
    the terminal ends the request instead of waiting for it; the sale stays open in the journal
    for the next start's recovery, and the payment was sent once."""
    config = Config(ottpay=OttPaySection(timeout_seconds=60.0))
    terminal = make_terminal(config, slow_response_seconds=120.0)
    key_amount(qtbot, terminal, "5")
    terminal.window.handle_scan(demo_code(Scenario.SLOW_RESPONSE))
    qtbot.waitUntil(lambda: len(terminal.simulator.requests(action="PASSIVEPAY")) == 1,
                    timeout=5000)
    [request] = terminal.simulator.requests(action="PASSIVEPAY")
    order_id = request.data["order_id"]
    started = time.monotonic()
    terminal.close()
    assert time.monotonic() - started < 30.0  # bounded: far below the 60 s read timeout
    with Journal(tmp_path / "journal.sqlite") as journal:
        assert journal.require_sale(order_id).is_open


def test_nothing_in_the_ui_reaches_the_journal_or_the_gateway_client():
    """The screens go through the port and the sale controller; an attribute read of
    ``.journal`` or ``.client`` anywhere in ``cashier/ui`` would bypass both."""
    import ast
    from pathlib import Path

    import cashier.ui

    reached = [
        f"{path.name}:{node.lineno} .{node.attr}"
        for path in sorted(Path(cashier.ui.__file__).parent.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in ("journal", "client")
    ]
    assert reached == []
