"""Python's cyclic garbage collection, kept on the GUI thread while the GUI runs.

Python's cyclic garbage collector runs on whichever thread happens to allocate when a generation
crosses its threshold: as often as not a bridge worker, a print spooler or a server thread. When
the garbage it finds holds a Qt wrapper (a dialog in a reference cycle with its own slots, an
event filter whose signal is connected to its owner's method), the C++ object is destroyed right
there, on that thread. Qt objects must be destroyed on the thread they live in: a widget destroyed
on a worker races the GUI thread over Qt's global widget and event bookkeeping, and corrupts the
heap. That is the abort the test suite showed at random (``malloc_consolidate(): unaligned fastbin
chunk detected``, ``Fatal Python error: Aborted``), and it would be a crash at the counter.

So while the GUI runs, automatic collection is switched off and a timer on the GUI thread
collects each generation once its allocation count passes the threshold the automatic collector
would have used: the same collections, always on the right thread. The recipe is a common one for
PyQt and PySide applications.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

#: How often the GUI thread looks at the allocation counts (milliseconds). Garbage made between
#: two looks lives that much longer; a look that finds nothing due costs microseconds.
INTERVAL_MS = 250
_NAME = "cashier-gui-thread-collector"


class GuiThreadCollector(QObject):
    """While started, automatic garbage collection is off and the GUI thread collects instead.

    ``stop()`` (also called when the application quits) turns automatic collection back on if
    it was on at ``start()``.
    """

    def __init__(self, app: QCoreApplication, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(app)
        self.setObjectName(_NAME)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        app.aboutToQuit.connect(self.stop)

    def start(self) -> None:
        """Take over collection (idempotent; must be called on the GUI thread)."""
        if QThread.currentThread() != self.thread():
            raise RuntimeError("garbage collection can only be taken over on the GUI thread")
        if self._timer.isActive():
            return
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold (what the automatic
        collector does); returns the number of unreachable objects found."""
        counts = gc.get_count()
        generation = -1
        for gen in range(3):
            if counts[gen] > self._thresholds[gen]:
                generation = gen
            else:
                break
        return gc.collect(generation) if generation >= 0 else 0

    def stop(self) -> None:
        """Stop collecting here; automatic collection resumes if it was on before."""
        if not self._timer.isActive():
            return
        self._timer.stop()
        if self._was_enabled:
            gc.enable()


def keep_collection_on_gui_thread(app: QCoreApplication) -> GuiThreadCollector:
    """Start the application's collector, made on first use (call it from the GUI thread)."""
    collector = app.findChild(GuiThreadCollector, _NAME) or GuiThreadCollector(app)
    collector.start()
    return collector
