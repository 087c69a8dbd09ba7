"""Complete sales through the real window, engine, client, simulator (HTTP) and journal file."""

from __future__ import annotations

import dataclasses
import itertools
import re
import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer

from cashier.config import Config, Language, OttPaySection, PaymentsSection, UiSection
from cashier.money import format_cents
from cashier.simulator import Scenario, demo_code
from cashier.ui.app import Terminal
from cashier.wallets import Wallet
from tests.faults import Hold
from tests.ui.helpers import NetworkPrinter, key_amount, printer_config


def wedge_scan(qtbot, terminal: Terminal, code: str) -> None:
    """A keyboard-wedge scanner: the whole code 4 ms a key, then Enter, into the amount field.

    The wedge tells a scan from typing by the time between keys, so while the burst is typed
    its clock moves 4 ms a key: a loaded machine may pause this test between two keys for
    longer than a scanner ever pauses, which would turn the scan into typing at random."""
    wedge = terminal.wedge
    real_clock, times = wedge._clock, itertools.count(time.monotonic(), 0.004)
    wedge._clock = lambda: next(times)
    try:
        qtbot.keyClicks(terminal.window.amount_entry, code)
        qtbot.keyClick(terminal.window.amount_entry, Qt.Key.Key_Return)
    finally:
        wedge._clock = real_clock


def sale_in_journal(terminal: Terminal):
    return terminal.port.sale(terminal.window.sale.order_id)


def test_passive_instant_success_from_a_wedge_scan(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    key_amount(qtbot, terminal, "12.34", tip="1")
    code = demo_code(Scenario.INSTANT_SUCCESS)
    wedge_scan(qtbot, terminal, code)
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)

    assert window.result_title.text() == "PAID"
    assert window.result_amount.text() == "$13.34"
    sale = sale_in_journal(terminal)
    assert (sale.state, sale.amount_cents, sale.tip_cents) == ("paid", 1234, 100)
    assert sale.masked_code == "1345**********0000"
    assert len(terminal.simulator.requests(action="PASSIVEPAY")) == 1
    assert terminal.window.amount_entry.amount.text == "12.34"  # the scan never typed into it
    assert terminal.customer_display.page == "result"
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.state == "entry" and window.amount_entry.amount.text == ""


def test_confirming_on_phone_then_success(qtbot, make_terminal):
    terminal = make_terminal(confirm_after_queries=4)
    window = terminal.window
    key_amount(qtbot, terminal, "50")
    window.handle_scan(demo_code(Scenario.CONFIRM_SUCCESS))
    qtbot.waitUntil(lambda: window.waiting_title.text()
                    == "Waiting for customer to confirm on phone", timeout=3000)
    assert re.fullmatch(r"\d:\d\d left", window.countdown_label.text())
    assert terminal.customer_display.amount_note.text() == \
        "Please confirm the payment on your phone"  # the gateway said the customer must
    assert window.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    assert window.result_title.text() == "PAID"
    assert len(terminal.simulator.requests(action="STATUS_QUERY")) >= 4


