"""Measurements that need a running Qt terminal, each in a fresh process (offscreen).

    python -m benchmarks.gui_probe startup      # the real `cashier gui --demo` command
    python -m benchmarks.gui_probe bare-qt      # baseline: an empty PySide6 window
    python -m benchmarks.gui_probe stall  WORK --wait 10 --scenario 4444
    python -m benchmarks.gui_probe memory WORK --sales 1000
    python -m benchmarks.gui_probe scan   WORK --sales 50

Each prints one line ``PROBE {json}`` at the end; the parent (``bench_startup``, ``bench_gui``,
``bench_memory``) reads it. Times are ``time.time()`` epochs where the parent compares them with
its own clock (process start), ``perf_counter`` durations otherwise. The terminal is driven only
through what a cashier or a scanner does: ``AmountEntry.press`` (the keypad), real key events,
``MainWindow.handle_scan`` (what the wedge and serial scanners call) and ``new_sale``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks.core import rss_mb


def emit(result: dict[str, Any]) -> None:
    print("PROBE " + json.dumps(result), flush=True)


# --------------------------------------------------------------------------- start-up


def startup(profile: bool = False) -> int:
    """`cashier gui --demo` (the real command) with a timer that fires once its loop runs."""
    from PySide6.QtTest import QTest

    app = QApplication(sys.argv[:1])
    marks: dict[str, Any] = {}

    def window():
        for widget in app.topLevelWidgets():
            if type(widget).__name__ == "MainWindow" and widget.isVisible():
                return widget
        return None

    def probe() -> None:
        main = window()
        if main is None:  # not shown yet: look again on the next turn of the loop
            QTimer.singleShot(1, probe)
            return
        marks.setdefault("shown", time.time())
        marks["page"] = getattr(main, "state", "entry")
        if marks["page"] == "signin":
            # Demo mode asks for a PIN first: Enter on the window must open the PIN pad.
            before = {id(w) for w in app.topLevelWidgets() if w.isVisible()}
            QTest.keyClick(main, Qt.Key.Key_Return)
            marks["key_sent"] = time.time()
            wait_for(lambda: any(w.isVisible() and id(w) not in before
                                 for w in app.topLevelWidgets()),
                     "Enter on the sign-in page opened no PIN pad")
            return
        QTest.keyClick(main.amount_entry, Qt.Key.Key_7)  # a real key, through the wedge filter
        marks["key_sent"] = time.time()
        wait_for(lambda: main.amount_entry.amount.text == "7",
                 "a typed digit never reached the amount field")

    def wait_for(done, failure: str) -> None:
        if done():
            marks["key_landed"] = time.time()
            app.quit()
            return
        if time.time() - marks["key_sent"] > 5:
            marks["error"] = failure
            app.quit()
            return
        QTimer.singleShot(1, lambda: wait_for(done, failure))

    QTimer.singleShot(0, probe)  # runs on the first turn of the event loop, after show()
    import cashier.ui.launch  # noqa: F401 - imported here only to time imports apart
    from cashier.cli import main as cli_main

    marks["imported"] = time.time()
    sys.stdout = _MarkerWatch(sys.stdout, "cashier terminal running", marks)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    code = cli_main(["gui", "--demo"])
    if profiler is not None:
        from benchmarks.core import describe_profile

        profiler.disable()
        marks["profile"] = describe_profile(profiler, 8)
    sys.stdout = sys.__stdout__
    marks["exited"] = time.time()
    marks["exit_code"] = code
    emit(marks)
    return 0


class _MarkerWatch:
    """Passes writes through; notes when the command prints its 'running' line."""

    def __init__(self, stream, text: str, marks: dict[str, Any]) -> None:
        self._stream, self._text, self._marks = stream, text, marks

    def write(self, data: str) -> int:
        if self._text in data:
            self._marks.setdefault("marker", time.time())
        return self._stream.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def bare_qt() -> int:
    """Baseline: PySide6 imported, an empty QMainWindow shown and the event loop turning."""
    from PySide6.QtWidgets import QMainWindow

    app = QApplication(sys.argv[:1])
    marks: dict[str, Any] = {}
    window = QMainWindow()
    window.resize(1024, 768)
    window.show()

    def probe() -> None:
        marks["shown"] = time.time()
        app.quit()

    QTimer.singleShot(0, probe)
    app.exec()
    emit(marks)
    return 0


# --------------------------------------------------------------------------- a live terminal


class GapRecorder:
    """A 5 ms precise timer; every gap between two ticks is how long the loop was busy."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[float] = []
        self.ends: list[float] = []  # perf_counter at the end of each gap
        self._last = 0.0

    def start(self) -> None:
        self.gaps = []
        self.ends = []
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return self.gaps

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self.ends.append(now)
        self._last = now

    def worst(self, since: float, marks: list[tuple[float, str]], top: int = 3) -> list[str]:
        """The longest gaps: when they ended (s after ``since``) and the screen state then."""
        order = sorted(range(len(self.gaps)), key=lambda i: self.gaps[i], reverse=True)[:top]
        out = []
        for i in order:
            end = self.ends[i]
            state = next((name for at, name in reversed(marks) if at <= end), "entry")
            out.append(f"{self.gaps[i]:.0f} ms ending at +{end - since:.2f} s ({state})")
        return out


