"""Garbage collection stays on the GUI thread while the GUI runs (see cashier.ui.collector)."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QLabel, QWidget

from cashier.ui.bridge import Bridge
from cashier.ui.collector import keep_collection_on_gui_thread


class _Cyclic(QWidget):
    """A widget that only the cyclic collector can free: it refers to itself through a slot."""

    freed_on: list[str] = []

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel("x", self)
        self.again = lambda: self.label  # self -> lambda -> self
        self.destroyed.connect(lambda *_: _Cyclic.freed_on.append(
            threading.current_thread().name))


def test_automatic_collection_is_off_and_the_gui_thread_collects(qapp, qtbot):
    collector = keep_collection_on_gui_thread(qapp)
    assert collector.active and not gc.isenabled()
    assert keep_collection_on_gui_thread(qapp) is collector  # one per application
    _Cyclic.freed_on.clear()
    widget = _Cyclic()
    widget.show()
    gone = weakref.ref(widget)
    del widget
    assert gone() is not None  # a cycle: reference counting alone cannot free it
    # a worker allocates (as a gateway exchange does) past the first generation's threshold:
    # an automatic collection would run right there, on the worker; none does
    bridge = Bridge()
    try:
        kept = bridge.run(lambda: [[i] for i in range(5 * gc.get_threshold()[0])]).result(10)
    finally:
        bridge.shutdown()
    assert gc.get_count()[0] > gc.get_threshold()[0] and gone() is not None
    # the GUI thread's next look collects the youngest generation, the widget with it
    qtbot.waitUntil(lambda: gone() is None, timeout=5000)
    assert len(kept) == 5 * gc.get_threshold()[0]
    assert _Cyclic.freed_on == [threading.main_thread().name]


def test_stop_gives_collection_back_until_started_again(qapp):
    collector = keep_collection_on_gui_thread(qapp)
    collector.stop()
    try:
        assert gc.isenabled() and not collector.active
    finally:
        keep_collection_on_gui_thread(qapp)
    assert collector.active and not gc.isenabled()
