"""Start the Qt application for ``cashier gui``: language first, then the terminal's windows."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from cashier.config import Config
from cashier.ui.app import Terminal
from cashier.ui.i18n import install_language


def run_terminal(config: Config, *, demo: bool, language: str | None,
                 argv: list[str] | None = None) -> int:
    """Run the terminal until its window closes; returns the exit code."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("cashier")
    install_language(app, language)
    terminal = Terminal(config, demo=demo, customer_display=config.display.customer_display
                        or demo)
    try:
        terminal.show()
        return int(app.exec())
    finally:
        terminal.close()
