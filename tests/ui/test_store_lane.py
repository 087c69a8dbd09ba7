"""A store database that never answers holds the back office, never the counter: with every
store question of the terminal stuck (All lanes asked again and again, the store X report, the
banner's poll), a sale against the real simulator is paid, and closing the terminal waits only
for the questions already under way."""

from __future__ import annotations

import selectors
import socket
import threading
from types import TracebackType

from PySide6.QtCore import Qt

from cashier.store import central
from cashier.ui.bridge import STORE_WORKERS
from tests.ui.test_history_store import sell


class SilentStore:
    """A store database address on 127.0.0.1 that accepts connections, reads what it is sent
    and never answers: each client waits for its own deadline. ``accepted`` counts the
    connections, ``given_up`` those the client closed."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.setblocking(False)
        self.url = f"postgresql://cashier@127.0.0.1:{self._server.getsockname()[1]}/store"
        self.accepted = 0
        self.given_up = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="test-silent-store")

    def __enter__(self) -> SilentStore:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.hang_up()

    def hang_up(self) -> None:
        """Close every connection: each client stuck on this store gets its answer (an error)
        at once instead of at its deadline."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._server, selectors.EVENT_READ)
            while not self._stop.is_set():
                for key, _ in selector.select(0.05):
                    if key.fileobj is self._server:
                        conn, _ = self._server.accept()
                        conn.setblocking(False)
                        selector.register(conn, selectors.EVENT_READ)
                        self.accepted += 1
                        continue
                    conn = key.fileobj
                    try:
                        data = conn.recv(65536)
                    except ConnectionResetError:
                        data = b""
                    if not data:
                        selector.unregister(conn)
                        conn.close()
                        self.given_up += 1
            for key in list(selector.get_map().values()):
                key.fileobj.close()


def test_a_sale_is_paid_while_every_store_question_is_stuck(qtbot, make_store_terminal,
                                                          monkeypatch):
    # Stuck for the whole test, however slow the machine: the store's questions end when the
    # store hangs up below, never by their own deadline in the middle of the sale.
    monkeypatch.setattr(central, "CONNECT_TIMEOUT_SECONDS", 600)
    with SilentStore() as store:
        front = make_store_terminal(store.url)  # its banner's poll asks the store at once
        history = front.open_history()
        qtbot.waitUntil(lambda: "sale(s)" in history.status.text(), timeout=10_000)
        qtbot.mouseClick(history.all_lanes_button, Qt.MouseButton.LeftButton)
        for _ in range(4):  # the cashier, impatient, asks again and again
            history.reload()
        reports = front.open_reports()
        for _ in range(3):
            qtbot.mouseClick(reports.store_x_button, Qt.MouseButton.LeftButton)
        # the shipper, the banner's poll and All lanes are waiting on the store
        qtbot.waitUntil(lambda: store.accepted >= 1 + STORE_WORKERS, timeout=10_000)

        order_id = sell(qtbot, front, "4.56")

        assert front.port.sale(order_id).state == "paid"
        assert store.given_up == 0  # paid while nothing asked of the store has been answered
        assert store.accepted == 1 + STORE_WORKERS  # the shipper's, and the store lane's: the
        # rest of the questions wait for a worker of the store lane, not of the counter
        assert front.other_lanes_late.busy
        assert history.all_lanes and history.status.text() == "Loading…"
        assert history.notice.text() == "" and reports.notice.text() == ""

        # Closing drops the questions still waiting for a worker and waits for those under way,
        # which end as soon as the store answers (here: hangs up).
        store.hang_up()
        front.close()  # returns: nothing of the terminal is left waiting on the store
