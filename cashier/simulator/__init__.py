"""A faithful OTT Pay gateway on loopback for demo mode, tests and benchmarks.

``with Simulator(...) as sim:`` serves ``sim.url`` (``/processV2``; also ``/process``) with the
protocol's envelope and crypto (its own implementation, ``cashier.simulator.envelope``), keeps
the order book, plays the magic scenarios of ``cashier.simulator.scenarios``, answers the
documents' open questions as its profile says (``cashier.simulator.readings``) and sends signed
callbacks for paid QR orders.
"""

from cashier.simulator.callbacks import CallbackDelivery
from cashier.simulator.customer import CustomerPayError
from cashier.simulator.links import PaymentLinkError
from cashier.simulator.orders import OrderSnapshot
from cashier.simulator.scenarios import DEMO_CODES, Scenario, demo_code, scenario_for
from cashier.simulator.server import (
    DEMO_MERCHANT_ID,
    DEMO_MERCHANT_PAYMENT_KEY,
    DEMO_SIGN_KEY,
    Simulator,
)

__all__ = [
    "DEMO_CODES",
    "DEMO_MERCHANT_ID",
    "DEMO_MERCHANT_PAYMENT_KEY",
    "DEMO_SIGN_KEY",
    "CallbackDelivery",
    "CustomerPayError",
    "OrderSnapshot",
    "PaymentLinkError",
    "Scenario",
    "Simulator",
    "demo_code",
    "scenario_for",
]
