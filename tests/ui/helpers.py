"""Helpers shared by the UI tests."""

from __future__ import annotations

import socket
import threading

from PySide6.QtCore import Qt

from cashier.config import Config, PrinterKind, PrinterSection
from cashier.ui.app import Terminal

MANAGER_ID = "0000000009"  # the manager of a lane terminal's settings (tests.ui.conftest)

FAST = {"poll_interval": 0.05, "passive_timeout": 5.0, "active_timeout": 5.0,
        "resolver_max_interval": 0.1, "unknown_grace": 1.0}


def key_amount(qtbot, terminal: Terminal, amount: str, tip: str = "") -> None:
    entry = terminal.window.amount_entry
    for char in amount:  # typed like a person: slower than the wedge's max gap
        qtbot.keyClick(entry, char)
        qtbot.wait(70)
    if tip:
        qtbot.keyClick(entry, Qt.Key.Key_Tab)
        for char in tip:
            qtbot.keyClick(entry, char)
            qtbot.wait(70)
    qtbot.waitUntil(lambda: entry.amount.text == amount and entry.tip.text == tip, timeout=2000)


class NetworkPrinter:
    """A TCP socket on 127.0.0.1 standing in for a network receipt printer: keeps every job."""

    def __init__(self, port: int = 0) -> None:
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="test-printer")
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
                self.jobs.append(b"".join(chunks))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


def printer_config(port: int) -> Config:
    return Config(printer=PrinterSection(kind=PrinterKind.NETWORK, address=f"127.0.0.1:{port}",
                                          width=58))
