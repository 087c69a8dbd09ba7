"""Turn a journaled sale into the receipt view model the devices render. No Qt here."""

from __future__ import annotations

from datetime import datetime

from cashier.config import Config
from cashier.devices.printer import PrinterSettings as DevicePrinterSettings
from cashier.devices.receipt import ReceiptData
from cashier.journal.records import Sale
from cashier.wallets import Wallet


def printer_settings(config: Config) -> DevicePrinterSettings:
    """The devices' printer settings from ``[printer]`` (``ValueError`` with a sentence)."""
    p = config.printer
    return DevicePrinterSettings(
        kind=str(p.kind), address=p.address or "", paper_mm=p.width, encoding=p.encoding,
        logo_path=str(p.logo) if p.logo else None,
    )


def receipt_for_sale(sale: Sale, config: Config, *, copy: str = "customer",
                     reprint: bool = False) -> ReceiptData:
    """The receipt of a paid journal sale (amounts in cents, code masked as journaled)."""
    try:
        wallet_text = Wallet(sale.wallet).label
    except ValueError:
        wallet_text = sale.wallet
    return ReceiptData(
        merchant_name=config.shop.name or "cashier",
        merchant_address=config.shop.address,
        timestamp=datetime.fromtimestamp(sale.settled_at or sale.created_at),
        operator=sale.operator_id or "",
        wallet_label=wallet_text,
        amount_cents=sale.amount_cents,
        tip_cents=sale.tip_cents,
        order_id=sale.order_id,
        gateway_order_id=sale.bizpay_order_id or "",
        masked_code=sale.masked_code or "",
        state="PAID",
        copy=copy,
        reprint=reprint,
    )
