"""The payment domain: the sale lifecycle, passive and active flows, refunds, recovery, reports.

Front-ends use ``PaymentEngine`` (see ``engine.py`` for the full contract) with
``PaymentSettings``; they receive ``SaleUpdated`` / ``LatePayment`` / ``RefundUpdated`` events
through a plain listener callable. Modules: ``states`` (state machine), ``ids`` (order ids),
``settle`` (answers to state changes), ``flow`` (what the flows may use, and the one polling
loop), ``passive`` / ``active`` / ``link`` (the flows), ``resolver`` (background checks),
``reconcile`` (the sweep of outcomes that rest on silence), ``refunds``, ``reports`` (X/Z),
``handle`` (``SaleHandle``), ``errors``.
No Qt here.
"""

from cashier.payments.engine import PaymentEngine
from cashier.payments.errors import (
    DayAlreadyClosedError,
    EngineClosedError,
    IllegalTransition,
    PaymentError,
    RefundNotAllowedError,
    SaleNotFoundError,
)
from cashier.payments.events import EngineEvent, LatePayment, Listener, RefundUpdated, SaleUpdated
from cashier.payments.handle import SaleHandle
from cashier.payments.reports import DayReport, WalletTotals
from cashier.payments.settings import PaymentSettings
from cashier.payments.states import LateResolution, RefundState, SaleState

__all__ = [
    "DayAlreadyClosedError",
    "DayReport",
    "EngineClosedError",
    "EngineEvent",
    "IllegalTransition",
    "LatePayment",
    "LateResolution",
    "Listener",
    "PaymentEngine",
    "PaymentError",
    "PaymentSettings",
    "RefundNotAllowedError",
    "RefundState",
    "RefundUpdated",
    "SaleHandle",
    "SaleNotFoundError",
    "SaleState",
    "SaleUpdated",
    "WalletTotals",
]
