"""``cashier status``, ``refund``, ``rate``, ``history``, ``report`` and ``receipt``."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest

from cashier.ottpay.client import OttPayClient
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator
from cashier.simulator.tls import TestAuthority
from tests.cli.conftest import ALIPAY, PYTHON, ROOT, WECHAT, Cli


def _paid(cashier: Cli, amount: str = "10.00", suffix: str = "0000", *extra: str) -> dict:
    result = cashier("pay", amount, "--code", WECHAT + suffix, "--json", *extra)
    assert result.code == 0, result.err
    return result.json()["sale"]


# --- status ------------------------------------------------------------------------------------


def test_status_of_a_paid_sale_shows_journal_and_gateway(cashier, sim):
    sale = _paid(cashier, "12.00", "0000", "--tip", "1")
    result = cashier("status", sale["order_id"], "--json")
    assert result.code == 0
    body = result.json()
    assert body["sale"]["state"] == "paid"
    assert body["gateway"]["order_status"] == "success"
    assert body["gateway"]["total_cents"] == 1200 and body["gateway"]["tip_cents"] == 100
    assert len(sim.requests(order_id=sale["order_id"], action="STATUS_QUERY")) == 1


def test_status_settles_a_sale_left_open(make_cli):
    with Simulator(confirm_after_queries=3) as sim:
        cashier = make_cli(sim, passive_timeout_seconds=0.3, poll_interval_seconds=5)
        pending = cashier("pay", "4", "--code", WECHAT + "1111", "--json")
        assert pending.code == 3
        order_id = pending.json()["sale"]["order_id"]
        assert cashier("status", order_id, "--json").code == 3  # query 1 of 3
        assert cashier("status", order_id).code == 3
        result = cashier("status", order_id, "--json")
        assert result.code == 0
        assert result.json()["sale"]["state"] == "paid"
        assert result.json()["sale"]["late"] is True  # paid after the wait was given up
        assert len(sim.requests(order_id=order_id, action="PASSIVEPAY")) == 1


def test_status_of_a_declined_sale_exits_1(cashier):
    result = cashier("pay", "4", "--code", WECHAT + "3333", "--json")
    assert cashier("status", result.json()["sale"]["order_id"]).code == 1


def test_status_of_an_unknown_order_exits_2(cashier, sim):
    result = cashier("status", "NOSUCHORDER123", "--json")
    assert result.code == 2
    assert "NOSUCHORDER123" in result.json()["error"]


def test_status_with_the_gateway_down_exits_4_but_shows_the_journal(make_cli, tmp_path):
    with Simulator() as sim:
        cashier = make_cli(sim)
        sale = _paid(cashier)
    result = cashier("status", sale["order_id"], "--json")  # the simulator is gone now
    assert result.code == 4
    body = result.json()
    assert body["sale"]["state"] == "paid" and body["gateway"] is None
    assert body["gateway_error"]


# --- refund ------------------------------------------------------------------------------------


def test_partial_refunds_then_the_rest(cashier, sim):
    sale = _paid(cashier, "10.00", "0000", "--tip", "2")
    first = cashier("refund", sale["order_id"], "4.5", "--json")
    assert first.code == 0, first.err
    body = first.json()
    assert body["refund"]["state"] == "succeeded" and body["refund"]["amount_cents"] == 450
    assert body["sale"]["state"] == "partially_refunded"
    assert body["sale"]["refunded_cents"] == 450
    rest = cashier("refund", sale["order_id"], "--json")
    assert rest.code == 0
    assert rest.json()["refund"]["amount_cents"] == 750  # 12.00 - 4.50
    assert rest.json()["sale"]["state"] == "refunded"
    assert [r["amount_cents"] for r in rest.json()["sale"]["refunds"]] == [450, 750]
    assert sim.order(sale["order_id"]).refunded_cents == 1200
    assert len(sim.requests(action="REFUND")) == 2


def test_a_refund_the_gateway_refuses_says_the_gateways_reason(cashier, sim):
    sale = _paid(cashier, "30.00")
    # Refunded at the gateway behind this terminal's back: the journal still sees 30.00 left,
    # so the gateway, not the terminal, refuses the next 25.00.
    with OttPayClient(sim.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY) as client:
        client.refund(ori_order_id=sale["order_id"], refund_cents=1000, order_id="OUTSIDE1")
    text = cashier.run("refund", sale["order_id"], "25")
    assert text.code == 1, text.err
    first = text.out.splitlines()[:2]
    assert first[0].startswith("Refund ") and first[0].endswith(": 25.00 FAILED")
    assert first[1] == ("  The gateway refused the refund: refund amount exceeds refundable "
                        "(PARAM_INVALID).")
    result = cashier("refund", sale["order_id"], "25", "--json")
    assert result.code == 1
    body = result.json()
    assert body["reason"] == ("The gateway refused the refund: refund amount exceeds "
                              "refundable (PARAM_INVALID).")
    assert (body["refund"]["rsp_code"], body["refund"]["rsp_msg"]) == (
        "PARAM_INVALID", "refund amount exceeds refundable")


def test_over_refund_is_refused_locally(cashier, sim):
    sale = _paid(cashier, "5.00")
    assert cashier("refund", sale["order_id"], "3").code == 0
    refunds_sent = len(sim.requests(action="REFUND"))
    result = cashier("refund", sale["order_id"], "2.01", "--json")
    assert result.code == 2
    assert "2.00" in result.json()["error"]  # says what is left
    assert len(sim.requests(action="REFUND")) == refunds_sent


@pytest.mark.parametrize("amount", ["0", "-1", "1.001", "x"])
def test_refund_bad_amount_exits_2(cashier, sim, amount):
    sale = _paid(cashier)
    assert cashier("refund", sale["order_id"], amount).code == 2
    assert sim.requests(action="REFUND") == []


def test_refund_of_an_unpaid_or_unknown_sale_exits_2(cashier, sim):
    declined = cashier("pay", "4", "--code", WECHAT + "3333", "--json").json()["sale"]
    assert cashier("refund", declined["order_id"]).code == 2
    assert cashier("refund", "NOSUCHORDER").code == 2
    assert sim.requests(action="REFUND") == []


def test_refund_release_warns_and_needs_yes(cashier, sim, tmp_path):
    from cashier.journal import Journal

    sale = _paid(cashier, "5.00")
    with Journal(tmp_path / "journal.sqlite3") as journal:  # a REFUND lost in the network
        journal.create_refund(refund_id="LOSTCLI1", sale_order_id=sale["order_id"],
                              amount_cents=300)
    refused = cashier("refund", sale["order_id"], "5", "--json")
    assert refused.code == 2 and "LOSTCLI1" in refused.json()["error"]
    warned = cashier("refund-release", "LOSTCLI1")
    assert warned.code == 2 and "twice" in warned.err and "--yes" in warned.err
    released = cashier("refund-release", "LOSTCLI1", "--yes", "--json")
    assert released.code == 0, released.err
    assert released.json()["refund"]["state"] == "failed"
    assert cashier("refund", sale["order_id"], "5").code == 0
    assert cashier("refund-release", "LOSTCLI1", "--yes").code == 2  # nothing left to release
    assert len(sim.requests(action="REFUND")) == 1


def test_refund_held_in_the_network_is_settled_by_recover_never_sent_twice(make_cli, sim):
    from types import SimpleNamespace

    from tests.faults import FaultProxy, Hold

    with FaultProxy(sim.url) as proxy:
        cashier = make_cli(SimpleNamespace(url=proxy.url))
        sale = _paid(cashier, "8.00")
        proxy.on("REFUND", Hold(answer=False), times=1)
        held = cashier("refund", sale["order_id"], "--json")
        assert held.code == 3 and held.json()["refund"]["state"] == "unknown"
        again = cashier("refund", sale["order_id"], "--json")
        assert again.code == 2 and held.json()["refund"]["refund_id"] in again.json()["error"]
        proxy.release("REFUND")
        proxy.wait_for("REFUND", forwarded=1)
        recovered = cashier("recover", "--json")
        assert recovered.code == 0 and recovered.json()["open_refunds"] == []
        status = cashier("status", sale["order_id"], "--json").json()
        assert status["sale"]["refunded_cents"] == status["gateway"]["refund_cents"] == 800
        assert proxy.forwarded["REFUND"] == 1 and proxy.forwarded["PASSIVEPAY"] == 1


# --- rate --------------------------------------------------------------------------------------


def test_rate(cashier, sim):
    result = cashier("rate", "usd", "--amount", "10", "--json")
    assert result.code == 0
    body = result.json()
    assert (body["currency"], body["rate_e8"], body["rate"], body["cny_fen"]) == (
        "USD", 710_000_000, "7.1", 7100)
    assert "1 CAD = 5.2 CNY" in cashier("rate").out


def test_rate_bad_currency_exits_2_unknown_currency_exits_4(cashier, sim):
    assert cashier("rate", "dollars").code == 2
    assert sim.requests() == []
    result = cashier("rate", "XYZ", "--json")
    assert result.code == 4
    assert "XYZ" in result.json()["error"]


# --- history and reports -----------------------------------------------------------------------


def test_history_lists_and_searches(cashier):
    a = _paid(cashier, "12.34")
    b = cashier("pay", "5", "--code", ALIPAY + "3333", "--json").json()["sale"]
    listing = cashier("history", "--json").json()
    assert [s["order_id"] for s in listing["sales"]] == [b["order_id"], a["order_id"]]
    assert listing["count"] == 2
    assert [s["order_id"] for s in cashier("history", "--search", "12.34", "--json")
            .json()["sales"]] == [a["order_id"]]
    assert [s["order_id"] for s in cashier("history", "--search", "3333", "--json")
            .json()["sales"]] == [b["order_id"]]
    today = a["business_day"]
    assert cashier("history", "--date", today, "--json").json()["count"] == 2
    assert cashier("history", "--date", "2001-01-01", "--json").json()["count"] == 0
    assert cashier("history", "--date", "31/01/2026").code == 2
    human = cashier("history").out
    assert "DECLINED" in human and "PAID" in human


def test_x_report_then_z_report_closes_the_day_once(cashier):
    _paid(cashier, "10.00", "0000", "--tip", "1")
    sale = _paid(cashier, "5.00")
    cashier("refund", sale["order_id"], "2")
    cashier("pay", "3", "--code", WECHAT + "3333")
    x = cashier("report", "--json")
    assert x.code == 0
    body = x.json()
    assert body["kind"] == "X" and body["number"] is None
    assert (body["total"]["sales_count"], body["total"]["sales_cents"], body["total"]["tips_cents"],
            body["total"]["refunds_cents"], body["total"]["net_cents"]) == (2, 1500, 100, 200, 1400)
    assert body["declined_count"] == 1
    day = body["business_day"]
    z = cashier("report", "--z", "--date", day, "--json")
    assert z.code == 0 and z.json()["number"] == 1 and z.json()["total"]["net_cents"] == 1400
    again = cashier("report", "--z", "--date", day, "--json")
    assert again.code == 2
    assert "already closed" in again.json()["error"]
    assert cashier("report", "--z").code == 2  # today, by default: also refused


def test_after_a_z_report_the_business_day_is_the_next_day(cashier):
    """What the README says of X and Z reports: later sales count on the next day, so an X
    report after the Z shows tomorrow's date."""
    _paid(cashier, "10.00")
    closed = cashier("report", "--z", "--json").json()["business_day"]
    _paid(cashier, "4.00")
    x = cashier("report", "--x", "--json").json()
    tomorrow = (dt.date.fromisoformat(closed) + dt.timedelta(days=1)).isoformat()
    assert (x["business_day"], x["total"]["sales_cents"]) == (tomorrow, 400)
    again = cashier("report", "--x", "--date", closed, "--json").json()
    assert (again["business_day"], again["total"]["sales_cents"]) == (closed, 1000)


