"""The one bridge between the Qt GUI thread and the Qt-free core.

Two jobs, both borrowed from projects that keep Qt out of their core:

* ``Bridge.run`` (Anki's task manager idea): run a blocking core call (a gateway request, a print
  job, a journal query) on a worker pool and deliver its result or error back on the GUI thread.
  Widgets never start threads of their own. ``Bridge.run_store`` does the same for a question to
  the store database, on a small pool of its own (the store lane), so the counter never waits
  for the back office.
* ``CoreEvents`` (Electrum's idea): the core reports events by calling a plain callable from any
  of its worker threads; this adapter re-emits them as Qt signals on the GUI thread.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from cashier.payments.events import EngineEvent, LatePayment, RefundUpdated, SaleUpdated

log = logging.getLogger("cashier.ui")

#: The store lane's workers: the banner's poll and one question of the cashier's at a time.
STORE_WORKERS = 2

DoneCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class _Work:
    """One task's callable, arguments and callbacks, and then its outcome."""

    __slots__ = ("fn", "args", "kwargs", "on_done", "on_error", "started", "result", "error",
                 "trace")

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                 on_done: DoneCallback | None, on_error: ErrorCallback | None) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.on_done, self.on_error = on_done, on_error
        self.started = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.trace = ""


class Bridge(QObject):
    """Runs core work off the GUI thread; ``on_done``/``on_error`` are called on the GUI thread.

    An error without an ``on_error`` handler is logged and emitted on ``task_failed`` so it is
    never silently lost.

    Whatever a task holds (its callable, often a widget's bound method, its arguments, its
    callbacks, which capture widgets) is let go on the GUI thread, never on a worker. A worker
    that dropped the last reference to a widget would destroy it there, off its thread: its
    timers stay registered with the GUI thread's event loop and fire on freed memory (seen as a
    segmentation fault in ``QTimerInfoList::activateTimers`` right after a test whose widget
    was released by a worker finishing its task). So the bridge keeps each task in a table of
    its own; the worker takes it from there, runs it, puts the outcome back, lets go of it and
    only then sends the task's number to the GUI thread, which takes the task out of the table
    and is the last to hold it.

    Calls to the store database run on a pool of their own (``run_store``), never on the
    workers the counter's own calls need.
    """

    task_failed = Signal(object)  # the exception of a task that had no on_error handler
    _deliver = Signal(object)  # internal: the number of a kept task or call for the GUI thread

    def __init__(self, parent: QObject | None = None, *, max_workers: int = 4) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers, thread_name_prefix="cashier-bridge")
        self._store_executor = ThreadPoolExecutor(STORE_WORKERS,
                                                  thread_name_prefix="cashier-bridge-store")
        self._waiting: dict[str, tuple[int, Future[Any]]] = {}  # the store lane's, by key
        self._closed = False
        self._lock = threading.Lock()
        self._numbers = itertools.count()
        self._kept: dict[int, _Work | Callable[[], None]] = {}
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
            return _refused(fn)
        number = self._keep(_Work(fn, args, kwargs, on_done, on_error))
        return self._executor.submit(self._work, number)

    def run_store(
        self,
        key: str,
        fn: Callable[..., Any],
        *args: Any,
        on_done: DoneCallback | None = None,
        on_error: ErrorCallback | None = None,
        **kwargs: Any,
    ) -> Future[Any]:
        """``run``, for a call to the store database: on the store lane, and asked once.

        A store that drops packets, or accepts and never answers, holds the worker of each
        call for the store's whole deadline (seconds: connecting, then each statement). On the
        counter's workers a few "All lanes" and the banner's poll would take them all, and the
        next sale's calls would wait behind the back office. So store calls have workers of
        their own (``STORE_WORKERS``): however long they wait, payments do not.

        ``key`` names the question (the sales of every lane, a store report...): a newer call
        with the same key replaces one still waiting for a worker, whose callbacks are then
        never called and whose future comes back cancelled. A question asked again and again
        while the store is silent waits once, not once per click."""
        if self._closed:
            return _refused(fn)
        number = self._keep(_Work(fn, args, kwargs, on_done, on_error))
        future = self._store_executor.submit(self._work, number)
        with self._lock:
            earlier = self._waiting.get(key)
            self._waiting[key] = (number, future)
            if earlier is not None and earlier[1].cancel():  # not started: it never will be
                del self._kept[earlier[0]]
        return future

    def call_on_gui(self, fn: Callable[[], None]) -> None:
        """Schedule ``fn()`` on the GUI thread (callable from any thread)."""
        self._deliver.emit(self._keep(fn))

    def _keep(self, item: _Work | Callable[[], None]) -> int:
        with self._lock:
            number = next(self._numbers)
            self._kept[number] = item
        return number

    def _work(self, number: int) -> Any:
        """Worker thread: run kept task ``number``; the GUI thread gets it back by its number."""
        with self._lock:
            work = self._kept.get(number)
            if not isinstance(work, _Work):
                return None  # dropped by shutdown before it started
            work.started = True
        try:
            work.result = work.fn(*work.args, **work.kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread and the future
            work.trace = "".join(traceback.format_exception(exc))
            _forget_frames(exc)  # the frames hold the callable's locals: widgets, maybe
            work.error = exc
        result, error = work.result, work.error
        del work  # the table holds it now, for the GUI thread to take
        self._deliver.emit(number)
        if error is not None:
            raise error
        return result

    def _complete(self, work: _Work) -> None:
        if work.error is None:
            if work.on_done is not None:
                work.on_done(work.result)
            return
        if work.on_error is not None:
            work.on_error(work.error)
        else:
            log.error("background task failed: %s\n%s", work.error, work.trace.rstrip())
            self.task_failed.emit(work.error)

    @Slot(object)
    def _run_delivered(self, number: int) -> None:
        with self._lock:
            item = self._kept.pop(number, None)
        try:
            if isinstance(item, _Work):
                self._complete(item)
            elif item is not None:
                item()
        except Exception:  # a GUI callback bug must not kill the event loop
            log.exception("GUI callback of a background task failed")

    def shutdown(self, *, wait: bool = True) -> None:
        """Refuse new work, drop queued work that has not started, and join the workers (a
        store call under way ends within the store's own deadline)."""
        self._closed = True
        pools = (self._executor, self._store_executor)
        for pool in pools:  # both lanes stop taking work before either is waited for
            pool.shutdown(wait=False, cancel_futures=True)
        if wait:
            for pool in pools:
                pool.shutdown(wait=True)
        with self._lock:  # let go of what will never run here, on the caller's thread
            dropped = [n for n, item in self._kept.items()
                       if isinstance(item, _Work) and not item.started]
            for number in dropped:
                del self._kept[number]
            self._waiting.clear()

    @property
    def closed(self) -> bool:
        return self._closed


def _refused(fn: Callable[..., Any]) -> Future[Any]:
    """The future of work asked for after shutdown: cancelled, never started."""
    log.debug("terminal shutting down: %s not started", getattr(fn, "__qualname__", fn))
    refused: Future[Any] = Future()
    refused.cancel()
    return refused


def _forget_frames(error: BaseException) -> None:
    """Drop the tracebacks of ``error`` and the errors it was raised from or during."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.__traceback__ = None
        pending += [current.__cause__, current.__context__]


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
