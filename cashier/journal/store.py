"""The journal: a durable SQLite record of every sale, transition, refund and Z report.

Durability: WAL with ``synchronous=FULL``, so a committed write survives a crash or power loss.
Every method that writes returns only after its transaction is committed; callers (the payment
engine) rely on that to commit an intent *before* a request leaves and a state *before* it is shown.

Concurrency: one connection (``check_same_thread=False``) guarded by one lock, so this process has
exactly one writer; writes use ``BEGIN IMMEDIATE`` so another process on the same file waits
(``busy_timeout``) instead of interleaving. State changes are compare-and-set
(``UPDATE ... WHERE state IN (...)``): when a callback and a poll race, exactly one wins.

Ownership: each open sale and refund names the lease of the journal that works on it; another
process takes it over only once that owner is gone (``claim_open_sales``, ``owners.py``).
Identity: a journal file deleted, replaced or emptied while open is noticed before every write,
and new sales and refunds are refused (``identity.py``).

Why one long module: it is the journal's whole API, and every method is one transaction on the
same connection under the same lock (the one-writer rule). The rules those transactions apply
live beside it: owners.py (leases), identity.py (the file), schema.py, records.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from cashier.journal import identity
from cashier.journal.owners import HEARTBEAT_SECONDS, STALE_SECONDS, TERMINAL, Leases, Owner
from cashier.journal.records import (
    OPEN_STATES,
    REFUND_OPEN_STATES,
    REFUND_STATES,
    REFUNDABLE_STATES,
    ForeignSale,
    Refund,
    RefundsSummaryRow,
    Sale,
    SaleEvent,
    SalesSummaryRow,
    ZRecord,
    refunded_state,
)
from cashier.journal.schema import migrate
from cashier.journal.transaction import immediate_transaction
from cashier.private_files import make_private_dir

log = logging.getLogger("cashier.journal")

#: Gateway/display fields a transition or update may set (column names are never caller text).
SALE_FIELDS = frozenset(
    {"rsp_code", "rsp_msg", "bizpay_order_id", "trade_time", "buyer_login_id", "code_url",
     "recheck_until"}
)
_MODES = ("passive", "active", "link")
# Literal SQL lists matching the partial indexes' WHERE clauses (see schema.py).
_OPEN_SQL = "(" + ", ".join(f"'{state}'" for state in OPEN_STATES) + ")"
_REFUND_OPEN_SQL = "(" + ", ".join(f"'{state}'" for state in REFUND_OPEN_STATES) + ")"


class JournalError(RuntimeError):
    """Base of journal errors; the message is a sentence for support."""


class SaleNotFoundError(JournalError, LookupError):
    """No sale with that order id in the journal."""


class DuplicateOrderError(JournalError):
    """An order id that the journal already holds (ids are never reused)."""


class RefundNotAllowedError(JournalError):
    """The sale cannot be refunded (not paid) or not by that much; nothing was recorded."""


class DayAlreadyClosedError(JournalError):
    """A Z report already closed that business day."""


class JournalGoneError(JournalError):
    """The journal file was deleted, replaced or emptied: nothing new is written to it."""


class TerminalRunningError(JournalError):
    """Another process runs the terminal on this journal (one terminal per journal)."""

    def __init__(self, pid: int) -> None:
        super().__init__(f"The terminal is already running (pid {pid}) on this journal; use its "
                         "window.")
        self.pid = pid


def local_business_day(epoch: float) -> str:
    """The terminal's local calendar date of ``epoch`` as ``YYYY-MM-DD``."""
    return time.strftime("%Y-%m-%d", time.localtime(epoch))


