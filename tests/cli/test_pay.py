"""``cashier pay``: exit codes, the JSON shape, and bad input refused before anything is sent."""

from __future__ import annotations

import io

import pytest

from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator
from cashier.simulator.tls import TestAuthority
from tests.cli.conftest import ALIPAY, OPERATOR, WECHAT

SALE_KEYS = {"order_id", "state", "amount_cents", "tip_cents", "wallet", "mode", "masked_code",
             "bizpay_order_id", "trade_time", "late", "refunds", "total_cents"}


def test_pay_paid_exits_0_with_one_json_object(cashier, sim):
    result = cashier("pay", "12.34", "--code", WECHAT + "0000", "--tip", "1", "--json")
    assert result.code == 0, result.err
    sale = result.json()["sale"]
    assert SALE_KEYS <= set(sale)
    assert (sale["state"], sale["amount_cents"], sale["tip_cents"], sale["total_cents"],
            sale["wallet"], sale["mode"]) == ("paid", 1234, 100, 1334, "WECHATPAY", "passive")
    assert sale["masked_code"] == "1345**********0000"
    assert sale["bizpay_order_id"] == sim.order(sale["order_id"]).bizpay_order_id
    assert sale["trade_time"] and sale["late"] is False and sale["refunds"] == []
    [request] = sim.requests(order_id=sale["order_id"], action="PASSIVEPAY")
    assert request.data["amount"] == "1234" and request.data["tip"] == "100"
    assert request.data["operator_id"] == OPERATOR
    assert WECHAT + "0000" not in result.out + result.err  # the code only ever masked


def test_pay_human_output_names_state_amount_and_order(cashier, sim):
    result = cashier("pay", "5", "--code", ALIPAY + "1111")
    assert result.code == 0, result.err
    [request] = sim.requests(action="PASSIVEPAY")
    assert "PAID" in result.out and "5.00" in result.out and "Alipay" in result.out
    assert request.data["order_id"] in result.out
    assert len(sim.requests(action="STATUS_QUERY")) == 2  # confirmed after two queries


def test_pay_declined_exits_1(cashier, sim):
    result = cashier("pay", "7.50", "--code", WECHAT + "3333", "--json")
    assert result.code == 1
    assert result.json()["sale"]["state"] == "declined"
    assert len(sim.requests(action="PASSIVEPAY")) == 1


def test_pay_confirming_then_failure_exits_1(cashier, sim):
    result = cashier("pay", "7.50", "--code", WECHAT + "2222", "--json")
    assert result.code == 1
    assert result.json()["sale"]["state"] == "declined"


def test_pay_response_lost_after_charge_ends_paid_with_one_passivepay(cashier, sim):
    # 4444: the gateway charges at once but answers after 1.5 s; the client reads for 0.5 s.
    result = cashier("pay", "20", "--code", WECHAT + "4444", "--json")
    assert result.code == 0, result.err
    sale = result.json()["sale"]
    assert sale["state"] == "paid"
    assert len(sim.requests(order_id=sale["order_id"], action="PASSIVEPAY")) == 1
    assert sim.requests(order_id=sale["order_id"], action="STATUS_QUERY")


def test_pay_still_pending_at_the_deadline_exits_3(make_cli, tmp_path):
    with Simulator(confirm_after_queries=10_000) as slow_sim:
        cashier = make_cli(slow_sim, passive_timeout_seconds=0.4)
        result = cashier("pay", "3", "--code", WECHAT + "1111", "--json")
        assert result.code == 3
        sale = result.json()["sale"]
        assert sale["state"] in ("pending", "unknown")
        assert len(slow_sim.requests(action="PASSIVEPAY")) == 1
        human = cashier("pay", "3", "--code", WECHAT + "5555")
        assert human.code in (1, 3)
    with cashier.journal() as journal:
        assert journal.require_sale(sale["order_id"]).is_open  # left for `cashier recover`


@pytest.mark.parametrize("amount", ["-1", "0", "0.00", "1.234", "abc", "12,34", "100000.01", ""])
def test_bad_amount_exits_2_and_sends_nothing(cashier, sim, tmp_path, amount):
    result = cashier("pay", amount, "--code", WECHAT + "0000")
    assert result.code == 2
    assert result.err.startswith("cashier: ") and len(result.err.strip().splitlines()) == 1
    assert sim.requests() == []
    assert not (tmp_path / "journal.sqlite3").exists()  # nothing journaled either


