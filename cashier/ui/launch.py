"""Start the Qt application for ``cashier gui``: language first, then the terminal's windows."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from cashier.config import Config
from cashier.ui.app import Terminal
from cashier.ui.i18n import install_language

ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "cashier.svg"


def run_terminal(config: Config, *, demo: bool, language: str | None,
                 argv: list[str] | None = None, exit_after: float | None = None) -> int:
    """Run the terminal until its window closes (or Ctrl-C / SIGTERM); returns the exit code.

    ``exit_after`` quits after that many seconds (smoke tests, screenshots).
    """
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("cashier")
    app.setWindowIcon(QIcon(str(ICON)))
    install_language(app, language)
    terminal = Terminal(config, demo=demo, customer_display=config.display.customer_display
                        or demo)
    # quit() outside the event loop does nothing, so a signal arriving before exec() is queued.
    previous = {sig: signal.signal(sig, lambda *_: QTimer.singleShot(0, app.quit))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    wake = QTimer()  # Python runs signal handlers only when the interpreter gets control
    wake.timeout.connect(lambda: None)
    wake.start(200)
    try:
        terminal.show()
        if exit_after is not None:
            QTimer.singleShot(int(exit_after * 1000), app.quit)
        where = f" (demo: simulator at {terminal.simulator.base_url})" if demo else ""
        QTimer.singleShot(0, lambda: print(f"cashier terminal running{where}", flush=True))
        return int(app.exec())
    finally:
        wake.stop()
        terminal.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def save_screenshots(directory: str, *, language: str) -> list[Path]:
    """Screens of a demo terminal in ``language``, as PNG files in ``directory``."""
    from cashier.ui.screenshots import take_screenshots

    app = QApplication.instance() or QApplication(sys.argv[:1])
    translators = install_language(app, language)
    try:
        return take_screenshots(Path(directory), prefix=language)
    finally:
        for translator in translators:
            app.removeTranslator(translator)
