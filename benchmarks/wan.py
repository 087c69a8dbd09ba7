"""An internet path on loopback: a TCP proxy that delays each direction by half a round trip.

    with LatencyProxy(("127.0.0.1", sim.port), rtt=0.150) as proxy:
        url = f"https://127.0.0.1:{proxy.port}/processV2"

Every byte the client sends reaches the server ``rtt / 2`` later, and every byte (and the close)
the server sends reaches the client ``rtt / 2`` later, so a TLS handshake pays its round trips
like the request does. The TCP handshake itself completes at once on loopback; to charge it, the
first bytes of a connection are held until one round trip after it was accepted (where a real
client could only start sending after SYN / SYN-ACK). Nothing is reordered, nothing dropped.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from types import TracebackType

_CLOSE = b""  # queued after the last bytes of a direction: shut the other side's write half


class _Direction:
    """One direction of one connection: a reader that stamps what arrives, a writer that
    delivers it when due."""

    def __init__(self, source: socket.socket, target: socket.socket, delay: float,
                 not_before: float, name: str) -> None:
        self.source, self.target = source, target
        self.delay, self.not_before = delay, not_before
        self.queue: deque[tuple[float, bytes]] = deque()
        self.ready = threading.Condition()
        self.threads = [threading.Thread(target=self._read, name=f"{name}-read", daemon=True),
                        threading.Thread(target=self._write, name=f"{name}-write", daemon=True)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _read(self) -> None:
        while True:
            try:
                data = self.source.recv(65536)
            except OSError:
                data = _CLOSE
            due = max(time.monotonic(), self.not_before) + self.delay
            with self.ready:
                self.queue.append((due, data))
                self.ready.notify()
            if data == _CLOSE:
                return

    def _write(self) -> None:
        while True:
            with self.ready:
                while not self.queue:
                    self.ready.wait()
                due, data = self.queue.popleft()
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                if data == _CLOSE:
                    self.target.shutdown(socket.SHUT_WR)
                    return
                self.target.sendall(data)
            except OSError:
                return


class LatencyProxy:
    """Forwards 127.0.0.1:``port`` to ``upstream`` with ``rtt`` seconds of round trip."""

    def __init__(self, upstream: tuple[str, int], rtt: float) -> None:
        self.upstream = upstream
        self.rtt = rtt
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._sockets: list[socket.socket] = []
        self._directions: list[_Direction] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="wan-proxy", daemon=True)
        self.connections = 0

    def start(self) -> LatencyProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close every socket and join every thread."""
        self._stopping.set()
        self._thread.join()
        self._listener.close()
        with self._lock:
            sockets, directions = list(self._sockets), list(self._directions)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for direction in directions:
            with direction.ready:  # wake a writer waiting for data that will never come
                direction.queue.append((0.0, _CLOSE))
                direction.ready.notify()
        for direction in directions:
            for thread in direction.threads:
                thread.join(5)
        for sock in sockets:
            sock.close()

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted = time.monotonic()
            client.settimeout(None)
            server = socket.create_connection(self.upstream)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            half = self.rtt / 2
            with self._lock:
                self.connections += 1
                name = f"wan-proxy-{self.connections}"
                directions = [
                    _Direction(client, server, half, accepted + self.rtt, f"{name}-up"),
                    _Direction(server, client, half, accepted, f"{name}-down"),
                ]
                self._sockets += [client, server]
                self._directions += directions
            for direction in directions:
                direction.start()