def wait_until(predicate, timeout: float) -> bool:
    """Run the event loop (no busy waiting) until ``predicate()`` or ``timeout`` seconds."""
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(2)
    check.timeout.connect(lambda: predicate() and loop.quit())
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    if predicate():
        return True
    check.start()
    loop.exec()
    check.stop()
    return bool(predicate())


def make_terminal(work: Path, *, simulator: dict[str, Any], payments: dict[str, Any]):
    from cashier.config import Config
    from cashier.ui.app import Terminal

    terminal = Terminal(Config(), demo=True, journal_path=work / "journal.sqlite",
                        customer_display=True, wedge=True, simulator_options=simulator,
                        payment_options=payments)
    terminal.show()
    sign_in_demo_cashier(terminal)
    return terminal


def sign_in_demo_cashier(terminal) -> None:
    """If the terminal asks for a PIN first, sign in the demo cashier the way the PIN pad does."""
    if getattr(terminal.window, "state", "entry") != "signin":
        return
    from cashier.operators import DEMO_CASHIER_PIN

    operator = terminal.signin.operators.find_by_pin(DEMO_CASHIER_PIN)
    if operator is None:
        raise RuntimeError("the demo cashier's PIN was not accepted")
    terminal.signin.sign_in(operator)
    if terminal.window.state != "entry":
        raise RuntimeError(f"after sign-in the window is in state {terminal.window.state}")


def sell(terminal, amount: str, code: str, timeout: float,
         settle: float = 0.0) -> tuple[str, float]:
    """One sale the way a cashier makes it: keypad amount, then a scan. (final state, seconds)

    ``settle``: seconds of event loop between the keypad and the scan (a person is not that
    fast; the stall probe uses it so a gap holds the scan's work alone).
    """
    window = terminal.window
    if window.state != "entry":
        window.new_sale()
    for key in amount:
        window.amount_entry.press(key)
    if settle:
        wait_until(lambda: False, settle)
    started = time.perf_counter()
    window.handle_scan(code)
    if not wait_until(lambda: window.state == "result", timeout):
        raise RuntimeError(f"no result within {timeout} s (state {window.state})")
    seconds = time.perf_counter() - started
    sale = window.sale
    return (sale.state if sale else "?"), seconds


def stall(work: Path, wait: float, scenario: str, idle: float) -> int:
    """Longest loop stall while one payment waits ``wait`` s on the gateway."""
    from cashier.simulator import Scenario, demo_code

    app = QApplication(sys.argv[:1])
    from cashier.ui.collector import keep_collection_on_gui_thread
    keep_collection_on_gui_thread(app)
    poll = 0.5
    if scenario == "4444":  # the gateway holds the PASSIVEPAY answer for `wait` seconds
        sim = {"slow_response_seconds": wait}
        code = demo_code(Scenario.SLOW_RESPONSE)
    else:  # 1111: the customer confirms on the phone after `wait` seconds of polling
        sim = {"confirm_after_queries": max(1, round(wait / poll))}
        code = demo_code(Scenario.CONFIRM_SUCCESS)
    terminal = make_terminal(work, simulator=sim, payments={
        "poll_interval": poll, "passive_timeout": wait + 30, "unknown_grace": wait + 30})
    try:
        if scenario == "4444":
            # The demo client's read timeout (5 s) would cut the wait short: let it wait.
            terminal.runtime.client.timeout = (terminal.runtime.client.timeout[0], wait + 10)
        recorder = GapRecorder()
        wait_until(lambda: False, 0.5)  # start-up work (recover, exchange rate) settles
        recorder.start()
        wait_until(lambda: False, idle)
        idle_gaps = recorder.stop()
        changes: list[tuple[float, str]] = []
        terminal.window.state_changed.connect(
            lambda name: changes.append((time.perf_counter(), name)))
        recorder.start()
        since = time.perf_counter()
        state, seconds = sell(terminal, "12.34", code, wait + 30, settle=0.2)
        wait_until(lambda: False, 0.3)  # the result screen settles (printing, display)
        busy_gaps = recorder.stop()
        emit({"idle_gaps": idle_gaps, "gaps": busy_gaps, "state": state, "seconds": seconds,
              "scenario": scenario, "worst": recorder.worst(since, changes)})
    finally:
        terminal.close()
        app.processEvents()
    return 0


