"""``cashier link``: the payment link is printed, the customer pays it in a browser, it settles."""

from __future__ import annotations

import threading
import time
from urllib.parse import quote

import requests

from cashier.journal import Journal
from cashier.simulator import DEMO_MERCHANT_PAYMENT_KEY, Simulator
from tests.cli.conftest import Cli


def link_cli(make_cli, sim: Simulator, *, key: str | None = DEMO_MERCHANT_PAYMENT_KEY) -> Cli:
    cli = make_cli(sim)
    extra = f'wappay_url = "{sim.wappay_url}"\n'
    if key:
        extra += f'merchant_payment_key = "{key}"\n'
    text = cli.config.read_text(encoding="utf-8").replace("[ottpay]\n", "[ottpay]\n" + extra, 1)
    cli.config.write_text(text, encoding="utf-8")
    return cli


def _customer_pays_the_link(sim: Simulator, journal_path,
                            stop: threading.Event) -> threading.Thread:
    """Plays the customer: finds the link sale, opens its link and presses Pay.

    The journal keeps the link with merCode redacted; the customer got the real one (the demo
    key), so it is put back here.
    """
    def pay() -> None:
        with Journal(journal_path) as journal, requests.Session() as browser:
            browser.trust_env = False
            while not stop.is_set():
                sales = [s for s in journal.open_sales() if s.mode == "link" and s.code_url]
                if sales:
                    url = sales[0].code_url.replace(
                        "merCode=********", "merCode=" + quote(DEMO_MERCHANT_PAYMENT_KEY, safe=""))
                    browser.get(url, timeout=5)
                    # Pressing Pay is the customer's part; the page the browser is sent on to
                    # (returnURL) belongs to the shop and may be gone once the sale is paid.
                    browser.post(sim.base_url + "/wapPay/pay",
                                 data={"order_id": sales[0].order_id}, timeout=5,
                                 allow_redirects=False)
                    return
                time.sleep(0.02)

    thread = threading.Thread(target=pay, name="customer")
    thread.start()
    return thread


def test_link_paid_by_the_customer_exits_0(make_cli, sim, tmp_path):
    cli = link_cli(make_cli, sim)
    stop = threading.Event()
    customer = _customer_pays_the_link(sim, tmp_path / "journal.sqlite3", stop)
    try:
        result = cli("link", "12.34", "--tip", "1.00", "--wait", "10", "--json")
    finally:
        stop.set()
        customer.join()
    assert result.code == 0, result.err
    payload = result.json()
    sale = payload["sale"]
    assert (sale["state"], sale["mode"], sale["wallet"], sale["amount_cents"],
            sale["tip_cents"]) == ("paid", "link", "ALIPAY", 1234, 100)
    assert payload["link"].startswith(sim.wappay_url + "?merCode=")
    assert payload["valid_seconds"] == 900.0
    assert f"link: {payload['link']}" in result.err  # for scripts, before the wait
    assert "merCode=********" in sale["code_url"]  # the journal never holds the key
    assert sim.order(sale["order_id"]).amount_cents == 1334
    assert sim.wait_for_callbacks(5.0)
    logs = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "log").glob("*.log*"))
    assert "payment link" in logs and "merCode=********" in logs  # logged, key hidden
    assert DEMO_MERCHANT_PAYMENT_KEY not in logs
    assert quote(DEMO_MERCHANT_PAYMENT_KEY, safe="") not in logs


def test_link_human_output_prints_the_link_first(make_cli, sim, tmp_path):
    cli = link_cli(make_cli, sim)
    stop = threading.Event()
    customer = _customer_pays_the_link(sim, tmp_path / "journal.sqlite3", stop)
    try:
        result = cli("link", "3", "--wait", "10")
    finally:
        stop.set()
        customer.join()
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "Send this payment link" in lines[0] and "valid 15 minutes" in lines[0]
    assert lines[1].startswith(sim.wappay_url + "?merCode=")
    assert "PAID" in result.out and "Alipay" in result.out


def test_link_not_paid_when_the_wait_ends_exits_3_and_stays_open(make_cli, sim, tmp_path):
    cli = link_cli(make_cli, sim)
    result = cli("link", "5", "--wait", "0", "--json")
    assert result.code == 3
    sale = result.json()["sale"]
    assert sale["state"] == "pending" and sale["mode"] == "link"
    with cli.journal() as journal:
        assert [s.order_id for s in journal.open_sales()] == [sale["order_id"]]


def test_link_without_a_payment_key_exits_2_and_journals_nothing(make_cli, sim, tmp_path):
    cli = link_cli(make_cli, sim, key=None)
    result = cli("link", "5")
    assert result.code == 2
    assert "merchant_payment_key" in result.err
    with cli.journal() as journal:
        assert journal.history() == []
    assert cli("link", "0", "--wait", "0").code == 2


def test_demo_mode_link_paid_in_a_browser_by_a_real_process(make_cli, tmp_path):
    """No credentials: the embedded simulator serves the Alipay page the link opens."""
    cli = make_cli(None)
    proc = cli.popen("link", "2.50", "--wait", "20", "--json")
    try:
        link = ""
        for line in proc.stderr:  # "link: ..." comes before the wait
            if line.startswith("link: "):
                link = line[len("link: "):].strip()
                break
        assert link.startswith("http://127.0.0.1:") and "/wapPay?merCode=" in link
        with requests.Session() as browser:
            browser.trust_env = False
            page = browser.get(link, timeout=5)
            assert page.status_code == 200 and 'id="amount">2.50<' in page.text
            order_id = page.text.split('name="order_id" value="')[1].split('"')[0]
            back = browser.post(link.split("/wapPay?")[0] + "/wapPay/pay",
                                data={"order_id": order_id}, timeout=5)
            assert back.status_code == 200 and "confirming your payment" in back.text
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert '"state": "paid"' in out and '"mode": "link"' in out


def test_status_of_an_expired_link_paid_anyway_says_late_paid(make_cli, sim, tmp_path):
    cli = link_cli(make_cli, sim)
    result = cli("link", "4", "--wait", "0", "--json")
    payload = result.json()
    order_id = payload["sale"]["order_id"]
    with cli.journal() as journal:  # the link expired meanwhile (as the engine closes it)
        journal.mark_abandoned(order_id, "payment link expired")
        journal.transition(order_id, "closed", from_states=["pending"], note="expired")
    with requests.Session() as browser:  # the customer pays it anyway
        browser.trust_env = False
        browser.get(payload["link"], timeout=5)
        paid = browser.post(sim.base_url + "/wapPay/pay", data={"order_id": order_id},
                            allow_redirects=False, timeout=5)  # the receiver is gone too
        assert paid.status_code == 303
    status = cli("status", order_id, "--json")
    assert status.code == 0, status.err
    sale = status.json()["sale"]
    assert (sale["state"], sale["late"]) == ("paid", True)
    assert sim.wait_for_callbacks(5.0)
