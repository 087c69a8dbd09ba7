"""Timing and policy of the payment engine (filled from config by the caller; no config import)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cashier.money import DEFAULT_MAX_CENTS

LATE_PAYMENT_POLICIES = ("ask", "refund")


@dataclass(frozen=True)
class PaymentSettings:
    """How the engine polls and what it does with a late payment.

    - ``poll_interval``: seconds between STATUS_QUERYs while the cashier waits (protocol: ~3 s),
      once the first seconds, when the customer is most likely acting, are over (``poll_delay``).
    - ``max_queries``: STATUS_QUERYs one sale may send while the cashier waits.
    - ``passive_timeout`` / ``active_timeout``: how long the cashier waits before the sale is
      handed to the background resolver (protocol: ~60 s / 120 s).
    - ``late_payment``: ``"ask"`` (flag it until someone resolves it) or ``"refund"`` (refund it
      automatically).
    - ``unknown_grace``: an order the gateway says it does not know is only ``closed`` once its
      intent is older than this (use about twice the client's read timeout): the request may
      still be in flight.
    - ``resolver_max_interval``: the background resolver backs off to at most this many seconds.
    - ``recheck_seconds``: how long an outcome that rests on silence (a sale closed because the
      gateway did not know it, a refund released by a manager) is re-checked by the
      reconciliation sweep (default 48 hours); ``reconcile_interval``: seconds between sweeps
      while the terminal runs (``PaymentEngine.keep_reconciling``).
    - ``merchant_payment_key`` (the ``merCode``, a secret), ``wappay_url``, ``link_return_url``
      and ``link_valid_seconds``: payment links (``cashier.payments.link``); without a key,
      ``start_link`` is refused.
    - ``unionpay_qr``: a UnionPay QR may be shown (off by default: the documents list active
      pay for Alipay and WeChat Pay only); scanned UnionPay codes are taken either way.
    """

    poll_interval: float = 3.0
    max_queries: int = 60
    passive_timeout: float = 60.0
    active_timeout: float = 120.0
    late_payment: str = "ask"
    max_amount_cents: int = DEFAULT_MAX_CENTS
    unknown_grace: float = 30.0
    resolver_max_interval: float = 30.0
    recheck_seconds: float = 48 * 3600.0
    reconcile_interval: float = 600.0
    terminal_no: str | None = None
    operator_id: str | None = None
    callback_url: str | None = None
    merchant_payment_key: str | None = field(default=None, repr=False)
    wappay_url: str = "https://mppay.ottpay.com/wapPay"
    link_return_url: str | None = None
    link_valid_seconds: float = 900.0
    unionpay_qr: bool = False

    def __post_init__(self) -> None:
        for name in ("poll_interval", "passive_timeout", "active_timeout", "unknown_grace",
                     "resolver_max_interval", "link_valid_seconds", "recheck_seconds",
                     "reconcile_interval"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"payment setting {name} must be a positive number of seconds")
        if isinstance(self.max_queries, bool) or not isinstance(self.max_queries, int) or \
                self.max_queries < 1:
            raise ValueError("payment setting max_queries must be a whole number of at least 1")
        if self.late_payment not in LATE_PAYMENT_POLICIES:
            raise ValueError(
                f"payment setting late_payment must be 'ask' or 'refund', not {self.late_payment!r}"
            )
        if isinstance(self.max_amount_cents, bool) or not isinstance(self.max_amount_cents, int) \
                or self.max_amount_cents <= 0:
            raise ValueError("payment setting max_amount_cents must be a positive whole number")
