"""A throwaway PostgreSQL server for the store tests and benchmarks: initdb into a folder, the
server on 127.0.0.1 at a free port.

PostgreSQL refuses to run as root, so as root (CI) the server runs as the ``postgres`` system user
the Debian package creates (else ``nobody``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def server_programs() -> Path | None:
    """The folder of initdb, pg_ctl and postgres; None when the server is not installed."""
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
    """One PostgreSQL cluster in ``root`` (which must be empty and reachable by the server's
    user); ``start()``, ``stop()`` (also to simulate an outage)."""

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


def scratch_root() -> Path:
    """A new empty folder for a cluster. As root the server runs as another user, who must
    reach it: so not under $TMPDIR, which may be inside root's home."""
    return Path(tempfile.mkdtemp(prefix="cashier-pg-", dir="/tmp" if os.geteuid() == 0 else None))
