"""``cashier gui --demo --self-check``: the real terminal window takes one payment, then exits.

Steps, each named on failure: ``window`` (the demo terminal is built and shown), ``fonts`` (in
Chinese only: the window shows Chinese and an installed font draws every character of it),
``sign-in`` (the demo cashier's PIN typed on the PIN pad), ``amount`` (1.00 typed key by key),
``payment`` (the demo "pays at once" scan button pressed; the window must reach PAID, and the
journal and the simulator agree), ``receipt`` (the sale's receipt rendered to ESC/POS bytes and
decoded), ``close`` (everything stopped). Runs in a temporary folder: the user's demo journal is
left alone; without QT_QPA_PLATFORM the window is drawn offscreen. Exit 0 when every step
passed, 1 otherwise with ``self-check failed at <step>`` on stderr.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from cashier.config import Config, JournalSection, PrinterKind
from cashier.ui.fonts import INSTALL_CHINESE_FONT, missing_glyphs, shown_texts
from cashier.ui.i18n import install_language

STEP_TIMEOUT = 20.0


class WindowCheckFailed(Exception):
    """A step of the window check failed; ``step`` names it."""

    def __init__(self, step: str, message: str) -> None:
        super().__init__(message)
        self.step = step


def wait_until(predicate: Callable[[], bool], timeout: float, what: str, step: str) -> None:
    """Turn the event loop until ``predicate()`` holds; ``WindowCheckFailed`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not predicate():
        if time.monotonic() > deadline:
            raise WindowCheckFailed(step, f"{what} did not happen within {timeout:g} s")
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def pause(msec: int) -> None:
    """Let the event loop run for ``msec`` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(msec, loop.quit)
    loop.exec()


def type_key(widget: QWidget, key: Qt.Key, text: str = "") -> None:
    """Press and release one key on ``widget`` through the application's event filters, as a
    keyboard does (QtTest is not shipped in the bundle)."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                 text))


def type_text(widget: QWidget, text: str, gap_ms: int = 0) -> None:
    """Type digits and ``.`` one key at a time, ``gap_ms`` apart."""
    for char in text:
        key = Qt.Key.Key_Period if char == "." else Qt.Key(Qt.Key.Key_0.value + int(char))
        type_key(widget, key, char)
        if gap_ms:
            pause(gap_ms)


def _check(condition: bool, step: str, message: str) -> None:
    if not condition:
        raise WindowCheckFailed(step, message)


def check_chinese_glyphs(app: QApplication, say: Callable[[str], None] = print) -> None:
    """The window shows Chinese, and an installed font draws every character of it."""
    texts = shown_texts(app)
    _check(any("\u4e00" <= c <= "\u9fff" for c in texts), "fonts",
           "the window shows no Chinese text (the translation was not loaded)")
    missing = missing_glyphs(texts)
    codes = " ".join(f"U+{ord(c):04X}" for c in missing[:5])
    _check(not missing, "fonts", f"no installed font draws {len(missing)} of the characters the "
           f"Chinese window shows ({codes}); install a Chinese font ({INSTALL_CHINESE_FONT})")
    say(f"ok fonts: every one of {len(set(texts))} characters has a glyph")


def check_window_payment(terminal: Any, config: Config, timeout: float = STEP_TIMEOUT,
                         say: Callable[[str], None] = print,
                         current: list[str] | None = None) -> Any:
    """Drive ``terminal`` (shown, demo mode) through one passive sale of 1.00 and check its
    receipt; returns the paid journal sale. ``current[0]`` names the step under way."""
    current = current if current is not None else [""]
    from cashier.operators import DEMO_CASHIER_PIN
    from cashier.printing import receipt_bytes_for_sale
    from cashier.selfcheck import check_receipt
    from cashier.simulator import Scenario, demo_code

    window = terminal.window
    current[0] = "sign-in"
    if window.state == "signin":
        dialog = terminal.signin.ask()
        type_text(dialog.pin, DEMO_CASHIER_PIN)
        type_key(dialog.pin, Qt.Key.Key_Return, "\r")
        wait_until(lambda: window.state == "entry", timeout, "signing in", "sign-in")
        say(f"ok sign-in: {window.operator_name}")

    current[0] = "amount"
    entry = window.amount_entry
    type_text(entry, "1.00", gap_ms=70)  # typed like a person, slower than a wedge scanner
    _check(entry.values() == (100, 0), "amount", f"the amount field holds {entry.amount.text!r}")
    say("ok amount: 1.00 typed")

    current[0] = "payment"
    code = demo_code(Scenario.INSTANT_SUCCESS)
    button = next((b for b in window.demo_buttons.values()
                   if b.property("demo_code") == code), None)
    if button is not None:
        button.click()
    else:
        window.handle_scan(code)
    wait_until(lambda: window.state == "result", timeout, "the result screen", "payment")
    view = window.sale
    _check(view is not None and view.is_paid, "payment",
           f"the window shows {window.result_title.text()!r} ({view.state if view else None})")
    sale = terminal.bridge.run(terminal.port.sale, view.order_id).result(timeout)
    _check(sale.state == "paid" and sale.amount_cents == 100, "payment",
           f"the journal holds {sale.state} for {sale.amount_cents} cents")
    order = terminal.simulator.order(sale.order_id)
    _check(order is not None and order.amount_cents == 100, "payment",
           "the gateway does not hold the order for 1.00")
    say(f"ok payment: PAID {sale.order_id} with {sale.masked_code}")

    current[0] = "receipt"
    data = terminal.bridge.run(receipt_bytes_for_sale, sale, config).result(timeout)
    say("ok receipt: " + check_receipt(data, sale, code, config.printer.encoding))
    return sale


def run_window_check(config: Config, *, language: str | None = None,
                     timeout: float = STEP_TIMEOUT) -> int:
    """The whole check in a temporary folder; 0 if it passed, 1 (step on stderr) if not."""
    from cashier.ui.app import Terminal
    from cashier.ui.launch import qt_application

    step = ["window"]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the check needs no screen
    try:
        app = qt_application()
        translators = install_language(app, language or "en")
        with tempfile.TemporaryDirectory(prefix="cashier-gui-check-") as folder:
            check_config = Config(journal=JournalSection(path=Path(folder) / "journal.sqlite3"),
                                  printer=replace(config.printer, kind=PrinterKind.NONE),
                                  shop=config.shop, ui=config.ui)
            terminal = Terminal(check_config, demo=True, customer_display=True, wedge=True,
                                cny_currency=None,
                                payment_options={"poll_interval": 0.1,
                                                 "passive_timeout": timeout})
            try:
                terminal.show()
                wait_until(terminal.window.isVisible, timeout, "showing the window", "window")
                print(f"ok window: demo terminal, simulator at {terminal.simulator.base_url}",
                      flush=True)
                if language == "zh_CN":
                    step[0] = "fonts"
                    check_chinese_glyphs(app)
                check_window_payment(terminal, check_config, timeout, current=step)
            except BaseException:
                terminal.close()
                raise
            step[0] = "close"
            terminal.close()
        for translator in translators:
            app.removeTranslator(translator)
        print("ok close: everything stopped", flush=True)
    except WindowCheckFailed as exc:
        print(f"self-check failed at {exc.step}: {exc}", file=sys.stderr, flush=True)
        return 1
    except Exception as exc:  # noqa: BLE001 - any failure is reported with its step
        print(f"self-check failed at {step[0]}: {type(exc).__name__}: {exc}", file=sys.stderr,
              flush=True)
        return 1
    print("self-check passed", flush=True)
    return 0
