"""The bridge keeps the GUI thread free and delivers results and errors back on it."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QCoreApplication, QThread, QTimer

from cashier.payments.events import LatePayment, RefundUpdated, SaleUpdated
from cashier.ui.bridge import STORE_WORKERS, Bridge, CoreEvents


@pytest.fixture
def bridge(qapp):
    bridge = Bridge()
    yield bridge
    bridge.shutdown()


def _is_gui_thread() -> bool:
    return QThread.currentThread() is QCoreApplication.instance().thread()


def test_gui_keeps_ticking_while_a_blocking_call_runs(qtbot, bridge):
    """The call blocks until the GUI thread has ticked five times during it: it could never
    finish if it held the GUI thread. (How long the GUI may stall is measured in benchmarks.)"""
    running, ticked = threading.Event(), threading.Event()
    ticks: list[bool] = []  # one per GUI tick during the call: was it on the GUI thread?

    def tick() -> None:
        if running.is_set():
            ticks.append(_is_gui_thread())
            if len(ticks) >= 5:
                ticked.set()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    results: list[tuple[str, bool]] = []

    def blocking() -> str:
        running.set()
        return "done" if ticked.wait(10) else "the GUI thread never ticked"

    future = bridge.run(blocking, on_done=lambda value: results.append((value, _is_gui_thread())))
    assert not future.done()  # run() returned with the call still running
    qtbot.waitUntil(lambda: bool(results), timeout=15000)
    timer.stop()

    assert results == [("done", True)]
    assert len(ticks) >= 5 and all(ticks)


def test_error_arrives_on_gui_thread(qtbot, bridge):
    errors: list[tuple[BaseException, bool]] = []

    def fail() -> None:
        raise ValueError("gateway said no")

    bridge.run(fail, on_done=lambda _: pytest.fail("no result expected"),
               on_error=lambda exc: errors.append((exc, _is_gui_thread())))
    qtbot.waitUntil(lambda: bool(errors), timeout=2000)
    (error, on_gui), = errors
    assert isinstance(error, ValueError) and str(error) == "gateway said no"
    assert on_gui


def test_unhandled_error_is_emitted_not_lost(qtbot, bridge):
    def fail() -> None:
        raise RuntimeError("printer offline")

    with qtbot.waitSignal(bridge.task_failed, timeout=2000) as blocker:
        bridge.run(fail)
    assert str(blocker.args[0]) == "printer offline"


def test_work_runs_off_the_gui_thread_with_arguments(qtbot, bridge):
    seen: list[tuple[int, str]] = []
    bridge.run(lambda a, b=0: (a + b, threading.current_thread().name), 2, b=3,
               on_done=seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    total, thread_name = seen[0]
    assert total == 5 and thread_name.startswith("cashier-bridge")


def test_shutdown_joins_workers_and_refuses_new_work(qtbot, qapp):
    bridge = Bridge()
    started, finished = threading.Event(), threading.Event()

    def task() -> None:
        started.set()
        time.sleep(0.2)
        finished.set()

    bridge.run(task)
    # Running, not merely queued: shutdown drops queued work, and a busy machine may not have
    # handed the task to a worker yet.
    assert started.wait(10)
    bridge.shutdown()
    assert finished.is_set()  # shutdown waited for the running task
    assert not [t for t in threading.enumerate() if t.name.startswith("cashier-bridge")]
    calls: list[object] = []
    refused = bridge.run(calls.append, "ran", on_done=calls.append, on_error=calls.append)
    assert refused.cancelled()  # not started, and no exception thrown into Qt's event loop
    assert calls == []


def test_store_calls_never_take_the_counters_workers(qtbot, bridge):
    """More store calls than there are workers, all stuck: the counter's call still runs."""
    store = threading.Event()  # the store answers once this is set
    answered: list[object] = []
    futures = [bridge.run_store(f"question {n}", store.wait, 10, on_done=answered.append)
               for n in range(STORE_WORKERS + 4)]
    counted: list[int] = []
    bridge.run(sum, (2, 3), on_done=counted.append)
    qtbot.waitUntil(lambda: bool(counted), timeout=5000)
    assert counted == [5] and answered == []  # paid while every store call still waits
    store.set()
    qtbot.waitUntil(lambda: len(answered) == len(futures), timeout=10_000)
    assert answered == [True] * len(futures)


