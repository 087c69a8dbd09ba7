"""``DrippingRelay``: a TCP relay on 127.0.0.1 whose first connections crawl.

``FaultProxy`` works on HTTP requests, so it cannot touch what comes before one: the TCP connect
and the TLS handshake. This relay passes raw bytes to an upstream (an HTTPS simulator), but on
the first ``drip`` connections it sends the upstream's bytes to the client one every
``interval`` seconds: the gateway's half of the TLS handshake, which would take minutes. A
client with per-read timeouts only waits for ever; one with a total deadline hangs up. Later
connections pass untouched, so the same client can then reach the real simulator through it.
With ``drip=0`` it is a plain relay whose line can be ``cut`` (every connection closed, new ones
closed at once) and ``mend``-ed: a network outage between a client and its server.

    with Simulator(tls=...) as sim, DrippingRelay(sim.port, interval=0.2) as relay:
        url = relay.url("/processV2")
        relay.dripping.wait(10)        # the first connection's handshake is crawling
        relay.hung_up.wait(10)         # ... and the client gave up on it
        relay.dripped                  # bytes sent to the client on dripped connections
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class DrippingRelay:
    """Relays 127.0.0.1:``port`` to 127.0.0.1:``upstream_port``, dripping the first ``drip``
    connections' answers one byte every ``interval`` seconds."""

    def __init__(self, upstream_port: int, *, interval: float, drip: int = 1) -> None:
        self._upstream = ("127.0.0.1", upstream_port)
        self._interval = interval
        self._drip_left = drip
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, name="relay-accept")]
        #: Set once a dripped connection has sent the client its first byte.
        self.dripping = threading.Event()
        #: Set once the client closed a dripped connection.
        self.hung_up = threading.Event()
        self.dripped = 0
        self.connections = 0
        self._cut = False

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> DrippingRelay:
        self._threads[0].start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def stop(self) -> None:
        """Close every connection and join every thread."""
        self._stopping.set()
        self._threads[0].join()
        self._listener.close()
        with self._lock:
            sockets, threads = list(self._sockets), self._threads[1:]
        for sock in sockets:
            _shut(sock)
        for thread in threads:
            thread.join()
        for sock in sockets:
            sock.close()

    def cut(self) -> None:
        """The line goes down: every connection is closed, and new ones at once, until
        ``mend``."""
        with self._lock:
            self._cut = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def mend(self) -> None:
        """The line is back: new connections are relayed again."""
        with self._lock:
            self._cut = False

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            with self._lock:
                cut = self._cut
            if cut:
                client.close()
                continue
            client.settimeout(None)
            upstream = socket.create_connection(self._upstream)
            with self._lock:
                self.connections += 1
                dripped = self._drip_left > 0
                self._drip_left -= dripped
                number = self.connections
                self._sockets += [client, upstream]
                threads = [
                    threading.Thread(target=self._up, args=(client, upstream, dripped),
                                     name=f"relay-{number}-up"),
                    threading.Thread(target=self._drip if dripped else self._down,
                                     args=(upstream, client), name=f"relay-{number}-down"),
                ]
                self._threads += threads
            for thread in threads:
                thread.start()

    def _up(self, client: socket.socket, upstream: socket.socket, dripped: bool) -> None:
        while True:
            try:
                data = client.recv(65536)
                if data:
                    upstream.sendall(data)
                    continue
            except OSError:
                pass
            break
        if dripped and not self._stopping.is_set():
            self.hung_up.set()
        _shut(upstream)
        _shut(client)

    def _down(self, upstream: socket.socket, client: socket.socket) -> None:
        while True:
            try:
                data = upstream.recv(65536)
                if data:
                    client.sendall(data)
                    continue
            except OSError:
                pass
            break
        _shut(client)

    def _drip(self, upstream: socket.socket, client: socket.socket) -> None:
        pending = b""
        while not self._stopping.is_set():
            try:
                if not pending:
                    pending = upstream.recv(65536)
                    if not pending:
                        break
                client.sendall(pending[:1])
            except OSError:
                break
            pending = pending[1:]
            with self._lock:
                self.dripped += 1
            self.dripping.set()
            self._stopping.wait(self._interval)
        _shut(client)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
