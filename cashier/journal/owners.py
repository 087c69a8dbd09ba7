"""Who owns a live sale: one lease per open journal, kept alive by a heartbeat.

A journal that starts or takes over a sale holds a *lease*: a row in ``owners`` naming its
process id, host, a start-time token (so a reused process id is not mistaken for the owner) and a
heartbeat refreshed every ``HEARTBEAT_SECONDS`` while the process runs. Each open sale and refund
names the lease that owns it, and only its owner acts on it. Another process may take it over
only once its owner is gone:

- the owner's lease row is missing (its journal was closed: the process ended normally),
- the owner's process is not running any more on this host, or its process id now belongs to
  another process (the start-time token differs), or
- where the operating system cannot tell (the owner is on another host, or no start token can
  be read), its heartbeat is older than ``STALE_SECONDS``.

A process the system reports running with its recorded start keeps its sales even with an old
heartbeat (every heartbeat is old just after a suspend): a hung terminal has to be ended, and
then its sales are taken over at once.

Taking over happens inside one ``BEGIN IMMEDIATE`` transaction (``Leases.reap`` then an
``UPDATE ... WHERE owner NOT IN owners``), so it is compare-and-set: while it runs no heartbeat
can land, and a heartbeat that lands first keeps the sales. An owner that finds its own row gone
(it hung past the limit) registers again; what was taken meanwhile stays with the taker.

The running terminal's lease has the role ``terminal``; a unique index allows one per journal.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("cashier.journal")

#: How often a lease's heartbeat is refreshed, and when a silent one counts as gone.
HEARTBEAT_SECONDS = 5.0
STALE_SECONDS = 60.0

PROCESS = "process"
TERMINAL = "terminal"

_STILL_ACTIVE = 259  # Windows GetExitCodeProcess: the process has not exited
_ERROR_INVALID_PARAMETER = 87  # Windows OpenProcess: no process with that id


@dataclass(frozen=True)
class ProcessInfo:
    """What can be known about a process id now: running (``None``: cannot tell) and the token
    of its start ('' where unknown)."""

    running: bool | None
    start: str


def probe_process(pid: int) -> ProcessInfo:
    """Ask the operating system about ``pid``; never signals or disturbs it."""
    if os.name == "nt":
        return _probe_windows(pid)
    stat = Path(f"/proc/{pid}/stat")
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return ProcessInfo(False, "")  # /proc works, and this pid is not in it
        return ProcessInfo(_signal_zero(pid), "")
    except (OSError, IndexError):
        return ProcessInfo(_signal_zero(pid), "")
    if fields[0] in ("Z", "X"):  # killed, not yet reaped by its parent
        return ProcessInfo(False, "")
    return ProcessInfo(True, f"{boot}:{fields[19]}")


def _signal_zero(pid: int) -> bool | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return None
    return True


def _probe_windows(pid: int) -> ProcessInfo:  # pragma: no cover - Windows only
    """OpenProcess/GetExitCodeProcess/GetProcessTimes (``os.kill`` would end the process)."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.restype = wintypes.HANDLE  # not an int: a handle is pointer-sized
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.GetProcessTimes.argtypes = (wintypes.HANDLE, *[ctypes.POINTER(wintypes.FILETIME)] * 4)
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        gone = ctypes.get_last_error() == _ERROR_INVALID_PARAMETER  # type: ignore[attr-defined]
        return ProcessInfo(False if gone else None, "")
    try:
        code = wintypes.DWORD()
        running = None
        if kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            running = code.value == _STILL_ACTIVE
        created, exited, kernel, user = (wintypes.FILETIME() for _ in range(4))
        start = ""
        if kernel32.GetProcessTimes(handle, ctypes.byref(created), ctypes.byref(exited),
                                    ctypes.byref(kernel), ctypes.byref(user)):
            start = f"{created.dwHighDateTime}:{created.dwLowDateTime}"
        return ProcessInfo(running, start)
    finally:
        kernel32.CloseHandle(handle)


