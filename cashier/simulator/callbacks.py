"""Delivering the simulator's signed callbacks: one background thread per callback, with retries.

A delivery succeeds on HTTP 200; anything else (another status, a refused connection, a timeout)
is retried ``retries`` more times, ``retry_interval`` seconds apart. ``stop()`` cuts the waits
short and joins every sender thread.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field, replace

import requests

from cashier.simulator.customer import CallbackJob


@dataclass(frozen=True)
class CallbackDelivery:
    """What happened to one callback: every attempt's HTTP status or error, and the result."""

    order_id: str
    url: str
    attempts: tuple[str, ...] = ()   # "200", "500", "ConnectionError", ...
    delivered: bool = False
    finished: bool = False
    body: bytes = field(default=b"", repr=False)


class CallbackSender:
    """Sends callbacks in background threads and keeps a record of every delivery."""

    def __init__(
        self, *, retries: int = 3, retry_interval: float = 0.2, timeout: float = 2.0
    ) -> None:
        self.retries = max(0, int(retries))
        self.retry_interval = max(0.0, float(retry_interval))
        self.timeout = timeout
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._deliveries: list[CallbackDelivery] = []
        self._pending = 0

    def send(self, job: CallbackJob) -> None:
        """Start delivering ``job`` in the background (ignored once stopping)."""
        body = json.dumps(job.envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        with self._lock:
            if self._stopping.is_set():
                return
            index = len(self._deliveries)
            self._deliveries.append(CallbackDelivery(job.order_id, job.url, body=body))
            self._pending += 1
            thread = threading.Thread(
                target=self._deliver, args=(index, job.url, body),
                name=f"ottpay-sim-callback-{job.order_id}", daemon=True,
            )
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def deliveries(self, order_id: str | None = None) -> list[CallbackDelivery]:
        with self._lock:
            found = list(self._deliveries)
        return [d for d in found if order_id is None or d.order_id == order_id]

    def wait(self, timeout: float) -> bool:
        """Wait until no delivery is in progress; ``False`` if some still are at the timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def stop(self) -> None:
        """Abandon pending retries and join every sender thread."""
        self._stopping.set()
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join()

    def _deliver(self, index: int, url: str, body: bytes) -> None:
        delivered = False
        try:
            with requests.Session() as session:
                session.trust_env = False  # never through a proxy: callbacks go where they say
                for attempt in range(self.retries + 1):
                    if attempt and self._stopping.wait(self.retry_interval):
                        break
                    outcome = self._attempt(session, url, body)
                    self._record(index, attempt=outcome)
                    if outcome == "200":
                        delivered = True
                        break
                    if self._stopping.is_set():
                        break
        finally:
            self._record(index, delivered=delivered, finished=True)
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()

    def _attempt(self, session: requests.Session, url: str, body: bytes) -> str:
        try:
            response = session.post(
                url, data=body, headers={"Content-Type": "application/json"},
                timeout=(min(1.0, self.timeout), self.timeout), allow_redirects=False,
            )
            response.close()
            return str(response.status_code)
        except requests.RequestException as exc:
            return type(exc).__name__

    def _record(
        self, index: int, *, attempt: str | None = None, delivered: bool = False,
        finished: bool = False,
    ) -> None:
        with self._lock:
            old = self._deliveries[index]
            self._deliveries[index] = replace(
                old,
                attempts=old.attempts + ((attempt,) if attempt else ()),
                delivered=old.delivered or delivered,
                finished=old.finished or finished,
            )