def test_a_store_question_asked_again_while_waiting_is_asked_once(qtbot, bridge):
    """Every store worker busy: the same question asked three times waits once, the newest."""
    store = threading.Event()
    busy = [bridge.run_store(f"busy {n}", store.wait, 10) for n in range(STORE_WORKERS)]
    asked: list[int] = []
    answered: list[int] = []

    def question(number: int) -> int:
        asked.append(number)
        return number

    futures = [bridge.run_store("history", question, n, on_done=answered.append,
                                on_error=answered.append) for n in (1, 2, 3)]
    assert [f.cancelled() for f in futures] == [True, True, False]
    store.set()
    qtbot.waitUntil(lambda: bool(answered), timeout=10_000)
    assert all(f.result(10) for f in busy)
    assert asked == [3] and answered == [3]


def test_shutdown_drops_waiting_store_calls_and_joins_the_store_lane(qtbot, qapp):
    bridge = Bridge()
    store, started = threading.Event(), threading.Event()

    def stuck() -> bool:
        started.set()
        return store.wait(10)  # stands in for the store's own deadline

    running = [bridge.run_store(f"busy {n}", stuck) for n in range(STORE_WORKERS)]
    calls: list[object] = []
    waiting = bridge.run_store("history", calls.append, "ran", on_done=calls.append,
                               on_error=calls.append)
    assert started.wait(10)
    bridge.shutdown(wait=False)
    assert waiting.cancelled()
    store.set()  # the calls under way end...
    bridge.shutdown()  # ... and are joined
    assert all(f.result(0) for f in running)
    assert not [t for t in threading.enumerate() if t.name.startswith("cashier-bridge")]
    assert bridge.run_store("history", calls.append, "late").cancelled()
    assert calls == []


def test_core_events_reach_gui_thread_as_signals(qtbot, qapp):
    events = CoreEvents()
    updates: list[tuple[str, bool]] = []
    lates: list[str] = []
    refunds: list[str] = []
    events.sale_updated.connect(lambda sale: updates.append((sale, _is_gui_thread())))
    events.late_payment.connect(lates.append)
    events.refund_updated.connect(refunds.append)

    worker = threading.Thread(target=lambda: (
        events(SaleUpdated("sale-1")), events(LatePayment("sale-2")),
        events(RefundUpdated("refund-1", "sale-1"))))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(updates and lates and refunds), timeout=2000)
    assert updates == [("sale-1", True)]
    assert lates == ["sale-2"]
    assert refunds == ["refund-1"]


def test_an_event_of_another_class_with_the_same_name_is_not_taken_for_it(qtbot, qapp):
    events = CoreEvents()
    lates: list[object] = []
    seen: list[object] = []
    events.late_payment.connect(lates.append)
    events.event.connect(seen.append)
    impostor = type("LatePayment", (), {"sale": "sale-3"})()
    events(impostor)
    qtbot.waitUntil(lambda: bool(seen), timeout=2000)
    assert lates == []


class _Owner:
    """Stands for a widget: records the thread that lets go of it last."""

    freed_on: list[str] = []

    def work(self, gate: threading.Event) -> int:
        gate.wait(5)
        return 1

    def fail(self, gate: threading.Event) -> int:
        gate.wait(5)
        raise ValueError("refused")

    def __del__(self) -> None:
        _Owner.freed_on.append(threading.current_thread().name)


@pytest.mark.parametrize("method", ["work", "fail"])
def test_a_task_is_let_go_of_on_the_gui_thread_not_on_the_worker(qtbot, method):
    """The task is the last thing that holds its owner (as when a window closes while its
    look-up runs): the owner must be freed on the GUI thread, since a widget freed on a worker
    is destroyed off its thread. Before, the worker let go of the callable as it finished."""
    bridge = Bridge()
    _Owner.freed_on.clear()
    try:
        gate = threading.Event()
        owner = _Owner()
        outcomes: list[object] = []
        future = bridge.run(getattr(owner, method), gate, on_done=outcomes.append,
                            on_error=outcomes.append)
        del owner
        gate.set()
        qtbot.waitUntil(lambda: bool(outcomes), timeout=5000)
        del future
        qtbot.waitUntil(lambda: bool(_Owner.freed_on), timeout=5000)
    finally:
        bridge.shutdown()
    assert _Owner.freed_on == [threading.main_thread().name]
    assert outcomes == [1] if method == "work" else isinstance(outcomes[0], ValueError)
