"""Assemble a running core from a ``Config``: the one place that wires gateway, journal and engine.

    with Runtime.open(config) as rt:         # demo mode when the config has no credentials
        sale = rt.engine.pay_passive(1234, code)
        rt.client.exchange_rate("CAD")

``Runtime.open`` builds, in order: the embedded simulator (demo mode only), the OTT Pay client,
the journal, the callback receiver (when ``[ottpay] callback_listen`` is set, and always in demo
mode so QR payments get callbacks), and the payment engine. ``close()`` stops them newest first.
The GUI, the ``cashier`` command and the installer's self-check all use it; nothing here imports
Qt.

Demo mode keeps its own journal and simulator state in ``<journal folder>/demo/`` (by default
``<data dir>/demo/journal.sqlite3`` and ``simulator.json``), never mixed with real sales. The
simulator's order book is saved there so a later command (``cashier status``) knows the orders
of an earlier one (``cashier pay``).

Fault injection for crash tests: with ``CASHIER_FAULT=crash-after-intent`` in the environment the
process kills itself with SIGKILL at the instant a payment or refund intent is committed to the
journal and its request is about to be sent (the client's ``passive_pay``/``active_pay``/
``refund`` is entered only after the engine committed the intent). Never set it in production.
"""

from __future__ import annotations

import logging
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cashier.config import Config, default_config_dir, default_data_dir, default_log_dir
from cashier.journal.store import DayAlreadyClosedError, Journal
from cashier.ottpay.callbacks import CallbackReceiver, PaymentNotification
from cashier.ottpay.client import OttPayClient
from cashier.ottpay.wappay import WapPayReturn
from cashier.payments.engine import PaymentEngine
from cashier.payments.errors import RefundsInProgressError, SalesInProgressError
from cashier.payments.events import Listener
from cashier.payments.settings import PaymentSettings
from cashier.private_files import tighten

if TYPE_CHECKING:
    from cashier.store.refunds import StoreRefunds
    from cashier.store.shipper import Shipper

log = logging.getLogger("cashier.runtime")

#: Operator id sent in demo mode when the settings name none (the protocol wants 10 digits).
DEMO_OPERATOR_ID = "0000000001"
DEMO_FOLDER = "demo"
DEMO_JOURNAL_NAME = "journal.sqlite3"
DEMO_SIMULATOR_STATE_NAME = "simulator.json"

#: Environment variable naming a crash point (tests only); see the module docstring.
FAULT_ENV = "CASHIER_FAULT"
CRASH_AFTER_INTENT = "crash-after-intent"


class RuntimeSetupError(ValueError):
    """The core cannot be assembled from these settings; the message says what to fix."""


# --- paths and settings --------------------------------------------------------------------


def demo_dir(config: Config) -> Path:
    """Where demo mode keeps its journal and simulator state: beside the real journal."""
    return config.journal.path.parent / DEMO_FOLDER


def make_shop_data_private(config: Config, journal_path: Path) -> list[Path]:
    """Take other local accounts' access off the shop's data (settings, journal, logs) that an
    older version created readable by all; says so in the log. Returns the paths changed."""
    folders = [default_config_dir(), default_data_dir(), default_log_dir(), demo_dir(config)]
    files = [journal_path.with_name(journal_path.name + end) for end in ("", "-wal", "-shm")]
    if config.path is not None:
        files.append(config.path)
    changed = tighten(folders, files)
    if changed:
        log.warning("made %d shop data files and folders private to this account (other local "
                    "accounts could read them): %s", len(changed), ", ".join(map(str, changed)))
    return changed


def journal_path_for(config: Config, *, demo: bool) -> Path:
    """The journal a command or the terminal uses: ``[journal] path``, or the demo journal."""
    return demo_journal_path(config) if demo else config.journal.path


def demo_journal_path(config: Config) -> Path:
    return demo_dir(config) / DEMO_JOURNAL_NAME


def demo_simulator_state_path(config: Config) -> Path:
    return demo_dir(config) / DEMO_SIMULATOR_STATE_NAME