def test_report_output_writes_the_escpos_bytes(cashier, tmp_path):
    _paid(cashier)
    out = tmp_path / "x.bin"
    result = cashier("report", "--x", "--output", str(out))
    assert result.code == 0
    data = out.read_bytes()
    assert b"X REPORT" in data and b"10.00" in data and data.endswith(b"\x1dV\x00")  # cut


# --- receipt -----------------------------------------------------------------------------------


def test_receipt_output_decoded(make_cli, sim, tmp_path):
    cashier = make_cli(sim, extra='[shop]\nname = "小店 Corner Shop"\naddress = "1 Main St"\n'
                                  '[printer]\nwidth = 58\nencoding = "gb18030"\n')
    sale = _paid(cashier, "12.34", "0000", "--tip", "1")
    out = tmp_path / "receipt.bin"
    result = cashier("receipt", sale["order_id"], "--output", str(out), "--copy", "merchant",
                     "--json")
    assert result.code == 0, result.err
    assert result.json()["bytes"] == out.stat().st_size
    data = out.read_bytes()
    text = data.decode("gb18030", errors="replace")
    assert "小店 Corner Shop" in text and "1 Main St" in text
    assert "MERCHANT COPY" in text and "PAID" in text
    assert "12.34" in text and "1.00" in text and "13.34" in text
    assert sale["order_id"] in text and sale["bizpay_order_id"] in text
    assert "1345**********0000" in text and WECHAT + "0000" not in text
    assert b"\x1d(k" in data  # the QR code of the order id
    assert data.endswith(b"\x1dV\x00")  # cut
    assert max(len(line) for line in text.split("\n") if "\x1b" not in line
               and "\x1d" not in line) <= 32  # 58 mm paper


