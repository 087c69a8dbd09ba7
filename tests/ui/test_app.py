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


def test_the_start_up_check_ends_by_its_deadline_and_the_rest_is_checked_in_the_background(
        qtbot, make_lane_terminal, sim, proxy, tmp_path, monkeypatch):
    from cashier import port
    from cashier.ottpay.client import OttPayClient
    from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY
    from cashier.wallets import Wallet
    from tests.faults import Drip

    # The last run sent ten payments, the gateway charged them, and the run ended before it
    # heard back: its journal has them open.
    left_open = [f"LEFTOPEN00000000000000{n:02d}" for n in range(10)]
    journal_path = tmp_path / "lane-1" / "journal.sqlite3"
    journal_path.parent.mkdir(parents=True)
    with Journal(journal_path) as journal, \
            OttPayClient(sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY,
                         operator_id="0000020156") as client:
        for order_id in left_open:
            journal.create_sale(order_id=order_id, mode="passive", wallet="WECHATPAY",
                                amount_cents=500, operator_id="0000020156", code_last4="0000")
            client.passive_pay(order_id=order_id, amount_cents=500, biz_type=Wallet.WECHATPAY,
                               auth_code=demo_code(Scenario.INSTANT_SUCCESS))
    # Every answer to a query trickles in a byte at a time, so each query ends at its own limit
    # (3.05 + 2 s): one after the other, the ten would take 50 s. The check, given 1 s in all,
    # ends within 1 s plus one query's limit; the bound here proves "bounded", not "fast".
    monkeypatch.setattr(port, "STARTUP_CHECK_SECONDS", 1.0)
    proxy.on("STATUS_QUERY", Drip(interval=0.2))
    terminal = make_lane_terminal(proxy, request_timeout=2)
    qtbot.waitUntil(terminal.startup_check.done, timeout=25_000)
    assert terminal.startup_check.exception() is None
    checked = [terminal.port.sale(order_id) for order_id in left_open]
    assert all(sale.is_open and sale.abandoned for sale in checked)  # not settled by silence

    window = terminal.window  # usable meanwhile: a new sale is taken and paid
    key_amount(qtbot, terminal, "9")
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "result", timeout=10_000)
    assert window.result_title.text() == "PAID"

    proxy.clear()  # the gateway answers promptly again: the background check settles the rest
    qtbot.waitUntil(lambda: all(terminal.port.sale(order_id).state == "paid"
                                for order_id in left_open), timeout=30_000)
    qtbot.waitUntil(lambda: all(any(order_id in text for text in window.banners.texts())
                                for order_id in left_open), timeout=5000)
    assert all(terminal.port.sale(order_id).late for order_id in left_open)
    assert proxy.forwarded["PASSIVEPAY"] == 1  # the new sale's: none of the old ones resent
    assert all(len(sim.requests(order_id, "PASSIVEPAY")) == 1 for order_id in left_open)
