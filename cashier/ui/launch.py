"""Start the Qt application for ``cashier gui``: logging and language first, then the windows.

One terminal per journal: a launch while one runs brings that window forward and exits 0
(``single_instance``).

``run_terminal`` is what ``cashier gui`` and ``cashier demo`` run; ``display_problem`` tells
them, before Qt is touched, when there is no screen to open a window on (Qt would abort).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QMessageLogContext,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from cashier.config import Config
from cashier.journal import JournalGoneError, TerminalRunningError
from cashier.runtime import journal_path_for
from cashier.ui.app import Terminal
from cashier.ui.collector import keep_collection_on_gui_thread
from cashier.ui.fonts import chinese_font_problem
from cashier.ui.i18n import install_language, system_language
from cashier.ui.single_instance import InstanceServer, bring_running_forward

ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "cashier.svg"
#: ``CASHIER_STARTUP_PROBE=1``: print ``ready <seconds since process start>`` (benchmarks).
STARTUP_PROBE_ENV = "CASHIER_STARTUP_PROBE"

log = logging.getLogger("cashier.ui")
qt_log = logging.getLogger("cashier.qt")

_IMPORTED_AT = time.time()  # fallback for the process start where /proc is not available


def display_problem(env: Mapping[str, str] = os.environ,
                    platform: str = sys.platform) -> str | None:
    """Why no window can be opened here (Linux without a display), or ``None``."""
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return ("No display to open the terminal window on (neither DISPLAY nor WAYLAND_DISPLAY is "
            "set). Run it on a desktop, or set QT_QPA_PLATFORM=offscreen to run it without one.")


def seconds_since_process_start() -> float:
    """Wall seconds since this process started (Linux: from /proc; elsewhere since import)."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return max(0.0, uptime - int(stat[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return time.time() - _IMPORTED_AT


def _qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own messages go to the log file; only critical and fatal ones also to stderr.

    Qt's default handler prints every warning on stderr, e.g. a line "This plugin does not
    support propagateSizeHints()" per window on the offscreen platform: noise a user can do
    nothing about. (Logged at INFO: with no log file set up, nothing reaches stderr.)
    """
    qt_log.info("%s: %s", kind.name, message)
    if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        print(message, file=sys.stderr, flush=True)


def qt_application(argv: list[str] | None = None) -> QApplication:
    """The application object, created once, with Qt's messages sent to the log."""
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("cashier")
    app.setWindowIcon(QIcon(str(ICON)))
    keep_collection_on_gui_thread(app)
    return app  # type: ignore[return-value]


#: Why a terminal does not start that its user must read: another one runs on the journal (and
#: did not answer), or the journal was lost or emptied.
START_REFUSALS = (TerminalRunningError, JournalGoneError)


def tell_before_start(text: str) -> None:
    """Say a start-up refusal in a message box too: a terminal started from its icon has no
    console to print it on. Not without a screen (offscreen tests, the self-check)."""
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        return
    QMessageBox.critical(None, "cashier", text)


def open_terminal_window(config: Config, *, demo: bool) -> Terminal:
    """The terminal ``run_terminal`` shows: its customer display as ``[display]`` says, in demo
    mode too (it used to open one always, on top of the main window on a single screen)."""
    return Terminal(config, demo=demo)


def run_terminal(config: Config, *, demo: bool, language: str | None,
                 argv: list[str] | None = None, exit_after: float | None = None,
                 print_ready: bool | None = None) -> int:
    """Run the terminal until its window closes (or Ctrl-C / SIGTERM); returns the exit code.

    ``exit_after`` quits after that many seconds (smoke tests, screenshots). ``print_ready``
    (default: ``$CASHIER_STARTUP_PROBE`` is 1) prints ``ready <seconds since process start>``
    once the window is shown and the event loop has turned once, i.e. it takes input.
    """
    if print_ready is None:
        print_ready = os.environ.get(STARTUP_PROBE_ENV) == "1"
    app = qt_application(argv)
    install_language(app, language)
    journal_path = journal_path_for(config, demo=demo)
    if bring_running_forward(journal_path):
        print("The terminal is already running on this journal; its window was brought forward.",
              flush=True)
        return 0
    font_problem = chinese_font_problem(language or system_language())
    if font_problem is not None:
        log.warning(font_problem)
        print(font_problem, file=sys.stderr, flush=True)
    try:
        terminal = open_terminal_window(config, demo=demo)
    except START_REFUSALS as exc:
        tell_before_start(str(exc))
        raise
    instance = InstanceServer(journal_path, terminal.window)
    # quit() outside the event loop does nothing, so a signal arriving before exec() is queued.
    previous = {sig: signal.signal(sig, lambda *_: QTimer.singleShot(0, app.quit))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    stop = QTimer()  # exit_after
    stop.setSingleShot(True)
    stop.timeout.connect(app.quit)
    wake = QTimer()  # Python runs signal handlers only when the interpreter gets control
    wake.timeout.connect(lambda: None)
    wake.start(200)
    try:
        terminal.show()
        if exit_after is not None:
            stop.start(int(exit_after * 1000))
        where = f" (demo: simulator at {terminal.simulator.base_url})" if demo else ""
        QTimer.singleShot(0, lambda: print(f"cashier terminal running{where}", flush=True))
        if print_ready:
            QTimer.singleShot(0, lambda: print(f"ready {seconds_since_process_start():.3f}",
                                               flush=True))
        return int(app.exec())
    finally:
        # A quit arriving after exec() returned is remembered by Qt, and every later event loop
        # in this process (the tests' waits) would return at once: none may be left pending.
        stop.stop()
        wake.stop()
        instance.close()
        terminal.close()
        QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)  # from closing the windows
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def save_screenshots(directory: str, *, language: str) -> list[Path]:
    """Screens of a demo terminal in ``language``, as PNG files in ``directory``."""
    from cashier.ui.screenshots import take_screenshots

    app = qt_application()
    translators = install_language(app, language)
    try:
        return take_screenshots(Path(directory), prefix=language)
    finally:
        for translator in translators:
            app.removeTranslator(translator)
