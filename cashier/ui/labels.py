"""Translated names of core values (wallets, sale states) for the screens."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from cashier.wallets import Wallet

translate = QCoreApplication.translate


def wallet_label(wallet: Wallet | str | None) -> str:
    """``Wallet.ALIPAY`` or ``"ALIPAY"`` -> "Alipay" in the interface language."""
    if wallet is None or wallet == "":
        return ""
    try:
        parsed = wallet if isinstance(wallet, Wallet) else Wallet(str(wallet))
    except ValueError:
        return str(wallet)
    names = {
        Wallet.ALIPAY: translate("Wallet", "Alipay"),
        Wallet.WECHATPAY: translate("Wallet", "WeChat Pay"),
        Wallet.UNIONPAY: translate("Wallet", "UnionPay"),
    }
    return names[parsed]


def state_label(state: str, late: bool = False) -> str:
    """A sale state in the interface language (``late`` marks a late payment)."""
    names = {
        "pending": translate("SaleState", "pending"),
        "unknown": translate("SaleState", "unknown"),
        "paid": translate("SaleState", "paid"),
        "declined": translate("SaleState", "declined"),
        "closed": translate("SaleState", "not paid"),
        "partially_refunded": translate("SaleState", "partly refunded"),
        "refunded": translate("SaleState", "refunded"),
    }
    text = names.get(state, state)
    return text + (translate("SaleState", " (late)") if late else "")
