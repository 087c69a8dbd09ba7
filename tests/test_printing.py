"""``cashier.printing``: journal sales, refunds and reports to receipts, bytes decoded."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from cashier.config import Config, config_from_dict
from cashier.devices.receipt import ReceiptError
from cashier.journal import Journal
from cashier.payments.reports import x_report, z_report
from cashier.printing import (
    PrintError,
    printer_settings,
    receipt_bytes_for_refund,
    receipt_bytes_for_sale,
    receipt_language,
    receipt_style,
    refund_receipt,
    report_bytes,
    report_data,
    sale_receipt,
    send_to_printer,
)

CUT = b"\x1dV\x00"
QR = b"\x1d(k"


def _config(tmp_path, **printer) -> Config:
    return config_from_dict({
        "shop": {"name": "茶馆 Tea House", "address": "88 King St", "phone": "555-0100"},
        "printer": {"width": 58, "encoding": "gb18030"} | printer,
        "journal": {"path": str(tmp_path / "journal.sqlite3")},
    })


@pytest.fixture
def journal(tmp_path):
    # Every write at local noon of one day: the tests read the business day after writing
    # sales, which midnight passing in between would make the next day.
    noon = dt.datetime(2026, 11, 25, 12, 0).timestamp()
    with Journal(tmp_path / "journal.sqlite3", clock=lambda: noon) as j:
        yield j


def _paid_sale(journal: Journal, order_id: str = "S1", amount: int = 1234, tip: int = 100,
               wallet: str = "WECHATPAY"):
    journal.create_sale(order_id=order_id, mode="passive", wallet=wallet, amount_cents=amount,
                        tip_cents=tip, masked_code="1345**********0000", code_last4="0000",
                        operator_id="0000020156")
    return journal.transition(order_id, "paid", from_states=["pending"], note="test",
                              bizpay_order_id="WX20260101000001",
                              trade_time="2026-01-02T10:20:30+08:00")


def _text(data: bytes) -> str:
    return data.decode("gb18030", errors="replace")


def test_sale_receipt_bytes(journal, tmp_path):
    sale = _paid_sale(journal)
    data = receipt_bytes_for_sale(sale, _config(tmp_path), copy="merchant")
    text = _text(data)
    for expected in ("茶馆 Tea House", "88 King St", "555-0100", "MERCHANT COPY", "PAID",
                     "WeChat Pay", "12.34", "1.00", "13.34", "S1", "WX20260101000001",
                     "1345**********0000", "0000020156"):
        assert expected in text, expected
    local = dt.datetime.fromisoformat("2026-01-02T10:20:30+08:00").astimezone()
    assert local.strftime("%Y-%m-%d %H:%M:%S") in text  # the trade time, in local time
    assert QR in data and data.endswith(CUT)
    assert "茶馆".encode("gb18030") in data


def test_customer_copy_is_the_default_and_width_follows_the_printer(journal, tmp_path):
    sale = _paid_sale(journal)
    narrow = _text(receipt_bytes_for_sale(sale, _config(tmp_path)))
    wide = _text(receipt_bytes_for_sale(sale, _config(tmp_path, width=80)))
    assert "CUSTOMER COPY" in narrow
    assert "-" * 32 + "\n" in narrow and "-" * 33 not in narrow
    assert "-" * 48 + "\n" in wide


def test_reprint_is_marked(journal, tmp_path):
    sale = _paid_sale(journal)
    assert sale_receipt(sale, _config(tmp_path), reprint=True).reprint
    assert "REPRINT" in _text(receipt_bytes_for_sale(sale, _config(tmp_path), reprint=True))


def test_unpaid_sale_has_no_receipt(journal, tmp_path):
    journal.create_sale(order_id="D1", mode="passive", wallet="ALIPAY", amount_cents=100)
    journal.transition("D1", "declined", from_states=["pending"])
    with pytest.raises(ReceiptError, match="D1 is declined"):
        receipt_bytes_for_sale(journal.require_sale("D1"), _config(tmp_path))


def test_refund_receipt(journal, tmp_path):
    sale = _paid_sale(journal)
    refund = journal.create_refund(refund_id="R1", sale_order_id="S1", amount_cents=500)
    with pytest.raises(ReceiptError, match="R1 is pending"):
        refund_receipt(refund, sale, _config(tmp_path))
    refund, sale = journal.finish_refund("R1", "succeeded")
    data = receipt_bytes_for_refund(refund, sale, _config(tmp_path))
    text = _text(data)
    assert "REFUND" in text and "-5.00" in text and "R1" in text and "S1" in text
    assert data.endswith(CUT)


def test_report_from_the_journal(journal, tmp_path):
    _paid_sale(journal, "S1", 1000, 100)
    _paid_sale(journal, "S2", 2000, 0, wallet="ALIPAY")
    journal.create_refund(refund_id="R1", sale_order_id="S2", amount_cents=500)
    journal.finish_refund("R1", "succeeded")
    day = journal.current_business_day()
    x = x_report(journal, day)
    data = report_data(x, _config(tmp_path), operator="0000020156")
    assert data.kind == "X" and data.report_number is None
    assert {w.wallet_label for w in data.wallets} == {"WeChat Pay", "Alipay"}
    assert (data.sale_count, data.sale_cents, data.tip_cents, data.refund_cents,
            data.net_cents) == (2, 3000, 100, 500, 2600)
    assert data.period_start == dt.datetime.combine(dt.date.fromisoformat(day), dt.time())
    z = z_report(journal, day)
    text = _text(report_bytes(z, _config(tmp_path)))
    assert "Z REPORT (CLOSING) #1" in text and "26.00" in text and "-5.00" in text


def test_late_payments_are_listed_on_the_report(journal, tmp_path):
    journal.create_sale(order_id="L1", mode="passive", wallet="UNIONPAY", amount_cents=700)
    journal.mark_abandoned("L1")
    journal.transition("L1", "paid", from_states=["pending"])
    report = x_report(journal, journal.current_business_day())
    text = _text(report_bytes(report, _config(tmp_path)))
    assert "LATE PAYMENTS (1)" in text and "L1" in text and "unresolved" in text


def test_printer_settings_and_sending(journal, tmp_path):
    device = tmp_path / "lp0"
    config = _config(tmp_path, kind="file", address=str(device), logo="")
    settings = printer_settings(config)
    assert (settings.kind, settings.address, settings.paper_mm, settings.encoding) == (
        "file", str(device), 58, "gb18030")
    data = receipt_bytes_for_sale(_paid_sale(journal), config)
    assert send_to_printer(data, config) == f"file printer {device}"
    assert device.read_bytes() == data


def test_sending_without_a_printer_or_to_a_dead_one_raises(tmp_path):
    with pytest.raises(PrintError, match="No printer"):
        send_to_printer(b"x", _config(tmp_path))
    dead = _config(tmp_path, kind="network", address="127.0.0.1:1")
    with pytest.raises(PrintError):
        send_to_printer(b"x", dead)


# --- receipts follow [ui] language -----------------------------------------------------------


def _zh_config(tmp_path, **printer) -> Config:
    return config_from_dict({
        "shop": {"name": "茶馆", "address": "88 King St"},
        "printer": {"width": 58, "encoding": "gb18030"} | printer,
        "journal": {"path": str(tmp_path / "journal.sqlite3")},
        "ui": {"language": "zh_CN"},
    })


def _lines(data: bytes, encoding: str = "gb18030") -> list[str]:
    from tests.devices.test_receipt import printed_lines

    return printed_lines(data, encoding)


def _assert_within(lines: list[str], columns: int) -> None:
    from cashier.devices.printed_text import text_width

    assert all(text_width(line, "gb18030") <= columns for line in lines), lines


@pytest.mark.parametrize(("width", "columns"), [(58, 32), (80, 48)])
def test_chinese_config_prints_a_chinese_sale_receipt(journal, tmp_path, width, columns):
    sale = _paid_sale(journal)
    config = _zh_config(tmp_path, width=width)
    assert receipt_style(config).language == "zh_CN"
    assert sale_receipt(sale, config).wallet_label == "微信支付"
    lines = _lines(receipt_bytes_for_sale(sale, config, copy="merchant"))
    assert "商户联" in lines and "支付成功" in lines
    for label, value in (("支付方式", "微信支付"), ("金额", "12.34"), ("小费", "1.00"),
                         ("合计", "13.34"), ("订单号", "S1"), ("交易单号", "WX20260101000001"),
                         ("收银员", "0000020156")):
        line = next(line for line in lines if line.startswith(label + " "))
        assert line.endswith(value), line
    assert "MERCHANT COPY" not in "".join(lines)
    _assert_within(lines, columns)


def test_english_is_the_default_and_the_setting_can_switch_back(journal, tmp_path):
    sale = _paid_sale(journal)
    assert receipt_language(_config(tmp_path)) == "en"
    english = config_from_dict({"ui": {"language": "en"},
                                "journal": {"path": str(tmp_path / "journal.sqlite3")}})
    assert "CUSTOMER COPY" in _text(receipt_bytes_for_sale(sale, english))
    assert sale_receipt(sale, english).wallet_label == "WeChat Pay"


@pytest.mark.parametrize(("width", "columns"), [(58, 32), (80, 48)])
def test_chinese_refund_receipt_and_z_report(journal, tmp_path, width, columns):
    config = _zh_config(tmp_path, width=width)
    sale = _paid_sale(journal)
    journal.create_refund(refund_id="R1", sale_order_id="S1", amount_cents=500)
    refund, sale = journal.finish_refund("R1", "succeeded")
    lines = _lines(receipt_bytes_for_refund(refund, sale, config))
    assert "顾客联" in lines and "退款" in lines
    assert any(line.startswith("退款金额 ") and line.endswith("-5.00") for line in lines)
    assert any(line.startswith("原订单号 ") and line.endswith("S1") for line in lines)
    _assert_within(lines, columns)

    journal.create_sale(order_id="L1", mode="passive", wallet="UNIONPAY", amount_cents=700)
    journal.mark_abandoned("L1")
    journal.transition("L1", "paid", from_states=["pending"])
    z = z_report(journal, journal.current_business_day())
    data = report_data(z, config)
    assert {w.wallet_label for w in data.wallets} == {"微信支付", "银联"}
    lines = _lines(report_bytes(z, config))
    assert "Z报表（日结） #1" in lines and "延迟到账（1笔）" in lines
    assert "延迟到账，未处理" in lines
    assert any(line.startswith("净额合计 ") and line.endswith("15.34") for line in lines)
    _assert_within(lines, columns)


def test_chinese_receipts_on_a_code_page_printer_warn_once_which_setting_to_change(
    journal, tmp_path, caplog, monkeypatch
):
    from cashier import printing

    monkeypatch.setattr(printing, "_warned", set())
    sale = _paid_sale(journal)
    config = _zh_config(tmp_path, encoding="cp437")
    with caplog.at_level(logging.WARNING, logger="cashier.printing"):
        first = receipt_bytes_for_sale(sale, config)
        receipt_bytes_for_sale(sale, config, copy="merchant")
        receipt_bytes_for_sale(sale, _config(tmp_path, encoding="cp437"))  # English: fine
        receipt_bytes_for_sale(sale, _zh_config(tmp_path))  # gb18030: fine
    warnings = [rec.getMessage() for rec in caplog.records if rec.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert 'printer.encoding = "gb18030"' in warnings[0] and '"cp437"' in warnings[0]
    assert first.endswith(CUT) and "???" in _lines(first, "cp437")  # 顾客联, degraded
