"""The lane's side of shipping: the journal's outbox, read through a connection of its own.

The outbox (journal schema version 5) holds one row per change of a sale, refund or closed day,
written by triggers in the change's own transaction. It is switched on by ``join_store``, which
also queues every record made before, so a lane that joins a store late ships its whole history
and a terminal without a store pays nothing.

Only keys are queued: a batch ships the records' state as they are when it is read (in one read
transaction, so the batch is consistent). Records only move forward, so shipping the newest state
for an older change is right, and sending it again changes nothing.

The reader's connection is separate from the journal's writer: with WAL, reading never blocks a
sale; deleting shipped rows is a short write that waits at most ``busy_timeout``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import time
from pathlib import Path
from typing import Any

from cashier.journal.transaction import immediate_transaction

_KINDS = {"sale": ("sales", "order_id"), "refund": ("refunds", "refund_id"),
          "day": ("z_reports", "business_day")}


@dataclasses.dataclass(frozen=True)
class Batch:
    """Changes ``first_seq``..``last_seq`` and the current records they name."""

    journal_id: str
    first_seq: int
    last_seq: int
    sales: list[dict[str, Any]]
    refunds: list[dict[str, Any]]
    days: list[dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class Backlog:
    """What is still to ship after a sequence number: how many changes, the oldest when, and
    the last sequence number ever given."""

    changes: int
    oldest_at: float | None
    last_seq: int


class Outbox:
    """Reads (and trims) one journal's outbox. Not thread-safe: one thread uses it."""

    def __init__(self, journal_path: str | Path, *, busy_timeout: float = 2.0) -> None:
        self.path = Path(journal_path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no journal at {self.path}")
        self._conn = sqlite3.connect(str(self.path), timeout=busy_timeout,
                                     isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        self.journal_id: str = self._conn.execute(
            "SELECT value FROM journal_meta WHERE key = 'journal_id'").fetchone()[0]
        self._joined = False  # known to be joined (it never goes back)

    def close(self) -> None:
        self._conn.close()

    def join_store(self) -> bool:
        """Switch the outbox on, queueing every record already in the journal (one write
        transaction). Returns False when it was on already."""
        if self._joined:
            return False
        with self._write() as conn:
            if self.joined():
                self._joined = True
                return False
            self._queue_everything(conn)
            conn.execute("INSERT INTO journal_meta (key, value) VALUES ('outbox', ?)",
                         (repr(time.time()),))
        self._joined = True
        return True

    def joined(self) -> bool:
        """Whether the outbox is on (the lane has joined a store)."""
        return self._conn.execute(
            "SELECT 1 FROM journal_meta WHERE key = 'outbox'").fetchone() is not None

    def shipped_beyond(self) -> int:
        """The highest sequence number deleted as shipped (0: none). A store that has shipped
        less than this lost what it had (restored, or replaced): see ``queue_again``."""
        row = self._conn.execute("SELECT MIN(seq) FROM outbox").fetchone()
        if row[0] is not None:
            return int(row[0]) - 1
        row = self._conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
        return 0 if row is None else int(row[0])

    def queue_again(self) -> None:
        """Queue the whole journal again, after the pending changes (nothing is lost)."""
        with self._write() as conn:
            self._queue_everything(conn)

    @staticmethod
    def _queue_everything(conn: sqlite3.Connection) -> None:
        now = time.time()
        for kind, (table, key) in _KINDS.items():
            order = "number" if table == "z_reports" else "created_at"
            conn.execute(f"INSERT INTO outbox (kind, key, at) "
                         f"SELECT ?, {key}, ? FROM {table} ORDER BY {order}", (kind, now))

    def _write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return immediate_transaction(self._conn)

    def read(self, after_seq: int, limit: int = 500) -> Batch | None:
        """The next changes after ``after_seq`` with their records; None when all are shipped."""
        conn = self._conn
        conn.execute("BEGIN")  # one snapshot: the entries and the records agree
        try:
            rows = conn.execute(
                "SELECT seq, kind, key FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                (after_seq, limit),
            ).fetchall()
            if not rows:
                return None
            keys: dict[str, dict[str, None]] = {kind: {} for kind in _KINDS}  # ordered set
            for row in rows:
                keys[row["kind"]][row["key"]] = None
            records = {kind: self._records(kind, list(wanted)) for kind, wanted in keys.items()}
        finally:
            conn.execute("COMMIT")
        return Batch(self.journal_id, int(rows[0]["seq"]), int(rows[-1]["seq"]),
                     records["sale"], records["refund"], records["day"])

    def _records(self, kind: str, keys: list[str]) -> list[dict[str, Any]]:
        """The records named; a refund says which lane made its sale (``sale_lane``, None:
        this one), from the journal's copy of another lane's sale (schema version 6)."""
        table, key = _KINDS[kind]
        select = f"SELECT * FROM {table}"
        if kind == "refund":
            select = ("SELECT refunds.*, foreign_sales.lane AS sale_lane FROM refunds "
                      "LEFT JOIN foreign_sales ON foreign_sales.order_id = refunds.sale_order_id")
        found: list[dict[str, Any]] = []
        for start in range(0, len(keys), 400):  # under SQLite's parameter limit
            chunk = keys[start:start + 400]
            found += [dict(row) for row in self._conn.execute(
                f"{select} WHERE {table}.{key} IN ({','.join('?' * len(chunk))})", chunk)]
        return found

    def backlog(self, after_seq: int) -> Backlog:
        row = self._conn.execute(
            "SELECT COUNT(*), MIN(at), (SELECT seq FROM sqlite_sequence WHERE name = 'outbox') "
            "FROM outbox WHERE seq > ?", (after_seq,)).fetchone()
        return Backlog(int(row[0]), row[1], int(row[2] or 0))

    def trim(self, upto_seq: int) -> None:
        """Delete the changes the store has committed (``seq <= upto_seq``)."""
        self._conn.execute("DELETE FROM outbox WHERE seq <= ?", (upto_seq,))