def memory(work: Path, sales: int, checkpoints: list[int]) -> int:
    """RSS of a demo terminal after each checkpoint of instant-success sales."""
    from cashier.simulator import Scenario, demo_code

    app = QApplication(sys.argv[:1])
    from cashier.ui.collector import keep_collection_on_gui_thread
    keep_collection_on_gui_thread(app)
    terminal = make_terminal(work, simulator={}, payments={
        "poll_interval": 0.05, "passive_timeout": 10.0})
    code = demo_code(Scenario.INSTANT_SUCCESS)
    rss = {"0": rss_mb()}
    seconds: list[float] = []
    states: dict[str, int] = {}
    try:
        wait_until(lambda: False, 0.3)
        rss["0"] = rss_mb()
        for i in range(1, sales + 1):
            state, took = sell(terminal, f"{1 + i % 97}.{i % 100:02d}", code, 15)
            states[state] = states.get(state, 0) + 1
            seconds.append(took)
            if i in checkpoints:
                wait_until(lambda: False, 0.05)
                rss[str(i)] = rss_mb()
        emit({"rss_mb": rss, "sale_seconds": seconds, "states": states,
              "journal_sales": len(terminal.runtime.journal.history(limit=sales + 10))})
    finally:
        terminal.close()
        app.processEvents()
    return 0


def scan(work: Path, sales: int) -> int:
    """Bytes into a pty that the terminal's own serial scanner reads, to the PAID screen."""
    import os
    import tty

    from cashier.config import Config, ScannerKind, ScannerSection, ScanSuffix
    from cashier.devices.scanner import ScannerStatus
    from cashier.simulator import Scenario, demo_code
    from cashier.ui.app import Terminal

    app = QApplication(sys.argv[:1])
    from cashier.ui.collector import keep_collection_on_gui_thread
    keep_collection_on_gui_thread(app)
    master, slave = os.openpty()
    tty.setraw(slave)
    config = Config(scanner=ScannerSection(kind=ScannerKind.SERIAL, port=os.ttyname(slave),
                                            suffix=ScanSuffix.CR))
    terminal = Terminal(config, demo=True, journal_path=work / "journal.sqlite",
                        customer_display=True, payment_options={
                            "poll_interval": 0.05, "passive_timeout": 10.0})
    code = demo_code(Scenario.INSTANT_SUCCESS).encode() + b"\r"
    shown: list[float] = []
    terminal.window.state_changed.connect(
        lambda name: name == "result" and shown.append(time.perf_counter()))
    seconds: list[float] = []
    try:
        terminal.show()
        sign_in_demo_cashier(terminal)
        if not wait_until(lambda: terminal.scanner.status is ScannerStatus.CONNECTED, 5):
            raise RuntimeError("the terminal's serial scanner did not open the pty")
        window = terminal.window
        import cProfile

        from benchmarks.core import describe_profile

        profiler = cProfile.Profile()
        profiled = max(10, sales // 2)
        for i in range(sales + 3 + profiled):  # 3 warm-up sales, then measured, then profiled
            if i == sales + 3:
                profiler.enable()
            if window.state != "entry":
                window.new_sale()
            for key in "12.34":
                window.amount_entry.press(key)
            wait_until(lambda: False, 0.05)
            shown.clear()
            started = time.perf_counter()
            os.write(master, code)
            if not wait_until(lambda: bool(shown), 10):
                raise RuntimeError(f"no result screen within 10 s (state {window.state})")
            if not (window.sale and window.sale.is_paid):
                raise RuntimeError(f"the scanned sale ended {window.sale}")
            sale = terminal.runtime.journal.require_sale(window.sale.order_id)
            if sale.state != "paid":
                raise RuntimeError(f"the PAID screen shows a sale journaled {sale.state}")
            seconds.append(shown[0] - started)
        profiler.disable()
        emit({"seconds": seconds[3:sales + 3],
              "gui_profile": describe_profile(profiler, 6, per=profiled,
                                              skip=("'exec' of 'PySide6.QtCore.QEventLoop'",))})
    finally:
        terminal.close()
        app.processEvents()
        os.close(master)
        os.close(slave)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gui_probe")
    parser.add_argument("mode", choices=("startup", "bare-qt", "stall", "memory", "scan"))
    parser.add_argument("work", nargs="?", type=Path, default=None)
    parser.add_argument("--wait", type=float, default=10.0)
    parser.add_argument("--idle", type=float, default=2.0)
    parser.add_argument("--scenario", choices=("4444", "1111"), default="4444")
    parser.add_argument("--sales", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="startup: cProfile the command")
    args = parser.parse_args(argv)
    if args.mode == "startup":
        return startup(args.profile)
    if args.mode == "bare-qt":
        return bare_qt()
    if args.work is None:
        parser.error("this mode needs a work folder")
    args.work.mkdir(parents=True, exist_ok=True)
    if args.mode == "stall":
        return stall(args.work, args.wait, args.scenario, args.idle)
    if args.mode == "scan":
        return scan(args.work, args.sales)
    marks = sorted({max(1, args.sales // 4), max(1, args.sales // 2), args.sales})
    return memory(args.work, args.sales, marks)


if __name__ == "__main__":
    sys.exit(main())
