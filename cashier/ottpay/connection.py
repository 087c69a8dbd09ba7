"""The client's HTTPS connection to the gateway, kept open so a payment costs one round trip.

Across the internet, what a sale waits for is round trips: a payment sent with no open connection
pays TCP connect + TLS handshake + the request (3-4 round trips, where the request alone is 1).
``GatewayConnection`` holds the ``requests`` session the client posts through and:

- ``warm_up()`` opens the connection (TCP + TLS, no request at all) ahead of need, e.g. while the
  cashier keys an amount, and reopens it once it has been idle for half the gateway's idle
  timeout, so the gateway's front end never closes it under a payment. The whole warm-up has one
  deadline (a gateway that drips its handshake is cut off at it), and a payment never waits for
  a warm-up: one sent meanwhile opens a connection of its own;
- never sends a request on a connection idle that long (it is dropped and a new one opened);
- offers the previous TLS session to the next handshake (resumption: one round trip less on
  TLS 1.2, less CPU on TLS 1.3), with TLS 1.2 as the oldest version and 1.3 where offered;
- does not mistake a TLS 1.3 session ticket, which servers send after the handshake, for the
  server closing the connection (urllib3 would otherwise throw away every warmed connection).

Certificates are always verified: against ``ca_bundle`` (a PEM file of the authorities to trust
instead of the public ones) when given, else the public authorities ``requests`` ships.
"""

from __future__ import annotations

import logging
import re
import ssl
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.util.wait import wait_for_read

from cashier.ottpay.transport import (
    Watchdog,
    WatchedHTTPSConnection,
    WatchedSSLContext,
    deadline_session,
)

logger = logging.getLogger("cashier.ottpay")

#: Common front-end keep-alive timeouts are 60-75 s; assume the shorter.
DEFAULT_IDLE_TIMEOUT = 60.0


#: How the client says the gateway's certificate is not trusted (other layers recognise it).
CERTIFICATE_NOT_VERIFIED = "the gateway's TLS certificate could not be verified"


def handshake_failure(exc: BaseException) -> str:
    """What a failed TLS handshake means, as a clause: the certificate, or the handshake."""
    text = str(exc)
    if "certificate verify failed" in text or "CERTIFICATE_VERIFY_FAILED" in text:
        return f"{CERTIFICATE_NOT_VERIFIED} ({certificate_problem(exc)})"
    return f"the TLS handshake with the gateway failed ({certificate_problem(exc)})"


def certificate_problem(exc: BaseException) -> str:
    """Why a TLS handshake failed, in a few words (``certificate verify failed: ...``)."""
    text = str(exc)
    match = re.search(r"certificate verify failed: ([^(]+?)\s*\(_ssl", text)
    if match:
        return match[1]
    match = re.search(r"\[SSL: ([A-Z0-9_]+)\]", text)
    return match[1].lower().replace("_", " ") if match else type(exc).__name__


class _ResumingContext(WatchedSSLContext):
    """A client TLS context that offers each host the last session it gave us."""

    def __init__(self, protocol: int = ssl.PROTOCOL_TLS_CLIENT) -> None:
        self._sessions: dict[str | None, ssl.SSLSession] = {}
        self._open: weakref.WeakSet[ssl.SSLSocket] = weakref.WeakSet()
        self._sessions_lock = threading.Lock()

    def remember(self, sock: ssl.SSLSocket) -> None:
        """Keep ``sock``'s session for the next handshake with the same host, if resumable."""
        try:
            session = sock.session
        except (OSError, ValueError):
            return
        if session is not None and (session.has_ticket or session.id):
            with self._sessions_lock:
                self._sessions[sock.server_hostname] = session

    def wrap_socket(self, sock: Any, *args: Any, server_hostname: str | None = None,
                    session: ssl.SSLSession | None = None, **kwargs: Any) -> ssl.SSLSocket:
        with self._sessions_lock:
            live = list(self._open)
        for other in live:  # a TLS 1.3 ticket is only known once the connection has read data
            self.remember(other)
        with self._sessions_lock:
            offered = session or self._sessions.get(server_hostname)
        wrapped = super().wrap_socket(sock, *args, server_hostname=server_hostname,
                                      session=offered, **kwargs)
        with self._sessions_lock:
            self._open.add(wrapped)
        return wrapped


def _client_context() -> _ResumingContext:
    context = _ResumingContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2  # 1.3 whenever the gateway offers it
    context.options |= ssl.OP_NO_COMPRESSION
    return context


class _GatewayHTTPSConnection(WatchedHTTPSConnection):
    """An HTTPS connection that tells a TLS 1.3 session ticket from a closed connection."""

    @property
    def is_connected(self) -> bool:
        sock = self.sock
        if sock is None:
            return False
        if not wait_for_read(sock, timeout=0.0):
            return True
        if not isinstance(sock, ssl.SSLSocket):
            return False
        # Readable: the server closed, sent something unasked, or sent only TLS records such as
        # session tickets. Reading without blocking processes those and then wants more.
        timeout = sock.gettimeout()
        sock.settimeout(0.0)
        try:
            sock.recv(1)
        except ssl.SSLWantReadError:
            return True
        except OSError:
            return False
        finally:
            sock.settimeout(timeout)
        return False  # end of stream, or data no request asked for: not reusable

    def close(self) -> None:
        sock = self.sock
        if isinstance(sock, ssl.SSLSocket) and isinstance(sock.context, _ResumingContext):
            sock.context.remember(sock)
        super().close()


