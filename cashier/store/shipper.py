"""The shipper: a background thread that sends a lane's outbox to the store database, in order.

Nothing at the counter waits for it: it reads the journal through its own connection (WAL), and
every wait it makes on the store database is bounded (``central``'s timeouts). When the store
database is unreachable it retries with a growing pause (up to ``max_backoff``) for as long as it
takes; where it resumes is read from the store itself (the lane's shipped sequence), so an outage
of any length, or a shipper killed mid-batch, ships every change exactly once more at most, and
shipping one twice changes nothing (see ``central.ship``).

``status()`` is safe from any thread (the UI's status bar, ``cashier store status``).

The store's Z report reaches the lane here too: every ``closures_every`` seconds the shipper asks
the store which business days it closed that this lane has not (``central.days_to_close``) and
hands them to ``on_store_closed``, which closes them through the lane's own Z report (the shipper
knows no engine; ``cashier.runtime`` wires it). A lane offline at the time learns of it on its
first pass back.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from cashier.store import central
from cashier.store.outbox import Outbox
from cashier.store.schema import StoreSchemaError

log = logging.getLogger("cashier.store")


@dataclasses.dataclass(frozen=True)
class ShipperStatus:
    """What the lane has not shipped yet, and why (``problem``: one sentence, or None)."""

    terminal_id: str
    connected: bool
    shipped_seq: int
    pending: int
    oldest_pending_at: float | None
    last_shipped_at: float | None
    problem: str | None
    #: When the store database stopped answering (epoch seconds; None while it answers).
    problem_since: float | None = None

    def lag_seconds(self, now: float) -> float:
        """How old the oldest change still to ship is (0 when none waits)."""
        return 0.0 if self.oldest_pending_at is None else max(0.0, now - self.oldest_pending_at)

    def to_dict(self, now: float) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "lag_seconds": round(self.lag_seconds(now), 3)}


class Shipper:
    """Ships one journal's outbox as lane ``terminal_id``; ``start()``, then ``stop()``.
    ``merchant_id``: the lane's OTT Pay merchant, recorded in the store with what it ships."""

    def __init__(
        self,
        journal_path: str | Path,
        database_url: str,
        terminal_id: str,
        terminal_name: str = "",
        *,
        batch_size: int = 500,
        idle_seconds: float = 0.5,
        max_backoff: float = 30.0,
        connect: Callable[[str], psycopg.Connection[Any]] = central.connect,
        on_store_closed: Callable[[list[str]], object] | None = None,
        closures_every: float = 2.0,
        merchant_id: str | None = None,
    ) -> None:
        self.journal_path = Path(journal_path)
        self._url = database_url
        self.terminal_id = terminal_id
        self.terminal_name = terminal_name
        self.merchant_id = merchant_id
        self._batch_size = batch_size
        self._idle = idle_seconds
        self._max_backoff = max_backoff
        self._connect = connect
        self._on_store_closed = on_store_closed
        self._closures_every = closures_every
        self._closures_due = 0.0  # monotonic time of the next look at the store's closings
        self._stop = threading.Event()
        self._changed = threading.Condition()
        self._empty_passes = 0
        self._status = ShipperStatus(terminal_id, False, 0, 0, None, None, None)
        self._conn: psycopg.Connection[Any] | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="store-shipper", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop and wait (at most ``timeout``); a statement in flight is cancelled."""
        self._stop.set()
        conn = self._conn
        if conn is not None:
            try:
                conn.cancel_safe(timeout=2.0)
            except (psycopg.Error, OSError):
                pass
        if self._thread is not None:
            self._thread.join(timeout)

    def status(self) -> ShipperStatus:
        with self._changed:
            return self._status

    def wait_caught_up(self, timeout: float) -> bool:
        """Wait until a pass that started after this call found nothing left to ship (for
        ``cashier store sync`` and tests). False if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            target = self._empty_passes + 2  # the pass in progress may have read before the call
            while self._empty_passes < target:
                left = deadline - time.monotonic()
                if left <= 0 or not self._changed.wait(left):
                    return False
        return True

    # -- the thread ---------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        with self._changed:
            if "problem" in changes:  # the outage's start is kept while it lasts
                changes["problem_since"] = None if changes["problem"] is None else (
                    self._status.problem_since or time.time())
            self._status = dataclasses.replace(self._status, **changes)
            self._changed.notify_all()

    def _run(self) -> None:
        try:
            outbox = Outbox(self.journal_path)
        except (OSError, sqlite3.Error) as exc:
            log.error("store: the journal cannot be read for shipping (%s)", exc)
            self._set(problem=f"the journal cannot be read for shipping ({exc})")
            return
        # What the lane knows it shipped, until the store says (a status before it answers).
        self._set(shipped_seq=outbox.shipped_beyond())
        try:
            backoff = 1.0
            while not self._stop.is_set():
                try:
                    outbox.join_store()  # once; a journal busy beyond its wait: next pass
                    shipped_any = self._pass(outbox)
                    self._store_closings()
                    backoff = 1.0
                except (psycopg.Error, central.StoreUnavailableError, StoreSchemaError) as exc:
                    backlog = outbox.backlog(self._status.shipped_seq)
                    self._drop_connection(
                        str(exc) if not isinstance(exc, psycopg.Error) else
                        f"the store database failed ({central.reason(exc, self._url)})",
                        passes=not isinstance(exc, central.StoreAccessRefusedError),
                        pending=backlog.changes, oldest_pending_at=backlog.oldest_at)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, self._max_backoff)
                    continue
                except sqlite3.OperationalError as exc:  # the journal busy: try again soon
                    log.warning("store: the journal could not be read (%s); retrying", exc)
                    shipped_any = False
                if not shipped_any:
                    self._stop.wait(self._idle)
        finally:
            self._drop_connection(None)
            outbox.close()

    def _pass(self, outbox: Outbox) -> bool:
        """Ship one batch; False when there was nothing to ship."""
        conn = self._conn
        if conn is None:
            conn = self._connect(self._url)
            self._conn = conn
            shipped = central.shipped_seq(conn, self.terminal_id, outbox.journal_id)
            if shipped < outbox.shipped_beyond():
                log.warning("store: the store database holds less of this lane than was shipped "
                            "(restored or replaced?); queueing the whole journal again")
                outbox.queue_again()
            if self._status.problem:
                log.info("store: the store database is reachable again")
            self._set(connected=True, problem=None, shipped_seq=shipped)
        cursor = self._status.shipped_seq
        batch = outbox.read(cursor, self._batch_size)
        if batch is None:
            backlog = outbox.backlog(cursor)
            with self._changed:
                self._empty_passes += 1
                self._status = dataclasses.replace(
                    self._status, pending=backlog.changes, oldest_pending_at=backlog.oldest_at)
                self._changed.notify_all()
            return False
        shipped = central.ship(conn, self.terminal_id, self.terminal_name, batch,
                               self.merchant_id)
        try:
            outbox.trim(shipped)
        except sqlite3.OperationalError:  # busy: trimmed with a later batch
            pass
        backlog = outbox.backlog(shipped)
        self._set(shipped_seq=shipped, pending=backlog.changes,
                  oldest_pending_at=backlog.oldest_at, last_shipped_at=time.time())
        return True

    def _store_closings(self) -> None:
        """Hand the days the store closed and this lane has not to ``on_store_closed``."""
        conn = self._conn
        if self._on_store_closed is None or conn is None or time.monotonic() < self._closures_due:
            return
        self._closures_due = time.monotonic() + self._closures_every
        days = central.days_to_close(conn, self.terminal_id)
        if not days:
            return
        try:
            self._on_store_closed(days)
        except Exception:  # the lane's business; shipping goes on, and so will the next look
            log.exception("store: closing the day(s) %s the store closed failed", ", ".join(days))

    def _drop_connection(self, problem: str | None, *, passes: bool = True,
                         **status: Any) -> None:
        """Close the connection; with ``problem``, say why in the status (with ``status``);
        ``passes``: whether it is an outage, or lasts until the settings are fixed (its
        sentence then says what to fix)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg.Error:
                pass
        if problem is not None:
            if problem != self._status.problem:
                log.warning("store: %s%s", problem, "; the lane keeps selling and ships when it "
                            "is back" if passes else "")
            self._set(connected=False, problem=problem, **status)