def test_bad_tip_exits_2(cashier, sim):
    result = cashier("pay", "10", "--code", WECHAT + "0000", "--tip", "-1", "--json")
    assert result.code == 2
    assert "tip" in result.json()["error"].lower()
    assert sim.requests() == []


@pytest.mark.parametrize("code", ["1234", "abcdefabcdefabcdef", "999999999999999999",
                                  "1345678901234500001"])
def test_bad_payment_code_exits_2_and_sends_nothing(cashier, sim, code):
    result = cashier("pay", "10", "--code", code, "--json")
    assert result.code == 2
    error = result.json()["error"]
    assert "payment code" in error
    assert code not in error  # masked
    assert sim.requests() == []


def test_amount_over_the_configured_maximum_is_refused(make_cli, sim):
    cashier = make_cli(sim, max_amount="50.00")
    result = cashier("pay", "50.01", "--code", WECHAT + "0000")
    assert result.code == 2 and "maximum" in result.err
    assert sim.requests() == []


def test_amount_plus_tip_over_the_maximum_is_refused(make_cli, sim, tmp_path):
    cashier = make_cli(sim, max_amount="50.00")
    result = cashier("pay", "30", "--tip", "20.01", "--code", WECHAT + "0000")
    assert result.code == 2 and "total 50.01" in result.err and "maximum of 50.00" in result.err
    assert sim.requests() == [] and not (tmp_path / "journal.sqlite3").exists()


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


def test_fullwidth_amount_and_code_are_read_the_same_way(cashier, sim):
    result = cashier("pay", _fullwidth("12.34"), "--code", _fullwidth(WECHAT + "0000"), "--json")
    assert result.code == 0, result.err
    [request] = sim.requests(action="PASSIVEPAY")
    assert request.data["auth_code"] == WECHAT + "0000" and request.data["amount"] == "1234"


@pytest.mark.parametrize("args", [("١٢", WECHAT + "0000"),
                                  ("12", "13" + "".join(chr(0x660 + int(d)) for d in
                                                        "4567890123450000"))])
def test_digits_of_other_scripts_are_refused_and_nothing_is_sent(cashier, sim, tmp_path, args):
    amount, code = args
    result = cashier("pay", amount, "--code", code, "--json")
    assert result.code == 2 and "digits 0-9" in result.json()["error"]
    assert sim.requests() == [] and not (tmp_path / "journal.sqlite3").exists()


def test_pay_without_code_reads_one_line_of_stdin(cashier, sim, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(f"  {WECHAT}0000\r\n"))
    result = cashier("pay", "1.5", "--json")
    assert result.code == 0, result.err
    [request] = sim.requests(action="PASSIVEPAY")
    assert request.data["auth_code"] == WECHAT + "0000"


