"""The background resolver: one thread that keeps asking about sales nobody waits for any more.

A sale is handed over when the cashier cancels, when the cashier's wait expires, or when recovery
cannot settle it at once. It is queried with a growing interval (from ``poll_interval`` up to
``resolver_max_interval``) until final. The same thread runs small jobs (automatic refunds of late
payments, refund confirmations) and periodic ones (the reconciliation sweep) so the engine never
starts ad-hoc threads.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("cashier.payments")


class Resolver:
    """Schedules ``check(key) -> bool`` (True = settled, stop watching) and one-off jobs."""

    def __init__(
        self,
        check: Callable[[str], bool],
        *,
        first_interval: float,
        max_interval: float,
        clock: Callable[[], float] = time.monotonic,
        name: str = "cashier-resolver",
    ) -> None:
        self._check = check
        self._first = first_interval
        self._max = max(max_interval, first_interval)
        self._clock = clock
        self._name = name
        self._cond = threading.Condition()
        self._due: list[tuple[float, int, str]] = []
        self._intervals: dict[str, float] = {}
        self._jobs: list[Callable[[], object]] = []
        self._periodic: dict[str, tuple[float, Callable[[], object]]] = {}
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._busy = False

    def watch(self, key: str, *, first_delay: float | None = None) -> bool:
        """Keep checking ``key`` until settled; False when stopping (recovery will pick it up)."""
        with self._cond:
            if self._stopping:
                return False
            if key not in self._intervals:
                self._intervals[key] = self._first
                delay = self._first if first_delay is None else first_delay
                heapq.heappush(self._due, (self._clock() + delay, next(self._seq), key))
                self._ensure_thread()
                self._cond.notify()
            return True

    def submit(self, job: Callable[[], object]) -> bool:
        """Run ``job`` on the resolver thread soon; False when stopping."""
        with self._cond:
            if self._stopping:
                return False
            self._jobs.append(job)
            self._ensure_thread()
            self._cond.notify()
            return True

    def every(self, name: str, interval: float, job: Callable[[], object]) -> bool:
        """Run ``job`` every ``interval`` seconds (first after one interval) until stopped.

        Does not count as work for ``idle()``. False when stopping; a second call with the same
        ``name`` changes nothing.
        """
        with self._cond:
            if self._stopping:
                return False
            if name not in self._periodic:
                self._periodic[name] = (interval, job)
                heapq.heappush(self._due, (self._clock() + interval, next(self._seq), name))
                self._ensure_thread()
                self._cond.notify()
            return True

    def watching(self) -> set[str]:
        with self._cond:
            return set(self._intervals)

    def idle(self) -> bool:
        """Nothing watched and no job queued."""
        with self._cond:
            return not self._intervals and not self._jobs and not self._busy

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the check or job in progress; watched keys stay unsettled in the journal."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def _next_work(self) -> Callable[[], object] | str | None:
        with self._cond:
            self._busy = False
            while not self._stopping:
                if self._jobs:
                    self._busy = True
                    return self._jobs.pop(0)
                if self._due:
                    at, _, key = self._due[0]
                    wait = at - self._clock()
                    if wait <= 0:
                        heapq.heappop(self._due)
                        self._busy = True
                        return key
                    self._cond.wait(wait)
                else:
                    self._cond.wait()
            return None

    def _run(self) -> None:
        while True:
            work = self._next_work()
            if work is None:
                return
            if callable(work):
                self._run_job(work)
                continue
            if work in self._periodic:
                interval, job = self._periodic[work]
                self._run_job(job)
                with self._cond:
                    heapq.heappush(self._due, (self._clock() + interval, next(self._seq), work))
                continue
            try:
                settled = self._check(work)
            except Exception:
                log.exception("resolver check of %s failed", work)
                settled = False
            with self._cond:
                if settled:
                    self._intervals.pop(work, None)
                    self._cond.notify_all()
                else:
                    interval = min(self._intervals.get(work, self._first) * 2, self._max)
                    self._intervals[work] = interval
                    heapq.heappush(self._due, (self._clock() + interval, next(self._seq), work))

    @staticmethod
    def _run_job(job: Callable[[], object]) -> None:
        try:
            job()
        except Exception:
            log.exception("resolver job failed")
