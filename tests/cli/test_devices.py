"""``cashier pay`` reading the configured serial scanner (a real pty), receipts to a TCP printer."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from tests.cli.conftest import WECHAT
from tests.devices.conftest import FakeNetworkPrinter

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")



def test_pay_without_code_takes_one_scan_from_the_serial_scanner(make_cli, sim, pty_pair):
    master, port = pty_pair
    cashier = make_cli(sim, extra=f'[scanner]\nkind = "serial"\nport = "{port}"\n'
                                  'suffix = "CR"\n')
    done = threading.Event()

    def scanner_user() -> None:
        # Until the command has its scan: what arrives before the port is opened is flushed.
        while not done.wait(0.2):
            os.write(master, f"{WECHAT}0000\r".encode())

    thread = threading.Thread(target=scanner_user, name="scanner-user")
    thread.start()
    try:
        result = cashier("pay", "3.30", "--json")
    finally:
        done.set()
        thread.join()
    assert result.code == 0, result.err
    assert result.json()["sale"]["masked_code"] == "1345**********0000"
    assert len(sim.requests(action="PASSIVEPAY")) == 1  # one scan, one payment


def test_no_scan_before_the_timeout_exits_2_and_sends_nothing(make_cli, sim, pty_pair):
    _master, port = pty_pair
    cashier = make_cli(sim, extra=f'[scanner]\nkind = "serial"\nport = "{port}"\n')
    result = cashier("pay", "3.30", "--scan-timeout", "0.3")
    assert result.code == 2 and "No code was scanned" in result.err
    assert sim.requests() == []


def test_receipt_printed_on_a_network_printer_and_printer_down(make_cli, sim):
    printer = FakeNetworkPrinter()
    try:
        cashier = make_cli(sim, extra=f'[printer]\nkind = "network"\n'
                                      f'address = "{printer.address}"\n')
        paid = cashier("pay", "4.40", "--code", WECHAT + "0000", "--json").json()
        sale = paid["sale"]
        assert paid["receipt_printed_on"] == f"network printer {printer.address}"  # auto_print
        result = cashier("receipt", sale["order_id"], "--json")
        assert result.code == 0, result.err
        assert result.json()["printed_on"] == f"network printer {printer.address}"
        # Both commands have sent their page and closed the connection before exiting; the
        # printer thread files a job once it has read a connection to its end, one at a time,
        # so wait for the two of them rather than look while the second may still be read.
        jobs = printer.wait_jobs(2)
        assert len(jobs) == 2
        for job in jobs:  # the pay command's receipt, then the one asked for
            assert sale["order_id"].encode() in job and b"4.40" in job
            assert job.endswith(b"\x1dV\x00")
    finally:
        printer.close()
    down = cashier("receipt", sale["order_id"], "--json")  # nothing listens any more
    assert down.code == 1
    assert "not printed" in down.json()["error"].lower()
