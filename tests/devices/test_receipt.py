"""Receipt and report rendering: decode the ESC/POS bytes and check what a printer would do."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from cashier.devices.printed_text import text_width
from cashier.devices.receipt import (
    ReceiptData,
    ReceiptError,
    ReceiptLine,
    ReceiptStyle,
    ReportData,
    ReportLatePayment,
    ReportWallet,
    columns_for_paper,
    render_receipt,
    render_report,
    render_test_page,
)

CUT = b"\x1dV\x00"
QR_STORE = b"\x1d(k"
# Formatting commands the renderer sends: init, Chinese mode on/off, ESC ! / E / a / t / d n, cut.
_COMMAND = re.compile(rb"\x1b@|\x1c[&.]|\x1b[!Eatd].|\x1dV.", re.S)
_MONEY = re.compile(r"-?[\d,]+\.\d\d$")


def printed_lines(data: bytes, encoding: str = "gb18030") -> list[str]:
    """The text lines a printer would print: commands and the QR code removed, strictly decoded.

    ESC/FS/GS bytes never occur inside a gb18030 character, so commands are found byte by byte.
    """
    text = bytearray()
    i = 0
    while i < len(data):
        if data.startswith(b"\x1d(k", i):  # GS ( k pL pH <pL + 256 pH bytes>: a QR command
            i += 5 + data[i + 3] + 256 * data[i + 4]
            continue
        command = _COMMAND.match(data, i)
        if command:
            i = command.end()
            continue
        text.append(data[i])
        i += 1
    return text.decode(encoding).split("\n")


def assert_fits(lines: list[str], columns: int, *, aligned: bool = True,
                encoding: str = "gb18030") -> None:
    """No line wider than the paper as the printer lays it out (Chinese mode: all non-ASCII is
    two columns); with ``aligned``, every label line ending in an amount reaches the right edge
    (not for random text, which may itself end like an amount)."""
    for line in lines:
        width = text_width(line, encoding)
        assert width <= columns, (line, width)
        if aligned and _MONEY.search(line) and not line.startswith(" "):
            assert width == columns, line


def sale(**overrides) -> ReceiptData:
    fields = dict(
        merchant_name="Dumpling House",
        merchant_address="12 Queen St W, Toronto",
        timestamp=datetime(2026, 11, 23, 14, 5, 9),
        operator="alice",
        wallet_label="WeChat Pay",
        amount_cents=1234,
        tip_cents=100,
        order_id="CS20261123-0001",
        gateway_order_id="OTT8877665544",
        masked_code="1345**********6789",
    )
    fields.update(overrides)
    return ReceiptData(**fields)


def qr_payload(data: bytes) -> bytes:
    """The data of the native QR 'store' command: GS ( k pL pH 49 80 48 <data>."""
    match = re.search(rb"\x1d\(k(..)1P0", data, re.S)
    assert match, "no QR store command"
    length = match.group(1)[0] + 256 * match.group(1)[1] - 3
    start = match.end()
    return data[start : start + length]


@pytest.mark.parametrize("columns", [32, 48])
def test_sale_receipt_has_text_qr_and_cut_at_both_widths(columns: int) -> None:
    data = render_receipt(sale(), ReceiptStyle(columns=columns))

    text = data.decode("gb18030", errors="replace")
    for needle in ("Dumpling House", "CUSTOMER COPY", "PAID", "alice", "WeChat Pay", "12.34",
                   "1.00", "13.34", "CS20261123-0001", "OTT8877665544", "2026-11-23 14:05:09",
                   "1345**********6789"):
        assert needle in text
    assert data.endswith(CUT)
    assert qr_payload(data) == b"CS20261123-0001"
    assert data.index(QR_STORE) < data.rindex(CUT)
    # Every plain detail line is laid out to the paper width exactly.
    total_line = next(line for line in data.split(b"\n") if b"Total" in line)
    total_text = re.sub(rb"^\x1bE.", b"", total_line).decode()
    assert len(total_text) == columns
    assert total_text.endswith("13.34")


def test_merchant_copy_and_no_tip_line_when_tip_is_zero() -> None:
    text = render_receipt(sale(copy="merchant", tip_cents=0)).decode("gb18030")
    assert "MERCHANT COPY" in text and "CUSTOMER COPY" not in text
    assert "Tip" not in text
    assert re.search(r"Total +12\.34", text)


def test_chinese_merchant_name_in_gb18030_uses_chinese_mode() -> None:
    data = render_receipt(
        sale(merchant_name="上海小笼包", lines=(ReceiptLine("小笼包 ×2", 1234),)),
        ReceiptStyle(columns=32, encoding="gb18030"),
    )
    assert data.startswith(b"\x1b@\x1c&")  # init, then FS & (Chinese character mode)
    assert "上海小笼包".encode("gb18030") in data
    decoded = data.decode("gb18030")
    assert "上海小笼包" in decoded
    item = next(line for line in decoded.splitlines() if line.startswith("小笼包"))
    # In Chinese mode every non-ASCII character prints two columns wide, × included (Unicode
    # calls it "ambiguous" and would count it 1, leaving the line one column too long).
    assert text_width(item, "gb18030") == 32
    assert text_width(item) == 31


def test_text_the_encoding_cannot_hold_prints_as_question_marks() -> None:
    data = render_receipt(sale(merchant_name="上海 Café"), ReceiptStyle(encoding="cp437"))
    assert b"\x1c." in data[:4]  # Chinese mode off for a code-page printer
    assert b"\x1bt\x00" in data  # ESC t 0: code page 437
    assert "?? Café" in data.decode("cp437")


def test_big5_receipt_encodes_traditional_chinese() -> None:
    data = render_receipt(sale(merchant_name="台北茶館"), ReceiptStyle(encoding="big5"))
    assert "台北茶館".encode("big5") in data


def test_refund_receipt_shows_refund_state_and_negative_amounts() -> None:
    data = render_receipt(
        sale(state="REFUND", amount_cents=500, tip_cents=0, order_id="RF20261123-0007",
             original_order_id="CS20261123-0001"),
        ReceiptStyle(columns=32),
    )
    text = data.decode("gb18030")
    assert "REFUND" in text and "PAID" not in text
    assert re.search(r"Refund +-5\.00", text)
    assert re.search(r"Total +-5\.00", text)
    assert "CS20261123-0001" in text
    assert qr_payload(data) == b"RF20261123-0007"
    assert data.endswith(CUT)


def test_reprint_is_marked() -> None:
    assert "*** REPRINT ***" in render_receipt(sale(reprint=True)).decode("gb18030")


def test_barcode_instead_of_qr() -> None:
    data = render_receipt(sale(), ReceiptStyle(code="barcode"))
    assert QR_STORE not in data
    assert b"\x1dkI\x11{BCS20261123-0001" in data  # GS k 73 (CODE128) n data


def test_qr_as_image_for_printers_without_native_qr() -> None:
    data = render_receipt(sale(), ReceiptStyle(native_qr=False))
    assert QR_STORE not in data
    assert b"\x1dv0" in data  # GS v 0 raster image


def test_logo_image_is_printed_and_a_missing_logo_is_skipped(tmp_path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("1", (64, 32), 0).save(logo)
    with_logo = render_receipt(sale(), ReceiptStyle(logo_path=str(logo)))
    assert b"\x1dv0" in with_logo
    missing = render_receipt(sale(), ReceiptStyle(logo_path=str(tmp_path / "gone.png")))
    assert b"\x1dv0" not in missing and missing.endswith(CUT)


def test_z_report_lists_wallets_totals_and_late_payments() -> None:
    report = ReportData(
        kind="Z",
        merchant_name="上海小笼包",
        period_start=datetime(2026, 11, 23, 8, 0),
        period_end=datetime(2026, 11, 23, 22, 0),
        operator="alice",
        report_number=42,
        wallets=(
            ReportWallet("WeChat Pay", sale_count=3, sale_cents=3000, tip_cents=200,
                         refund_count=1, refund_cents=500),
            ReportWallet("Alipay", sale_count=2, sale_cents=1550),
        ),
        late_payments=(
            ReportLatePayment("CS20261123-0009", "Alipay", 880, datetime(2026, 11, 23, 12, 30),
                        note="paid after the terminal gave up"),
        ),
    )
    assert (report.net_cents, report.sale_count, report.refund_cents) == (4250, 5, 500)
    data = render_report(report, ReceiptStyle(columns=48))
    text = data.decode("gb18030")
    assert "上海小笼包" in text
    assert "Z REPORT (CLOSING) #42" in text
    assert re.search(r"Sales \(3\) +30\.00", text)
    assert re.search(r"Refunds \(1\) +-5\.00", text)
    assert re.search(r"Sales \(5\) +45\.50", text)
    assert re.search(r"Tips +2\.00", text)
    assert re.search(r"NET +42\.50", text)
    assert "LATE PAYMENTS (1)" in text and "CS20261123-0009" in text and "8.80" in text
    assert data.endswith(CUT)


def test_x_report_title() -> None:
    report = ReportData("X", "Shop", datetime(2026, 1, 1), datetime(2026, 1, 1, 12))
    assert "X REPORT (INTERIM)" in render_report(report).decode("gb18030")


def test_test_page_has_ruler_sample_and_qr() -> None:
    data = render_test_page(ReceiptStyle(columns=32))
    text = data.decode("gb18030")
    assert ("1234567890" * 4)[:32] in text and "中文测试" in text
    assert qr_payload(data) == b"TEST-0001" and data.endswith(CUT)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(state="VOID"), "state"),
        (dict(copy="shop"), "copy"),
        (dict(amount_cents=0), "zero"),
        (dict(amount_cents=12.5), "whole cents"),
        (dict(total_cents=999), "not amount plus tip"),
        (dict(order_id=""), "order id"),
    ],
)
def test_bad_receipt_data_is_refused_with_a_reason(change: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sale(**change)


def test_bad_style_is_refused() -> None:
    with pytest.raises(ReceiptError, match="encoding"):
        ReceiptStyle(encoding="klingon")
    with pytest.raises(ReceiptError, match="58 or 80"):
        columns_for_paper(76)
    assert columns_for_paper(58) == 32 and columns_for_paper(80) == 48


@given(
    name=st.text(max_size=60),
    line=st.text(max_size=80),
    encoding=st.sampled_from(["gb18030", "gbk", "big5", "cp437", "cp858", "cp1252", "ascii"]),
    columns=st.sampled_from([32, 48]),
)
@settings(max_examples=60, deadline=None)
def test_any_text_in_any_encoding_renders_and_never_crashes_the_sale(
    name: str, line: str, encoding: str, columns: int
) -> None:
    data = render_receipt(
        sale(merchant_name=name, lines=(ReceiptLine(line, 100),), footer=line),
        ReceiptStyle(columns=columns, encoding=encoding),
    )
    assert data.endswith(CUT) and qr_payload(data) == b"CS20261123-0001"
    text = data.decode(encoding, errors="replace")
    assert "13.34" in text
    assert_fits(printed_lines(data, encoding), columns, aligned=False, encoding=encoding)


def test_settings_from_the_config_file_map_onto_device_settings() -> None:
    from cashier.config import config_from_dict
    from cashier.devices.printer import PrinterSettings
    from cashier.devices.scanner import SerialSettings

    config = config_from_dict({
        "printer": {"kind": "win32", "address": "POS-80", "width": 58, "encoding": "big5"},
        "scanner": {"kind": "serial", "port": "/dev/ttyACM0", "baudrate": 115200,
                    "suffix": "none"},
    })
    printer = PrinterSettings(kind=config.printer.kind, address=config.printer.address or "",
                              paper_mm=config.printer.width, encoding=config.printer.encoding,
                              logo_path=config.printer.logo)
    assert (printer.kind, printer.style().columns, printer.style().encoding) == (
        "win32", 32, "big5")
    scanner = SerialSettings.from_section(config.scanner)
    assert (scanner.suffix, scanner.terminator, scanner.baud) == ("NONE", b"", 115200)
