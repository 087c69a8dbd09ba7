"""The simulator's routes: each HTTP request on a loopback connection, answered.

``POST /processV2`` and ``/process`` go to the ``Gateway``; the pay page, the payment-link pages
and the demo index are rendered by ``pages``. A connection is served on its own thread (the TLS
handshake included); the ``Simulator`` that owns the server counts connections and wakes delayed
answers when it stops.
"""

from __future__ import annotations

import json
import socket
import ssl
import sys
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from cashier.simulator import pages
from cashier.simulator.customer import CustomerPayError
from cashier.simulator.envelope import response_envelope
from cashier.simulator.links import PaymentLinkError
from cashier.simulator.wire import Answer, Fault

if TYPE_CHECKING:
    from cashier.simulator.server import Simulator

WAPPAY_PATH = "/wapPay"
PROTOCOL_PATHS = ("/processV2", "/process")
MAX_BODY_BYTES = 1 << 20
#: A TLS handshake's own limit, apart from the idle timeout: a short idle timeout (a test's, a
#: benchmark's) must not cut a handshake that a loaded machine takes a moment to finish.
HANDSHAKE_TIMEOUT_SECONDS = 10.0

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


class SimulatorServer(ThreadingHTTPServer):
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
        request.settimeout(HANDSHAKE_TIMEOUT_SECONDS)  # the handler then applies idle_timeout
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
    server: SimulatorServer
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
