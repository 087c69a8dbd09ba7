"""A throwaway PostgreSQL for the store tests: initdb into a temporary folder, the server on
127.0.0.1 at a free port, stopped at the end of the session.

PostgreSQL refuses to run as root, so as root (CI) the server runs as the ``postgres`` system user
the Debian package creates (else ``nobody``). Tests skip, saying why, only when the server's
programs are not installed (``.ci/run`` installs them).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parent.parent.name))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgServer:
    """One PostgreSQL cluster; ``stop()``/``start()`` simulate an outage."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.data = root / "data"
        self.port = _free_port()
        self.url = f"postgresql://cashier@127.0.0.1:{self.port}/postgres"
        self._user: list[str] = []
        if os.geteuid() == 0:
            name = "postgres" if _has_user("postgres") else "nobody"
            entry = pwd.getpwnam(name)
            os.chown(root, entry.pw_uid, entry.pw_gid)
            self._user = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}",
                          "--clear-groups"]
        self._run("initdb", "-D", str(self.data), "-U", "cashier", "--auth=trust",
                  "--no-sync", "-E", "UTF8")

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run([*self._user, str(self.bin_dir / program), *args],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=60)
        if done.returncode:
            log = self.data.parent / "server.log"
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stdout}"
                               + (log.read_text(errors="replace") if log.exists() else ""))

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                   "-c fsync=off -c max_connections=100")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "30",
                  "-l", str(self.data.parent / "server.log"), "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop")


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("the PostgreSQL server is not installed (Debian: apt-get install postgresql)")
    # As root the server runs as another user, who must reach the folder: not under $TMPDIR,
    # which may be inside root's home.
    root = Path(tempfile.mkdtemp(prefix="cashier-pg-", dir="/tmp" if os.geteuid() == 0 else None))
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
def store_url(pg_server: PgServer) -> Iterator[str]:
    """An empty store database of its own for each test."""
    name = f"store_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_server.url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


_numbers = iter(range(1_000_000))
