"""``cashier print-test`` and ``cashier scan-test`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .conftest import FakeNetworkPrinter

WECHAT = "134567890123456789"


def cashier(*args: str, tmp_path: Path, timeout: float = 20) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("CASHIER_CONFIG", None)  # no settings file: defaults
    return subprocess.run(
        [sys.executable, "-c", "import sys; from cashier.cli import main; sys.exit(main())", *args],
        capture_output=True, text=True, timeout=timeout, env=env, cwd=tmp_path,
    )


def test_print_test_output_file_holds_the_test_page(tmp_path: Path) -> None:
    out = tmp_path / "page.bin"
    result = cashier("print-test", "--output", str(out), "--paper", "58", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Test page sent" in result.stdout
    data = out.read_bytes()
    assert data.startswith(b"\x1b@\x1c&") and data.endswith(b"\x1dV\x00")
    text = data.decode("gb18030")
    assert "PRINTER TEST" in text and "中文测试" in text and "Columns" in text
    assert b"1P0TEST-0001" in data


def test_print_test_page_follows_the_configured_language(tmp_path: Path) -> None:
    config = tmp_path / "cashier.toml"
    config.write_text('[ui]\nlanguage = "zh_CN"\n', encoding="utf-8")
    out = tmp_path / "page.bin"
    result = cashier("--config", str(config), "print-test", "--output", str(out),
                     tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "打印机测试" in out.read_bytes().decode("gb18030")


def test_print_test_to_a_network_printer_and_to_one_that_is_down(tmp_path: Path) -> None:
    fake = FakeNetworkPrinter()
    try:
        result = cashier("print-test", "--json", "--printer-kind", "network", "--address",
                         fake.address, "--paper", "80", "--encoding", "big5", tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["printed"] is True
        (job,) = fake.wait_jobs(1)
        # Big5 has 中文 but not the simplified 测试: those print as '?', the page still prints.
        assert "中文??".encode("big5") in job and job.endswith(b"\x1dV\x00")
    finally:
        fake.close()
    result = cashier("print-test", "--json", "--printer-kind", "network", "--address",
                     fake.address, "--timeout", "0.5", tmp_path=tmp_path)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"].startswith("Printer offline")


def test_print_test_without_a_printer_says_what_to_do(tmp_path: Path) -> None:
    result = cashier("print-test", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "--printer-kind" in result.stderr


def test_scan_test_prints_each_scan_with_its_classification(tmp_path: Path) -> None:
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", "import sys; from cashier.cli import main; sys.exit(main())",
             "scan-test", "--port", os.ttyname(slave), "--suffix", "crlf", "--count", "2",
             "--seconds", "15"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)},
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Scanner connected"), line
        os.write(master, WECHAT.encode() + b"\r\n" + b"hello-123\r\n")
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        lines = out.splitlines()
        assert lines[0].split() == ["WeChat", "Pay", "1345**********6789"]
        assert lines[1].startswith("not a payment code") and "hello-123" not in lines[1]
    finally:
        os.close(master)
        os.close(slave)


def test_scan_test_without_a_port_is_refused_at_once(tmp_path: Path) -> None:
    started = time.monotonic()
    result = cashier("scan-test", tmp_path=tmp_path)
    assert result.returncode == 2 and "--port" in result.stderr
    assert time.monotonic() - started < 15


def _ports_sentence() -> str:
    from cashier.devices.scanner import serial_ports

    ports = serial_ports()
    return f"Serial ports seen now: {', '.join(ports)}." if ports else \
        "No serial ports are visible now"


def test_scan_test_without_a_port_lists_the_serial_ports_it_can_see(tmp_path: Path) -> None:
    result = cashier("scan-test", "--json", tmp_path=tmp_path)
    assert result.returncode == 2
    message = json.loads(result.stdout)["error"]
    assert message.startswith("No scanner port: give --port") and _ports_sentence() in message


def test_scan_test_with_a_port_that_is_not_there_stops_at_once(tmp_path: Path) -> None:
    result = cashier("scan-test", "--port", str(tmp_path / "ttyNOPE"), tmp_path=tmp_path)
    assert result.returncode == 2
    assert f"There is no scanner at {tmp_path / 'ttyNOPE'} now." in result.stderr
    assert _ports_sentence() in result.stderr


def test_scan_test_listens_for_a_minute_by_default() -> None:
    from cashier.cli import build_parser

    assert build_parser().parse_args(["scan-test"]).seconds == 60.0
