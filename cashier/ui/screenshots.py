"""Screenshots of the real terminal's main screens (for the README), rendered offscreen.

Drives a demo terminal (embedded simulator, journal in a temporary folder) through a sale and
grabs each screen: ``cashier gui --screenshots DIR [--language zh_CN]``.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from cashier.config import Config
from cashier.operators import DEMO_CASHIER_PIN
from cashier.simulator import Scenario, demo_code
from cashier.ui.app import Terminal
from cashier.wallets import Wallet

SIZE = (1024, 768)  # the smallest screen the layout is made for


def _wait(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the terminal did not reach the screen to capture")
        QApplication.processEvents()
        time.sleep(0.01)


def _settle() -> None:
    for _ in range(5):
        QApplication.processEvents()
        time.sleep(0.02)


def _save(widget: QWidget, path: Path) -> Path:
    _settle()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def take_screenshots(out_dir: Path, prefix: str = "en", *,
                     confirm_after_queries: int = 30) -> list[Path]:
    """Write ``<prefix>-<screen>.png`` files to ``out_dir``; returns them.

    ``confirm_after_queries`` keeps the "confirm on phone" sale waiting long enough to capture.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        terminal = Terminal(Config(), demo=True, journal_path=Path(tmp) / "journal.sqlite",
                            customer_display=True,
                            simulator_options={"confirm_after_queries": confirm_after_queries},
                            payment_options={"poll_interval": 0.2})
        try:
            window, display = terminal.window, terminal.customer_display
            terminal.show()
            window.resize(*SIZE)
            display.resize(800, 600)
            shots.append(_save(window, out_dir / f"{prefix}-signin.png"))
            terminal.signin.sign_in(terminal.signin.operators.find_by_pin(DEMO_CASHIER_PIN))
            for key in "128.50":
                window.amount_entry.press(key)
            window.amount_entry.press("tip")
            for key in "10":
                window.amount_entry.press(key)
            shots.append(_save(window, out_dir / f"{prefix}-entry.png"))

            window.handle_scan(demo_code(Scenario.CONFIRM_SUCCESS))
            _wait(lambda: window.state == "waiting")
            shots.append(_save(window, out_dir / f"{prefix}-waiting.png"))
            _wait(lambda: window.state == "result", timeout=20)
            shots.append(_save(window, out_dir / f"{prefix}-paid.png"))
            window.new_sale()

            for key in "36":
                window.amount_entry.press(key)
            window.handle_scan(demo_code(Scenario.DECLINED))
            _wait(lambda: window.state == "result")
            shots.append(_save(window, out_dir / f"{prefix}-declined.png"))
            window.new_sale()

            for key in "42":
                window.amount_entry.press(key)
            window.start_link()
            _wait(lambda: window.state == "waiting" and window.link_row.isVisible())
            shots.append(_save(window, out_dir / f"{prefix}-link.png"))
            window.cancel()  # the amount stays; the line says it is still being checked
            shots.append(_save(window, out_dir / f"{prefix}-cancelled.png"))
            window.new_sale()

            for key in "88.80":
                window.amount_entry.press(key)
            window.start_active(Wallet.ALIPAY)
            _wait(lambda: window.state == "waiting" and display.page == "qr")
            _wait(lambda: bool(display.qr_cny.text()))
            shots.append(_save(window, out_dir / f"{prefix}-qr.png"))
            shots.append(_save(display, out_dir / f"{prefix}-customer-display.png"))
            window.cancel()

            history = terminal.open_history()
            history.resize(*SIZE)
            _wait(lambda: len(history.sales) >= 2)
            history.select_order(history.sales[-1].order_id)
            _wait(lambda: bool(history.detail.text()))
            shots.append(_save(history, out_dir / f"{prefix}-history.png"))
            refund = history.ask_refund()
            if refund is not None:
                shots.append(_save(refund, out_dir / f"{prefix}-refund.png"))
                refund.reject()
            history.close()
            reports = terminal.open_reports()
            _wait(lambda: reports.report is not None)
            shots.append(_save(reports, out_dir / f"{prefix}-x-report.png"))
            reports.close()
            settings = terminal.open_settings()
            shots.append(_save(settings, out_dir / f"{prefix}-settings.png"))
            settings.close()
        finally:
            terminal.close()
    return shots
