"""An internet path on loopback: a TCP proxy that delays each direction by half a round trip,
and a gateway behind it in a process of its own.

    with LatencyProxy(("127.0.0.1", sim.port), rtt=0.150) as proxy:
        url = f"https://127.0.0.1:{proxy.port}/processV2"

    with RemoteGateway(rtt=0.150, idle_timeout=60, ca_folder=folder) as gateway:
        gateway.url                  # the proxy's https address; trust gateway.ca_file
        gateway.customer_pays(order_id)
        gateway.status_queries(order_id), gateway.connections()

``RemoteGateway`` runs the simulator (HTTPS, a certificate authority made for the run) and the
proxy in a child process (``python -m benchmarks.wan``), as a real gateway is another machine:
the terminal measured never shares an interpreter lock with the gateway or the network.

Every byte the client sends reaches the server ``rtt / 2`` later, and every byte (and the close)
the server sends reaches the client ``rtt / 2`` later, so a TLS handshake pays its round trips
like the request does. The TCP handshake itself completes at once on loopback; to charge it, the
first bytes of a connection are held until one round trip after it was accepted (where a real
client could only start sending after SYN / SYN-ACK). Nothing is reordered, nothing dropped.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
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


class RemoteGateway:
    """The simulator behind a ``LatencyProxy``, in a child process driven over its stdin/stdout.

    ``idle_timeout``: the simulator's (the gateway's) for idle keep-alive connections. The
    child's certificate authority is written to ``ca_folder`` (``ca_file`` for the client).
    """

    def __init__(self, *, rtt: float, idle_timeout: float, ca_folder: Path) -> None:
        self.rtt = rtt
        self.ca_file = ca_folder / "ca.pem"
        root = Path(__file__).resolve().parents[1]
        self._child = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.wan", "--rtt", str(rtt), "--idle",
             str(idle_timeout), "--ca", str(ca_folder)],
            cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        port = self._ask("port")
        self.url = f"https://127.0.0.1:{port}/processV2"

    def customer_pays(self, order_id: str) -> None:
        """The customer pays a QR order at the gateway (no callback is delivered)."""
        self._ask(f"pay {order_id}")

    def status_queries(self, order_id: str) -> int:
        """STATUS_QUERYs the gateway received about ``order_id``."""
        return int(self._ask(f"queries {order_id}"))

    def connections(self) -> tuple[int, int]:
        """(TLS connections accepted, of which resumed an earlier session)."""
        opened, resumed = self._ask("connections").split()
        return int(opened), int(resumed)

    def close(self) -> None:
        if self._child.poll() is None:
            self._ask("quit")
        self._child.wait(30)
        for pipe in (self._child.stdin, self._child.stdout):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> RemoteGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ask(self, line: str) -> str:
        assert self._child.stdin is not None and self._child.stdout is not None
        self._child.stdin.write(line + "\n")
        self._child.stdin.flush()
        answer = self._child.stdout.readline().strip()
        if not answer.startswith("ok"):
            raise RuntimeError(f"the gateway process answered {answer!r} to {line!r}")
        return answer[2:].strip()


def serve(argv: list[str] | None = None) -> int:
    """The child of ``RemoteGateway``: one command per line on stdin, ``ok ...`` on stdout."""
    from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator
    from cashier.simulator.tls import TestAuthority

    parser = argparse.ArgumentParser(prog="python -m benchmarks.wan")
    parser.add_argument("--rtt", type=float, required=True)
    parser.add_argument("--idle", type=float, required=True)
    parser.add_argument("--ca", type=Path, required=True)
    args = parser.parse_args(argv)
    authority = TestAuthority.create(args.ca)
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, tls=authority.server_context(),
                   idle_timeout=args.idle, callback_retries=0) as sim, \
            LatencyProxy(("127.0.0.1", sim.port), args.rtt) as proxy:
        for line in sys.stdin:
            command, _, arg = line.strip().partition(" ")
            if command == "port":
                answer = str(proxy.port)
            elif command == "pay":
                sim.customer_pays(arg)
                answer = ""
            elif command == "queries":
                answer = str(len(sim.requests(order_id=arg, action="STATUS_QUERY")))
            elif command == "connections":
                answer = f"{sim.connections_opened} {sim.sessions_resumed}"
            elif command == "quit":
                print("ok", flush=True)
                break
            else:
                print(f"error unknown command {command!r}", flush=True)
                continue
            print(f"ok {answer}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(serve())
