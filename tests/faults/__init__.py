"""Fault injection for tests: ``FaultProxy`` and its faults (API: ``proxy``'s docstring)."""

from tests.faults.proxy import Delay, Drip, Drop, Fault, FaultProxy, Hold, Stall, Tamper, Truncate

__all__ = ["Delay", "Drip", "Drop", "Fault", "FaultProxy", "Hold", "Stall", "Tamper", "Truncate"]
