"""Payment callbacks from OTT Pay: verify a body, and a small receiver that hands verified ones on.

Checking that the order is ours and the amount is right is the handler's job (the payment
engine), which must be idempotent: the gateway retries, and ECB lets a callback be replayed.

The receiver also serves the page a payment link's browser returns to (``return_path``): its
query is read with ``parse_wappay_return`` and handed to ``on_return`` as a *hint* only (the
engine then asks the gateway); it never counts as a payment, whatever it claims.

The receiver may listen on every interface (``callback_listen = "0.0.0.0:…"``), so anyone on the
network can open connections to it and must not be able to hold the terminal with them. It runs
on waitress: requests are read by one event loop (an idle or half-sent connection costs no
thread), only complete requests reach a small pool of worker threads, idle connections are
closed after ``CONNECTION_TIMEOUT`` seconds, at most ``MAX_CONNECTIONS`` are open at once, and
``stop()`` answers the requests already read, closes every connection, however far its request
got, and returns within 2 seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server

from cashier.money import AmountError, cents_from_wire
from cashier.ottpay.codes import OrderStatus
from cashier.ottpay.crypto import MessageError
from cashier.ottpay.envelope import parse_callback
from cashier.ottpay.errors import GatewayMessageError
from cashier.ottpay.timeparse import parse_gateway_time_or_none
from cashier.ottpay.wappay import WapPayReturn, WapPayReturnError, parse_wappay_return

logger = logging.getLogger("cashier.ottpay")

#: Callbacks are a few hundred bytes; anything much larger is not one.
MAX_CALLBACK_BYTES = 64 * 1024
#: Seconds a connection may stay silent before it is closed.
CONNECTION_TIMEOUT = 10
#: Connections open at once; more wait in the listen queue until one closes.
MAX_CONNECTIONS = 64
#: Threads that run verified callbacks (the handler writes the journal: short work).
WORKER_THREADS = 2
_STOP_SECONDS = 1.5  # stop() waits this long for answers in progress, then closes anyway
_STATUS_TEXT = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
                411: "Length Required", 413: "Payload Too Large", 500: "Internal Server Error"}


@dataclass(frozen=True)
class PaymentNotification:
    """A verified callback: the gateway says ``order_id`` was paid ``amount_cents`` (+ tip)."""

    order_id: str
    amount_cents: int
    tip_cents: int
    bizpay_order_id: str | None
    finish_time: datetime | None
    rsp_code: str
    order_status: OrderStatus | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


def _reject(why: str) -> GatewayMessageError:
    return GatewayMessageError(f"callback rejected: {why}", action="CALLBACK")


def verify_callback(body: bytes, *, sign_key: str, merchant_id: str) -> PaymentNotification:
    """Verify and read a callback body; raise ``GatewayMessageError`` for anything untrusted."""
    try:
        callback = parse_callback(body, sign_key)
    except MessageError as exc:
        raise _reject(str(exc)) from None
    data = callback.data
    if callback.merchant_id != merchant_id:
        raise _reject(f"it is for merchant {callback.merchant_id!r}, not ours")
    inner_merchant = data.get("merchant_id")
    if inner_merchant not in (None, "") and inner_merchant != merchant_id:
        raise _reject(f"its signed data names merchant {inner_merchant!r}, not ours")
    order_id = data.get("order_id")
    if not isinstance(order_id, str) or not order_id:
        raise _reject("it names no order_id")
    try:
        amount = cents_from_wire(data["amount"]) if "amount" in data else None
        tip = cents_from_wire(data["tip"]) if data.get("tip") not in (None, "") else 0
    except AmountError as exc:
        raise _reject(f"order {order_id}: {exc}") from None
    if amount is None:
        raise _reject(f"order {order_id}: it has no amount")
    bizpay = data.get("bizpay_order_id")
    return PaymentNotification(
        order_id=order_id,
        amount_cents=amount,
        tip_cents=tip,
        bizpay_order_id=str(bizpay) if bizpay not in (None, "") else None,
        finish_time=parse_gateway_time_or_none(data.get("finish_time")),
        rsp_code=callback.rsp_code,
        order_status=OrderStatus.parse(data.get("order_status")),
        raw=dict(data),
    )


_RETURN_PAGE = (
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>Payment</title></head><body><p id=\"message\">{message}</p></body></html>"
)


class CallbackReceiver:
    """An HTTP server (loopback by default) that verifies callbacks and hands them to ``handler``.

    200 ``SUCCESS`` for a verified callback the handler accepted; 400 for a bad or tampered body
    (logged, never handed on); 500 when the handler raises, so the gateway retries; 404 elsewhere.
    ``GET return_path`` is the customer's landing page after paying a link: a thank-you page,
    and ``on_return`` (if given) gets the parsed, unverifiable ``WapPayReturn`` as a hint.
    """

    def __init__(
        self,
        handler: Callable[[PaymentNotification], object],
        *,
        sign_key: str,
        merchant_id: str,
        host: str = "127.0.0.1",
        port: int = 0,
        path: str = "/ottpay/callback",
        on_return: Callable[[WapPayReturn], object] | None = None,
        return_path: str = "/ottpay/return",
    ) -> None:
        self._handler = handler
        self._on_return = on_return
        self.return_path = return_path if return_path.startswith("/") else "/" + return_path
        self.__sign_key = sign_key
        self.merchant_id = merchant_id
        self.host = host
        self.path = path if path.startswith("/") else "/" + path
        self._requested_port = port
        self._server: Any = None  # a waitress server
        self._map: dict[int, Any] = {}  # its sockets, served by our loop thread
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"CallbackReceiver(host={self.host!r}, path={self.path!r})"

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the callback receiver is not running")
        return int(self._server.effective_port)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.path}"

    @property
    def return_url(self) -> str:
        """The payment-link return page on this receiver (``returnURL`` in demo mode)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.return_path}"

    def start(self) -> CallbackReceiver:
        """Bind and serve on a background thread."""
        if self._server is not None:
            return self
        self._map = {}
        self._stopping.clear()
        self._server = create_server(
            self._app, map=self._map, host=self.host, port=self._requested_port,
            threads=WORKER_THREADS, connection_limit=MAX_CONNECTIONS,
            channel_timeout=CONNECTION_TIMEOUT, cleanup_interval=1,
            max_request_body_size=MAX_CALLBACK_BYTES, asyncore_use_poll=True,
            ident="cashier-callback", clear_untrusted_proxy_headers=False,
        )
        self._thread = threading.Thread(target=self._serve, name="ottpay-callback-receiver",
                                        daemon=True)
        self._thread.start()
        logger.info("OTT Pay callback receiver listening on %s", self.url)
        return self

    def _serve(self) -> None:
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.05, map=self._map, use_poll=True, count=1)
        # Stopping: take no new connection, but let requests already read get their answer (a
        # callback answered 200 is not sent again), for a bounded time.
        self._server.close()
        deadline = time.monotonic() + _STOP_SECONDS
        while self._answering() and time.monotonic() < deadline:
            wasyncore.loop(timeout=0.05, map=self._map, use_poll=True, count=1)

    def _answering(self) -> bool:
        """Whether a connection has a complete request not yet answered in full."""
        return any(isinstance(channel, HTTPChannel)
                   and (channel.requests or channel.total_outbufs_len)
                   for channel in list(self._map.values()))

    def stop(self) -> None:
        """Stop serving: close every connection (idle, half-sent or answered) and the listening
        socket, and end every thread the receiver started, within 2 seconds."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        if thread is not None:
            thread.join()
        wasyncore.close_all(self._map)  # the loop has ended: no other thread uses them now
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=0.4)
        self._server = self._thread = None

    def __enter__(self) -> CallbackReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _verify(self, body: bytes) -> PaymentNotification:
        return verify_callback(body, sign_key=self.__sign_key, merchant_id=self.merchant_id)

    def _returned(self, query: str) -> tuple[int, str]:
        """A browser back from a payment link: hand the hint on, answer a page."""
        try:
            info = parse_wappay_return(query)
        except WapPayReturnError as exc:
            logger.warning("payment link return page: unreadable return (%s)", exc)
            return 400, _RETURN_PAGE.format(message="This page was opened without an order.")
        logger.info(
            "payment link return for order_id=%s claims trade_status=%s total=%s (not proof of "
            "payment: the gateway is asked)", info.order_id, info.trade_status, info.total_cents,
        )
        if self._on_return is not None:
            try:
                self._on_return(info)
            except Exception:
                logger.exception("payment link return for order_id=%s: handler failed",
                                 info.order_id)
        return 200, _RETURN_PAGE.format(
            message="Thank you. The shop is confirming your payment; you can close this page."
        )

    def _app(self, environ: dict[str, Any],
             start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The WSGI application: callbacks by POST on ``path``, the link return page by GET."""
        method = environ.get("REQUEST_METHOD", "")
        path = environ.get("PATH_INFO", "")
        if method == "GET" and path == self.return_path:
            status, page = self._returned(environ.get("QUERY_STRING", ""))
            return _reply(start_response, status, page, "text/html")
        if path != self.path:
            return _reply(start_response, 404, "not found")
        if method != "POST":
            return _reply(start_response, 405, "POST callbacks here")
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return _reply(start_response, 411, "Content-Length required")
        if length < 0 or length > MAX_CALLBACK_BYTES:
            logger.warning("OTT Pay callback refused: body of %s bytes", length)
            return _reply(start_response, 413, "too large")
        return _reply(start_response, *self._callback(environ["wsgi.input"].read(length),
                                                      environ.get("REMOTE_ADDR", "?")))

    def _callback(self, body: bytes, peer: str) -> tuple[int, str]:
        try:
            note = self._verify(body)
        except GatewayMessageError as exc:
            logger.warning("OTT Pay callback from %s refused: %s", peer, exc.message)
            return 400, "FAIL"
        try:
            self._handler(note)
        except Exception:
            logger.exception("OTT Pay callback for order_id=%s: handler failed", note.order_id)
            return 500, "FAIL"
        logger.info("OTT Pay callback order_id=%s amount=%s tip=%s rsp_code=%s accepted",
                    note.order_id, note.amount_cents, note.tip_cents, note.rsp_code)
        return 200, "SUCCESS"


def _reply(start_response: Callable[..., Any], status: int, text: str,
           kind: str = "text/plain") -> list[bytes]:
    payload = text.encode("utf-8")
    start_response(f"{status} {_STATUS_TEXT.get(status, '')}".rstrip(), [
        ("Content-Type", f"{kind}; charset=utf-8"), ("Content-Length", str(len(payload)))])
    return [payload]
