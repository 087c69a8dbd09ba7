"""The simulator's HTTP side: a threaded loopback server around ``Gateway``, and ``Simulator``.

Routes: ``POST /processV2`` and ``POST /process`` (the protocol), ``GET /`` (demo codes),
``GET``/``POST /pay/<order_id>`` (the customer's pay page), ``GET /wapPay`` (a payment link's
Alipay page), ``POST /wapPay/pay`` (pay it: callback to ``notifyURL``, browser redirected to
``returnURL``) and ``GET /wapPay/return`` (a demo landing page for ``returnURL``).
``Simulator.stop()`` wakes delayed answers, closes idle keep-alive sockets and joins every request
and callback thread.

Like the front ends of real gateways, a keep-alive connection left idle for ``idle_timeout``
seconds (default 60) is closed by the server. With ``tls`` (an ``ssl.SSLContext``, e.g. from
``cashier.simulator.tls.TestAuthority``) it serves HTTPS; the handshake runs on the connection's
own thread, so a slow client never holds up the others.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import sys
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cashier.simulator import pages
from cashier.simulator.callbacks import CallbackDelivery, CallbackSender
from cashier.simulator.customer import CustomerPayError
from cashier.simulator.envelope import Request, response_envelope
from cashier.simulator.gateway import DEFAULT_EXCHANGE_RATES, Gateway, GatewayConfig
from cashier.simulator.links import PaymentLinkError
from cashier.simulator.orders import DEFAULT_UNPAID_LIFETIME_SECONDS, OrderSnapshot
from cashier.simulator.readings import PROFILES, Reading, reading_for
from cashier.simulator.state import load_state, save_state
from cashier.simulator.wire import Answer, Fault

DEMO_MERCHANT_ID = "QC00005496"
DEMO_SIGN_KEY = "0123456789ABCDEF"
#: The demo merchant's payment key (``merCode`` of payment links).
DEMO_MERCHANT_PAYMENT_KEY = "DEMO5496PAYKEY01"
WAPPAY_PATH = "/wapPay"
PROTOCOL_PATHS = ("/processV2", "/process")
MAX_BODY_BYTES = 1 << 20

_BAD_GATEWAY_HTML = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


def render_answer(answer: Answer, sign_key: str, numbers: str = "plain") -> tuple[int, str, bytes]:
    """``(status, content type, body)`` of an answer, applying its wire fault; ``numbers`` is
    how the md5 writes JSON numbers (``Reading.numbers``)."""
    if answer.fault == Fault.BAD_GATEWAY:
        return 502, "text/html", _BAD_GATEWAY_HTML
    envelope = response_envelope(answer.rsp_code, answer.rsp_msg, answer.data, sign_key, numbers)
    if answer.fault == Fault.TAMPERED_MD5 and "md5" in envelope:
        md5 = envelope["md5"]
        envelope["md5"] = md5[:-1] + ("0" if md5[-1] != "0" else "1")
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return 200, "application/json;charset=UTF-8", body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True  # server_close() joins every request thread
    request_queue_size = 128  # benchmarks open many connections at once
    simulator: Simulator

    def __init__(self, address: tuple[str, int], simulator: Simulator) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.simulator = simulator
        self.tls = simulator.tls
        self.connections: set[socket.socket] = set()
        self.busy: set[socket.socket] = set()  # connections with a request being answered
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Serve one connection (on its own thread): the TLS handshake first when serving HTTPS."""
        if self.tls is None:
            self.simulator.count_connection(resumed=False)
            super().finish_request(request, client_address)
            return
        request.settimeout(self.simulator.idle_timeout)
        try:
            secured = self.tls.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return  # the client refused our certificate or went away mid-handshake
        self.simulator.count_connection(resumed=secured.session_reused)
        try:
            super().finish_request(secured, client_address)
        finally:
            secured.close()

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (read timeout on scenario 4444) closes its socket before the
        # late answer is written: that is the scenario working, not a simulator fault.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "OTTPaySimulator/1.0"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    def setup(self) -> None:
        self.timeout = self.server.simulator.idle_timeout  # an idle keep-alive is then closed
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: bodies may hold payment codes; the gateway keeps its own request log

    # -- routing -------------------------------------------------------------------------------

    def handle_one_request(self) -> None:
        # Between requests a keep-alive connection is idle; stop() may close it at once.
        try:
            super().handle_one_request()
        finally:
            with self.server.connections_lock:
                self.server.busy.discard(self.connection)

    def parse_request(self) -> bool:
        with self.server.connections_lock:
            self.server.busy.add(self.connection)
        return super().parse_request()

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        path = urlsplit(self.path).path
        body = self._read_body()
        if body is None:
            return
        sim = self.server.simulator
        if path in PROTOCOL_PATHS:
            answer = sim.gateway.process(body)
            sim.save_state()
            if answer.delay_seconds > 0:
                sim.stopping.wait(answer.delay_seconds)
            self._send(*render_answer(answer, sim.sign_key, sim.reading.numbers or "plain"))
        elif path.startswith("/pay/"):
            self._pay(unquote(path[len("/pay/"):]), pay=True)
        elif path == WAPPAY_PATH + "/pay":
            self._pay_link(body)
        else:
            self._send(404, "text/plain", b"not found")

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = urlsplit(self.path).path
        sim = self.server.simulator
        if path == "/":
            self._send_html(200, pages.index_page(sim.url, sim.merchant_id))
        elif path.startswith("/pay/"):
            self._pay(unquote(path[len("/pay/"):]), pay=False)
        elif path == WAPPAY_PATH:
            self._open_link(urlsplit(self.path).query)
        elif path == WAPPAY_PATH + "/return":
            query = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
            self._send_html(200, pages.wappay_return_page({k: v[-1] for k, v in query.items()}))
        elif path in PROTOCOL_PATHS:
            self._send(405, "text/plain", b"POST only", extra={"Allow": "POST"})
        else:
            self._send(404, "text/plain", b"not found")

    # -- helpers -------------------------------------------------------------------------------

    def _pay(self, order_id: str, *, pay: bool) -> None:
        sim = self.server.simulator
        message = ""
        if pay:
            try:
                sim.customer_pays(order_id)
                message = "Paid. You can close this page."
            except CustomerPayError as exc:
                message = str(exc)
        order = sim.order(order_id)
        if order is None:
            self._send_html(404, pages.message_page("Not found", f"order {order_id!r} not found"))
            return
        status = 409 if pay and not message.startswith("Paid") else 200
        self._send_html(status, pages.pay_page(order, message))

    def _open_link(self, query: str) -> None:
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        try:
            order = self.server.simulator.open_payment_link(params)
        except PaymentLinkError as exc:
            self._send_html(400, pages.message_page("Payment link refused", str(exc)))
            return
        self._send_html(200, pages.wappay_page(order))

    def _pay_link(self, body: bytes) -> None:
        sim = self.server.simulator
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        order_id = (form.get("order_id") or [""])[-1]
        order = sim.order(order_id)
        if order is None or order.action != "WAPPAY":
            self._send_html(404, pages.message_page("Not found", f"order {order_id!r} not found"))
            return
        try:
            order = sim.customer_pays(order_id)
        except CustomerPayError as exc:
            self._send_html(409, pages.wappay_page(order, str(exc)))
            return
        location = sim.gateway.return_location(order)
        self._send(303, "text/plain", b"paid", extra={"Location": location})

    def _read_body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self._send(413 if length > 0 else 400, "text/plain", b"bad Content-Length")
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def _send_html(self, status: int, html: str) -> None:
        self._send(status, "text/html; charset=utf-8", html.encode("utf-8"))

    def _send(
        self, status: int, content_type: str, body: bytes, extra: Mapping[str, str] | None = None
    ) -> None:
        if self.server.simulator.stopping.is_set():
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class Simulator:
    """A faithful OTT Pay gateway on loopback, for demo mode, tests and benchmarks.

    ``confirm_after_queries``/``close_after_queries`` drive the magic scenarios (see
    ``cashier.simulator.scenarios``); ``slow_response_seconds`` is the late-answer delay of
    scenario 4444; a callback is tried once and then retried ``callback_retries`` times,
    ``callback_retry_interval`` seconds apart; ``exchange_rates`` maps ISO 4217 codes to the rate
    to CNY times 10^8; unpaid QR (and Mini-Program) orders close ``qr_lifetime_seconds`` after
    they were created, payment-link orders ``link_lifetime_seconds`` after they were opened
    (``None``: never), and ``active_close_after_queries`` closes unpaid QR orders after that many
    queries (never by default). ``merchant_payment_key`` is the ``merCode`` payment links must
    carry; ``pay_info_as_text`` answers MAPPPAY's ``payInfo`` as JSON text instead of an object;
    ``currency`` is what payment-link return URLs report. ``profile`` is how the open questions
    of the documents are answered: a name from ``cashier.simulator.readings.PROFILES`` or a
    ``Reading`` (default ``"demo"``). ``idle_timeout``: seconds an unused keep-alive connection
    stays open; ``tls``: serve HTTPS with this server context.
    """

    def __init__(
        self,
        merchant_id: str = DEMO_MERCHANT_ID,
        sign_key: str = DEMO_SIGN_KEY,
        *,
        confirm_after_queries: int = 2,
        close_after_queries: int = 3,
        slow_response_seconds: float = 3.0,
        callback_retries: int = 3,
        callback_retry_interval: float = 0.2,
        callback_timeout: float = 2.0,
        exchange_rates: Mapping[str, int] | None = None,
        active_close_after_queries: int | None = None,
        qr_lifetime_seconds: float | None = DEFAULT_UNPAID_LIFETIME_SECONDS,
        link_lifetime_seconds: float | None = DEFAULT_UNPAID_LIFETIME_SECONDS,
        host: str = "127.0.0.1",
        port: int = 0,
        state_path: str | os.PathLike[str] | None = None,
        merchant_payment_key: str = DEMO_MERCHANT_PAYMENT_KEY,
        pay_info_as_text: bool = False,
        currency: str = "CAD",
        profile: str | Reading = "demo",
        idle_timeout: float = 60.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        if not merchant_id or not isinstance(merchant_id, str):
            raise ValueError("the simulator needs a merchant id, e.g. QC00005496")
        if not sign_key or not isinstance(sign_key, str):
            raise ValueError("the simulator needs a non-empty sign key")
        rates = dict(DEFAULT_EXCHANGE_RATES if exchange_rates is None else exchange_rates)
        for code, rate in rates.items():
            if isinstance(rate, bool) or not isinstance(rate, int) or rate <= 0:
                raise ValueError(f"exchange rate for {code} must be a positive int (rate * 10^8)")
        self.reading = reading_for(profile)
        if isinstance(idle_timeout, bool) or not isinstance(idle_timeout, int | float) or \
                idle_timeout <= 0:
            raise ValueError("the simulator's idle_timeout must be a positive number of seconds")
        self.merchant_id = merchant_id
        self.sign_key = sign_key
        self.idle_timeout = float(idle_timeout)
        self.tls = tls
        self.host = host
        self.port = port
        self.gateway = Gateway(GatewayConfig(
            merchant_id=merchant_id,
            sign_key=sign_key,
            confirm_after_queries=confirm_after_queries,
            close_after_queries=close_after_queries,
            slow_response_seconds=slow_response_seconds,
            exchange_rates={k.upper(): v for k, v in rates.items()},
            active_close_after_queries=active_close_after_queries,
            qr_lifetime_seconds=qr_lifetime_seconds,
            link_lifetime_seconds=link_lifetime_seconds,
            merchant_payment_key=merchant_payment_key,
            pay_info_as_text=pay_info_as_text,
            currency=currency,
            reading=self.reading,
        ))
        self.state_path = Path(state_path) if state_path is not None else None
        self._state_lock = threading.Lock()
        if self.state_path is not None:
            self.gateway.import_state(*load_state(self.state_path))
        self._callback_options = (callback_retries, callback_retry_interval, callback_timeout)
        self.callbacks = CallbackSender(
            retries=callback_retries, retry_interval=callback_retry_interval,
            timeout=callback_timeout,
        )
        self.stopping = threading.Event()
        self._counts_lock = threading.Lock()
        #: Connections accepted (after a successful handshake when serving HTTPS), and how many
        #: of those resumed an earlier TLS session: what tests and benchmarks count round trips by.
        self.connections_opened = 0
        self.sessions_resumed = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def profile_name(self) -> str:
        """The name of this simulator's reading in ``PROFILES`` (``"custom"`` if none)."""
        return next((name for name, reading in PROFILES.items() if reading == self.reading),
                    "custom")

    def __repr__(self) -> str:  # never shows the sign key
        url = self.url if self._server else None
        return f"Simulator(merchant_id={self.merchant_id!r}, url={url!r})"

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> Simulator:
        """Bind (port 0 picks a free port) and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("the simulator is already running")
        self.stopping.clear()
        retries, interval, timeout = self._callback_options
        self.callbacks = CallbackSender(retries=retries, retry_interval=interval, timeout=timeout)
        self._server = _Server((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self.gateway.config.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
            name=f"ottpay-sim-{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and join every thread started (request handlers and callback senders)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self.stopping.set()
        server.shutdown()
        if thread is not None:
            thread.join()
        self._close_connections(idle_only=True)  # idle keep-alive sockets would block the join
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            with server.connections_lock:
                if not server.busy:
                    break
            time.sleep(0.01)
        self._close_connections(idle_only=False)
        server.server_close()
        self.callbacks.stop()
        self._server = self._thread = None

    def count_connection(self, *, resumed: bool) -> None:
        with self._counts_lock:
            self.connections_opened += 1
            self.sessions_resumed += int(resumed)

    def _close_connections(self, *, idle_only: bool) -> None:
        server = self._server
        assert server is not None
        with server.connections_lock:
            targets = server.connections - server.busy if idle_only else set(server.connections)
        for conn in targets:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- addresses -----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base_url}/processV2"

    @property
    def wappay_url(self) -> str:
        """The simulated ``wapPay`` page payment links point at in demo mode."""
        return f"{self.base_url}{WAPPAY_PATH}"

    @property
    def wappay_return_url(self) -> str:
        """A demo landing page to use as a payment link's ``returnURL``."""
        return f"{self.base_url}{WAPPAY_PATH}/return"

    # -- test and demo controls ----------------------------------------------------------------

    def customer_pays(self, order_id: str) -> OrderSnapshot:
        """The customer pays an ACTIVEPAY order; its callback is then sent in the background.

        Raises ``CustomerPayError`` for an unknown, non-QR or no longer payable order.
        """
        job = self.gateway.customer_pays(order_id)
        self.save_state()
        self.callbacks.send(job)
        order = self.gateway.order(order_id)
        assert order is not None
        return order

    def open_payment_link(self, params: Mapping[str, str]) -> OrderSnapshot:
        """The customer opens a ``wapPay`` link (its query parameters): the order is created.

        Raises ``PaymentLinkError`` for a link the gateway refuses.
        """
        order = self.gateway.open_payment_link(params)
        self.save_state()
        return order

    def save_state(self) -> None:
        """Write the order book to ``state_path`` (no-op without one); called after each change."""
        if self.state_path is None:
            return
        with self._state_lock:  # snapshot and write in one step: files are written in order
            save_state(self.state_path, *self.gateway.export_state())

    def requests(self, order_id: str | None = None, action: str | None = None) -> list[Request]:
        """Every verified request received, in order (filterable by order id and action)."""
        return self.gateway.requests(order_id=order_id, action=action)

    def order(self, order_id: str) -> OrderSnapshot | None:
        return self.gateway.order(order_id)

    def callback_deliveries(self, order_id: str | None = None) -> list[CallbackDelivery]:
        return self.callbacks.deliveries(order_id)

    def wait_for_callbacks(self, timeout: float) -> bool:
        """``True`` once every callback delivery so far has finished (delivered or given up)."""
        return self.callbacks.wait(timeout)
