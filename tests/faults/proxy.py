"""``FaultProxy``: an HTTP proxy on 127.0.0.1 that misbehaves on purpose, in front of a gateway.

The network between a counter and OTT Pay delays, holds, drops, stalls and corrupts traffic; this
proxy does each of those on demand so a test can check that the terminal never loses, doubles or
waits for ever on a payment. It speaks just enough HTTP/1.1 (``Content-Length`` bodies, keep-alive
from the client, one fresh upstream connection per request) for the ``requests`` client, the
simulator and the callback receiver.

Usage::

    with Simulator(...) as sim, FaultProxy(sim.url) as proxy:
        client = OttPayClient(proxy.url, ...)          # same path as the upstream URL
        proxy.on("PASSIVEPAY", Drip(interval=0.2))      # every PASSIVEPAY from now on
        proxy.on("REFUND", Hold(), times=1)             # only the next REFUND
        ...
        proxy.wait_for("REFUND", held=1)                # the REFUND is in the proxy's hands
        proxy.release("REFUND")                         # deliver it to the gateway now
        assert proxy.forwarded["PASSIVEPAY"] == 1       # counted at the gateway side

Rules: ``on(action, fault, times=None)`` adds a rule for requests whose envelope ``action`` is
``action`` ("*" matches every request, including non-protocol ones such as a callback or a GET,
whose action is ``""``). The first rule that matches and has ``times`` left is used (``None``:
unlimited). ``clear()`` removes every rule. A request no rule matches passes untouched.

Faults: ``answer=False`` acts on the request before it reaches the gateway; ``answer=True`` (the
default where both make sense) acts on the gateway's answer after the gateway has processed the
request (so the payment happened, the terminal just does not hear of it).

=========================== ===============================================================
``Delay(seconds, answer)``  wait, then carry on normally
``Hold(answer)``            keep it until ``release()``; a held request reaches the gateway
                            only then (whether or not the client is still waiting), a held
                            answer is then sent if the client is still connected
``Drop(answer)``            close the client's connection without an answer
``Stall(answer)``           keep the connection open and send nothing until the client
                            closes it or the proxy stops
``Drip(interval)``          send the answer one byte every ``interval`` seconds (answer only)
``Truncate(keep, answer)``  answer: send its first ``keep`` bytes (status line and headers
                            included, promising the full length), then close; request: the
                            gateway gets only the first ``keep`` bytes of the body
``Tamper(change, answer)``  ``change(body: bytes) -> bytes`` on the body; the length is fixed
=========================== ===============================================================

Counters (``collections.Counter`` keyed by action, read them at any time):
``received`` requests that reached the proxy; ``forwarded`` requests that reached the gateway
(the count that matters for "never resent"; counted once the gateway has answered, so what the
request did is visible by then); ``answered`` answers sent in full to clients
(counted as the last byte is written, so it is up to date when the client has its answer).

Waiting: ``wait_for(action, received=, forwarded=, answered=, held=, timeout=10)`` blocks until
every given count is reached (``AssertionError`` after ``timeout``); ``held_count(action)``.

Teardown: ``stop()`` (or leaving the ``with``) closes every connection, wakes every wait (held
items are then discarded, never forwarded) and joins every thread it started.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urlsplit

_UPSTREAM_TIMEOUT = 60.0
_HOP_HEADERS = frozenset({"connection", "keep-alive", "content-length", "transfer-encoding"})


# -- faults ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delay:
    seconds: float
    answer: bool = True


@dataclass(frozen=True)
class Hold:
    answer: bool = False


@dataclass(frozen=True)
class Drop:
    answer: bool = False


@dataclass(frozen=True)
class Stall:
    answer: bool = False


@dataclass(frozen=True)
class Drip:
    interval: float
    answer: bool = field(default=True, init=False)


@dataclass(frozen=True)
class Truncate:
    keep: int
    answer: bool = True


@dataclass(frozen=True)
class Tamper:
    change: Callable[[bytes], bytes]
    answer: bool = True


Fault = Delay | Hold | Drop | Stall | Drip | Truncate | Tamper


@dataclass
class _Rule:
    action: str
    fault: Fault
    times: int | None


@dataclass
class _Request:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    action: str
    keep_alive: bool


@dataclass
class _Held:
    action: str
    released: threading.Event = field(default_factory=threading.Event)


# -- the proxy ---------------------------------------------------------------------------------

class FaultProxy:
    """Listens on 127.0.0.1 (a free port) and forwards to ``upstream_url``'s host and port."""

    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"the proxy forwards plain http only, not {upstream_url!r}")
        self._upstream = (parts.hostname, parts.port or 80)
        self._path = parts.path or "/"
        self.received: Counter[str] = Counter()
        self.forwarded: Counter[str] = Counter()
        self.answered: Counter[str] = Counter()
        self._rules: list[_Rule] = []
        self._held: list[_Held] = []
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._spawn(self._accept_loop, "fault-proxy-accept")
        return self

    def stop(self) -> None:
        """Close every connection, wake every wait and join every thread."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)
        for thread in list(self._threads):
            thread.join()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The upstream URL with the proxy's address: point the client here."""
        return f"http://127.0.0.1:{self.port}{self._path}"

    # -- rules and control -------------------------------------------------------------------

    def on(self, action: str, fault: Fault, *, times: int | None = None) -> None:
        with self._changed:
            self._rules.append(_Rule(action, fault, times))

    def clear(self) -> None:
        with self._changed:
            self._rules.clear()

    def release(self, action: str = "*") -> int:
        """Let every held request or answer for ``action`` go on; returns how many."""
        with self._changed:
            chosen = [h for h in self._held if action in ("*", h.action)]
            for held in chosen:
                self._held.remove(held)
                held.released.set()
            self._changed.notify_all()
        return len(chosen)

    def held_count(self, action: str = "*") -> int:
        with self._changed:
            return sum(1 for h in self._held if action in ("*", h.action))

    def wait_for(self, action: str, *, received: int = 0, forwarded: int = 0, answered: int = 0,
                 held: int = 0, timeout: float = 10.0) -> None:
        """Block until each given count for ``action`` is reached; ``AssertionError`` if not."""
        def reached() -> bool:
            return (self.received[action] >= received and self.forwarded[action] >= forwarded
                    and self.answered[action] >= answered
                    and sum(1 for h in self._held if h.action == action) >= held)

        with self._changed:
            if not self._changed.wait_for(reached, timeout):
                raise AssertionError(
                    f"{action}: received {self.received[action]}, forwarded "
                    f"{self.forwarded[action]}, answered {self.answered[action]} within "
                    f"{timeout:g}s; wanted {received}/{forwarded}/{answered}, held {held}"
                )

    # -- serving -----------------------------------------------------------------------------

    def _spawn(self, target: Callable[..., None], name: str, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._changed:
                if self._stopping.is_set():
                    conn.close()
                    return
                self._sockets.add(conn)
            self._spawn(self._serve_connection, f"fault-proxy-conn-{len(self._threads)}", conn)

    def _serve_connection(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            while not self._stopping.is_set():
                request = _read_request(reader)
                if request is None or not self._serve_one(conn, request):
                    return
        except (OSError, ValueError):
            return
        finally:
            with self._changed:
                self._sockets.discard(conn)
            reader.close()
            _shutdown(conn)
            conn.close()

    def _serve_one(self, conn: socket.socket, request: _Request) -> bool:
        """Answer one request, applying its fault; ``False`` when the connection must close."""
        with self._changed:
            self.received[request.action] += 1
            fault = self._take_fault(request.action)
            self._changed.notify_all()
        if fault is not None and not fault.answer:
            if not self._pass(conn, fault, request.action):
                return False
            if isinstance(fault, Truncate):
                request.body = request.body[:fault.keep]
            elif isinstance(fault, Tamper):
                request.body = fault.change(request.body)
        head, body = self._forward(request)
        if fault is not None and fault.answer:
            if not self._pass(conn, fault, request.action):
                return False
            message = _message(head, body, request.keep_alive)
            if isinstance(fault, Drip):
                for index in range(len(message)):
                    if self._stopping.wait(fault.interval):
                        return False
                    if index == len(message) - 1:
                        self._count(self.answered, request.action)
                    conn.sendall(message[index:index + 1])
                return False
            if isinstance(fault, Truncate):
                conn.sendall(message[:fault.keep])
                return False
            if isinstance(fault, Tamper):
                body = fault.change(body)
        self._count(self.answered, request.action)  # before the write: the client may be quick
        conn.sendall(_message(head, body, request.keep_alive))
        return request.keep_alive

    def _pass(self, conn: socket.socket, fault: Fault, action: str) -> bool:
        """Apply a fault that decides whether traffic goes on at all: delay, hold, drop, stall."""
        match fault:
            case Delay(seconds=seconds):
                return not self._stopping.wait(seconds)
            case Hold():
                return self._hold(action)
            case Drop():
                return False
            case Stall():
                self._stall(conn)
                return False
        return True

    def _take_fault(self, action: str) -> Fault | None:
        for rule in self._rules:
            if rule.action in ("*", action) and (rule.times is None or rule.times > 0):
                if rule.times is not None:
                    rule.times -= 1
                return rule.fault
        return None

    def _count(self, counter: Counter[str], action: str) -> None:
        with self._changed:
            counter[action] += 1
            self._changed.notify_all()

    def _hold(self, action: str) -> bool:
        """Wait for ``release()``; ``False`` if the proxy stopped first."""
        held = _Held(action)
        with self._changed:
            self._held.append(held)
            self._changed.notify_all()
            self._changed.wait_for(lambda: held.released.is_set() or self._stopping.is_set())
        return held.released.is_set() and not self._stopping.is_set()

    def _stall(self, conn: socket.socket) -> None:
        """Say nothing until the client hangs up or the proxy stops."""
        while not self._stopping.is_set():
            readable, _, _ = select.select([conn], [], [], 0.05)
            if readable:
                try:
                    if not conn.recv(4096):
                        return
                except OSError:
                    return

    def _forward(self, request: _Request) -> tuple[bytes, bytes]:
        """Send ``request`` to the gateway on a fresh connection; its answer's head and body."""
        upstream = http.client.HTTPConnection(*self._upstream, timeout=_UPSTREAM_TIMEOUT)
        sent = False
        try:
            upstream.connect()
            assert upstream.sock is not None
            with self._changed:
                self._sockets.add(upstream.sock)
            if self._stopping.is_set():
                raise OSError("the proxy is stopping")
            headers = {k: v for k, v in request.headers if k.lower() not in _HOP_HEADERS}
            headers["Content-Length"] = str(len(request.body))
            headers["Connection"] = "close"
            upstream.request(request.method, request.target, request.body, headers)
            sent = True
            reply = upstream.getresponse()
            body = reply.read()
            lines = [f"HTTP/1.1 {reply.status} {reply.reason}"]
            lines += [f"{k}: {v}" for k, v in reply.getheaders() if k.lower() not in _HOP_HEADERS]
            return "\r\n".join(lines).encode("latin-1"), body
        except (OSError, http.client.HTTPException):
            return b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain", b"upstream failed"
        finally:
            if sent:  # counted once the gateway answered (or failed): its effect is visible
                self._count(self.forwarded, request.action)
            with self._changed:
                if upstream.sock is not None:
                    self._sockets.discard(upstream.sock)
            upstream.close()


def _message(head: bytes, body: bytes, keep_alive: bool) -> bytes:
    connection = b"keep-alive" if keep_alive else b"close"
    return (head + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\nConnection: "
            + connection + b"\r\n\r\n" + body)


def _read_request(reader) -> _Request | None:  # noqa: ANN001 - a socket's binary file
    """One request from the client, or ``None`` when it closed the connection."""
    line = reader.readline(65537)
    if not line.strip():
        return None
    method, target, version = line.decode("latin-1").split()
    headers: list[tuple[str, str]] = []
    while True:
        raw = reader.readline(65537)
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    lookup = {k.lower(): v for k, v in headers}
    length = int(lookup.get("content-length", "0"))
    body = reader.read(length) if length else b""
    if len(body) < length:
        return None
    keep_alive = lookup.get("connection", "").lower() != "close" and version == "HTTP/1.1"
    return _Request(method, target, headers, body, _action_of(body), keep_alive)


def _action_of(body: bytes) -> str:
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return ""
    action = envelope.get("action") if isinstance(envelope, dict) else None
    return action if isinstance(action, str) else ""


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