def payment_settings(
    config: Config, *, demo: bool = False, callback_url: str | None = None, **overrides: Any
) -> PaymentSettings:
    """The engine's settings from ``[payments]`` and ``[ottpay]``; ``overrides`` win.

    ``unknown_grace`` (how long an order the gateway does not know may still be in flight) is
    twice the longest a request can take: connect plus read timeout.
    """
    p, o = config.payments, config.ottpay
    values: dict[str, Any] = dict(
        poll_interval=p.poll_interval_seconds,
        max_queries=p.max_queries_per_sale,
        passive_timeout=p.passive_timeout_seconds,
        active_timeout=p.active_timeout_seconds,
        late_payment=str(p.late_payment),
        max_amount_cents=p.max_amount_cents,
        unknown_grace=2 * (o.timeout_seconds + o.connect_timeout_seconds),
        resolver_max_interval=max(p.poll_interval_seconds, 30.0),
        terminal_no=o.terminal_no,
        operator_id=o.operator_id or (DEMO_OPERATOR_ID if demo else None),
        callback_url=callback_url,
        merchant_payment_key=o.merchant_payment_key,
        wappay_url=o.wappay_url,
        link_return_url=o.link_return_url,
        link_valid_seconds=p.link_valid_seconds,
        unionpay_qr=o.unionpay_qr,
        recheck_seconds=p.recheck_hours * 3600,
        reconcile_interval=p.reconcile_interval_seconds,
    )
    values.update(overrides)
    return PaymentSettings(**values)


