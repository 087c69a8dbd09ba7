"""``SaleHandle``: what the cashier holds while a sale is in progress."""

from __future__ import annotations

import threading
from collections.abc import Callable

from cashier.journal.records import Sale
from cashier.journal.store import Journal


class SaleHandle:
    """A sale the cashier is waiting for (returned by ``start_passive``/``start_active``).

    ``wait()`` returns when the sale is final, when the cashier's wait expired (the sale is then
    checked in the background), or after ``cancel()``. ``cancel()`` may be called from any thread
    at any moment: the sale is flagged abandoned in the journal before it returns, so a payment
    that still succeeds is reported as a late payment.
    """

    def __init__(self, order_id: str, mode: str, journal: Journal,
                 abandon: Callable[[SaleHandle], Sale]) -> None:
        self.order_id = order_id
        self.mode = mode
        self._journal = journal
        self._abandon = abandon
        self._released = threading.Event()  # the cashier's wait is over
        self._cancelled = threading.Event()
        self._wake = threading.Event()  # wakes the worker between polls
        self._changed = threading.Condition()
        self.thread: threading.Thread | None = None
        #: A payment link's full URL. It holds the merchant payment key, so it lives only here;
        #: the journal's ``code_url`` has the key redacted.
        self.link_url: str | None = None

    def __repr__(self) -> str:
        return f"SaleHandle(order_id={self.order_id!r}, mode={self.mode!r})"

    @property
    def sale(self) -> Sale:
        """The sale as journaled now."""
        return self._journal.require_sale(self.order_id)

    @property
    def code_url(self) -> str | None:
        """The QR content of an active sale once the gateway created the order; for a payment
        link, the link."""
        return self.link_url or self.sale.code_url

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def done(self) -> bool:
        """The cashier's wait is over (final, expired or cancelled)."""
        return self._released.is_set()

    def wait(self, timeout: float | None = None) -> Sale:
        """Block until the wait is over or ``timeout`` seconds pass; return the sale as it is."""
        self._released.wait(timeout)
        return self.sale

    def wait_code_url(self, timeout: float | None = None) -> str | None:
        """Block until an active sale has its ``code_url`` (or its wait is over)."""
        with self._changed:
            self._changed.wait_for(
                lambda: self.done or self.code_url is not None, timeout=timeout
            )
        return self.code_url

    def cancel(self) -> Sale:
        """Stop waiting. An open sale goes on being checked in the background."""
        self._cancelled.set()
        sale = self._abandon(self)
        self.release()
        return sale

    # -- used by the engine ----------------------------------------------------------------------

    def notify(self) -> None:
        """The sale changed: wake the worker and anyone waiting for ``code_url``."""
        self._wake.set()
        with self._changed:
            self._changed.notify_all()

    def release(self) -> None:
        self._released.set()
        self.notify()

    def sleep(self, seconds: float) -> None:
        """Wait between polls; returns early when woken (cancel, a callback, shutdown)."""
        self._wake.wait(max(0.0, seconds))
        self._wake.clear()