def test_declined_shows_red_with_reason(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    key_amount(qtbot, terminal, "7")
    window.handle_scan(demo_code(Scenario.DECLINED))
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    assert window.result_title.text() == "DECLINED"
    assert "#c62828" in window.result_title.styleSheet()
    assert "another way" in window.result_reason.text()
    assert sale_in_journal(terminal).state == "declined"


def test_cancel_then_late_payment_banner(qtbot, make_terminal):
    terminal = make_terminal(confirm_after_queries=8)
    window = terminal.window
    key_amount(qtbot, terminal, "20")
    window.handle_scan(demo_code(Scenario.CONFIRM_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=3000)
    order_id = window.sale.order_id
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert window.state == "entry"
    qtbot.waitUntil(lambda: any("Late payment" in t for t in window.banners.texts()),
                    timeout=8000)
    assert any(order_id in t for t in window.banners.texts())
    assert terminal.port.sale(order_id).late
    assert window.state == "entry"  # the late payment did not hijack the fresh sale


def test_active_pay_paid_by_the_simulated_customer(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    key_amount(qtbot, terminal, "88.8")
    qtbot.mouseClick(window.wallet_buttons[Wallet.ALIPAY], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=5000)
    order_id = window.sale.order_id
    url = window.waiting_qr.data
    assert url and url.endswith(order_id)
    assert terminal.customer_display.page == "qr"
    assert terminal.customer_display.qr.data == url
    cny = format_cents(terminal.port.exchange_rate("CAD").to_cny_fen(8880))
    qtbot.waitUntil(lambda: terminal.customer_display.qr_cny.text() == f"≈ CNY {cny}",
                    timeout=3000)
    terminal.simulator.customer_pays(order_id)
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    assert window.result_title.text() == "PAID"
    assert terminal.port.sale(order_id).state == "paid"


@pytest.mark.parametrize("gateway_seconds", [10.0])  # the figure
def test_gui_never_stalls_while_the_gateway_is_slow(qtbot, make_terminal, gateway_seconds):
    """The GUI thread keeps running while the gateway holds its answer: it ticks on with the
    payment request at the gateway and no answer yet. (How long a stall may be is measured by
    the GUI benchmark, not bounded here.)"""
    terminal = make_terminal(slow_response_seconds=gateway_seconds)
    window, sim = terminal.window, terminal.simulator
    key_amount(qtbot, terminal, "3")
    ticks: list[str] = []  # the window's state at each GUI tick
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(window.state))
    timer.start()
    started = time.monotonic()
    window.handle_scan(demo_code(Scenario.SLOW_RESPONSE))
    assert window.state != "result"  # the scan started the payment without waiting for it
    qtbot.waitUntil(lambda: bool(sim.requests(action="PASSIVEPAY")), timeout=5000)
    seen = len(ticks)
    qtbot.waitUntil(lambda: len(ticks) >= seen + 20, timeout=int(gateway_seconds * 1000))
    assert set(ticks[seen:]) == {"waiting"}  # twenty ticks, the answer still on its way
    qtbot.waitUntil(lambda: window.state == "result", timeout=int(gateway_seconds * 1000) + 5000)
    timer.stop()
    assert time.monotonic() - started >= gateway_seconds - 0.1  # the gateway really was slow
    assert window.result_title.text() == "PAID"


def test_paid_sale_prints_the_receipt_automatically(qtbot, make_terminal):
    printer = NetworkPrinter()
    try:
        terminal = make_terminal(printer_config(printer.port))
        window = terminal.window
        key_amount(qtbot, terminal, "9.99")
        window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
        qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
        qtbot.waitUntil(lambda: len(printer.jobs) == 1, timeout=5000)
    finally:
        printer.stop()
    job = printer.jobs[0]
    assert window.sale.order_id.encode() in job
    assert b"9.99" in job
    assert b"\x1dV" in job  # the cut command
    assert b"Demo cashier" in job  # who sold it, by name
    assert not any("Printer" in t for t in window.banners.texts())


def test_receipts_follow_the_terminal_language(qtbot, make_terminal):
    """Issue 5: receipts print in the language chosen in settings (here Simplified Chinese)."""
    printer = NetworkPrinter()
    try:
        config = dataclasses.replace(printer_config(printer.port),
                                     ui=UiSection(language=Language.ZH_CN))
        terminal = make_terminal(config)
        window = terminal.window
        key_amount(qtbot, terminal, "9.99")
        window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
        qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
        qtbot.waitUntil(lambda: len(printer.jobs) == 1, timeout=5000)
    finally:
        printer.stop()
    text = printer.jobs[0].decode("gb18030", errors="replace")
    assert "支付成功" in text and "微信支付" in text and "9.99" in text


def test_printer_offline_never_blocks_the_sale_and_shows_a_banner(qtbot, make_terminal,
                                                                  closed_port):
    terminal = make_terminal(printer_config(closed_port))
    window = terminal.window
    key_amount(qtbot, terminal, "4")
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    assert window.result_title.text() == "PAID"
    qtbot.waitUntil(lambda: any("Printer problem" in t for t in window.banners.texts()),
                    timeout=5000)
    assert any("reprint" in t for t in window.banners.texts())
    assert len(terminal.spooler.failed_jobs()) == 1
    window.new_sale()
    assert any("Printer problem" in t for t in window.banners.texts())  # stays until resolved

    printer = NetworkPrinter(port=closed_port)  # the printer is back
    try:
        [line] = [line for line in window.banners.lines if line.kind == "printer"]
        assert line.button.isVisible() and line.button.text() == "Reprint"
        qtbot.mouseClick(line.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(printer.jobs) == 1, timeout=5000)
    finally:
        printer.stop()
    assert b"4.00" in printer.jobs[0]
    qtbot.waitUntil(lambda: "printer" not in window.banners.banners, timeout=3000)
    assert terminal.spooler.failed_jobs() == []


def test_unresolved_late_payment_is_shown_again_after_a_restart(qtbot, make_terminal):
    terminal = make_terminal(confirm_after_queries=8)
    window = terminal.window
    key_amount(qtbot, terminal, "11")
    window.handle_scan(demo_code(Scenario.CONFIRM_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=3000)
    order_id = window.sale.order_id
    window.cancel()
    qtbot.waitUntil(lambda: f"late:{order_id}" in window.banners.banners, timeout=8000)
    terminal.close()

    restarted = make_terminal()  # same journal file, a fresh process's worth of objects
    qtbot.waitUntil(lambda: f"late:{order_id}" in restarted.window.banners.banners,
                    timeout=5000)


def test_demo_customer_pays_the_qr_from_the_waiting_screen(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    key_amount(qtbot, terminal, "12")
    qtbot.mouseClick(window.wallet_buttons[Wallet.WECHATPAY], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state == "waiting" and window.demo_pay_row.isVisible(),
                    timeout=5000)
    assert window.waiting_qr.data in window.demo_pay_link.text()
    qtbot.mouseClick(window.demo_pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    assert window.result_title.text() == "PAID"


def test_wallet_clicked_right_after_the_last_key_charges_that_key(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    entry = window.amount_entry
    qtbot.keyClick(entry, "2")
    qtbot.wait(70)
    qtbot.keyClick(entry, "5")
    assert terminal.wedge.detector.holding  # the "5" is still held back by the scanner filter
    qtbot.mouseClick(window.wallet_buttons[Wallet.WECHATPAY], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=5000)

    assert window.waiting_amount.text().endswith("25.00")
    [request] = terminal.simulator.requests(action="ACTIVEPAY")
    assert request.data["amount"] == "2500"  # what the gateway was asked to charge
    window.cancel()


def test_payment_started_with_keys_held_types_them_first(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    qtbot.keyClick(window.amount_entry, "7")
    qtbot.wait(70)
    qtbot.keyClick(window.amount_entry, "5")
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))  # e.g. a serial scanner, no click
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)

    assert window.result_amount.text().endswith("75.00")
    [request] = terminal.simulator.requests(action="PASSIVEPAY")
    assert request.data["amount"] == "7500"


def _answer_close_question(qtbot, window, button_text: str) -> None:
    qtbot.waitUntil(lambda: window.close_question is not None
                    and window.close_question.isVisible(), timeout=2000)
    [button] = [b for b in window.close_question.buttons() if b.text() == button_text]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_closing_during_a_payment_asks_first(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    key_amount(qtbot, terminal, "9")
    qtbot.mouseClick(window.wallet_buttons[Wallet.ALIPAY], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=5000)

    window.close()
    _answer_close_question(qtbot, window, "Keep waiting")
    assert window.isVisible() and window.state == "waiting"

    window.close()
    _answer_close_question(qtbot, window, "Close anyway")
    assert not window.isVisible()
    assert terminal.port.sale(window.sale.order_id).is_open  # left for recovery


def test_sale_paid_after_the_terminal_was_closed_says_so(qtbot, make_terminal):
    first = make_terminal()
    key_amount(qtbot, first, "31")
    qtbot.mouseClick(first.window.wallet_buttons[Wallet.ALIPAY], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first.window.state == "waiting", timeout=5000)
    order_id = first.window.sale.order_id
    first.window.close()
    _answer_close_question(qtbot, first.window, "Close anyway")
    first.close()

    second = make_terminal()  # the same journal and simulator state: the next start
    qtbot.waitUntil(lambda: second.port.sale(order_id).abandoned, timeout=5000)
    second.simulator.customer_pays(order_id)
    qtbot.waitUntil(lambda: any(order_id in t for t in second.window.banners.texts()),
                    timeout=8000)
    [text] = [t for t in second.window.banners.texts() if order_id in t]
    assert "the terminal was closed while waiting" in text
    assert "after you stopped waiting" not in text
    sale = second.port.sale(order_id)
    assert sale.late and sale.abandon_reason == "terminal_closed"


NO_ANSWER_WORDING = {"en": "paid although the gateway did not answer in time",
                     "zh_CN": "网关未及时答复"}


def test_sale_closed_on_the_gateways_silence_then_paid_says_so(qtbot, make_lane_terminal, sim,
                                                               proxy, language):
    # The sweep runs often here, so the terminal itself finds the payment when it arrives; a
    # request unanswered for 2 s is taken as unanswered.
    terminal = make_lane_terminal(proxy, payments={"reconcile_interval": 0.2},
                                  request_timeout=2)
    window = terminal.window
    proxy.on("PASSIVEPAY", Hold(answer=False), times=1)  # held in the network
    key_amount(qtbot, terminal, "27")
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "result", timeout=15_000)
    order_id = window.sale.order_id
    assert terminal.port.sale(order_id).abandon_reason == "no_answer"  # closed on silence
    proxy.release("PASSIVEPAY")  # delivered at last: the customer is charged
    qtbot.waitUntil(lambda: any(order_id in t for t in window.banners.texts()), timeout=10_000)
    [text] = [t for t in window.banners.texts() if order_id in t]
    assert NO_ANSWER_WORDING[language] in text
    assert "stopped waiting" not in text and "停止等待" not in text
    sale = terminal.port.sale(order_id)
    assert sale.state == "paid" and sale.late and proxy.forwarded["PASSIVEPAY"] == 1


def test_keying_an_amount_opens_the_gateway_connection_on_a_bridge_worker_and_sends_nothing(
        qtbot, make_terminal):
    # The gateway is taken to drop idle connections after 0.2 s: the terminal reopens its
    # connection every 0.1 s idle while the amount stays keyed.
    terminal = make_terminal(Config(ottpay=OttPaySection(idle_timeout_seconds=0.2)))
    window, sim = terminal.window, terminal.simulator
    threads: list[str] = []
    prepare = window.controller.prepare

    def recorded() -> None:
        threads.append(threading.current_thread().name)
        prepare()

    window.controller.prepare = recorded
    qtbot.waitUntil(lambda: window.exchange_rate is not None, timeout=5000)  # start-up's query
    opened = sim.connections_opened
    key_amount(qtbot, terminal, "8.50")
    qtbot.waitUntil(lambda: sim.connections_opened >= opened + 3, timeout=5000)
    assert threads and all(name.startswith("cashier-bridge") for name in threads)
    assert [r.action for r in sim.requests()] == ["EX_RATE_QUERY"]  # start-up's, nothing else
    wedge_scan(qtbot, terminal, demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    assert window.result_title.text() == "PAID"
    # A warm-up already under way when the scan came may still be running: wait for its
    # answer to reach the window (none in flight), then count the calls made from there on.
    qtbot.waitUntil(lambda: not window._preparing, timeout=5000)
    calls = len(threads)
    qtbot.wait(300)  # several keep-ready intervals: on the result screen nothing is kept open
    assert len(threads) == calls


def test_declined_keeps_amount_and_tip_for_another_wallet_in_one_tap(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    key_amount(qtbot, terminal, "7", tip="1")
    window.handle_scan(demo_code(Scenario.DECLINED))
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    assert window.result_title.text() == "DECLINED" and window.retry_row.isVisible()

    qtbot.mouseClick(window.retry_wallet_buttons[Wallet.WECHATPAY], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=5000)
    [request] = terminal.simulator.requests(action="ACTIVEPAY")
    assert (request.data["amount"], request.data["tip"]) == ("700", "100")


def test_a_new_scan_after_a_decline_pays_the_same_amount(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    key_amount(qtbot, terminal, "12.5")
    window.handle_scan(demo_code(Scenario.DECLINED))
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))  # the customer tries another card
    qtbot.waitUntil(lambda: window.state == "result" and window.sale.is_paid, timeout=5000)
    assert window.result_amount.text() == "$12.50"
    assert [r.data["amount"] for r in terminal.simulator.requests(action="PASSIVEPAY")] == [
        "1250", "1250"]


def test_cancel_says_not_charged_until_the_background_check_ends(qtbot, make_terminal):
    terminal = make_terminal(confirm_after_queries=6)
    window = terminal.window
    key_amount(qtbot, terminal, "4")
    window.handle_scan(demo_code(Scenario.CONFIRM_FAILURE))
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=3000)
    order_id = window.sale.order_id
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert window.state == "entry" and window.amount_entry.amount.text == "4"
    [text] = window.banners.texts()
    assert "not charged — still being checked" in text and order_id in text
    qtbot.waitUntil(lambda: any("was not charged (checked)" in t
                                for t in window.banners.texts()), timeout=8000)
    assert terminal.port.sale(order_id).state == "declined"


def test_escape_while_waiting_asks_before_it_stops(qtbot, make_terminal):
    terminal = make_terminal(confirm_after_queries=50)
    window = terminal.window
    key_amount(qtbot, terminal, "6")
    window.handle_scan(demo_code(Scenario.CONFIRM_SUCCESS))
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.stop_question is not None
                    and window.stop_question.isVisible(), timeout=2000)
    qtbot.keyClick(window.stop_question, Qt.Key.Key_Escape)  # a second Escape: keep waiting
    assert window.state == "waiting"
    assert not terminal.port.sale(window.sale.order_id).abandoned
    window.cancel()


def test_code_scanned_before_the_amount_is_kept(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    assert window.state == "entry"
    assert "kept: key the amount" in window.amount_entry.message.text()
    assert terminal.simulator.requests(action="PASSIVEPAY") == []
    key_amount(qtbot, terminal, "5")
    qtbot.keyClick(window.amount_entry, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.state == "result", timeout=5000)
    [request] = terminal.simulator.requests(action="PASSIVEPAY")
    assert request.data["amount"] == "500"


def test_unusually_large_amount_is_confirmed_first(qtbot, make_terminal):
    terminal = make_terminal(Config(payments=PaymentsSection(confirm_above_cents=10_000)))
    window = terminal.window
    key_amount(qtbot, terminal, "150")

    def answer(text: str) -> None:
        qtbot.mouseClick(window.wallet_buttons[Wallet.ALIPAY], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.large_question is not None
                        and window.large_question.isVisible(), timeout=2000)
        assert "150.00" in window.large_question.text()
        [button] = [b for b in window.large_question.buttons() if b.text() == text]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    answer("Change the amount")
    assert window.state == "entry" and terminal.simulator.requests(action="ACTIVEPAY") == []
    answer("Charge $150.00")
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=5000)
    assert len(terminal.simulator.requests(action="ACTIVEPAY")) == 1
    window.cancel()


def test_qr_pay_is_the_amount_and_one_key(qtbot, make_terminal):
    terminal = make_terminal()
    window = terminal.window
    window.activateWindow()
    qtbot.waitActive(window)
    key_amount(qtbot, terminal, "18")
    qtbot.keyClick(window.amount_entry, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.state == "waiting", timeout=5000)
    [request] = terminal.simulator.requests(action="ACTIVEPAY")
    assert request.data["amount"] == "1800" and window.sale.wallet == "WECHATPAY"
    window.cancel()
