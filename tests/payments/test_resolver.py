"""The background resolver: keys checked until settled with a growing interval, jobs run on its
one thread, nothing accepted once it stops."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from cashier.payments.resolver import Resolver

#: How long a test waits for the resolver thread to reach a point (never reached on time: a bug).
PATIENCE = 10.0


@pytest.fixture
def stops() -> Iterator[list[Resolver]]:
    """Resolvers a test made, stopped after it (the thread check fails a test that leaks one)."""
    made: list[Resolver] = []
    yield made
    for resolver in made:
        resolver.stop(timeout=PATIENCE)


def _resolver(stops, check, **options) -> Resolver:
    options.setdefault("first_interval", 0.01)
    options.setdefault("max_interval", 0.04)
    resolver = Resolver(check, **options)
    stops.append(resolver)
    return resolver


def test_a_watched_key_is_checked_until_settled_then_forgotten(stops):
    answers = iter([False, False, True])
    checked: list[str] = []
    settled = threading.Event()

    def check(key: str) -> bool:
        checked.append(key)
        done = next(answers)
        if done:
            settled.set()
        return done

    resolver = _resolver(stops, check)
    assert resolver.watch("SALE1", first_delay=0)
    assert settled.wait(PATIENCE)
    resolver.stop(timeout=PATIENCE)
    assert checked == ["SALE1", "SALE1", "SALE1"]
    assert resolver.watching() == set() and resolver.idle()


def test_a_check_that_raises_is_tried_again_not_dropped(stops):
    calls: list[int] = []
    settled = threading.Event()

    def check(_key: str) -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("gateway unreachable")
        settled.set()
        return True

    resolver = _resolver(stops, check)
    resolver.watch("SALE2", first_delay=0)
    assert settled.wait(PATIENCE)
    assert len(calls) == 2


def test_the_interval_doubles_from_the_first_up_to_the_maximum(stops):
    """Each check moves the resolver's clock a long way on, so how long it then waits is measured
    on that clock: the gaps between checks are at least 0.02, 0.04, 0.04 seconds."""
    offset = [0.0]
    seen: list[float] = []
    done = threading.Event()

    def clock() -> float:
        return time.monotonic() + offset[0]

    def check(_key: str) -> bool:
        seen.append(clock())
        offset[0] += 1000.0
        if len(seen) == 4:
            done.set()
            return True
        return False

    resolver = _resolver(stops, check, first_interval=0.01, max_interval=0.04, clock=clock)
    resolver.watch("SALE3", first_delay=0)
    assert done.wait(PATIENCE)
    gaps = [later - earlier - 1000.0 for earlier, later in zip(seen, seen[1:], strict=False)]
    assert [gap >= expected for gap, expected in zip(gaps, (0.02, 0.04, 0.04), strict=True)] \
        == [True, True, True]


def test_jobs_run_in_order_on_the_resolver_thread_and_a_failing_one_stops_nothing(stops):
    ran: list[tuple[str, str]] = []
    finished = threading.Event()

    def job(name: str):
        def run() -> None:
            ran.append((name, threading.current_thread().name))
            if name == "bad":
                raise RuntimeError("a refund confirmation failed")
            if name == "last":
                finished.set()
        return run

    resolver = _resolver(stops, lambda _key: True, name="test-resolver")
    for name in ("first", "bad", "last"):
        assert resolver.submit(job(name))
    assert finished.wait(PATIENCE)
    assert ran == [("first", "test-resolver"), ("bad", "test-resolver"),
                   ("last", "test-resolver")]


def test_a_periodic_job_repeats_and_is_registered_once_by_name(stops):
    runs: list[int] = []
    twice = threading.Event()

    def sweep() -> None:
        runs.append(1)
        if len(runs) >= 2:
            twice.set()

    resolver = _resolver(stops, lambda _key: True)
    assert resolver.every("reconcile", 0.01, sweep)
    assert resolver.every("reconcile", 0.01, lambda: runs.append(100))  # same name: ignored
    assert twice.wait(PATIENCE)
    assert 100 not in runs


def test_after_stop_nothing_is_accepted_and_unsettled_keys_stay_unsettled(stops):
    release = threading.Event()
    checking = threading.Event()

    def check(_key: str) -> bool:
        checking.set()
        release.wait(PATIENCE)
        return False

    resolver = _resolver(stops, check)
    resolver.watch("SALE4", first_delay=0)
    assert checking.wait(PATIENCE)
    stopper = threading.Thread(target=resolver.stop, kwargs={"timeout": PATIENCE})
    stopper.start()
    release.set()
    stopper.join(PATIENCE)
    assert not stopper.is_alive()
    assert not resolver.watch("SALE5")
    assert not resolver.submit(lambda: None)
    assert not resolver.every("sweep", 1.0, lambda: None)
    assert resolver.watching() == {"SALE4"}  # left for recovery to pick up