def _foreign_sale(row: sqlite3.Row) -> Sale:
    """Another lane's sale (a ``foreign_sales`` row) as a ``Sale``, its lane named."""
    names = {f.name for f in dataclasses.fields(Sale)}
    values = {name: row[name] for name in row.keys() if name in names}
    return Sale(**{**dict.fromkeys(("terminal_no", "rsp_code", "rsp_msg", "buyer_login_id",
                                     "code_url", "late_resolution")),
                   "abandoned": False, "late": False, **values})


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def _build_new(path: Path) -> None:
    """A complete, empty journal at ``path`` (``identity.create_whole`` puts it in place)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        migrate(conn)
    finally:
        conn.close()


class Journal:
    """The sales journal in one SQLite file. Thread-safe; close it (or use ``with``) when done.

    ``clock`` gives epoch seconds for timestamps; ``business_day_of`` maps them to a day (both
    injectable for tests). A sale or refund made on a day already closed by a Z report belongs to
    the next open day, so a Z report never changes after it was printed.

    Opening refuses (``JournalGoneError``) a 0-byte file, or a missing one where a journal was
    (see ``identity.py``). ``heartbeat_seconds``/``owner_stale_after`` time the leases.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
        business_day_of: Callable[[float], str] = local_business_day,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        owner_stale_after: float = STALE_SECONDS,
    ) -> None:
        self.path = Path(path)
        make_private_dir(self.path.parent)
        lost = identity.refuse_lost(self.path)
        if lost:
            raise JournalGoneError(lost)
        if not self.path.exists():
            identity.create_whole(self.path, _build_new)
        self._clock = clock
        self._day_of = business_day_of
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            str(self.path), timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        try:
            mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise JournalError(f"the journal {self.path} cannot use WAL mode (got {mode})")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            migrate(self._conn)
            self.journal_id: str = self._conn.execute(
                "SELECT value FROM journal_meta WHERE key = 'journal_id'").fetchone()[0]
            self._file_id = identity.file_id(self.path)
            identity.remember(self.path, self.journal_id)
        except BaseException:
            self._conn.close()
            raise
        self._closed = False
        self._ghost_logged = False
        self.leases = Leases(self._write, heartbeat_seconds=heartbeat_seconds,
                             stale_after=owner_stale_after)

    # -- plumbing -----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the file; a lease this journal held is given up (its open sales may then be
        recovered by another process at once)."""
        self.leases.stop()  # outside the lock: the heartbeat may be waiting for it
        with self._lock:
            if self._closed:
                return
            if self.leases.held:
                try:
                    with self._write() as conn:
                        self.leases.forget(conn)
                except sqlite3.Error as exc:  # it goes stale instead
                    log.warning("journal: could not give up the lease: %s", exc)
            self._closed = True
            self._conn.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self, *, creates: bool = False) -> Iterator[sqlite3.Connection]:
        """One committed write transaction under the writer lock.

        ``creates``: it records a new sale, refund or closed day, refused with
        ``JournalGoneError`` when the file is not the one opened. Other writes (the outcome of a
        request already sent) still go to the open file, so the screen shows the truth; the
        problem is logged once.
        """
        with self._lock:
            self._check_open()
            self._check_file(refuse=creates)
            with immediate_transaction(self._conn) as conn:
                yield conn

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._check_open()
            yield self._conn

    def _check_open(self) -> None:
        if self._closed:
            raise JournalError(f"the journal {self.path} is closed")

    def _check_file(self, *, refuse: bool) -> None:
        problem = identity.file_problem(self.path, self._file_id)
        if problem is None:
            return
        if refuse:
            raise JournalGoneError(f"{problem}; no new sale or refund is taken: "
                                   f"{identity.NEW_JOURNAL_HINT}, then restart the terminal")
        if not self._ghost_logged:
            self._ghost_logged = True
            log.error("journal: %s; outcomes of requests already sent are still recorded in the "
                      "open file and in this log", problem)

    def _open_day(self, conn: sqlite3.Connection, now: float) -> str:
        day = self._day_of(now)
        closed = {
            row[0]
            for row in conn.execute(
                "SELECT business_day FROM z_reports WHERE business_day >= ?", (day,)
            )
        }
        while day in closed:
            day = _next_day(day)
        return day

    @staticmethod
    def _sale(conn: sqlite3.Connection, order_id: str) -> Sale | None:
        """A sale of this lane, else one of another lane that this lane refunded."""
        row = conn.execute("SELECT * FROM sales WHERE order_id = ?", (order_id,)).fetchone()
        if row is not None:
            return Sale.from_row(row)
        row = conn.execute("SELECT * FROM foreign_sales WHERE order_id = ?",
                           (order_id,)).fetchone()
        return None if row is None else _foreign_sale(row)

    @staticmethod
    def _event(
        conn: sqlite3.Connection,
        order_id: str,
        at: float,
        from_state: str | None,
        to: str,
        note: str,
    ) -> None:
        conn.execute(
            "INSERT INTO sale_events (order_id, at, from_state, to_state, note) VALUES (?,?,?,?,?)",
            (order_id, at, from_state, to, note),
        )

    @staticmethod
    def _fields(fields: dict[str, object]) -> dict[str, object]:
        unknown = set(fields) - SALE_FIELDS
        if unknown:
            raise ValueError(f"not a sale field the journal updates: {sorted(unknown)}")
        return fields

    # -- sales --------------------------------------------------------------------------------

    def create_sale(
        self,
        *,
        order_id: str,
        mode: str,
        wallet: str,
        amount_cents: int,
        tip_cents: int = 0,
        state: str = "pending",
        masked_code: str | None = None,
        code_last4: str | None = None,
        operator_id: str | None = None,
        terminal_no: str | None = None,
        note: str = "intent journaled",
    ) -> Sale:
        """Record a sale's intent (committed when this returns). Raises ``DuplicateOrderError``."""
        if mode not in _MODES:
            raise ValueError(f"unknown sale mode {mode!r}")
        now = self._clock()
        with self._write(creates=True) as conn:
            self.leases.hold(conn)
            day = self._open_day(conn, now)
            try:
                conn.execute(
                    """INSERT INTO sales (order_id, mode, wallet, amount_cents, tip_cents,
                           masked_code, code_last4, operator_id, terminal_no, state,
                           business_day, created_at, updated_at, owner)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                    (order_id, mode, wallet, amount_cents, tip_cents, masked_code, code_last4,
                     operator_id, terminal_no, state, day, now, now, self.leases.token),
                )
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" in str(exc) or "PRIMARY" in str(exc):
                    raise DuplicateOrderError(f"order id {order_id} is already in the journal") \
                        from None
                raise
            self._event(conn, order_id, now, None, state, note)
            sale = self._sale(conn, order_id)
        self.leases.keep_alive()
        assert sale is not None
        return sale

    def get_sale(self, order_id: str) -> Sale | None:
        with self._read() as conn:
            return self._sale(conn, order_id)

    def require_sale(self, order_id: str) -> Sale:
        sale = self.get_sale(order_id)
        if sale is None:
            raise SaleNotFoundError(f"no sale with order id {order_id} in the journal")
        return sale

    def transition(
        self,
        order_id: str,
        to_state: str,
        *,
        from_states: Collection[str],
        note: str = "",
        **fields: object,
    ) -> Sale | None:
        """Compare-and-set: move the sale to ``to_state`` only if its state is in ``from_states``.

        Returns the updated sale, or ``None`` when the sale was not in one of ``from_states``
        (another thread won the race, or the transition does not apply). A sale that becomes
        ``paid`` after it was abandoned or closed is flagged ``late`` in the same statement. The
        new state rests on an answer (``recheck_until`` cleared) unless ``recheck_until`` is given.
        """
        fields = self._fields(fields)
        if not from_states:
            return None
        now = self._clock()
        sets = ["state = ?", "updated_at = ?"]
        params: list[object] = [to_state, now]
        for name, value in fields.items():
            sets.append(f"{name} = ?")
            params.append(value)
        if to_state not in OPEN_STATES:
            sets.append("settled_at = COALESCE(settled_at, ?)")
            params.append(now)
        if "recheck_until" not in fields:
            sets.append("recheck_until = NULL")
        if to_state == "paid":
            sets.append("late = CASE WHEN abandoned = 1 OR state = 'closed' THEN 1 ELSE late END")
        marks = ",".join("?" * len(from_states))
        with self._write() as conn:
            before = conn.execute(
                f"SELECT state FROM sales WHERE order_id = ? AND state IN ({marks})",
                (order_id, *from_states),
            ).fetchone()
            if before is None:
                return None
            conn.execute(
                f"UPDATE sales SET {', '.join(sets)} WHERE order_id = ? AND state IN ({marks})",
                (*params, order_id, *from_states),
            )
            self._event(conn, order_id, now, before["state"], to_state, note)
            return self._sale(conn, order_id)

    def update_sale(self, order_id: str, *, note: str | None = None, **fields: object) -> Sale:
        """Set gateway/display fields without changing the state (e.g. ``code_url``).

        With ``note``, a same-state event records why.
        """
        fields = self._fields(fields)
        now = self._clock()
        with self._write() as conn:
            sale = self._sale(conn, order_id)
            if sale is None:
                raise SaleNotFoundError(f"no sale with order id {order_id} in the journal")
            if fields:
                sets = ", ".join(f"{name} = ?" for name in fields)
                conn.execute(
                    f"UPDATE sales SET {sets}, updated_at = ? WHERE order_id = ?",
                    (*fields.values(), now, order_id),
                )
            if note is not None:
                self._event(conn, order_id, now, sale.state, sale.state, note)
            updated = self._sale(conn, order_id)
        assert updated is not None
        return updated

    def mark_abandoned(self, order_id: str, note: str = "cashier stopped waiting", *,
                       reason: str = "stopped_waiting") -> Sale | None:
        """Flag an open sale as given up: a later success is a late payment.

        ``reason`` (an ``AbandonReason`` value) is kept so the late payment can say what
        happened. Returns the sale (flagged) or ``None`` if it was not open any more.
        """
        now = self._clock()
        marks = ",".join("?" * len(OPEN_STATES))
        with self._write() as conn:
            cur = conn.execute(
                f"""UPDATE sales SET abandoned = 1, abandon_reason = ?, updated_at = ?
                    WHERE order_id = ? AND abandoned = 0 AND state IN ({marks})""",
                (reason, now, order_id, *OPEN_STATES),
            )
            sale = self._sale(conn, order_id)
            if sale is None or not sale.is_open:
                return None
            if cur.rowcount:
                self._event(conn, order_id, now, sale.state, sale.state, note)
            return sale

    def events(self, order_id: str) -> list[SaleEvent]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT * FROM sale_events WHERE order_id = ? ORDER BY id", (order_id,)
            ).fetchall()
        return [SaleEvent(**{k: row[k] for k in row.keys()}) for row in rows]

    def open_sales(self) -> list[Sale]:
        """Every sale still pending or unknown, oldest first (what recovery must settle)."""
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT * FROM sales WHERE state IN {_OPEN_SQL} ORDER BY created_at"
            ).fetchall()
        return [Sale.from_row(row) for row in rows]

    def silent_sales(self, now: float) -> list[Sale]:
        """Sales whose outcome rests on silence and is still to be re-checked at ``now``."""
        with self._read() as conn:
            rows = conn.execute(
                """SELECT * FROM sales WHERE recheck_until IS NOT NULL AND recheck_until > ?
                   ORDER BY created_at""", (now,),
            ).fetchall()
        return [Sale.from_row(row) for row in rows]

    def end_recheck(self, order_id: str, note: str) -> Sale | None:
        """The gateway answered about a sale closed on silence: it rests on the answer now.

        Returns the sale, or ``None`` if it was not waiting for a re-check.
        """
        now = self._clock()
        with self._write() as conn:
            cur = conn.execute(
                """UPDATE sales SET recheck_until = NULL, updated_at = ?
                   WHERE order_id = ? AND recheck_until IS NOT NULL""", (now, order_id),
            )
            if not cur.rowcount:
                return None
            sale = self._sale(conn, order_id)
            assert sale is not None
            self._event(conn, order_id, now, sale.state, sale.state, note)
            return sale

    def claim_open_sales(self) -> list[Sale]:
        """Take over the open sales whose owner is gone; return every open sale this journal
        owns now, oldest first (what recovery may settle).

        A sale whose owner is alive is never returned, whatever the timing: the owners' check
        and the take-over are one write transaction (see ``cashier.journal.owners``).
        """
        rows = self._claim("sales", _OPEN_SQL)
        return [Sale.from_row(row) for row in rows]

    def claim_sale(self, order_id: str) -> bool:
        """Take over one sale if its owner is gone (or it is ours); False if another live
        process owns it (it is then left alone)."""
        return bool(self._claim("sales", _OPEN_SQL, order_id))

    def _claim(self, table: str, open_sql: str, order_id: str | None = None) -> list[sqlite3.Row]:
        key = "order_id" if table == "sales" else "refund_id"
        only = f" AND {key} = ?" if order_id is not None else ""
        extra = (order_id,) if order_id is not None else ()
        token = self.leases.token
        with self._write() as conn:
            self.leases.reap(conn)
            self.leases.hold(conn)
            conn.execute(
                f"""UPDATE {table} SET owner = ? WHERE state IN {open_sql}{only}
                    AND (owner IS NULL OR owner NOT IN (SELECT token FROM owners))""",
                (token, *extra),
            )
            rows = conn.execute(
                f"SELECT * FROM {table} WHERE state IN {open_sql}{only} AND owner = ? "
                "ORDER BY created_at", (*extra, token),
            ).fetchall()
        self.leases.keep_alive()
        return rows

    # -- the running terminal -------------------------------------------------------------------

    def claim_terminal(self) -> None:
        """Record this process as the terminal of this journal; ``TerminalRunningError`` if
        another one is running (a terminal that was killed is detected and replaced)."""
        with self._write() as conn:
            self.leases.reap(conn)
            others = self.leases.others(conn, TERMINAL)
            if others:
                raise TerminalRunningError(others[0].pid)
            self.leases.hold(conn, TERMINAL)
        self.leases.keep_alive()

    def running_terminal(self) -> Owner | None:
        """The terminal running on this journal in another process, if any (writes nothing)."""
        with self._read() as conn:
            others = self.leases.others(conn, TERMINAL)
        return others[0] if others else None

    def late_payments(self, *, unresolved_only: bool = True, day: str | None = None) -> list[Sale]:
        """Sales paid after the cashier gave up, oldest first."""
        sql = "SELECT * FROM sales WHERE late = 1"
        params: list[object] = []
        if day is not None:
            sql += " AND business_day = ?"
            params.append(day)
        if unresolved_only:
            sql += " AND late_resolution IS NULL"
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY created_at", params).fetchall()
        return [Sale.from_row(row) for row in rows]

    def resolve_late(self, order_id: str, resolution: str, note: str = "") -> Sale | None:
        """Record how a late payment was resolved (once). ``None`` if not an unresolved late one."""
        now = self._clock()
        with self._write() as conn:
            cur = conn.execute(
                """UPDATE sales SET late_resolution = ?, updated_at = ?
                   WHERE order_id = ? AND late = 1 AND late_resolution IS NULL""",
                (resolution, now, order_id),
            )
            if not cur.rowcount:
                return None
            sale = self._sale(conn, order_id)
            assert sale is not None
            self._event(
                conn, order_id, now, sale.state, sale.state,
                f"late payment resolved: {resolution}" + (f" ({note})" if note else ""),
            )
            return sale

    def history(
        self,
        *,
        day: str | None = None,
        order_id_prefix: str | None = None,
        amount_cents: int | None = None,
        code_last4: str | None = None,
        states: Collection[str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Sale]:
        """Sales newest first, filtered (all filters combine); every filter is index-backed."""
        where: list[str] = []
        params: list[object] = []
        if day is not None:
            where.append("business_day = ?")
            params.append(day)
        if order_id_prefix:
            # A range on the primary key, not LIKE: stays an index search at a million rows.
            where.append("order_id >= ? AND order_id < ?")
            params += [order_id_prefix, order_id_prefix + "\U0010ffff"]
        if amount_cents is not None:
            where.append("amount_cents = ?")
            params.append(amount_cents)
        if code_last4 is not None:
            where.append("code_last4 = ?")
            params.append(code_last4)
        if states:
            where.append(f"state IN ({','.join('?' * len(states))})")
            params += list(states)
        limit, offset = max(0, int(limit)), max(0, int(offset))
        filters = (" WHERE " + " AND ".join(where)) if where else ""
        newest = " ORDER BY created_at DESC LIMIT ? OFFSET ?"
        with self._read() as conn:
            # Other lanes' sales this lane refunded are few: listed with its own when any match.
            foreign = [_foreign_sale(row) for row in conn.execute(
                "SELECT * FROM foreign_sales" + filters + newest,
                (*params, limit + offset, 0)).fetchall()]
            if not foreign:
                rows = conn.execute("SELECT * FROM sales" + filters + newest,
                                    (*params, limit, offset)).fetchall()
                return [Sale.from_row(row) for row in rows]
            rows = conn.execute("SELECT * FROM sales" + filters + newest,
                                (*params, limit + offset, 0)).fetchall()
        merged = sorted([Sale.from_row(row) for row in rows] + foreign,
                        key=lambda sale: sale.created_at, reverse=True)
        return merged[offset:offset + limit]

    # -- refunds ------------------------------------------------------------------------------

    def create_refund(
        self,
        *,
        refund_id: str,
        sale_order_id: str,
        amount_cents: int | None,
        operator_id: str | None = None,
        foreign: ForeignSale | None = None,
    ) -> Refund:
        """Record a refund's intent, checking the refundable remainder in the same transaction.

        ``amount_cents=None`` refunds everything that remains. Refunds not ``failed`` count
        against the remainder, so two refunds racing cannot together exceed the sale.
        ``foreign``: the sale is another lane's, as the store database describes it now; it is
        journaled (or brought up to date) in the same transaction.
        Raises ``SaleNotFoundError`` or ``RefundNotAllowedError``; nothing is recorded then.
        """
        now = self._clock()
        with self._write(creates=True) as conn:
            if foreign is not None:
                if conn.execute("SELECT 1 FROM sales WHERE order_id = ?",
                                (foreign.order_id,)).fetchone() is not None:
                    raise RefundNotAllowedError(f"sale {foreign.order_id} was made at this lane; "
                                                "refund it as this lane's own sale")
                self._keep_foreign(conn, foreign, now)
            sale = self._sale(conn, sale_order_id)
            if sale is None:
                raise SaleNotFoundError(f"no sale with order id {sale_order_id} in the journal")
            if sale.state not in REFUNDABLE_STATES:
                raise RefundNotAllowedError(
                    f"sale {sale_order_id} is {sale.state}; only paid sales can be refunded"
                )
            remaining = self._remaining(conn, sale)
            if amount_cents is None:
                amount_cents = remaining
            if remaining <= 0:
                raise RefundNotAllowedError(f"sale {sale_order_id} has nothing left to refund"
                                            + self._held(conn, sale_order_id))
            if amount_cents > remaining:
                raise RefundNotAllowedError(
                    f"cannot refund {amount_cents / 100:.2f}: only {remaining / 100:.2f} of sale "
                    f"{sale_order_id} remains refundable" + self._held(conn, sale_order_id)
                )
            self.leases.hold(conn)
            conn.execute(
                """INSERT INTO refunds (refund_id, sale_order_id, amount_cents, state,
                       operator_id, business_day, created_at, updated_at, owner)
                   VALUES (?,?,?,?,?,?,?,?,?)""",
                (refund_id, sale_order_id, amount_cents, "pending", operator_id,
                 self._open_day(conn, now), now, now, self.leases.token),
            )
            if sale.lane is None:  # another lane's sale has no events here: its refunds tell
                self._event(
                    conn, sale_order_id, now, sale.state, sale.state,
                    f"refund {refund_id} of {amount_cents} cents journaled",
                )
            row = conn.execute("SELECT * FROM refunds WHERE refund_id = ?", (refund_id,)).fetchone()
        self.leases.keep_alive()
        return Refund.from_row(row)

    @staticmethod
    def _held(conn: sqlite3.Connection, sale_order_id: str) -> str:
        """Why money is reserved, for a refusal: refunds whose outcome is not known yet."""
        rows = conn.execute(
            f"""SELECT refund_id, amount_cents FROM refunds
                WHERE sale_order_id = ? AND state IN {_REFUND_OPEN_SQL} ORDER BY created_at""",
            (sale_order_id,),
        ).fetchall()
        if not rows:
            return ""
        held = ", ".join(f"{row[1] / 100:.2f} by refund {row[0]}" for row in rows)
        return (f" ({held}, whose outcome the gateway has not confirmed yet: 'cashier recover' "
                "asks it, and only a manager can release it)")

    @staticmethod
    def _keep_foreign(conn: sqlite3.Connection, foreign: ForeignSale, now: float) -> None:
        """Journal another lane's sale as the store describes it (or bring it up to date):
        what others refunded per the store, plus what this lane's refunds added."""
        mine = int(conn.execute(
            """SELECT COALESCE(SUM(amount_cents), 0) FROM refunds
               WHERE sale_order_id = ? AND state = 'succeeded'""",
            (foreign.order_id,)).fetchone()[0])
        refunded = foreign.others_refunded_cents + mine
        values = {**dataclasses.asdict(foreign), "refunded_cents": refunded, "fetched_at": now,
                  "state": refunded_state(refunded, foreign.total_cents)}
        names = ", ".join(values)
        updates = ", ".join(f"{name} = excluded.{name}" for name in values if name != "order_id")
        conn.execute(f"INSERT INTO foreign_sales ({names}) VALUES "
                     f"({', '.join('?' * len(values))}) "
                     f"ON CONFLICT (order_id) DO UPDATE SET {updates}", tuple(values.values()))

    def _remaining(self, conn: sqlite3.Connection, sale: Sale) -> int:
        """What may still be refunded of a refundable sale: its total minus this lane's refunds
        not failed and, for another lane's sale, what the store said others refunded."""
        others = 0
        if sale.lane is not None:
            others = int(conn.execute(
                "SELECT others_refunded_cents FROM foreign_sales WHERE order_id = ?",
                (sale.order_id,)).fetchone()[0])
        return sale.total_cents - others - self._reserved(conn, sale.order_id)

    @staticmethod
    def _reserved(conn: sqlite3.Connection, sale_order_id: str) -> int:
        row = conn.execute(
            """SELECT COALESCE(SUM(amount_cents), 0) FROM refunds
               WHERE sale_order_id = ? AND state != 'failed'""",
            (sale_order_id,),
        ).fetchone()
        return int(row[0])

    def refundable_cents(self, sale_order_id: str) -> int:
        """What may still be refunded: total minus every refund not failed (pending included)."""
        with self._read() as conn:
            sale = self._sale(conn, sale_order_id)
            if sale is None:
                raise SaleNotFoundError(f"no sale with order id {sale_order_id} in the journal")
            if sale.state not in REFUNDABLE_STATES:
                return 0
            return self._remaining(conn, sale)

    def get_refund(self, refund_id: str) -> Refund | None:
        with self._read() as conn:
            row = conn.execute("SELECT * FROM refunds WHERE refund_id = ?", (refund_id,)).fetchone()
        return None if row is None else Refund.from_row(row)

    def refunds_for(self, sale_order_id: str) -> list[Refund]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT * FROM refunds WHERE sale_order_id = ? ORDER BY created_at",
                (sale_order_id,),
            ).fetchall()
        return [Refund.from_row(row) for row in rows]

    def silent_refunds(self, now: float) -> list[Refund]:
        """Refunds whose ``failed`` rests on silence and is still to be re-checked at ``now``."""
        with self._read() as conn:
            rows = conn.execute(
                """SELECT * FROM refunds WHERE recheck_until IS NOT NULL AND recheck_until > ?
                   ORDER BY created_at""", (now,),
            ).fetchall()
        return [Refund.from_row(row) for row in rows]

    def open_refunds(self) -> list[Refund]:
        with self._read() as conn:
            rows = conn.execute(
                f"SELECT * FROM refunds WHERE state IN {_REFUND_OPEN_SQL} ORDER BY created_at"
            ).fetchall()
        return [Refund.from_row(row) for row in rows]

    def claim_open_refunds(self) -> list[Refund]:
        """Like ``claim_open_sales``, for refunds still pending or unknown."""
        return [Refund.from_row(row) for row in self._claim("refunds", _REFUND_OPEN_SQL)]

    def finish_refund(
        self,
        refund_id: str,
        to_state: str,
        *,
        rsp_code: str | None = None,
        rsp_msg: str | None = None,
        note: str = "",
        recheck_until: float | None = None,
        after_silence: bool = False,
    ) -> tuple[Refund, Sale] | None:
        """Compare-and-set a refund out of pending/unknown, booking it on the sale atomically.

        ``succeeded`` adds the amount to the sale's ``refunded_cents`` and moves the sale to
        ``partially_refunded`` or ``refunded``. Returns ``None`` if the refund was already final.
        ``recheck_until``: the new state rests on silence (a manager released an unknown refund).
        ``after_silence``: settle a refund whose ``failed`` rested on silence instead (the
        gateway answered after all); ``None`` unless it is one.
        """
        if to_state not in REFUND_STATES:
            raise ValueError(f"unknown refund state {to_state!r}")
        now = self._clock()
        if after_silence:
            where, sources = "state = 'failed' AND recheck_until IS NOT NULL", ()
        else:
            where = f"state IN ({','.join('?' * len(REFUND_OPEN_STATES))})"
            sources = REFUND_OPEN_STATES
        with self._write() as conn:
            cur = conn.execute(
                f"""UPDATE refunds SET state = ?, rsp_code = COALESCE(?, rsp_code),
                        rsp_msg = COALESCE(?, rsp_msg), updated_at = ?, recheck_until = ?
                    WHERE refund_id = ? AND {where}""",
                (to_state, rsp_code, rsp_msg, now, recheck_until, refund_id, *sources),
            )
            if not cur.rowcount:
                return None
            refund = Refund.from_row(
                conn.execute("SELECT * FROM refunds WHERE refund_id = ?", (refund_id,)).fetchone()
            )
            sale = self._sale(conn, refund.sale_order_id)
            assert sale is not None
            if sale.lane is not None:  # another lane's sale: only its copy here changes
                if to_state == "succeeded":
                    refunded = sale.refunded_cents + refund.amount_cents
                    conn.execute(
                        """UPDATE foreign_sales SET refunded_cents = ?, state = ?, updated_at = ?
                           WHERE order_id = ?""",
                        (refunded, refunded_state(refunded, sale.total_cents), now,
                         sale.order_id),
                    )
            elif to_state == "succeeded":
                refunded = sale.refunded_cents + refund.amount_cents
                new_state = refunded_state(refunded, sale.total_cents)
                conn.execute(
                    """UPDATE sales SET refunded_cents = ?, state = ?, updated_at = ?
                       WHERE order_id = ?""",
                    (refunded, new_state, now, sale.order_id),
                )
                self._event(
                    conn, sale.order_id, now, sale.state, new_state,
                    note or f"refund {refund_id} of {refund.amount_cents} cents confirmed",
                )
            else:
                self._event(
                    conn, sale.order_id, now, sale.state, sale.state,
                    note or f"refund {refund_id} {to_state}",
                )
            sale = self._sale(conn, refund.sale_order_id)
        assert sale is not None
        return refund, sale

    # -- reports ------------------------------------------------------------------------------

    def sales_summary(self, day: str) -> list[SalesSummaryRow]:
        """Count and sums of a day's sales per wallet and state (covering index, no table scan)."""
        with self._read() as conn:
            rows = conn.execute(
                """SELECT wallet, state, COUNT(*), COALESCE(SUM(amount_cents), 0),
                          COALESCE(SUM(tip_cents), 0)
                   FROM sales WHERE business_day = ? GROUP BY wallet, state""",
                (day,),
            ).fetchall()
        return [SalesSummaryRow(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows]

    def refunds_summary(self, day: str) -> list[RefundsSummaryRow]:
        """Succeeded refunds booked on ``day``, per wallet of the sale they refund (this lane's
        sales and other lanes' sales this lane refunded)."""
        with self._read() as conn:
            rows = conn.execute(
                """SELECT COALESCE(s.wallet, f.wallet), COUNT(*),
                          COALESCE(SUM(r.amount_cents), 0)
                   FROM refunds r LEFT JOIN sales s ON s.order_id = r.sale_order_id
                   LEFT JOIN foreign_sales f ON f.order_id = r.sale_order_id
                   WHERE r.business_day = ? AND r.state = 'succeeded'
                   GROUP BY COALESCE(s.wallet, f.wallet)""",
                (day,),
            ).fetchall()
        return [RefundsSummaryRow(r[0], int(r[1]), int(r[2])) for r in rows]

    def current_business_day(self) -> str:
        """The day a sale made now would be booked on (today, or later if today is closed)."""
        with self._read() as conn:
            return self._open_day(conn, self._clock())

    def close_day(self, day: str, totals_json: str) -> ZRecord:
        """Record the Z report of ``day``, numbered next; ``DayAlreadyClosedError`` if closed."""
        now = self._clock()
        with self._write(creates=True) as conn:
            existing = conn.execute(
                "SELECT number FROM z_reports WHERE business_day = ?", (day,)
            ).fetchone()
            if existing is not None:
                raise DayAlreadyClosedError(
                    f"business day {day} was already closed by Z report #{existing[0]}"
                )
            number = int(
                conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM z_reports").fetchone()[0]
            )
            conn.execute(
                "INSERT INTO z_reports (number, business_day, closed_at, totals_json) "
                "VALUES (?,?,?,?)",
                (number, day, now, totals_json),
            )
        return ZRecord(number, day, now, totals_json)

    def z_record(self, day: str) -> ZRecord | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT number, business_day, closed_at, totals_json FROM z_reports "
                "WHERE business_day = ?",
                (day,),
            ).fetchone()
        return None if row is None else ZRecord(*row)

    def z_records(self) -> list[ZRecord]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT number, business_day, closed_at, totals_json FROM z_reports ORDER BY number"
            ).fetchall()
        return [ZRecord(*row) for row in rows]