def test_receipt_of_a_refund_and_errors(cashier, sim, tmp_path):
    sale = _paid(cashier, "9.00")
    refund = cashier("refund", sale["order_id"], "4", "--json").json()["refund"]
    out = tmp_path / "refund.bin"
    assert cashier("receipt", refund["refund_id"], "--output", str(out)).code == 0
    text = out.read_bytes().decode("gb18030", errors="replace")
    assert "REFUND" in text and "-4.00" in text and sale["order_id"] in text
    declined = cashier("pay", "4", "--code", WECHAT + "3333", "--json").json()["sale"]
    assert cashier("receipt", declined["order_id"], "--output", str(out)).code == 2
    assert cashier("receipt", "NOSUCHORDER", "--output", str(out)).code == 2
    no_printer = cashier("receipt", sale["order_id"], "--json")
    assert no_printer.code == 2 and "No printer" in no_printer.json()["error"]


def test_receipt_prints_to_the_configured_file_printer(make_cli, sim, tmp_path):
    device = tmp_path / "lp0"
    cashier = make_cli(sim, extra=f'[printer]\nkind = "file"\naddress = "{device}"\n')
    sale = _paid(cashier)
    result = cashier("receipt", sale["order_id"], "--reprint")
    assert result.code == 0, result.err
    data = device.read_bytes()
    assert b"REPRINT" in data and b"CUSTOMER COPY" in data


