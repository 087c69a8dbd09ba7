"""The durable record of sales, refunds and closed days (SQLite, WAL, ``synchronous=FULL``).

``Journal`` (``store.py``) is the only writer; ``records.py`` holds the immutable snapshots it
returns; ``schema.py`` the versioned migrations.
"""

from cashier.journal.records import (
    OPEN_STATES,
    PAID_STATES,
    Refund,
    RefundsSummaryRow,
    Sale,
    SaleEvent,
    SalesSummaryRow,
    ZRecord,
)
from cashier.journal.schema import SCHEMA_VERSION, SchemaError
from cashier.journal.store import (
    DayAlreadyClosedError,
    DuplicateOrderError,
    Journal,
    JournalError,
    JournalGoneError,
    RefundNotAllowedError,
    SaleNotFoundError,
    TerminalRunningError,
    local_business_day,
)

__all__ = [
    "OPEN_STATES",
    "PAID_STATES",
    "SCHEMA_VERSION",
    "DayAlreadyClosedError",
    "DuplicateOrderError",
    "Journal",
    "JournalError",
    "JournalGoneError",
    "Refund",
    "RefundNotAllowedError",
    "RefundsSummaryRow",
    "Sale",
    "SaleEvent",
    "SaleNotFoundError",
    "SalesSummaryRow",
    "SchemaError",
    "TerminalRunningError",
    "ZRecord",
    "local_business_day",
]