@dataclass(frozen=True)
class Owner:
    """A lease as recorded: whose it is and when it last showed signs of life."""

    token: str
    pid: int
    host: str
    process_start: str
    role: str
    started_at: float
    heartbeat_at: float

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Owner:
        return cls(**{name: row[name] for name in row.keys()})

    def gone(self, now: float, *, stale_after: float = STALE_SECONDS) -> bool:
        """True when the owning process has ended.

        On this host the operating system is asked first: a process that is running with the
        recorded start is alive however old its heartbeat (after a suspend, every heartbeat is
        old), and one that is not running, or whose id now names another process, is gone. Only
        where the system cannot tell (another host, no start token) does a heartbeat older
        than ``stale_after`` count as gone.
        """
        if self.host == socket.gethostname():
            info = probe_process(self.pid)
            if info.running is False:
                return True
            if info.running and info.start and self.process_start:
                return info.start != self.process_start  # a reused pid is another process
        return now - self.heartbeat_at > stale_after


class Leases:
    """This journal's lease and the rules for taking over others' (see the module docstring).

    ``write`` opens the journal's write transaction; ``hold``/``reap`` run inside one. The
    heartbeat thread (``cashier-journal-heartbeat``) starts with ``keep_alive`` and ends with
    ``stop``.
    """

    def __init__(self, write: Callable[[], AbstractContextManager[sqlite3.Connection]], *,
                 heartbeat_seconds: float = HEARTBEAT_SECONDS,
                 stale_after: float = STALE_SECONDS) -> None:
        self.token = secrets.token_hex(12)
        self.pid = os.getpid()
        self.role = PROCESS
        self.held = False
        self.stale_after = stale_after
        self._write = write
        self._interval = heartbeat_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def hold(self, conn: sqlite3.Connection, role: str | None = None) -> None:
        """Make sure this lease is recorded with a fresh heartbeat (inside a write)."""
        self.role = role or self.role
        self.held = True
        now = time.time()
        cur = conn.execute("UPDATE owners SET heartbeat_at = ?, role = ? WHERE token = ?",
                           (now, self.role, self.token))
        if not cur.rowcount:
            conn.execute(
                """INSERT INTO owners (token, pid, host, process_start, role, started_at,
                       heartbeat_at) VALUES (?,?,?,?,?,?,?)""",
                (self.token, self.pid, socket.gethostname(), probe_process(self.pid).start,
                 self.role, now, now),
            )

    def keep_alive(self) -> None:
        """Start the heartbeat (once); call after the transaction that ``hold`` ran in."""
        with self._lock:
            if self._thread is not None or self._stop.is_set():
                return
            self._thread = threading.Thread(target=self._beat, name="cashier-journal-heartbeat",
                                            daemon=True)
            self._thread.start()

    def reap(self, conn: sqlite3.Connection) -> list[Owner]:
        """Delete the leases of owners that are gone (inside a write); returns them."""
        now = time.time()
        gone = []
        for row in conn.execute("SELECT * FROM owners WHERE token != ?", (self.token,)):
            owner = Owner.from_row(row)
            if owner.gone(now, stale_after=self.stale_after):
                gone.append(owner)
        for owner in gone:
            conn.execute("DELETE FROM owners WHERE token = ? AND heartbeat_at = ?",
                         (owner.token, owner.heartbeat_at))
            log.warning("journal: owner pid %s (%s) is gone; its open sales may be taken over",
                        owner.pid, owner.role)
        return gone

    def others(self, conn: sqlite3.Connection, role: str | None = None) -> list[Owner]:
        """Other leases whose owners are alive (read only)."""
        sql, params = "SELECT * FROM owners WHERE token != ?", [self.token]
        if role is not None:
            sql += " AND role = ?"
            params.append(role)
        now = time.time()
        owners = [Owner.from_row(row) for row in conn.execute(sql, params)]
        return [owner for owner in owners if not owner.gone(now, stale_after=self.stale_after)]

    def stop(self) -> None:
        """Stop the heartbeat for good (the caller then deletes the lease: ``forget``)."""
        self._stop.set()
        with self._lock:
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def forget(self, conn: sqlite3.Connection) -> None:
        """Delete this lease (inside a write): a clean end, its open sales may be taken over."""
        conn.execute("DELETE FROM owners WHERE token = ?", (self.token,))

    def beat(self) -> None:
        """Refresh the heartbeat once; a lease taken as gone meanwhile is registered again."""
        with self._write() as conn:
            known = conn.execute("SELECT 1 FROM owners WHERE token = ?", (self.token,)).fetchone()
            if known is None:
                log.error("journal: this process's lease was taken as gone (no heartbeat for "
                          "over %.0f s); registering again", self.stale_after)
            self.hold(conn)

    def _beat(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.beat()
            except Exception as exc:  # a closed or vanished journal: nothing left to keep
                if self._stop.is_set():
                    return
                log.warning("journal: heartbeat failed: %s", exc)
