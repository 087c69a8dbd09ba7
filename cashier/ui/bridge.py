"""The one bridge between the Qt GUI thread and the Qt-free core.

Two jobs, both borrowed from projects that keep Qt out of their core:

* ``Bridge.run`` (Anki's task manager idea): run a blocking core call (a gateway request, a print
  job, a journal query) on a worker pool and deliver its result or error back on the GUI thread.
  Widgets never start threads of their own.
* ``CoreEvents`` (Electrum's idea): the core reports events by calling a plain callable from any
  of its worker threads; this adapter re-emits them as Qt signals on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from cashier.payments.events import EngineEvent, LatePayment, RefundUpdated, SaleUpdated

log = logging.getLogger("cashier.ui")

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class Bridge(QObject):
    """Runs core work off the GUI thread; ``on_done``/``on_error`` are called on the GUI thread.

    An error without an ``on_error`` handler is logged and emitted on ``task_failed`` so it is
    never silently lost.
    """

    task_failed = Signal(object)  # the exception of a task that had no on_error handler
    _deliver = Signal(object)  # internal: a no-argument callable to run on the GUI thread

    def __init__(self, parent: QObject | None = None, *, max_workers: int = 4) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="cashier-bridge")
        self._closed = False
        # Queued: the slot runs in this object's thread (the GUI thread) whatever thread emits.
        self._deliver.connect(self._run_delivered, Qt.ConnectionType.QueuedConnection)

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: DoneCallback | None = None,
        on_error: ErrorCallback | None = None,
        **kwargs: Any,
    ) -> Future[Any]:
        """Call ``fn(*args, **kwargs)`` on a worker; returns the ``Future`` (for tests/shutdown).

        Once the bridge is shut down the work is not started and the future comes back
        cancelled, with neither callback called: the same as for work still queued when
        ``shutdown`` came. A widget may ask for work until Qt has deleted it (a result delivered
        after shutdown refills a table, whose selection signal asks for the row's details), and
        raising there would only throw an exception into Qt's event loop."""
        if self._closed:
            log.debug("terminal shutting down: %s not started", getattr(fn, "__qualname__", fn))
            refused: Future[Any] = Future()
            refused.cancel()
            return refused
        future = self._executor.submit(fn, *args, **kwargs)

        def finished(done: Future[Any]) -> None:
            self._deliver.emit(lambda: self._complete(done, on_done, on_error))

        future.add_done_callback(finished)
        return future

    def call_on_gui(self, fn: Callable[[], None]) -> None:
        """Schedule ``fn()`` on the GUI thread (callable from any thread)."""
        self._deliver.emit(fn)

    def _complete(
        self, future: Future[Any], on_done: DoneCallback | None, on_error: ErrorCallback | None
    ) -> None:
        if future.cancelled():
            return
        error = future.exception()
        if error is None:
            if on_done is not None:
                on_done(future.result())
            return
        if on_error is not None:
            on_error(error)
        else:
            log.error("background task failed: %s", error, exc_info=error)
            self.task_failed.emit(error)

    @Slot(object)
    def _run_delivered(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception:  # a GUI callback bug must not kill the event loop
            log.exception("GUI callback of a background task failed")

    def shutdown(self, *, wait: bool = True) -> None:
        """Refuse new work, drop queued work that has not started, and join the workers."""
        self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=True)

    @property
    def closed(self) -> bool:
        return self._closed


class CoreEvents(QObject):
    """The one listener between the core and Qt: the payment engine calls it (from any thread)
    with its events, and each is re-emitted on the GUI thread on the signal of its type.

    ``event`` carries every event; ``sale_updated`` / ``late_payment`` carry the sale and
    ``refund_updated`` the refund. Pass the instance itself as the engine's listener.
    """

    event = Signal(object)
    sale_updated = Signal(object)
    late_payment = Signal(object)
    refund_updated = Signal(object)
    _incoming = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._incoming.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)

    def __call__(self, event: EngineEvent) -> None:
        """Thread-safe: called by the core from its worker threads."""
        self._incoming.emit(event)

    @Slot(object)
    def _dispatch(self, event: EngineEvent) -> None:
        self.event.emit(event)
        if isinstance(event, SaleUpdated):
            self.sale_updated.emit(event.sale)
        elif isinstance(event, LatePayment):
            self.late_payment.emit(event.sale)
        elif isinstance(event, RefundUpdated):
            self.refund_updated.emit(event.refund)
