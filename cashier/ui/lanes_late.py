"""Late payments of the other lanes, on this lane's banner: a late payment found at any lane of
the store is in sight at every lane until someone keeps or refunds it.

The store database is asked on the bridge's store lane, every ``POLL_MS`` and never twice at
once.
When it cannot be reached nothing is shown (this lane's own late payments have their banner
anyway), and never an error: the status bar already says the store is unreachable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from cashier.port import CounterPort, HistoryPage
from cashier.ui.banners import BannerArea
from cashier.ui.bridge import Bridge

log = logging.getLogger("cashier.ui")

# Often enough that a late payment elsewhere shows within a minute, rarely enough for 20 lanes.
POLL_MS = 30_000
#: The banner's key and kind.
KIND = "lanes_late"


class OtherLanesLate(QObject):
    """Keeps the ``lanes_late`` banner line up to date; its Open button calls ``open_them``."""

    def __init__(self, port: CounterPort, bridge: Bridge, banners: BannerArea,
                 open_them: Callable[[], object], *, interval_ms: int = POLL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port = port
        self.bridge = bridge
        self.banners = banners
        self.open_them = open_them
        self.busy = False  # a question to the store database is under way
        banners.set_action(KIND, self.tr("Open"))
        banners.action.connect(self._action)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._timer.start()
        self.poll()

    def poll(self) -> None:
        if self.busy or self.bridge.closed:
            return
        self.busy = True
        self.bridge.run_store(KIND, self.port.late_at_other_lanes, on_done=self.show,
                              on_error=self._not_known)

    def show(self, page: HistoryPage) -> None:
        """The banner line for what the store answered (nothing when there are none)."""
        self.busy = False
        count = len(page.sales)
        if count == 0:
            self.banners.clear_banner(KIND)
            return
        text = self.tr("1 late payment at another lane") if count == 1 else \
            self.tr("%1 late payments at other lanes").replace("%1", str(count))
        self.banners.show_banner(KIND, text, "warning")

    def _not_known(self, exc: BaseException) -> None:
        from cashier.store.central import StoreUnavailableError  # only with a store

        self.busy = False
        self.banners.clear_banner(KIND)
        if not isinstance(exc, StoreUnavailableError):
            log.error("late payments of the other lanes could not be read: %s", exc)

    def _action(self, kind: str) -> None:
        if kind == KIND:
            self.open_them()
