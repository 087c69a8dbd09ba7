"""Shared fixtures. Every test is checked for leaked threads: servers and resolvers must stop.

The store tests and the UI's store screens share one throwaway PostgreSQL
(``benchmarks.pgserver``), stopped at the end of the session. They skip, saying why, only when
the server's programs are not installed (``.ci/run`` installs them).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator
from tests.faults import FaultProxy

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# A suite started in the background of a shell without job control (`make test &`, a CI step
# run that way) inherits SIGINT ignored, and an ignored signal stays ignored across exec: the
# commands the tests start would then never see the Ctrl-C some tests send them. A handler
# (unlike SIG_IGN) is reset by exec, so each child starts with Ctrl-C working as at a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _live_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.is_alive()}


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """Fail a test that leaves a thread (a server, a poller, a reader) running after it ends."""
    before = _live_threads()
    yield
    deadline = time.monotonic() + 2.0
    leaked: set[threading.Thread] = set()
    while time.monotonic() < deadline:
        leaked = {
            t
            for t in _live_threads() - before
            if not t.name.startswith(("QThread", "Dummy-", "pydevd", "asyncio_"))
        }
        if not leaked:
            return
        time.sleep(0.02)
    pytest.fail(f"test left threads running: {sorted(t.name for t in leaked)}")


@pytest.fixture
def pty_pair():
    """A real pseudo-terminal: ``(master fd, slave path)``; a scanner opens the path with
    pyserial and the test writes the scan into the master (closing it is an unplug)."""
    master, slave = os.openpty()
    yield master, os.ttyname(slave)
    for fd in (master, slave):
        try:
            os.close(fd)
        except OSError:
            pass


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections: held bound but not listening for the
    whole test, so no other server on the machine can take it meanwhile (a released port
    could be). A stand-in printer may still listen on it later: both allow address reuse."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def sim() -> Iterator[Simulator]:
    """The simulator with the demo merchant and its defaults (a folder's conftest may define a
    ``sim`` of its own, which then wins there)."""
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY) as simulator:
        yield simulator


@pytest.fixture
def proxy(sim: Simulator) -> Iterator[FaultProxy]:
    """A ``FaultProxy`` in front of the test's ``sim``, without rules until the test adds some."""
    with FaultProxy(sim.url) as fault_proxy:
        yield fault_proxy


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    from benchmarks.pgserver import PgServer, scratch_root, server_programs

    bin_dir = server_programs()
    if bin_dir is None:
        pytest.skip("the PostgreSQL server is not installed (Debian: apt-get install postgresql)")
    root = scratch_root()
    try:
        server = PgServer(bin_dir, root)
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def store_url(pg_server: Any) -> Iterator[str]:
    """An empty store database of its own for each test."""
    import psycopg

    name = f"store_{os.getpid()}_{next(_store_numbers)}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_server.url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


_store_numbers = itertools.count()

#: A store database user whose password the server checks (``pg_login``).
LOGIN_USER, LOGIN_PASSWORD = "lane_login", "Right-pw-7"


@pytest.fixture(scope="session")
def pg_login(pg_server: Any) -> Any:
    """``pg_server`` with user ``LOGIN_USER``, which must give ``LOGIN_PASSWORD`` (scram); every
    other user keeps trust. Ready once a wrong password is refused (the server reloads its
    rules on a signal, after ``pg_reload_conf`` returns)."""
    import psycopg

    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {LOGIN_USER} LOGIN PASSWORD '{LOGIN_PASSWORD}'")
        rules = pg_server.data / "pg_hba.conf"
        rules.write_text(f"host all {LOGIN_USER} 127.0.0.1/32 scram-sha-256\n"
                         + rules.read_text(encoding="utf-8"), encoding="utf-8")
        conn.execute("SELECT pg_reload_conf()")
    wrong = pg_server.url.replace("cashier@", f"{LOGIN_USER}:wrong@")
    deadline = time.monotonic() + 10
    while True:
        try:
            psycopg.connect(wrong, connect_timeout=2).close()
        except psycopg.OperationalError as exc:
            if "password authentication failed" in str(exc):
                return pg_server
        if time.monotonic() > deadline:
            raise RuntimeError("the server never began checking passwords")
        time.sleep(0.05)


@pytest.fixture
def login_store_url(pg_login: Any, store_url: str) -> str:
    """The test's store database, owned by ``LOGIN_USER``, as that user with its password."""
    import psycopg

    with psycopg.connect(store_url, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {store_url.rsplit('/', 1)[1]} OWNER TO {LOGIN_USER}")
    return store_url.replace("cashier@", f"{LOGIN_USER}:{LOGIN_PASSWORD}@")