def test_dates_in_output_are_today(cashier):
    before = dt.date.today().isoformat()
    sale = _paid(cashier)
    # the day the sale was made on: midnight may pass while it is paid
    assert sale["business_day"] in {before, dt.date.today().isoformat()}


def test_history_columns_line_up_when_a_sale_has_a_tip(cashier, sim):
    for amount, tip, code in (("1", "0", WECHAT + "0000"), ("12.34", "1.50", ALIPAY + "0000"),
                              ("100", "0", "621234567890123" + "0000")):
        assert cashier("pay", amount, "--tip", tip, "--code", code).code == 0
    lines = cashier("history").out.splitlines()
    assert len(lines) == 3
    order_ids = [sale["order_id"] for sale in cashier("history", "--json").json()["sales"]]
    assert len({line.index(order_id) for line, order_id in zip(lines, order_ids,
                                                                strict=True)}) == 1
    assert len({line.index("PAID") + len("PAID") for line in lines}) == 1
    assert "+ tip     1.50 =     13.84" in lines[1]
    for line, amount in zip(lines, ("100.00", "12.34", "1.00"), strict=True):
        assert line.index(amount) + len(amount) == lines[0].index("100.00") + len("100.00")


def test_a_report_piped_into_a_reader_that_stopped_ends_quietly(cashier):
    """``cashier report --x | head -1`` where head has already gone: a real process writing
    into a pipe nobody reads (closed before it starts, so every write meets a broken pipe)."""
    _paid(cashier)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([PYTHON, "-m", "cashier", "report", "--x"], cwd=ROOT,
                              stdin=subprocess.DEVNULL, stdout=write_end, stderr=subprocess.PIPE,
                              env=cashier.env(), text=True, timeout=60)
    finally:
        os.close(write_end)
    assert proc.stderr == ""  # no traceback, no "Exception ignored" at exit
    assert proc.returncode == 1  # the report did not reach its reader: failed, quietly


def test_a_refund_whose_certificate_is_not_trusted_fails_as_not_sent(make_cli, tmp_path):
    authority = TestAuthority.create(tmp_path / "ca")
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, tls=authority.server_context()) as sim:
        trusted = make_cli(sim, ottpay_extra=f"ca_bundle = '{authority.ca_file}'")
        sale = _paid(trusted, "8.00")
        untrusted = make_cli(sim, name="untrusted.toml")  # the same journal, no ca_bundle
        result = untrusted.run("refund", sale["order_id"], "--json")
        assert sim.requests(action="REFUND") == []
    assert result.code == 1, result.out + result.err
    body = result.json()
    assert body["refund"]["state"] == "failed"
    assert body["reason"] == (
        "Not sent, so nothing was refunded: the gateway's TLS certificate could not be verified "
        "(unable to get local issuer certificate); trust the certificate authority that signed "
        "it with [ottpay] ca_bundle.")
