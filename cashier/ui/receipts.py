"""Turn a journaled sale into the receipt view model the devices render. No Qt here."""

from __future__ import annotations

from datetime import datetime

from cashier.config import Config
from cashier.devices.printer import PrinterSettings as DevicePrinterSettings
from cashier.devices.receipt import LatePayment, ReceiptData, ReportData
from cashier.devices.receipt import WalletTotals as PrintedTotals
from cashier.journal.records import Refund, Sale
from cashier.payments.reports import DayReport
from cashier.wallets import Wallet


def printer_settings(config: Config) -> DevicePrinterSettings:
    """The devices' printer settings from ``[printer]`` (``ValueError`` with a sentence)."""
    p = config.printer
    return DevicePrinterSettings(
        kind=str(p.kind), address=p.address or "", paper_mm=p.width, encoding=p.encoding,
        logo_path=str(p.logo) if p.logo else None,
    )


def _wallet_text(wallet: str) -> str:
    try:
        return Wallet(wallet).label
    except ValueError:
        return wallet


def report_data(report: DayReport, config: Config, *, operator: str = "") -> ReportData:
    """The printable X/Z report of a business day (counts and sums per wallet, late payments)."""
    return ReportData(
        kind=report.kind,
        merchant_name=config.shop.name or "cashier",
        merchant_address=config.shop.address,
        period_start=datetime.strptime(report.business_day, "%Y-%m-%d"),
        period_end=datetime.fromtimestamp(report.generated_at),
        operator=operator,
        wallets=tuple(
            PrintedTotals(_wallet_text(w.wallet), w.sales_count, w.sales_cents, w.tips_cents,
                          w.refunds_count, w.refunds_cents)
            for w in report.wallets
        ),
        late_payments=tuple(
            LatePayment(sale.order_id, _wallet_text(sale.wallet), sale.total_cents,
                        datetime.fromtimestamp(sale.settled_at or sale.created_at),
                        sale.late_resolution or "")
            for sale in report.late_payments
        ),
        report_number=report.number,
    )


def receipt_for_sale(sale: Sale, config: Config, *, copy: str = "customer",
                     reprint: bool = False) -> ReceiptData:
    """The receipt of a paid journal sale (amounts in cents, code masked as journaled)."""
    return ReceiptData(
        merchant_name=config.shop.name or "cashier",
        merchant_address=config.shop.address,
        timestamp=datetime.fromtimestamp(sale.settled_at or sale.created_at),
        operator=sale.operator_id or "",
        wallet_label=_wallet_text(sale.wallet),
        amount_cents=sale.amount_cents,
        tip_cents=sale.tip_cents,
        order_id=sale.order_id,
        gateway_order_id=sale.bizpay_order_id or "",
        masked_code=sale.masked_code or "",
        state="PAID",
        copy=copy,
        reprint=reprint,
    )


def receipt_for_refund(refund: Refund, sale: Sale, config: Config, *,
                       copy: str = "customer") -> ReceiptData:
    """The receipt of a succeeded refund: its own order id, the sale it refunds, the amount."""
    return ReceiptData(
        merchant_name=config.shop.name or "cashier",
        merchant_address=config.shop.address,
        timestamp=datetime.fromtimestamp(refund.updated_at),
        operator=refund.operator_id or "",
        wallet_label=_wallet_text(sale.wallet),
        amount_cents=refund.amount_cents,
        order_id=refund.refund_id,
        original_order_id=sale.order_id,
        gateway_order_id=sale.bizpay_order_id or "",
        state="REFUND",
        copy=copy,
    )
