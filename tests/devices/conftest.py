"""A stand-in network receipt printer: a real TCP server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest


class FakeNetworkPrinter:
    """Accepts connections, keeps every byte per connection, optionally answers DLE EOT 4."""

    def __init__(self, status_reply: bytes | None = None, port: int = 0) -> None:
        self.status_reply = status_reply
        self.jobs: list[bytes] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self._sock.listen(8)
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._received = threading.Condition()
        self._thread = threading.Thread(target=self._serve, name="fake-printer", daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.05)
                data = bytearray()
                while not self._stop.is_set():
                    try:
                        chunk = conn.recv(65536)
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                    if not chunk:
                        break
                    data += chunk
                    if self.status_reply is not None and data.endswith(b"\x10\x04\x04"):
                        conn.sendall(self.status_reply)
            with self._received:
                self.jobs.append(bytes(data))
                self._received.notify_all()

    def wait_jobs(self, count: int, timeout: float = 10.0) -> list[bytes]:
        with self._received:
            self._received.wait_for(lambda: len(self.jobs) >= count, timeout)
            return list(self.jobs)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


@pytest.fixture
def network_printer() -> Iterator[FakeNetworkPrinter]:
    printer = FakeNetworkPrinter()
    yield printer
    printer.close()
