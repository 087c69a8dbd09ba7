"""What the sale screen needs from the core, without Qt: the seam between window and engine.

The main window only knows ``SaleController`` and ``SaleView``. Every method may block (it talks
to the gateway), so the window calls them through the bridge, never on the GUI thread.
``EngineSaleController`` (in ``engine_controller``) implements it over the payment engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cashier.journal.records import OPEN_STATES, PAID_STATES
from cashier.wallets import Wallet


@dataclass(frozen=True)
class SaleView:
    """The facts of one sale the screens show (a journal ``Sale`` has all of them)."""

    order_id: str
    state: str
    amount_cents: int
    tip_cents: int = 0
    wallet: str | None = None
    mode: str = "passive"
    code_url: str | None = None
    masked_code: str | None = None
    rsp_code: str | None = None
    rsp_msg: str | None = None
    late: bool = False
    late_resolution: str | None = None
    abandon_reason: str | None = None

    @property
    def total_cents(self) -> int:
        return self.amount_cents + self.tip_cents

    @property
    def is_final(self) -> bool:
        return self.state not in OPEN_STATES

    @property
    def is_paid(self) -> bool:
        return self.state in PAID_STATES

    @classmethod
    def from_sale(cls, sale: object) -> SaleView:
        """Copy the fields a journal ``Sale`` (or anything shaped like it) carries."""
        get = sale.__getattribute__
        return cls(
            order_id=get("order_id"),
            state=str(get("state")),
            amount_cents=get("amount_cents"),
            tip_cents=getattr(sale, "tip_cents", 0) or 0,
            wallet=getattr(sale, "wallet", None),
            mode=getattr(sale, "mode", "passive") or "passive",
            code_url=getattr(sale, "code_url", None),
            masked_code=getattr(sale, "masked_code", None),
            rsp_code=getattr(sale, "rsp_code", None),
            rsp_msg=getattr(sale, "rsp_msg", None),
            late=bool(getattr(sale, "late", False)),
            late_resolution=getattr(sale, "late_resolution", None),
            abandon_reason=getattr(sale, "abandon_reason", None),
        )


class SaleController(Protocol):
    """Starts, waits for and cancels sales. Blocking; call through the bridge."""

    passive_timeout: float  # seconds the cashier waits for a scanned code's payment
    active_timeout: float  # seconds the cashier waits for a shown QR to be paid
    link_timeout: float  # seconds a payment link stays valid (the wait for it)
    prepare_interval: float  # seconds between ``prepare`` calls while a sale is being keyed

    def prepare(self) -> None:
        """A sale is being keyed: get the gateway connection ready (no request is sent)."""
        ...

    def start_passive(self, amount_cents: int, tip_cents: int, code: str) -> SaleView:
        """Journal and send a payment for a scanned code; returns once it is under way."""
        ...

    def start_active(self, amount_cents: int, tip_cents: int, wallet: Wallet) -> SaleView:
        """Create a QR order; the returned view carries ``code_url``."""
        ...

    def start_link(self, amount_cents: int, tip_cents: int) -> SaleView:
        """Create a payment link sale; the returned view's ``code_url`` is the link to send."""
        ...

    def wait(self, order_id: str, timeout: float) -> SaleView:
        """Block until the sale is final or ``timeout`` passes; return it as it is then."""
        ...

    def cancel(self, order_id: str) -> SaleView | None:
        """Stop waiting: the core keeps checking in the background and reports a late payment."""
        ...