# --- fault injection -----------------------------------------------------------------------


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL if ``$CASHIER_FAULT`` names this point (tests only)."""
    if os.environ.get(FAULT_ENV) == name:
        log.warning("fault injection: %s, killing the process", name)
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


class _FaultInjectingClient(OttPayClient):
    """An ``OttPayClient`` that dies at ``crash-after-intent`` before sending a payment/refund."""

    def passive_pay(self, **kwargs: Any) -> Any:
        crash_point(CRASH_AFTER_INTENT)
        return super().passive_pay(**kwargs)

    def active_pay(self, **kwargs: Any) -> Any:
        crash_point(CRASH_AFTER_INTENT)
        return super().active_pay(**kwargs)

    def refund(self, **kwargs: Any) -> Any:
        crash_point(CRASH_AFTER_INTENT)
        return super().refund(**kwargs)


# --- the runtime ---------------------------------------------------------------------------


@dataclass
class Runtime:
    """A running core: every part ``open`` started, stopped in reverse by ``close``."""

    config: Config
    demo: bool
    client: OttPayClient
    journal: Journal
    engine: PaymentEngine
    simulator: Any = None  # cashier.simulator.Simulator in demo mode
    receiver: CallbackReceiver | None = None
    #: Ships the journal to the store database (``[store]``, the terminal only); its
    #: ``status()`` is what the status bar shows. None on a terminal on its own.
    shipper: Shipper | None = None
    _closers: list[Any] = field(default_factory=list, repr=False)

    @classmethod
    def open(
        cls,
        config: Config,
        *,
        demo: bool | None = None,
        journal_path: str | os.PathLike[str] | None = None,
        simulator_options: dict[str, Any] | None = None,
        payment_overrides: dict[str, Any] | None = None,
        listener: Listener | None = None,
        terminal: bool = False,
    ) -> Runtime:
        """Start the core for ``config``. ``demo=None`` follows ``config.demo``.

        ``journal_path`` overrides the journal file (default: ``[journal] path``, or the demo
        journal); ``simulator_options`` are extra ``Simulator`` arguments in demo mode;
        ``payment_overrides`` replace ``PaymentSettings`` fields; ``listener`` gets engine events.
        ``terminal``: this is the running terminal, one per journal (``TerminalRunningError``
        when another process runs it). Raises ``RuntimeSetupError`` (settings unusable) or what
        a part raises while starting; whatever was started by then is stopped again.
        """
        demo = config.demo if demo is None else demo
        closers: list[Any] = []
        try:
            simulator, client, sign_key = _open_gateway(config, demo, simulator_options or {},
                                                        closers)
            path = Path(journal_path) if journal_path is not None else \
                journal_path_for(config, demo=demo)
            make_shop_data_private(config, path)
            journal = Journal(path)
            closers.append(journal.close)
            shipper = None
            holder: dict[str, PaymentEngine] = {}
            if terminal:
                journal.claim_terminal()
                shipper = _start_shipper(config, demo, path, client.merchant_id, closers,
                                         holder)
            receiver = _open_receiver(config, demo, client.merchant_id, sign_key, holder,
                                      closers)
            callback_url = config.ottpay.callback_url
            if receiver is not None and (demo or callback_url is None):
                callback_url = receiver.url
            links = _demo_link_settings(simulator, receiver) if demo else {}
            settings = payment_settings(config, demo=demo, callback_url=callback_url,
                                        **{**links, **(payment_overrides or {})})
            engine = PaymentEngine(client, journal, settings, listener=listener,
                                   store_refunds=_store_refunds(config, demo, client.merchant_id))
            holder["engine"] = engine
            closers.append(engine.shutdown)
        except BaseException:
            _close_all(closers)
            raise
        log.info("runtime open: %s, journal %s", "demo" if demo else client.endpoint, path)
        return cls(config=config, demo=demo, client=client, journal=journal, engine=engine,
                   simulator=simulator, receiver=receiver, shipper=shipper, _closers=closers)

    @property
    def callback_url(self) -> str | None:
        """Where the gateway sends QR payment callbacks (None: polling only)."""
        return self.engine.settings.callback_url

    @property
    def journal_path(self) -> Path:
        return self.journal.path

    def close(self) -> None:
        """Stop everything, newest first: engine, receiver, journal, client, simulator."""
        closers, self._closers = self._closers, []
        _close_all(closers)

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _start_shipper(config: Config, demo: bool, path: Path, merchant_id: str,
                   closers: list[Any], holder: dict[str, PaymentEngine]) -> Shipper | None:
    """The terminal's shipper when the settings name a store database; never for demo sales.

    It closes the days the store's Z report closed through the engine (``close_store_days``),
    which is built after it: until then the days wait for its next look.
    """
    store = config.store
    if not store.enabled or store.database_url is None or store.terminal_id is None:
        return None
    if demo:
        log.info("store: demo mode; demo sales are not shipped to the store database")
        return None
    from cashier.store.shipper import Shipper  # psycopg only where a store is configured

    waiting: set[str] = set()

    def store_closed(days: list[str]) -> None:
        engine = holder.get("engine")
        if engine is not None:
            close_store_days(engine, days, waiting=waiting)

    shipper = Shipper(path, store.database_url, store.terminal_id, store.terminal_name,
                      on_store_closed=store_closed, merchant_id=merchant_id)
    shipper.start()
    closers.append(shipper.stop)
    return shipper


def close_store_days(engine: PaymentEngine, days: list[str], *,
                     waiting: set[str] | None = None) -> list[str]:
    """Close, each through the lane's own Z report, the business ``days`` the store's Z report
    closed; returns the days closed now.

    A day with a sale being taken at the counter, or a refund of it being sent, waits (the
    store asks again on the shipper's next look, every few seconds): the log says so once per
    day, for the days not in ``waiting`` (which collects them). Sales of the day still waiting
    for the gateway's answer do not stop it, as they do not stop the lane's own Z: it counts
    them as open and the log says so.
    """
    waiting = set() if waiting is None else waiting
    closed: list[str] = []
    for day in days:
        if engine.journal.z_record(day) is not None:
            continue
        try:
            report = engine.z_report_when_idle(day)
        except (SalesInProgressError, RefundsInProgressError) as exc:
            if day not in waiting:
                waiting.add(day)
                what = (f"sale(s) {', '.join(exc.order_ids)} in progress settle"
                        if isinstance(exc, SalesInProgressError) else
                        f"refund(s) {', '.join(exc.refund_ids)} being sent are answered")
                log.info("store: the store closed business day %s; closing it here once %s",
                         day, what)
            continue
        except DayAlreadyClosedError:  # the cashier's own Z came first
            continue
        if report.open_count:
            log.warning("store: business day %s closed with %d sale(s) still waiting for the "
                        "gateway's answer; the Z report counts them as open", day,
                        report.open_count)
        log.info("store: business day %s closed by Z report #%s, as the store's Z report asked",
                 day, report.number)
        closed.append(day)
    return closed


def _store_refunds(config: Config, demo: bool, merchant_id: str) -> StoreRefunds | None:
    """Refunds checked against the store database (any lane's sale) on a lane of a store,
    in the terminal and in the commands alike; never in demo mode."""
    store = config.store
    if demo or store.database_url is None or store.terminal_id is None:
        return None
    from cashier.store.refunds import StoreRefunds  # psycopg only where a store is configured

    return StoreRefunds(store.database_url, store.terminal_id, merchant_id)


def _close_all(closers: list[Any]) -> None:
    for close in reversed(closers):
        try:
            close()
        except Exception:
            log.exception("runtime: stopping %r failed", close)


def _open_gateway(config: Config, demo: bool, simulator_options: dict[str, Any],
                  closers: list[Any]) -> tuple[Any, OttPayClient, str]:
    """The simulator (demo mode) and the client, plus the sign key the receiver checks with."""
    o = config.ottpay
    client_cls = OttPayClient if FAULT_ENV not in os.environ else _FaultInjectingClient
    timeouts = dict(connect_timeout=o.connect_timeout_seconds, read_timeout=o.timeout_seconds,
                    idle_timeout=o.idle_timeout_seconds)
    if demo:
        from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator

        options: dict[str, Any] = dict(
            state_path=demo_simulator_state_path(config),
            # Scenario 4444 shows a lost answer: it arrives after the client stopped reading.
            slow_response_seconds=o.timeout_seconds + 1.0,
            # An unpaid QR or link expires at the gateway when the terminal stops waiting for
            # it, so a demo sale nobody pays closes (and 'cashier recover' can settle it).
            qr_lifetime_seconds=config.payments.active_timeout_seconds,
            link_lifetime_seconds=config.payments.link_valid_seconds,
        )
        options.update(simulator_options)
        simulator = Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, **options).start()
        closers.append(simulator.stop)
        client = client_cls(simulator.url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY,
                            operator_id=o.operator_id or DEMO_OPERATOR_ID,
                            terminal_no=o.terminal_no, **timeouts)
        closers.append(client.close)
        return simulator, client, DEMO_SIGN_KEY
    if not o.merchant_id or not o.sign_key:
        raise RuntimeSetupError(
            "No gateway credentials are configured: fill in [ottpay] merchant_id and sign_key, "
            "or use demo mode."
        )
    client = client_cls(o.endpoint, o.merchant_id, o.sign_key, operator_id=o.operator_id,
                        terminal_no=o.terminal_no, ca_bundle=o.ca_bundle, **timeouts)
    closers.append(client.close)
    return None, client, o.sign_key


def _demo_link_settings(simulator: Any, receiver: CallbackReceiver | None) -> dict[str, Any]:
    """Demo payment links open the simulator's Alipay page and come back to our receiver."""
    from cashier.simulator import DEMO_MERCHANT_PAYMENT_KEY

    links: dict[str, Any] = dict(merchant_payment_key=DEMO_MERCHANT_PAYMENT_KEY,
                                 wappay_url=simulator.wappay_url,
                                 link_return_url=simulator.wappay_return_url)
    if receiver is not None:
        links["link_return_url"] = receiver.return_url
    return links


def _open_receiver(config: Config, demo: bool, merchant_id: str, sign_key: str,
                   holder: dict[str, PaymentEngine], closers: list[Any]) -> CallbackReceiver | None:
    """The callback receiver: in demo mode on loopback, else only if ``callback_listen`` is set.

    It hands verified callbacks to the engine, which is built after it; a callback arriving
    before that gets 500 and the gateway retries.
    """
    listen = config.ottpay.callback_listen_address
    if not demo and listen is None:
        return None
    host, port = ("127.0.0.1", 0) if demo or listen is None else listen

    def handle(note: PaymentNotification) -> None:
        engine = holder.get("engine")
        if engine is None:
            raise RuntimeError("payment engine not ready")
        engine.on_callback(note)

    def returned(info: WapPayReturn) -> None:  # a payment link's browser came back: a hint
        engine = holder.get("engine")
        if engine is not None:
            engine.on_link_return(info)

    receiver = CallbackReceiver(handle, sign_key=sign_key, merchant_id=merchant_id,
                                host=host, port=port, on_return=returned).start()
    closers.append(receiver.stop)
    return receiver