def test_pay_with_empty_stdin_exits_2(cashier, sim, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    result = cashier("pay", "1.5")
    assert result.code == 2 and "No payment code" in result.err
    assert sim.requests() == []


def test_pay_as_a_subprocess_reads_the_code_from_stdin(make_cli, sim):
    cashier = make_cli(sim, passive_timeout_seconds=30)  # a fresh process: no 1 s race
    result = cashier.run("pay", "2.25", "--json", input=f"{ALIPAY}0000\n")
    assert result.code == 0, result.err
    assert result.json()["sale"]["wallet"] == "ALIPAY"
    assert len(sim.requests(action="PASSIVEPAY")) == 1


def test_pay_without_an_operator_id_exits_2_and_sends_nothing(make_cli, sim, tmp_path):
    cashier = make_cli(sim)
    cashier.config.write_text(cashier.config.read_text().replace(f'operator_id = "{OPERATOR}"\n',
                                                                 ""))
    result = cashier("pay", "10", "--code", WECHAT + "0000")
    assert result.code == 2 and "Charging" not in result.err
    assert result.err.startswith(f"cashier: {cashier.config}: [ottpay] merchant_id is set but "
                                 "operator_id is missing")
    assert sim.requests() == []
    shown = cashier("config", "show")  # the settings check says so too
    assert shown.code == 2 and "operator_id is missing" in shown.err


def test_pay_prints_the_receipt_when_auto_print_is_on(make_cli, sim, tmp_path):
    receipt = tmp_path / "printer.bin"
    cashier = make_cli(sim, extra=f'\n[printer]\nkind = "file"\naddress = "{receipt}"\n')
    result = cashier("pay", "12.34", "--code", WECHAT + "0000")
    assert result.code == 0, result.err
    assert f"Receipt printed on the file printer {receipt}." in result.out
    [request] = sim.requests(action="PASSIVEPAY")
    data = receipt.read_bytes()
    assert request.data["order_id"].encode() in data and b"12.34" in data
    as_json = cashier("pay", "1", "--code", WECHAT + "0000", "--json").json()
    assert as_json["receipt_printed_on"] and "receipt_error" not in as_json


def test_pay_says_when_the_receipt_could_not_be_printed_and_still_exits_0(make_cli, sim,
                                                                         closed_port):
    port = closed_port  # nothing listens: the printer is "off"
    cashier = make_cli(sim, extra=f'\n[printer]\nkind = "network"\naddress = "127.0.0.1:{port}"\n')
    result = cashier("pay", "2", "--code", WECHAT + "0000")
    assert result.code == 0, result.err  # paid: never charge again because of a printer
    [request] = sim.requests(action="PASSIVEPAY")
    order_id = request.data["order_id"]
    assert "PAID" in result.out
    assert "Receipt NOT printed: Printer offline" in result.out
    assert f"Reprint it with 'cashier receipt {order_id} --reprint'." in result.out
    as_json = cashier("pay", "1", "--code", WECHAT + "0000", "--json")
    assert as_json.code == 0 and as_json.json()["receipt_error"].startswith("Printer offline")


def test_pay_prints_nothing_when_auto_print_is_off(make_cli, sim, tmp_path):
    receipt = tmp_path / "printer.bin"
    cashier = make_cli(sim, extra=f'\n[printer]\nkind = "file"\naddress = "{receipt}"\n'
                                  "auto_print = false\n")
    result = cashier("pay", "3", "--code", WECHAT + "0000", "--json")
    assert result.code == 0 and "receipt_printed_on" not in result.json()
    assert not receipt.exists()


@pytest.mark.parametrize(("suffix", "state"), [("3333", "declined"), ("2222", "declined")])
def test_a_decline_is_said_in_the_cashiers_words_not_the_gateways(cashier, sim, suffix, state):
    result = cashier("pay", "4", "--code", WECHAT + suffix)
    assert result.code == 1, result.err
    assert state.upper() in result.out
    assert ("The customer's wallet declined the payment; nothing was charged. Ask the customer "
            "to pay another way.") in result.out
    for raw in ("gateway said", "FAIL", "failure", "PROCESSING"):
        assert raw not in result.out
    sale = cashier("history", "--json").json()["sales"][0]  # the raw words stay for support
    assert sale["rsp_code"] and sale["rsp_msg"]


def test_a_qr_nobody_paid_yet_does_not_print_the_gateways_success(cashier, sim):
    result = cashier("qr", "3", "--wallet", "wechat", "--wait", "0.2")
    assert result.code == 3
    assert "SUCCESS" not in result.out and "success" not in result.out
    assert "No final answer yet. Do not charge the customer again" in result.out


def test_a_closed_order_says_the_customer_did_not_pay_in_time(cashier, sim):
    result = cashier("pay", "5", "--code", WECHAT + "5555")
    assert result.code == 1, result.err
    assert "CLOSED" in result.out
    assert ("The customer did not pay in time; the order was closed and nothing was charged."
            in result.out)


def test_an_untrusted_gateway_certificate_fails_the_sale_at_once_as_not_sent(
        make_cli, tmp_path):
    """HTTPS simulator whose certificate authority the settings do not name ([ottpay]
    ca_bundle missing): the handshake fails before the request is written, so the sale fails
    as not sent, says why in one sentence, and is not asked about for its 30 s wait."""
    authority = TestAuthority.create(tmp_path / "ca")
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, tls=authority.server_context()) as sim:
        cashier = make_cli(sim, passive_timeout_seconds=30)
        result = cashier.run("pay", "1", "--code", WECHAT + "0000", timeout=25)
        assert sim.requests() == []  # no PASSIVEPAY, nor any query, reached the gateway
    assert result.code == 1, result.out + result.err  # declined or failed (README table)
    assert "Traceback" not in result.err
    said = ("  Not sent, so nothing was charged: the gateway's TLS certificate could not be "
            "verified (unable to get local issuer certificate); trust the certificate "
            "authority that signed it with [ottpay] ca_bundle.")
    assert said in result.out.splitlines()
    assert "Do not charge the customer again" not in result.out
    [sale] = cashier.journal().history()
    assert sale.state == "declined" and sale.rsp_code is None
    assert sale.rsp_msg == ("PASSIVEPAY not sent: the gateway's TLS certificate could not be "
                            "verified (unable to get local issuer certificate)")
