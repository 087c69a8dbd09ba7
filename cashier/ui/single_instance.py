"""One terminal per journal: a second launch brings the running window forward and exits.

The running terminal listens on a ``QLocalServer`` named after its journal file; a second
``cashier gui`` (or ``cashier demo``) for the same journal connects, asks the first to come
forward and exits. Who runs is decided by the journal's terminal lease
(``Journal.claim_terminal``), which survives a killed terminal as a stale row that is detected;
the local socket only carries the "come forward" message, so a socket file a killed terminal left
behind is simply replaced by the next one.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger("cashier.ui")

COME_FORWARD = b"come-forward\n"
_WAIT_MS = 1000  # local IPC: the running terminal answers at once if it is there


def server_name(journal_path: Path) -> str:
    """The local server name of the terminal working on ``journal_path`` (absolute path)."""
    digest = hashlib.sha256(str(journal_path.resolve()).encode("utf-8")).hexdigest()[:20]
    return f"cashier-terminal-{digest}"


def bring_running_forward(journal_path: Path) -> bool:
    """Ask the terminal running on ``journal_path`` to show its window; False if none answers."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(journal_path))
    if not socket.waitForConnected(_WAIT_MS):
        return False
    socket.write(COME_FORWARD)
    sent = socket.waitForBytesWritten(_WAIT_MS)
    socket.disconnectFromServer()
    return sent


class InstanceServer(QObject):
    """Listens for later launches on the same journal and brings ``window`` forward."""

    came_forward = Signal()

    def __init__(self, journal_path: Path, window: QWidget) -> None:
        super().__init__(window)  # lives and dies with the window (no reference back to it)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        name = server_name(journal_path)
        QLocalServer.removeServer(name)  # left by a killed terminal: this one holds the lease
        if not self._server.listen(name):
            log.warning("single instance: cannot listen on %s: %s", name,
                        self._server.errorString())
        self._server.newConnection.connect(self._accept)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while (connection := self._server.nextPendingConnection()) is not None:
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)
            if connection.bytesAvailable():
                self._read(connection)

    def _read(self, connection: QLocalSocket) -> None:
        """Any message is the one request there is: come forward."""
        if not connection.readAll().data():
            return
        window = self.parent()
        assert isinstance(window, QWidget)
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()
        self.came_forward.emit()
