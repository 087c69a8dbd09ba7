"""Receipts in Simplified Chinese: the label catalogue, the bytes decoded, the layout measured."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cashier.config import Language
from cashier.devices import receipt_text
from cashier.devices.printed_text import can_print_labels, text_width
from cashier.devices.receipt import (
    ReceiptData,
    ReceiptLine,
    ReceiptStyle,
    ReportData,
    ReportLatePayment,
    ReportWallet,
    render_receipt,
    render_report,
    render_test_page,
)
from tests.devices.test_receipt import CUT, assert_fits, printed_lines


def line_with(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.startswith(label))


def zh(columns: int = 32, **fields) -> ReceiptStyle:
    return ReceiptStyle(columns=columns, language="zh_CN", **fields)


def sale(**overrides) -> ReceiptData:
    fields = dict(
        merchant_name="上海小笼包",
        merchant_address="南京西路 88 号",
        timestamp=datetime(2026, 11, 23, 14, 5, 9),
        operator="alice",
        wallet_label="WeChat Pay",
        amount_cents=123456,
        tip_cents=100,
        order_id="CS20261123-0001",
        gateway_order_id="4200001234202611231234567890",
        masked_code="1345**********6789",
    )
    fields.update(overrides)
    return ReceiptData(**fields)


def z_report(**overrides) -> ReportData:
    fields = dict(
        kind="Z",
        merchant_name="上海小笼包",
        period_start=datetime(2026, 11, 23, 0, 0),
        period_end=datetime(2026, 11, 23, 22, 0),
        operator="0000020156",
        report_number=42,
        wallets=(
            ReportWallet("WeChat Pay", sale_count=3, sale_cents=3000, tip_cents=200,
                         refund_count=1, refund_cents=500),
            ReportWallet("ALIPAY", sale_count=120, sale_cents=123456789),
            ReportWallet("UnionPay", sale_count=1, sale_cents=100),
        ),
        late_payments=(
            ReportLatePayment("CS20261123-0009", "Alipay", 880, datetime(2026, 11, 23, 12, 30),
                        note="延迟到账，未处理"),
        ),
    )
    fields.update(overrides)
    return ReportData(**fields)


@pytest.mark.parametrize("columns", [32, 48])
def test_chinese_sale_receipt_prints_chinese_labels_within_the_paper(columns: int) -> None:
    data = render_receipt(sale(), zh(columns))

    assert data.startswith(b"\x1b@\x1c&") and data.endswith(CUT)
    lines = printed_lines(data)
    for label in ("顾客联", "支付成功", "交易时间", "收银员", "支付方式", "付款码", "金额", "小费",
                  "合计", "订单号", "交易单号"):
        assert any(label in line for line in lines), label
    assert line_with(lines, "支付方式").endswith("微信支付")
    assert line_with(lines, "金额").endswith("1,234.56")
    assert line_with(lines, "合计").endswith("1,235.56")
    assert not any(word in line for line in lines
                   for word in ("CUSTOMER", "Amount", "Total", "Wallet", "WeChat"))
    assert_fits(lines, columns)
    assert text_width(line_with(lines, "金额")) == columns  # 金额 is 4 columns, not 2


@pytest.mark.parametrize("columns", [32, 48])
def test_chinese_refund_receipt_merchant_copy_and_reprint(columns: int) -> None:
    data = render_receipt(
        sale(state="REFUND", copy="merchant", reprint=True, amount_cents=500, tip_cents=0,
             order_id="RF20261123-0007", original_order_id="CS20261123-0001"),
        zh(columns),
    )
    lines = printed_lines(data)
    assert "商户联" in lines and "*** 重打印 ***" in lines and "退款" in lines
    assert "支付成功" not in "".join(lines)
    assert re.fullmatch(r"退款金额 +-5\.00", line_with(lines, "退款金额"))
    assert re.fullmatch(r"合计 +-5\.00", line_with(lines, "合计"))
    assert re.fullmatch(r"原订单号 +CS20261123-0001", line_with(lines, "原订单号"))
    assert_fits(lines, columns)


@pytest.mark.parametrize("columns", [32, 48])
def test_chinese_z_report(columns: int) -> None:
    lines = printed_lines(render_report(z_report(), zh(columns)))

    assert "Z报表（日结） #42" in lines
    for wallet in ("微信支付", "支付宝", "银联"):
        assert wallet in lines, wallet
    assert re.fullmatch(r"  销售（3笔） +30\.00", line_with(lines, "  销售（3笔）"))
    assert re.fullmatch(r"  退款（1笔） +-5\.00", line_with(lines, "  退款（1笔）"))
    assert re.fullmatch(r"销售（124笔） +1,234,598\.89", line_with(lines, "销售（124笔）"))
    assert re.fullmatch(r"净额合计 +1,234,595\.89", line_with(lines, "净额合计"))
    assert any(line.startswith("开始时间") and line.endswith("2026-11-23 00:00:00")
               for line in lines)
    assert "延迟到账（1笔）" in lines and "延迟到账，未处理" in lines
    assert any(re.fullmatch(r" +支付宝 +CS20261123-0009", line) for line in lines)
    assert not any("REPORT" in line or "Sales" in line or "NET" in line for line in lines)
    assert_fits(lines, columns)


def test_chinese_x_report_and_test_page() -> None:
    x = ReportData("X", "茶馆", datetime(2026, 1, 1), datetime(2026, 1, 1, 12))
    assert "X报表（临时统计）" in printed_lines(render_report(x, zh()))
    lines = printed_lines(render_test_page(zh(), merchant_name="茶馆"))
    assert "打印机测试" in lines
    assert re.fullmatch(r"每行字符数 +32", line_with(lines, "每行字符数"))
    assert re.fullmatch(r"编码 +gb18030", line_with(lines, "编码"))
    assert_fits(lines, 32)


def test_a_label_and_value_too_wide_for_one_line_wrap_and_stay_right_aligned() -> None:
    long_id = "CS-" + "收银" * 14  # 59 columns: cannot share a line with 订单号 at 32
    lines = printed_lines(render_receipt(sale(order_id=long_id), zh(32)))
    assert_fits(lines, 32)
    at = lines.index("订单号")
    assert lines[at + 1].endswith("收银") and text_width(lines[at + 1]) == 32


@pytest.mark.parametrize("columns", [32, 48])
def test_items_with_ambiguous_width_characters_stay_right_aligned(columns: int) -> None:
    item = "小笼包×2 “特价”·é"  # × “ ” · é print two columns wide in Chinese mode
    lines = printed_lines(render_receipt(sale(lines=(ReceiptLine(item, 1234),)), zh(columns)))
    line = line_with(lines, "小笼包")
    assert line.endswith("12.34") and text_width(line, "gb18030") == columns
    assert_fits(lines, columns)


def test_language_setting_is_normalised_and_unknown_languages_print_english() -> None:
    assert ReceiptStyle().language == "en"
    assert ReceiptStyle(language=Language.ZH_CN).language == "zh_CN"
    assert ReceiptStyle(language="zh-CN").language == "zh_CN"
    assert ReceiptStyle(language="fr").language == "en"
    text = "\n".join(printed_lines(render_receipt(sale(), ReceiptStyle(language="fr"))))
    assert "CUSTOMER COPY" in text and "WeChat Pay" in text and "顾客联" not in text


def test_catalogue_has_every_label_in_both_languages_and_names_wallets() -> None:
    english, chinese = receipt_text.labels("en"), receipt_text.labels("zh_CN")
    assert english.keys() == chinese.keys()
    for key, template in english.items():  # the same {fields} in both languages
        assert re.findall(r"{\w+}", template) == re.findall(r"{\w+}", chinese[key]), key
    assert receipt_text.text("sales", "zh_CN", count=3) == "销售（3笔）"
    assert receipt_text.text("sales", "en", count=3) == "Sales (3)"
    assert [receipt_text.wallet_name(w, "zh_CN") for w in ("ALIPAY", "WeChat Pay", "unionpay")] \
        == ["支付宝", "微信支付", "银联"]
    assert receipt_text.wallet_name("WECHATPAY", "en") == "WeChat Pay"
    assert receipt_text.wallet_name("Octopus", "zh_CN") == "Octopus"
    assert receipt_text.late_resolution(None, "zh_CN") == "未处理"
    assert receipt_text.late_resolution("refunded", "en") == "refunded"


def test_chinese_labels_on_a_code_page_printer_degrade_to_question_marks() -> None:
    assert can_print_labels("zh_CN", "gb18030") and can_print_labels("zh_CN", "gbk")
    assert can_print_labels("en", "cp437")
    assert not can_print_labels("zh_CN", "cp437")
    data = render_receipt(sale(merchant_address=""), zh(32, encoding="cp437"))
    lines = printed_lines(data, "cp437")
    assert data.endswith(CUT) and "???" in lines  # 顾客联
    assert any(re.fullmatch(r"\?\? +1,234\.56", line) for line in lines)  # 金额: a ? a character


@given(
    name=st.text(max_size=40),
    item=st.text(max_size=60),
    wallet=st.text(max_size=30) | st.sampled_from(["ALIPAY", "WeChat Pay", "UnionPay"]),
    operator=st.text(alphabet="收银员小王abc0123", max_size=24),
    columns=st.sampled_from([32, 48]),
)
@settings(max_examples=60, deadline=None)
def test_no_chinese_receipt_or_report_line_overflows_the_paper(
    name: str, item: str, wallet: str, operator: str, columns: int
) -> None:
    receipt = render_receipt(
        sale(merchant_name=name, wallet_label=wallet, operator=operator,
             lines=(ReceiptLine(item, 99),), footer=item),
        zh(columns),
    )
    assert_fits(printed_lines(receipt), columns, aligned=False)
    report = render_report(
        z_report(merchant_name=name, operator=operator,
                 wallets=(ReportWallet(wallet, sale_count=1, sale_cents=100),)),
        zh(columns),
    )
    assert_fits(printed_lines(report), columns, aligned=False)
