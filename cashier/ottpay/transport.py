"""HTTP with a total deadline per request: connect plus the whole answer, whatever the network does.

``requests`` only has per-socket-operation timeouts: a gateway (or a middlebox) that sends one byte
every few seconds keeps a request alive for ever. Here a ``Watchdog`` thread shuts the request's
socket down when its deadline passes; the blocked read then fails at once, and the caller sees
``watch.expired``. Shutting the socket down works the same under TLS, and the connection is then
discarded by the pool, never reused. The socket is watched from the moment it is connected, so a
peer that drips its side of the TLS handshake is cut off by the same deadline as one that drips
its answer (for the handshake, the TLS context must be a ``WatchedSSLContext``).

    session = deadline_session()             # a requests.Session whose connections can be watched
    watchdog = Watchdog("ottpay")
    with watchdog.watch(seconds=18.05) as watch:
        reply = session.post(url, json=body, timeout=(3.05, 15))   # stream=False: body included
    # on an exception: watch.expired says whether the deadline (not the network) ended it
    watchdog.stop()                          # ends its thread; it also ends by itself when idle

The watchdog thread runs only while requests are in flight (and ``IDLE_SECONDS`` after), or
for the time asked by ``keep_ready`` (a warm-up: the scan that follows should not wait for a
thread to start), so a client that is never closed leaves no thread behind for long.
``abort()`` ends every request in flight at once (shutting down).
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

#: How long the watchdog thread waits for the next request before it ends.
IDLE_SECONDS = 0.5

_current = threading.local()  # the Watch of the request this thread is making, if any


class Watch:
    """One request's deadline; the socket it uses is attached once known."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.expired = False
        #: A TLS handshake of this request failed (``WatchedSSLContext``). The request is only
        #: written once its connection's handshake is done, and one request uses one
        #: connection, so this proves nothing of the request left.
        self.handshake_failed = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._socket = sock
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            _shut(self._socket)


class Watchdog:
    """Expires ``Watch``es at their deadline from one lazily started thread."""

    def __init__(self, name: str) -> None:
        self._name = f"{name}-watchdog"
        self._cond = threading.Condition()
        self._watches: set[Watch] = set()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._ready_until = 0.0  # keep_ready: the thread stays until then, watches or not

    @contextmanager
    def watch(self, seconds: float) -> Iterator[Watch]:
        """Watch the requests this thread makes in the block; expire them after ``seconds``."""
        watch = Watch(time.monotonic() + seconds)
        with self._cond:
            if self._stopping:
                watch.expired = True
            else:
                self._watches.add(watch)
                self._start_thread()
                self._cond.notify()
        previous = getattr(_current, "watch", None)
        _current.watch = watch
        try:
            yield watch
        finally:
            _current.watch = previous
            with self._cond:
                self._watches.discard(watch)
                if not self._watches:
                    self._cond.notify()

    def keep_ready(self, seconds: float) -> None:
        """Have the thread running now and for ``seconds`` more, watches or not, so a request
        made meanwhile does not start it first (a thread start, on a busy machine
        milliseconds, before the request may leave). Does nothing once stopped."""
        with self._cond:
            if self._stopping:
                return
            self._ready_until = max(self._ready_until, time.monotonic() + seconds)
            self._start_thread()
            self._cond.notify()

    def _start_thread(self) -> None:
        """Start the thread if it is not running (with ``_cond`` held)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    @property
    def stopped(self) -> bool:
        """``stop()`` was called: every new watch is born expired."""
        with self._cond:
            return self._stopping

    def abort(self) -> None:
        """Expire every request in flight now."""
        with self._cond:
            watches, self._watches = self._watches, set()
            self._cond.notify()
        for watch in watches:
            watch.expire()

    def stop(self) -> None:
        """Expire what is in flight, refuse new watches, join the thread."""
        with self._cond:
            self._stopping = True
            thread = self._thread
        self.abort()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                for watch in [w for w in self._watches if w.deadline <= now]:
                    self._watches.discard(watch)
                    watch.expire()
                if self._watches:
                    self._cond.wait(min(w.deadline for w in self._watches) - now)
                elif now < self._ready_until:
                    self._cond.wait(self._ready_until - now)
                elif not self._cond.wait(IDLE_SECONDS) and not self._watches:
                    break
            self._thread = None


def deadline_session(*, ssl_context: ssl.SSLContext | None = None,
                     https_connection: type[WatchedHTTPSConnection] | None = None,
                     ) -> requests.Session:
    """A ``requests.Session`` whose http and https connections report their socket to the
    ``Watch`` of the thread using them (proxied connections included).

    ``ssl_context``: the TLS client context of every https connection (urllib3 makes one per
    connection otherwise); ``https_connection``: a ``WatchedHTTPSConnection`` subclass to use.
    """
    session = requests.Session()
    pools = dict(_WATCHED_POOLS)
    if https_connection is not None:
        pools["https"] = type("GatewayHTTPSPool", (HTTPSConnectionPool,),
                              {"ConnectionCls": https_connection})
    adapter = _WatchedAdapter(pools, ssl_context)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _shut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    try:
        # The plain socket's shutdown, also for an SSLSocket: it wakes a blocked read without
        # touching the TLS object another thread is using.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, TypeError, ValueError):
        pass


def _attach_to_current(sock: Any) -> None:
    watch: Watch | None = getattr(_current, "watch", None)
    if watch is not None and isinstance(sock, socket.socket):
        watch.attach(sock)


class WatchedSSLContext(ssl.SSLContext):
    """A client TLS context whose handshakes the current ``Watch`` may cut short: the TLS
    socket is handed to the watch before the handshake starts, not once it is done."""

    def wrap_socket(self, sock: Any, *args: Any, do_handshake_on_connect: bool = True,
                    **kwargs: Any) -> ssl.SSLSocket:
        wrapped = super().wrap_socket(sock, *args, do_handshake_on_connect=False, **kwargs)
        if do_handshake_on_connect:
            _attach_to_current(wrapped)
            try:
                wrapped.do_handshake()
            except BaseException:
                watch: Watch | None = getattr(_current, "watch", None)
                if watch is not None:
                    watch.handshake_failed = True
                wrapped.close()
                raise
        return wrapped


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _attach_to_current(sock)  # sending the request is watched too
        return sock

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _attach_to_current(self.sock)
        return super().getresponse(*args, **kwargs)


class WatchedHTTPSConnection(HTTPSConnection):
    """An https connection whose socket the current ``Watch`` may shut (subclass to refine)."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _attach_to_current(sock)  # until the TLS context takes it over for the handshake
        return sock

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _attach_to_current(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    def __init__(self, pools: dict[str, type[HTTPConnectionPool]],
                 ssl_context: ssl.SSLContext | None) -> None:
        self._pools = pools
        self._ssl_context = ssl_context
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        if self._ssl_context is not None:
            kwargs["ssl_context"] = self._ssl_context
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        if self._ssl_context is not None:
            proxy_kwargs.setdefault("ssl_context", self._ssl_context)
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = self._pools
        return manager
