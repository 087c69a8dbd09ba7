"""``SaleController`` over the payment engine (``cashier.payments``). No Qt here.

The engine returns a ``SaleHandle`` per sale; this adapter keeps the handles of the sales the
screen is waiting for, so the screen can speak in order ids only.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from cashier.ui.sale_controller import SaleView
from cashier.wallets import Wallet


class EngineSaleController:
    """Implements ``SaleController`` with ``engine.start_passive``/``start_active``/
    ``start_link`` handles."""

    def __init__(self, engine: Any, *, operator_id: str | None = None,
                 code_url_timeout: float = 20.0) -> None:
        self.engine = engine
        self.operator_id = operator_id
        self.code_url_timeout = code_url_timeout
        self.passive_timeout = float(engine.settings.passive_timeout)
        self.active_timeout = float(engine.settings.active_timeout)
        self.link_timeout = float(engine.settings.link_valid_seconds)
        self.prepare_interval = float(engine.prepare_interval)
        self._handles: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _keep(self, handle: Any) -> Any:
        with self._lock:
            self._handles[handle.order_id] = handle
        return handle

    def _handle(self, order_id: str) -> Any:
        with self._lock:
            handle = self._handles.get(order_id)
        if handle is None:
            raise LookupError(f"sale {order_id} is not one this screen started")
        return handle

    def _forget(self, order_id: str) -> None:
        with self._lock:
            self._handles.pop(order_id, None)

    def prepare(self) -> None:
        self.engine.prepare()

    def start_passive(self, amount_cents: int, tip_cents: int, code: str) -> SaleView:
        handle = self._keep(self.engine.start_passive(
            amount_cents, code, tip_cents=tip_cents, operator_id=self.operator_id))
        return SaleView.from_sale(handle.sale)

    def start_active(self, amount_cents: int, tip_cents: int, wallet: Wallet) -> SaleView:
        handle = self._keep(self.engine.start_active(
            amount_cents, wallet, tip_cents=tip_cents, operator_id=self.operator_id))
        handle.wait_code_url(self.code_url_timeout)
        return SaleView.from_sale(handle.sale)

    def start_link(self, amount_cents: int, tip_cents: int) -> SaleView:
        """A payment link: the view's ``code_url`` is the whole link (the journal only keeps it
        with the merchant payment key hidden, so it comes from the handle)."""
        handle = self._keep(self.engine.start_link(
            amount_cents, tip_cents=tip_cents, operator_id=self.operator_id))
        return dataclasses.replace(SaleView.from_sale(handle.sale), code_url=handle.link_url)

    def wait(self, order_id: str, timeout: float) -> SaleView:
        handle = self._handle(order_id)
        sale = handle.wait(timeout)
        if handle.done:
            self._forget(order_id)
        return SaleView.from_sale(sale)

    def cancel(self, order_id: str) -> SaleView | None:
        handle = self._handle(order_id)
        sale = handle.cancel()
        self._forget(order_id)
        return SaleView.from_sale(sale) if sale is not None else None
