"""Translated names of core values (wallets, sale and refund states) and the core's warnings for
the screens."""

from __future__ import annotations

from typing import Any

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


def refund_state_label(refund: Any) -> str:
    """A refund's state (a ``Refund``) in the interface language."""
    if refund.state == "failed" and refund.recheck_until is not None:
        return translate("RefundState", "released by a manager, still being checked")
    names = {
        "pending": translate("RefundState", "being checked"),
        "unknown": translate("RefundState", "outcome unknown"),
        "succeeded": translate("RefundState", "refunded"),
        "failed": translate("RefundState", "failed"),
    }
    return names.get(refund.state, refund.state)


def release_warning() -> str:
    """``cashier.payments.refunds.RELEASE_WARNING`` in the interface language (a test keeps the
    English in step with the core's)."""
    return translate("Refunds", "The gateway has not said whether this refund was paid out. "
                                "Releasing it lets the same money be refunded again: if the first "
                                "refund did go through, the customer gets it twice. The terminal "
                                "keeps asking the gateway and books the refund if it turns up.")