class GatewayConnection:
    """The session the client posts through, plus warm-up and retirement of idle connections.

    ``idle_timeout``: how long the gateway keeps an unused connection open (seconds); a
    connection idle for half of it is not used for a request and is reopened by ``warm_up``.
    ``trust_env``: whether environment proxies apply (never for a loopback simulator).
    ``watchdog``: what holds ``warm_up`` to its deadline (the client's, so closing the client
    ends a warm-up too).
    """

    def __init__(self, endpoint: str, *, watchdog: Watchdog, ca_bundle: str | Path | None = None,
                 idle_timeout: float = DEFAULT_IDLE_TIMEOUT, trust_env: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if isinstance(idle_timeout, bool) or not isinstance(idle_timeout, int | float) or \
                idle_timeout <= 0:
            raise ValueError("the gateway idle timeout must be a positive number of seconds")
        self.endpoint = endpoint
        self.verify: str | bool = str(ca_bundle) if ca_bundle else True
        self.idle_timeout = float(idle_timeout)
        self._clock = clock
        self._watchdog = watchdog
        self._context = _client_context()
        self.session = deadline_session(ssl_context=self._context,
                                        https_connection=_GatewayHTTPSConnection)
        self.session.trust_env = trust_env
        self.session.headers.update(
            {"Content-Type": "application/json", "Accept": "application/json"}
        )
        self._lock = threading.Lock()
        self._warming = threading.Lock()
        self._used_at: float | None = None  # when a connection last carried or opened traffic

    @property
    def refresh_after(self) -> float:
        """Idle seconds after which a connection is reopened rather than used."""
        return self.idle_timeout / 2

    def post(self, envelope: dict[str, Any], timeout: Any) -> requests.Response:
        """POST ``envelope`` as JSON on a connection the gateway is not about to close."""
        self._retire_if_idle()
        try:
            return self.session.post(self.endpoint, json=envelope, timeout=timeout,
                                     verify=self.verify, allow_redirects=False)
        finally:
            self._touch()

    def warm_up(self, seconds: float) -> bool:
        """Have an open, recently used connection ready; ``True`` if one was opened now.

        Sends nothing to the gateway: it connects (TCP + TLS, certificate verified) and parks
        the connection in the pool the next request takes it from, and has the watchdog's
        thread running for as long as the connection stays fresh. Ends within ``seconds``,
        connect and handshake together, whatever the gateway does. Returns ``False`` at once
        when another warm-up is under way or a fresh connection is already open. Raises
        ``TimeoutError`` past ``seconds``, ``ssl.SSLError`` when the gateway is not trusted,
        ``OSError`` when it cannot be reached.

        A request sent meanwhile never waits for it: the connection being opened is out of the
        pool until it is ready, so the request takes another one or opens its own.
        """
        if not self._warming.acquire(blocking=False):
            return False
        try:
            # The payment that follows should not start the deadline's thread either.
            self._watchdog.keep_ready(self.refresh_after)
            self._retire_if_idle()
            pool = self._pool()
            if pool is None:
                return False  # through a proxy: the first request connects
            conn = pool._get_conn()  # noqa: SLF001 - urllib3 has no public "connect ahead"
            opened = False
            try:
                if conn.sock is None:
                    self._connect(conn, seconds)
                    opened = True
                    self._touch()
            except BaseException:
                conn.close()
                raise
            finally:
                pool._put_conn(conn)  # noqa: SLF001 - back where the next request looks
            if opened:
                logger.info("OTT Pay connection opened ahead of need (%s)",
                            getattr(conn.sock, "version", lambda: "?")())
            return opened
        finally:
            self._warming.release()

    def close(self) -> None:
        self.session.close()

    # -- internals -------------------------------------------------------------------------

    def _connect(self, conn: Any, seconds: float) -> None:
        """``conn.connect()`` (TCP, then TLS) within ``seconds`` in all."""
        with self._watchdog.watch(seconds) as watch:
            if watch.expired:
                raise ConnectionError("the gateway client is closed")
            conn.timeout = seconds  # each step's own limit; the watch holds them to one total
            try:
                conn.connect()
            except BaseException as exc:
                if watch.expired:
                    raise TimeoutError(f"no connection within {seconds:g}s") from None
                if isinstance(exc, urllib3.exceptions.HTTPError):  # refused, unreachable
                    raise ConnectionError(str(exc)) from None
                raise
            if watch.expired:  # connected just as the deadline cut it: not usable
                raise TimeoutError(f"no connection within {seconds:g}s")

    def _touch(self) -> None:
        with self._lock:
            self._used_at = self._clock()

    def _retire_if_idle(self) -> None:
        """Drop pooled connections idle for ``refresh_after``: the gateway may be closing them
        right now, and a payment lost on such a connection would have an unknown outcome."""
        with self._lock:
            stale = self._used_at is not None and \
                self._clock() - self._used_at >= self.refresh_after
            if stale:
                self._used_at = None
        if stale:
            adapter = self.session.get_adapter(self.endpoint)
            if isinstance(adapter, HTTPAdapter):
                adapter.poolmanager.clear()  # idle ones close now; one in use closes when done

    def _pool(self) -> HTTPConnectionPool | None:
        """The pool ``post`` will take its connection from (None when a proxy is in the way)."""
        request = requests.Request("POST", self.endpoint).prepare()
        settings = self.session.merge_environment_settings(
            self.endpoint, {}, False, self.verify, None)
        if settings.get("proxies") and requests.utils.select_proxy(
                self.endpoint, settings["proxies"]):
            return None
        adapter = self.session.get_adapter(self.endpoint)
        if not isinstance(adapter, HTTPAdapter):
            return None
        # The verify setting the environment may override (REQUESTS_CA_BUNDLE), as post's is.
        return adapter.get_connection_with_tls_context(request, settings["verify"])
