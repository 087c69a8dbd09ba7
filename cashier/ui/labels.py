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
