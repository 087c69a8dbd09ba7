"""The fixed words printed on receipts, X/Z reports and the test page, in English and Chinese.

Receipts follow the terminal's language setting (``[ui] language``: ``"en"`` or ``"zh_CN"``).
This is a plain table rather than Qt Linguist because receipts are rendered outside Qt (the
``cashier`` command prints them too). Templates use ``str.format`` fields (``{count}``).
Any language other than Simplified Chinese prints in English.
"""

from __future__ import annotations

from collections.abc import Mapping

ENGLISH = "en"
CHINESE = "zh_CN"
LANGUAGES = (ENGLISH, CHINESE)

_EN: dict[str, str] = {
    # sale and refund receipts
    "customer_copy": "CUSTOMER COPY",
    "merchant_copy": "MERCHANT COPY",
    "reprint": "*** REPRINT ***",
    "paid": "PAID",
    "refund_state": "REFUND",
    "date": "Date",
    "operator": "Operator",
    "wallet": "Wallet",
    "code": "Code",
    "amount": "Amount",
    "refund_amount": "Refund",
    "tip": "Tip",
    "total": "Total",
    "order": "Order",
    "gateway_order": "Gateway order",
    "refund_of": "Refund of",
    # X/Z reports
    "x_report": "X REPORT (INTERIM)",
    "z_report": "Z REPORT (CLOSING)",
    "store_x_report": "STORE X REPORT (INTERIM)",
    "store_z_report": "STORE Z REPORT (CLOSING)",
    "lane_closed": "{lane} (Z #{number})",
    "lanes_open": "Still open: {lanes}",
    "z_not_final": "NOT FINAL: the totals count only the lanes that closed the day; "
                   "{count} lane(s) still open.",
    "lane_running": "{lane}: still open, not final (X so far): net {net}, {count} sale(s)",
    "from": "From",
    "to": "To",
    "sales": "Sales ({count})",
    "tips": "Tips",
    "refunds": "Refunds ({count})",
    "net": "Net",
    "net_total": "NET",
    "late_payments": "LATE PAYMENTS ({count})",
    "late_note": "late payment, {resolution}",
    "late_unresolved": "unresolved",
    "late_kept": "kept",
    "late_refunded": "refunded",
    # printer test page
    "printer_test": "PRINTER TEST",
    "columns": "Columns",
    "encoding": "Encoding",
    # shop name when none is configured
    "demo_shop": "Demo shop",
    "receipt": "Receipt",
}

_ZH_CN: dict[str, str] = {
    "customer_copy": "顾客联",
    "merchant_copy": "商户联",
    "reprint": "*** 重打印 ***",
    "paid": "支付成功",
    "refund_state": "退款",
    "date": "交易时间",
    "operator": "收银员",
    "wallet": "支付方式",
    "code": "付款码",
    "amount": "金额",
    "refund_amount": "退款金额",
    "tip": "小费",
    "total": "合计",
    "order": "订单号",
    "gateway_order": "交易单号",
    "refund_of": "原订单号",
    "x_report": "X报表（临时统计）",
    "z_report": "Z报表（日结）",
    "store_x_report": "门店X报表（临时统计）",
    "store_z_report": "门店Z报表（日结）",
    "lane_closed": "{lane}（Z #{number}）",
    "lanes_open": "尚未日结：{lanes}",
    "z_not_final": "非最终：合计只含已日结的收银台；{count} 个收银台尚未日结。",
    "lane_running": "{lane}：尚未日结，非最终（X 当前）：净额 {net}，{count} 笔销售",
    "from": "开始时间",
    "to": "截止时间",
    "sales": "销售（{count}笔）",
    "tips": "小费",
    "refunds": "退款（{count}笔）",
    "net": "净额",
    "net_total": "净额合计",
    "late_payments": "延迟到账（{count}笔）",
    "late_note": "延迟到账，{resolution}",
    "late_unresolved": "未处理",
    "late_kept": "已保留",
    "late_refunded": "已退款",
    "printer_test": "打印机测试",
    "columns": "每行字符数",
    "encoding": "编码",
    "demo_shop": "演示商户",
    "receipt": "收据",
}

_CATALOGUE: dict[str, Mapping[str, str]] = {ENGLISH: _EN, CHINESE: _ZH_CN}

#: Wallet names by ``biz_type``.
_WALLETS: dict[str, dict[str, str]] = {
    "ALIPAY": {ENGLISH: "Alipay", CHINESE: "支付宝"},
    "WECHATPAY": {ENGLISH: "WeChat Pay", CHINESE: "微信支付"},
    "UNIONPAY": {ENGLISH: "UnionPay", CHINESE: "银联"},
}
# A wallet may arrive as its biz_type or as its English label ("WeChat Pay").
_WALLET_KEYS = {
    key: biz for biz, names in _WALLETS.items() for key in (biz, names[ENGLISH].upper())
}


def language_of(language: object) -> str:
    """``"zh_CN"`` for Simplified Chinese (also ``zh``, ``zh-CN``, ``zh_Hans``), else ``"en"``."""
    text = str(language or "").strip().replace("-", "_").lower()
    if text in ("zh", "zh_cn", "zh_hans", "zh_hans_cn", "zh_sg"):
        return CHINESE
    return ENGLISH


def labels(language: object) -> Mapping[str, str]:
    """Every label of a language (English for an unknown one)."""
    return _CATALOGUE[language_of(language)]


def text(key: str, language: object, **fields: object) -> str:
    """One label, with its ``{fields}`` filled in. ``KeyError`` for a key not in the catalogue."""
    template = labels(language)[key]
    return template.format(**fields) if fields else template


def wallet_name(wallet: str, language: object) -> str:
    """A wallet's printed name from its ``biz_type`` or English label; other text unchanged."""
    biz = _WALLET_KEYS.get(wallet.strip().upper())
    return wallet if biz is None else _WALLETS[biz][language_of(language)]


def late_resolution(resolution: str | None, language: object) -> str:
    """How a late payment was resolved (``None``: not yet), as printed on a report."""
    key = {None: "late_unresolved", "": "late_unresolved", "kept": "late_kept",
           "refunded": "late_refunded"}.get(resolution)
    return (resolution or "") if key is None else text(key, language)


def all_text(language: object) -> str:
    """All fixed words of a language in one string, to test whether an encoding can print them."""
    lang = language_of(language)
    return "".join(labels(lang).values()) + "".join(names[lang] for names in _WALLETS.values())
