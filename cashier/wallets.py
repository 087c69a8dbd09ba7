"""Which wallet a scanned payment code belongs to, and how to show a code safely.

Shared by the scanner (to say what was scanned) and the payments core (to choose ``biz_type``).
Rules from the protocol file, section 6: WeChat Pay 18 digits starting 10-15; Alipay 16-24 digits
starting 25-30; UnionPay 19 digits starting 62. A code is ASCII digits after the same
normalisation amounts get (``money.normalise_typed``): fullwidth digits are read as digits,
digits of other scripts are refused.
"""

from __future__ import annotations

import enum
import re

from cashier.money import foreign_digits, normalise_typed


class Wallet(enum.Enum):
    """A wallet the gateway takes; ``value`` is the wire ``biz_type``."""

    ALIPAY = "ALIPAY"
    WECHATPAY = "WECHATPAY"
    UNIONPAY = "UNIONPAY"

    @property
    def label(self) -> str:
        return {"ALIPAY": "Alipay", "WECHATPAY": "WeChat Pay", "UNIONPAY": "UnionPay"}[self.value]

    @classmethod
    def label_of(cls, biz_type: str | None) -> str:
        """The English name of a ``biz_type`` ("WeChat Pay"); other text as it is, ``None`` ""."""
        try:
            return cls(biz_type).label if biz_type else ""
        except ValueError:
            return biz_type or ""

    @classmethod
    def parse(cls, text: str) -> Wallet:
        """Accept ``alipay``, ``wechat``, ``unionpay`` and the like (any case) or a ``biz_type``."""
        key = text.strip().upper().replace(" ", "").replace("_", "")
        aliases = {"WECHAT": "WECHATPAY", "WEIXIN": "WECHATPAY", "UNION": "UNIONPAY"}
        key = aliases.get(key, key)
        try:
            return cls(key)
        except ValueError:
            raise ValueError(
                f"Unknown wallet {text!r}; choose alipay, wechat or unionpay."
            ) from None


def qr_wallets(unionpay_qr: bool = False) -> tuple[Wallet, ...]:
    """The wallets a QR (active pay) may be shown for. OTT Pay documents active pay for Alipay
    and WeChat Pay only; UnionPay only when the merchant's ``[ottpay] unionpay_qr`` says the
    account takes it. Scanned codes of every wallet are taken either way."""
    return (Wallet.ALIPAY, Wallet.WECHATPAY, *((Wallet.UNIONPAY,) if unionpay_qr else ()))


class PaymentCodeError(ValueError):
    """A scan that is not a customer's payment code; the message is for the cashier."""


_RULES: tuple[tuple[Wallet, re.Pattern[str]], ...] = (
    (Wallet.WECHATPAY, re.compile(r"1[0-5][0-9]{16}")),
    (Wallet.ALIPAY, re.compile(r"(2[5-9]|30)[0-9]{14,22}")),
    (Wallet.UNIONPAY, re.compile(r"62[0-9]{17}")),
)


def clean_scan(raw: str) -> str:
    """Strip the whitespace and control characters scanners put around a code, and normalise it
    (fullwidth digits become ASCII: this is the code that is journaled and sent)."""
    return normalise_typed("".join(ch for ch in raw if ch.isprintable())).strip()


def classify_payment_code(raw: str) -> Wallet:
    """Return the wallet of a scanned code, or raise ``PaymentCodeError`` with a clear sentence."""
    code = clean_scan(raw)
    if not code:
        raise PaymentCodeError("Nothing was scanned.")
    if foreign_digits(code):
        raise PaymentCodeError(
            f"Not a payment code ({mask_code(code)}): wallet codes use the digits 0-9, and this "
            "one has digits of another script."
        )
    if not (code.isascii() and code.isdigit()):
        raise PaymentCodeError(
            f"Not a payment code ({mask_code(code)}): wallet codes are digits only. "
            "Ask the customer to open the pay code in WeChat, Alipay or UnionPay."
        )
    for wallet, pattern in _RULES:
        if pattern.fullmatch(code):
            return wallet
    raise PaymentCodeError(
        f"Not a payment code ({mask_code(code)}, {len(code)} digits): expected WeChat Pay "
        "(18 digits from 10-15), Alipay (16-24 digits from 25-30) or UnionPay (19 digits from 62)."
    )


def mask_code(code: str) -> str:
    """Mask a payment code for logs and screens: ``1345********6789`` (short codes fully masked)."""
    code = code.strip()
    if len(code) <= 8:
        return "*" * len(code)
    return code[:4] + "*" * (len(code) - 8) + code[-4:]
