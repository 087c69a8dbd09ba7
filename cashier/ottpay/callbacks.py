"""Payment callbacks from OTT Pay: verify a body, and a small receiver that hands verified ones on.

Checking that the order is ours and the amount is right is the handler's job (the payment
engine), which must be idempotent: the gateway retries, and ECB lets a callback be replayed.

The receiver also serves the page a payment link's browser returns to (``return_path``): its
query is read with ``parse_wappay_return`` and handed to ``on_return`` as a *hint* only (the
engine then asks the gateway); it never counts as a payment, whatever it claims.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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


class _Server(ThreadingHTTPServer):
    # Request threads are joined by server_close(), so stop() leaves nothing running.
    daemon_threads = False
    block_on_close = True


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
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"CallbackReceiver(host={self.host!r}, path={self.path!r})"

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the callback receiver is not running")
        return self._server.server_address[1]

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
        self._server = _Server((self.host, self._requested_port), self._make_handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name="ottpay-callback-receiver", daemon=True,
        )
        self._thread.start()
        logger.info("OTT Pay callback receiver listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving and join every thread the receiver started."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join()
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

    def _make_handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "cashier-callback/1"
            disable_nagle_algorithm = True  # headers and body go out without a 40 ms stall

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                logger.debug("callback receiver: " + format, *args)

            def _answer(self, status: int, text: str) -> None:
                payload = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:  # noqa: N802
                path, _, query = self.path.partition("?")
                if path == receiver.return_path:
                    status, page = receiver._returned(query)
                    payload = page.encode("utf-8")
                    self.send_response(status)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                self._answer(405 if path == receiver.path else 404, "POST callbacks here")

            def do_POST(self) -> None:  # noqa: N802
                if self.path.split("?")[0] != receiver.path:
                    self._answer(404, "not found")
                    return
                try:
                    length = int(self.headers.get("Content-Length", ""))
                except ValueError:
                    self._answer(411, "Content-Length required")
                    return
                if length < 0 or length > MAX_CALLBACK_BYTES:
                    logger.warning("OTT Pay callback refused: body of %s bytes", length)
                    self._answer(413, "too large")
                    return
                body = self.rfile.read(length)
                try:
                    note = receiver._verify(body)
                except GatewayMessageError as exc:
                    logger.warning("OTT Pay callback from %s refused: %s",
                                   self.client_address[0], exc.message)
                    self._answer(400, "FAIL")
                    return
                try:
                    receiver._handler(note)
                except Exception:
                    logger.exception("OTT Pay callback for order_id=%s: handler failed",
                                     note.order_id)
                    self._answer(500, "FAIL")
                    return
                logger.info("OTT Pay callback order_id=%s amount=%s tip=%s rsp_code=%s accepted",
                            note.order_id, note.amount_cents, note.tip_cents, note.rsp_code)
                self._answer(200, "SUCCESS")

        return Handler
