"""Fault injection for tests: ``FaultProxy`` and its faults (API: ``proxy``'s docstring), and
``DrippingRelay`` for what comes before a request (``relay``'s docstring)."""

from tests.faults.proxy import Delay, Drip, Drop, Fault, FaultProxy, Hold, Stall, Tamper, Truncate
from tests.faults.relay import DrippingRelay

__all__ = ["Delay", "Drip", "DrippingRelay", "Drop", "Fault", "FaultProxy", "Hold", "Stall",
           "Tamper", "Truncate"]
