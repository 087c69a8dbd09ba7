"""``Simulator``: the gateway served on loopback, started, stopped and steered by tests and demos.

The HTTP requests themselves are answered in ``routes``: ``POST /processV2`` and ``POST /process``
(the protocol), ``GET /`` (demo codes), ``GET``/``POST /pay/<order_id>`` (the customer's pay page),
``GET /wapPay`` (a payment link's Alipay page), ``POST /wapPay/pay`` (pay it: callback to
``notifyURL``, browser redirected to ``returnURL``) and ``GET /wapPay/return`` (a demo landing page
for ``returnURL``). ``Simulator.stop()`` wakes delayed answers, closes idle keep-alive sockets and
joins every request and callback thread.

Like the front ends of real gateways, a keep-alive connection left idle for ``idle_timeout``
seconds (default 60) is closed by the server. With ``tls`` (an ``ssl.SSLContext``, e.g. from
``cashier.simulator.tls.TestAuthority``) it serves HTTPS; the handshake runs on the connection's
own thread, so a slow client never holds up the others.
"""

from __future__ import annotations

import os
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from cashier.simulator.callbacks import CallbackDelivery, CallbackSender
from cashier.simulator.envelope import Request
from cashier.simulator.gateway import DEFAULT_EXCHANGE_RATES, Gateway, GatewayConfig
from cashier.simulator.orders import DEFAULT_UNPAID_LIFETIME_SECONDS, OrderSnapshot
from cashier.simulator.readings import PROFILES, Reading, reading_for
from cashier.simulator.routes import WAPPAY_PATH, SimulatorServer
from cashier.simulator.state import load_state, save_state

DEMO_MERCHANT_ID = "QC00005496"
DEMO_SIGN_KEY = "0123456789ABCDEF"
#: The demo merchant's payment key (``merCode`` of payment links).
DEMO_MERCHANT_PAYMENT_KEY = "DEMO5496PAYKEY01"

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
        self._server: SimulatorServer | None = None
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
        self._server = SimulatorServer((self.host, self.port), self)
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
