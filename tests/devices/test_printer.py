"""Printer output through python-escpos transports, against real sockets, files and ptys."""

from __future__ import annotations

import os
import time
from datetime import datetime

import pytest

from cashier.devices.printer import (
    PrintError,
    PrinterSettings,
    PrinterStatus,
    ReceiptPrinter,
    paper_status_from_byte,
    parse_network_address,
)
from cashier.devices.receipt import ReceiptData, render_receipt

from .conftest import FakeNetworkPrinter


def receipt_bytes() -> bytes:
    data = ReceiptData(
        merchant_name="上海小笼包", timestamp=datetime(2026, 11, 23, 9, 0), operator="bob",
        wallet_label="Alipay", amount_cents=2500, order_id="CS-NET-1",
    )
    return render_receipt(data, PrinterSettings(paper_mm=58).style())


def test_network_print_delivers_the_whole_receipt_in_one_connection(network_printer) -> None:
    data = receipt_bytes()
    printer = ReceiptPrinter(PrinterSettings(kind="network", address=network_printer.address,
                                             timeout=1.0))
    printer.send(data)
    jobs = network_printer.wait_jobs(1)
    assert jobs == [data]
    assert "上海小笼包" in jobs[0].decode("gb18030")


def test_network_printer_down_is_reported_offline(closed_port: int) -> None:
    # A refused connection is reported at once, not after the job's timeout: the bound sits
    # halfway, so a loaded machine cannot break it and waiting the timeout out still would.
    printer = ReceiptPrinter(PrinterSettings(kind="network", address=f"127.0.0.1:{closed_port}",
                                             timeout=10.0))
    started = time.monotonic()
    with pytest.raises(PrintError) as info:
        printer.send(receipt_bytes())
    assert info.value.kind == "offline"
    assert str(info.value).startswith("Printer offline")
    assert "127.0.0.1" in str(info.value) and "connection refused" in str(info.value)
    assert time.monotonic() - started < 5.0
    assert printer.status() is PrinterStatus.OFFLINE


def test_file_printer_writes_the_bytes(tmp_path) -> None:
    out = tmp_path / "receipt.bin"
    data = receipt_bytes()
    ReceiptPrinter(PrinterSettings(kind="file", address=str(out))).send(data)
    assert out.read_bytes() == data


def test_file_printer_that_cannot_be_opened_is_offline(tmp_path) -> None:
    printer = ReceiptPrinter(PrinterSettings(kind="file", address=str(tmp_path / "no" / "lp0")))
    with pytest.raises(PrintError) as info:
        printer.send(b"x")
    assert info.value.kind == "offline"


def test_serial_printer_over_a_pty_receives_the_bytes() -> None:
    master, slave = os.openpty()
    try:
        data = receipt_bytes()
        printer = ReceiptPrinter(PrinterSettings(kind="serial", address=os.ttyname(slave),
                                                 baud=19200, timeout=1.0))
        printer.send(data)
        received = b""
        while len(received) < len(data):
            received += os.read(master, 65536)
        assert received == data
    finally:
        os.close(master)
        os.close(slave)


def test_disabled_printer_prints_nothing_and_says_disabled() -> None:
    printer = ReceiptPrinter(PrinterSettings())
    printer.send(b"anything")
    assert not printer.enabled and printer.status() is PrinterStatus.DISABLED


def test_status_probe_reads_the_paper_sensor() -> None:
    for reply, expected in ((b"\x12", PrinterStatus.READY), (b"\x72", PrinterStatus.PAPER_OUT),
                            (b"\x1e", PrinterStatus.PAPER_LOW)):
        fake = FakeNetworkPrinter(status_reply=reply)
        try:
            settings = PrinterSettings(kind="network", address=fake.address, status_timeout=0.5)
            assert ReceiptPrinter(settings).status() is expected
        finally:
            fake.close()


def test_status_probe_says_unknown_when_the_printer_does_not_answer(network_printer) -> None:
    # The printer never answers: the probe gives up after its own short timeout, not the
    # job's (10 s here); the bound sits halfway, out of reach of a loaded machine.
    settings = PrinterSettings(kind="network", address=network_printer.address,
                               status_timeout=0.1, timeout=10.0)
    started = time.monotonic()
    assert ReceiptPrinter(settings).status() is PrinterStatus.UNKNOWN
    assert time.monotonic() - started < 5.0


def test_paper_out_is_reported_when_checked_before_printing() -> None:
    fake = FakeNetworkPrinter(status_reply=b"\x72")
    try:
        settings = PrinterSettings(kind="network", address=fake.address,
                                   check_paper_before_print=True, status_timeout=0.5)
        with pytest.raises(PrintError) as info:
            ReceiptPrinter(settings).send(receipt_bytes())
        assert info.value.kind == "paper out"
        assert "out of paper" in str(info.value)
        fake.wait_jobs(1)
        assert fake.jobs == [b"\x10\x04\x04"]  # only the probe reached it, not the receipt
    finally:
        fake.close()


def test_unusable_transports_fail_with_a_sentence() -> None:
    printer = ReceiptPrinter(PrinterSettings(kind="usb", address="04b8:0202"))
    try:
        import usb  # noqa: F401
    except ImportError:
        with pytest.raises(PrintError, match="pyusb") as info:
            printer.send(b"x")
        assert info.value.kind == "unknown"
    if os.name != "nt":
        with pytest.raises(PrintError, match="Windows"):
            ReceiptPrinter(PrinterSettings(kind="win32")).send(b"x")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(kind="laser"), "unknown"),
        (dict(kind="network"), "needs an address"),
        (dict(kind="file", address="x", paper_mm=76), "58 or 80"),
        (dict(kind="file", address="x", encoding="nope"), "encoding"),
        (dict(kind="file", address="x", timeout=0), "positive"),
    ],
)
def test_bad_printer_settings_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PrinterSettings(**kwargs)


def test_address_parsing() -> None:
    assert parse_network_address("10.0.0.5") == ("10.0.0.5", 9100)
    assert parse_network_address("printer.local:9101") == ("printer.local", 9101)
    with pytest.raises(ValueError, match="port"):
        parse_network_address("host:abc")
    assert paper_status_from_byte(b"") is PrinterStatus.UNKNOWN
    assert paper_status_from_byte(b"\xff") is PrinterStatus.UNKNOWN
