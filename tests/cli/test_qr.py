"""``cashier qr``: the code_url is shown, the customer pays from another thread, it settles."""

from __future__ import annotations

import os
import subprocess
import threading
import time

from cashier.simulator import Simulator
from tests.cli.conftest import PYTHON, ROOT


def _customer_pays_when_asked(sim: Simulator, stop: threading.Event) -> threading.Thread:
    def pay() -> None:
        while not stop.is_set():
            created = sim.requests(action="ACTIVEPAY")
            if created:
                time.sleep(0.1)  # the cashier is showing the QR by now
                sim.customer_pays(created[0].data["order_id"])
                return
            time.sleep(0.02)

    thread = threading.Thread(target=pay, name="customer")
    thread.start()
    return thread


def test_qr_paid_by_the_customer_exits_0(cashier, sim):
    stop = threading.Event()
    customer = _customer_pays_when_asked(sim, stop)
    try:
        result = cashier("qr", "8.80", "--wallet", "alipay", "--tip", "0.20", "--wait", "5",
                         "--json")
    finally:
        stop.set()
        customer.join()
    assert result.code == 0, result.err
    sale = result.json()["sale"]
    assert (sale["state"], sale["mode"], sale["wallet"], sale["amount_cents"],
            sale["tip_cents"]) == ("paid", "active", "ALIPAY", 880, 20)
    assert sale["code_url"] == sim.order(sale["order_id"]).code_url
    assert f"code_url: {sale['code_url']}" in result.err  # for scripts, outside the JSON
    [request] = sim.requests(action="ACTIVEPAY")
    assert request.data["call_back_url"].startswith("http://127.0.0.1:")
    assert sim.wait_for_callbacks(5.0)


def test_qr_human_output_prints_the_code_url_first(cashier, sim):
    stop = threading.Event()
    customer = _customer_pays_when_asked(sim, stop)
    try:
        result = cashier("qr", "3", "--wallet", "wechat", "--wait", "5")
    finally:
        stop.set()
        customer.join()
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    [request] = sim.requests(action="ACTIVEPAY")
    url = sim.order(request.data["order_id"]).code_url
    assert lines[1] == url
    assert "PAID" in result.out and "WeChat Pay" in result.out
    assert sim.wait_for_callbacks(5.0)


def test_unionpay_qr_is_refused_in_one_sentence_unless_the_setting_enables_it(cashier, sim):
    result = cashier("qr", "3", "--wallet", "unionpay")
    assert result.code == 2 and result.out == ""
    assert "UnionPay QR payments are off" in result.err and "unionpay_qr = true" in result.err
    assert result.err.strip().count(". ") == 0, result.err
    assert sim.requests() == []


def test_qr_not_paid_before_the_wait_ends_exits_3(make_cli, sim):
    cashier = make_cli(sim, ottpay_extra="unionpay_qr = true")
    result = cashier("qr", "3", "--wallet", "unionpay", "--wait", "0.3", "--json")
    assert result.code == 3
    sale = result.json()["sale"]
    assert sale["state"] == "pending" and sale["wallet"] == "UNIONPAY"
    assert len(sim.requests(action="ACTIVEPAY")) == 1


def test_qr_bad_amount_or_wallet_exits_2_and_sends_nothing(cashier, sim, capsys):
    assert cashier("qr", "1.001", "--wallet", "alipay").code == 2
    try:
        cashier("qr", "1", "--wallet", "paypal")
    except SystemExit as exc:  # argparse refuses an unknown wallet
        assert exc.code == 2
    assert sim.requests() == []


def test_qr_on_a_terminal_also_draws_the_code_as_text(cashier, sim):
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen([PYTHON, "-m", "cashier", "qr", "2", "--wallet", "wechat",
                                 "--wait", "0.3"], cwd=ROOT, env=cashier.env(),
                                stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
        os.close(slave)
        slave = -1
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.communicate(timeout=30)
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)
    assert proc.returncode == 3
    screen = b"".join(chunks).decode("utf-8", errors="replace")
    [request] = sim.requests(action="ACTIVEPAY")
    assert sim.order(request.data["order_id"]).code_url in screen
    assert sum(screen.count(block) for block in "█▀▄") > 100  # the QR's modules


def test_a_demo_qr_nobody_pays_expires_and_recover_closes_it(make_cli):
    """The demo gateway expires an unpaid QR when the terminal's wait would have ended
    ([payments] active_timeout_seconds, 2 s here), so no demo sale stays open for ever."""
    cashier = make_cli(None, credentials=False)
    shown = cashier("qr", "2.50", "--wallet", "wechat", "--wait", "0.2", "--json")
    assert shown.code == 3, shown.err
    order_id = shown.json()["sale"]["order_id"]
    nagged = cashier("pay", "1", "--code", "134567890123450000")
    assert "1 earlier sale(s) are still open" in nagged.err
    recovered = cashier("recover", "--wait", "20", "--json")
    assert recovered.code == 0, recovered.out
    assert recovered.json()["still_open"] == []
    [sale] = [s for s in recovered.json()["sales"] if s["order_id"] == order_id]
    assert sale["state"] == "closed"
    again = cashier("pay", "1", "--code", "134567890123450000")
    assert again.code == 0 and "still open" not in again.err
