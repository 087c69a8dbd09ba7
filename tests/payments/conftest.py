"""A real simulator over HTTP, a real client, a real journal file, an engine with short timings."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from cashier.journal import Journal
from cashier.ottpay.client import OttPayClient
from cashier.payments.engine import PaymentEngine
from cashier.payments.events import EngineEvent, LatePayment, SaleUpdated
from cashier.payments.settings import PaymentSettings
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator

WECHAT = "13456789012345"  # + 4-digit scenario suffix
ALIPAY = "284567890123"
OPERATOR = "0000020156"

FAST = dict(poll_interval=0.03, passive_timeout=3.0, active_timeout=3.0, unknown_grace=1.0,
            resolver_max_interval=0.1, operator_id=OPERATOR, terminal_no="T001")


@dataclass
class Recorder:
    """The engine's listener: keeps every event (thread-safe)."""

    events: list[EngineEvent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: EngineEvent) -> None:
        with self.lock:
            self.events.append(event)

    def states(self, order_id: str) -> list[str]:
        with self.lock:
            return [e.sale.state for e in self.events
                    if isinstance(e, SaleUpdated) and e.sale.order_id == order_id]

    def late(self) -> list[str]:
        with self.lock:
            return [e.sale.order_id for e in self.events if isinstance(e, LatePayment)]


@pytest.fixture
def sim(request) -> Iterator[Simulator]:
    """The simulator; ``@pytest.mark.parametrize("sim", [PROFILE], indirect=True)`` picks a
    profile (a reading of the documents' open questions) other than ``demo``."""
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, confirm_after_queries=2,
                   close_after_queries=3, slow_response_seconds=1.0,
                   callback_retries=3, callback_retry_interval=0.05,
                   profile=getattr(request, "param", "demo")) as simulator:
        yield simulator


@pytest.fixture
def gateway_url(sim) -> str:
    """Where the client sends requests: the simulator (a test module may put a proxy between)."""
    return sim.url


@pytest.fixture
def client(gateway_url) -> Iterator[OttPayClient]:
    with OttPayClient(gateway_url, DEMO_MERCHANT_ID, DEMO_SIGN_KEY, operator_id=OPERATOR,
                      connect_timeout=0.5, read_timeout=0.5, query_retries=1,
                      query_backoff=0.01) as c:
        yield c


@pytest.fixture
def journal_path(tmp_path):
    return tmp_path / "journal.sqlite"


@pytest.fixture
def journal(journal_path) -> Iterator[Journal]:
    with Journal(journal_path) as j:
        yield j


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_engine(client, journal, recorder):
    engines: list[PaymentEngine] = []

    def make(**overrides) -> PaymentEngine:
        settings = PaymentSettings(**{**FAST, **overrides})
        engine = PaymentEngine(client, journal, settings, listener=recorder)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.shutdown()


@pytest.fixture
def engine(make_engine) -> PaymentEngine:
    return make_engine()
