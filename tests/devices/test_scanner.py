"""The serial scanner reader over real pseudo-terminals and pyserial loop://."""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from cashier.devices.scanner import (
    CodeFramer,
    ScannerStatus,
    SerialScanner,
    SerialSettings,
    resolve_port,
)

WECHAT = "134567890123456789"
ALIPAY = "28765432109876543210"

FAST = dict(read_timeout=0.02, reconnect_interval=0.05, char_timeout=0.08)


class Pty:
    """A pty pair: the test writes to the master like a scanner; the reader opens the slave."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def unplug(self) -> None:
        os.close(self.master)
        os.close(self.slave)


class Recorder:
    def __init__(self) -> None:
        self.scans: queue.Queue[str] = queue.Queue()
        self.statuses: queue.Queue[ScannerStatus] = queue.Queue()

    def on_scan(self, code: str) -> None:
        self.scans.put(code)

    def on_status(self, status: ScannerStatus, message: str) -> None:
        assert message
        self.statuses.put(status)

    def next_scan(self, timeout: float = 10.0) -> str:
        return self.scans.get(timeout=timeout)

    def wait_status(self, wanted: ScannerStatus, timeout: float = 2.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.statuses.get(timeout=max(0.01, deadline - time.monotonic())) is wanted:
                return

    def no_more_scans(self, wait: float = 0.15) -> bool:
        try:
            extra = self.scans.get(timeout=wait)
        except queue.Empty:
            return True
        raise AssertionError(f"unexpected scan {extra!r}")


@pytest.fixture
def pty() -> Iterator[Pty]:
    pair = Pty()
    yield pair
    for fd in (pair.master, pair.slave):
        try:
            os.close(fd)
        except OSError:
            pass


def start_reader(port: str, suffix: str, rec: Recorder, **kwargs) -> SerialScanner:
    settings = SerialSettings(port=port, suffix=suffix, **{**FAST, **kwargs})
    scanner = SerialScanner(settings, rec.on_scan, rec.on_status)
    scanner.start()
    rec.wait_status(ScannerStatus.CONNECTED)
    return scanner


@pytest.mark.parametrize(("suffix", "end"), [("CR", b"\r"), ("LF", b"\n"), ("CRLF", b"\r\n")])
def test_each_suffix_frames_one_code_per_scan(pty: Pty, suffix: str, end: bytes) -> None:
    rec = Recorder()
    scanner = start_reader(pty.path, suffix, rec)
    try:
        pty.write(WECHAT.encode() + end + ALIPAY.encode() + end)
        assert rec.next_scan() == WECHAT
        assert rec.next_scan() == ALIPAY
        assert rec.no_more_scans()
    finally:
        scanner.stop()
    assert scanner.status is ScannerStatus.STOPPED


def test_no_suffix_ends_a_code_after_the_inter_character_timeout(pty: Pty) -> None:
    rec = Recorder()
    # The pause inside the code is 30 ms, the timeout a second: a loaded machine stretches the
    # pause between the two writes, never by that much (the framer's own test times it exactly).
    scanner = start_reader(pty.path, "NONE", rec, char_timeout=1.0)
    try:
        pty.write(WECHAT[:7].encode())
        time.sleep(0.03)  # a pause shorter than char_timeout stays inside the code
        pty.write(WECHAT[7:].encode())
        assert rec.next_scan() == WECHAT
        pty.write(ALIPAY.encode())
        assert rec.next_scan() == ALIPAY
        assert rec.no_more_scans()
    finally:
        scanner.stop()


def test_split_reads_are_reassembled(pty: Pty) -> None:
    rec = Recorder()
    scanner = start_reader(pty.path, "CRLF", rec)
    try:
        for chunk in (b"1345", b"67890", b"123456789\r", b"\n2876543", b"2109876543210\r\n"):
            pty.write(chunk)
            time.sleep(0.03)  # each piece arrives in its own read
        assert rec.next_scan() == WECHAT
        assert rec.next_scan() == ALIPAY
        assert rec.no_more_scans()
    finally:
        scanner.stop()


def test_garbage_and_control_characters_are_stripped(pty: Pty) -> None:
    rec = Recorder()
    scanner = start_reader(pty.path, "CR", rec, stale_timeout=0.1)
    try:
        pty.write(b"\x02  " + WECHAT.encode() + b" \x03\x00\r")  # STX/ETX framing, spaces, NUL
        assert rec.next_scan() == WECHAT
        pty.write(b"\r\r\x00\xff\xfe\r")  # empty lines and non-text bytes: nothing
        pty.write(b"\x1b\x1bnoise")  # a partial line that never ends is dropped when stale
        time.sleep(0.25)
        pty.write(ALIPAY.encode() + b"\r")
        assert rec.next_scan() == ALIPAY
        assert rec.no_more_scans()
    finally:
        scanner.stop()


def test_unplug_reports_disconnected_and_reconnects_when_the_device_returns(
    tmp_path: Path,
) -> None:
    first = Pty()
    link = tmp_path / "scanner"  # a stable name like /dev/serial/by-id/..., re-pointed on replug
    link.symlink_to(first.path)
    rec = Recorder()
    scanner = start_reader(str(link), "CR", rec)
    second: Pty | None = None
    try:
        first.write(WECHAT.encode() + b"\r")
        assert rec.next_scan() == WECHAT

        first.unplug()
        rec.wait_status(ScannerStatus.DISCONNECTED)
        assert scanner.status is ScannerStatus.DISCONNECTED
        link.unlink()
        time.sleep(0.1)  # it keeps trying while the device is away

        second = Pty()
        link.symlink_to(second.path)
        rec.wait_status(ScannerStatus.CONNECTED)
        second.write(ALIPAY.encode() + b"\r")
        assert rec.next_scan() == ALIPAY
    finally:
        scanner.stop()
        if second:
            second.unplug()


def test_missing_port_reports_disconnected_until_it_appears(tmp_path: Path, pty: Pty) -> None:
    link = tmp_path / "ttyACM-missing"
    rec = Recorder()
    scanner = SerialScanner(SerialSettings(port=str(link), **FAST), rec.on_scan, rec.on_status)
    scanner.start()
    try:
        rec.wait_status(ScannerStatus.DISCONNECTED)
        link.symlink_to(pty.path)
        rec.wait_status(ScannerStatus.CONNECTED)
        pty.write(WECHAT.encode() + b"\r")
        assert rec.next_scan() == WECHAT
    finally:
        scanner.stop()


def test_loop_url_with_pyserial() -> None:
    port = serial.serial_for_url("loop://", timeout=0.02)
    rec = Recorder()
    scanner = SerialScanner(
        SerialSettings(port="loop://", suffix="LF", **FAST), rec.on_scan, rec.on_status,
        opener=lambda path, settings: port,
    )
    scanner.start()
    try:
        rec.wait_status(ScannerStatus.CONNECTED)
        port.write(b" " + WECHAT[:5].encode())
        port.write(WECHAT[5:].encode() + b"\n" + ALIPAY.encode() + b"\n")
        assert rec.next_scan() == WECHAT
        assert rec.next_scan() == ALIPAY
    finally:
        scanner.stop()
    assert not port.is_open


def test_a_crashing_scan_listener_does_not_stop_the_reader(pty: Pty) -> None:
    got: list[str] = []

    def listener(code: str) -> None:
        got.append(code)
        raise RuntimeError("ui bug")

    connected: queue.Queue[ScannerStatus] = queue.Queue()
    scanner = SerialScanner(SerialSettings(port=pty.path, **FAST), listener,
                            lambda status, message: connected.put(status))
    scanner.start()
    try:
        assert connected.get(timeout=2) is ScannerStatus.CONNECTED
        pty.write(WECHAT.encode() + b"\r")
        pty.write(ALIPAY.encode() + b"\r")
        deadline = time.monotonic() + 2
        while len(got) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert got == [WECHAT, ALIPAY]
    finally:
        scanner.stop()


def test_framer_on_its_own() -> None:
    framer = CodeFramer(SerialSettings(port="x", suffix="NONE", char_timeout=0.1))
    assert framer.feed(b"123", 0.0) == []
    assert framer.feed(b"456", 0.05) == []
    assert framer.tick(0.1) == []
    assert framer.tick(0.16) == ["123456"]
    assert framer.feed(b"789", 1.0) == []
    assert framer.feed(b"000", 1.5) == ["789"]  # a new burst after silence ends the old one


def test_resolve_port(tmp_path: Path, pty: Pty) -> None:
    assert resolve_port("loop://") == "loop://"
    assert resolve_port(pty.path) == pty.path
    assert resolve_port(str(tmp_path / "nope")) is None
    assert resolve_port("ffff:fffe") is None  # no such USB device attached
    assert resolve_port("FFFF:FFFE:SN123") is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(port=" "), "port is empty"),
        (dict(port="x", suffix="TAB"), "suffix"),
        (dict(port="x", baud=0), "baud"),
        (dict(port="x", char_timeout=0), "char_timeout"),
    ],
)
def test_bad_scanner_settings_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SerialSettings(**kwargs)
