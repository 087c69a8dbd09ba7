"""The status bar's one phrase about shipping this lane's sales to the store database.

The shipper keeps its status in memory (``Shipper.status()`` only takes a lock), so a timer on
the GUI thread may read it: nothing here waits for the journal or the store database.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:  # psycopg is loaded only where a store is configured
    from cashier.store.shipper import ShipperStatus

# How often the phrase is brought up to date.
REFRESH_MS = 1000

translate = QCoreApplication.translate

# How the shipper's problem begins when the store database does not answer (or stopped
# answering mid-batch), as opposed to one it reports while the database answers.
_UNREACHABLE = ("the store database cannot be reached", "the store database failed")


def store_phrase(status: ShipperStatus, now: float) -> str:
    """One short sentence for the cashier: up to date, how far behind, or unreachable."""
    if status.problem is not None:
        since = datetime.fromtimestamp(status.problem_since or now).strftime("%H:%M")
        if status.problem.startswith(_UNREACHABLE):
            return translate("StoreStatus", "Store unreachable since %1, sales continue"
                             ).replace("%1", since)
        # the store answers but cannot take this lane's changes (a newer schema, the journal)
        # or refuses this lane (its password, its database's name): no outage, no waiting
        return translate("StoreStatus", "Store: shipping stopped since %1, sales continue"
                         ).replace("%1", since)
    if not status.connected:
        return translate("StoreStatus", "Store: connecting…")
    if status.pending == 0:
        return translate("StoreStatus", "Store: up to date")
    lag = round(status.lag_seconds(now))
    behind = (translate("StoreStatus", "%1 s behind").replace("%1", str(lag)) if lag < 120
              else translate("StoreStatus", "%1 min behind").replace("%1", str(lag // 60)))
    return translate("StoreStatus", "Store: %1 changes waiting, %2").replace(
        "%1", str(status.pending)).replace("%2", behind)


class StoreStatusLabel(QLabel):
    """Shows ``store_phrase`` of ``status()``, refreshed every ``REFRESH_MS``."""

    def __init__(self, status: Callable[[], ShipperStatus],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("store_status")
        self._status = status
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def refresh(self) -> None:
        self.setText(store_phrase(self._status(), time.time()))
