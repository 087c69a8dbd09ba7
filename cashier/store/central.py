"""The store database side: connecting, shipping a batch, and the store-wide history and reports.

Shipping is idempotent: records are upserted by their natural keys (a newer journal state never
loses to an older one), and the lane's shipped sequence only moves forward, in the same
transaction, so a batch sent twice, or cut off by a crash or an outage at any point, leaves the
store exactly as if it had been sent once.

A refund of any lane's sale is reserved here first (``reserve_refund``): under the sale's row
lock, waited for at most ``REFUND_LOCK_TIMEOUT_MS``, a reservation counting against the sale
until its refund ships, it is released, or ``RESERVATION_HOLD_SECONDS`` pass, so a lane that
stopped between reserving and journaling never blocks the sale's refunds for good.

Store reports use the lanes' own rules (``cashier.payments.reports``): a lane's figures here equal
its own X report once its outbox is shipped.

Kept as one module (about 700 lines) on purpose: it is the only code that writes SQL against the
store's tables, so its schema knowledge, its connection rules (timeouts, no password in any
sentence) and the row lock that refunds and shipping share stay in one place; the lane-side
logic that calls it lives in ``shipper`` and ``refunds``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import psycopg.errors
import psycopg.rows

from cashier.config import REDACTED, database_password_forms
from cashier.config.values import BAD_DATABASE_URL, valid_database_url
from cashier.journal.records import (
    OPEN_STATES,
    PAID_STATES,
    REFUNDABLE_STATES,
    refunded_state,
)
from cashier.payments.errors import StoreRefusal
from cashier.payments.reports import WalletTotals
from cashier.store import schema
from cashier.store.outbox import Batch
from cashier.store.schema import StoreSchemaError, migrate, schema_version

#: Every wait on the store database is bounded: connecting, each statement, a dead peer.
CONNECT_TIMEOUT_SECONDS = 5
STATEMENT_TIMEOUT_MS = 15_000
#: A store gone silent mid-statement (a cable pulled) fails the wait after this, not the
#: operating system's minutes of retransmissions.
TCP_USER_TIMEOUT_MS = 20_000
#: A lane that stops inside a transaction (a refund's reservation, a shipment) holds its row
#: locks until the server ends its session: after this, not when the server notices (hours).
IDLE_IN_TRANSACTION_MS = 30_000

_SALE_COLUMNS = ("order_id", "mode", "wallet", "amount_cents", "tip_cents", "refunded_cents",
                 "masked_code", "code_last4", "operator_id", "state", "rsp_code", "rsp_msg",
                 "bizpay_order_id", "trade_time", "late", "late_resolution", "business_day",
                 "created_at", "updated_at", "settled_at")
_REFUND_COLUMNS = ("refund_id", "sale_order_id", "amount_cents", "state", "rsp_code", "rsp_msg",
                   "operator_id", "business_day", "created_at", "updated_at")
_TIMES = {"created_at", "updated_at", "settled_at", "closed_at"}
_TOTAL_KEYS = ("sales_count", "sales_cents", "tips_cents", "refunds_count", "refunds_cents")


class StoreUnavailableError(RuntimeError):
    """The store database cannot be reached or refused us; the message is one sentence."""

    #: An outage passes by itself: the lane keeps selling and ships once it is over.
    passes = True

    def sentence(self) -> str:
        """The message as a sentence for the lane's user, with what happens meanwhile."""
        text = str(self)
        return f"{text[0].upper()}{text[1:]}" + (
            "; this lane keeps selling and ships when it is back." if self.passes else ".")


class StoreAccessRefusedError(StoreUnavailableError):
    """The store database answered and refused this lane: its user name or password, its right
    to connect, or the database's name. Unlike an outage this lasts until the settings are
    fixed, and the message says what to fix."""

    passes = False


class StoreUpgradingError(StoreUnavailableError):
    """The store database's schema is behind this cashier's and this path does not upgrade it
    (see ``connect``): a lane's shipper or a ``cashier store`` command will."""


def connect(database_url: str, *, upgrade: bool = True) -> psycopg.Connection[Any]:
    """A connection in autocommit mode (transactions are explicit), its schema checked:
    ``upgrade``, brought up to date (``schema.migrate``: the shipper and the commands);
    else refused with ``StoreUpgradingError`` while behind (``schema.schema_version``: a refund
    at the counter and the store views never wait for a long migration).

    Raises ``StoreUnavailableError`` whose message never holds the password.
    """
    if not valid_database_url(database_url):  # the driver's own sentence would quote it
        raise StoreUnavailableError(f"the store database address {BAD_DATABASE_URL}")
    try:
        conn = psycopg.connect(
            database_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS,
            options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS} "
                    f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}",
            keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3,
            tcp_user_timeout=TCP_USER_TIMEOUT_MS,
            application_name="cashier",
        )
    except psycopg.Error as exc:
        raise _unavailable(exc, database_url) from None
    try:
        if upgrade:
            migrate(conn)
        elif schema_version(conn) < schema.SCHEMA_VERSION:
            raise StoreUpgradingError(
                "the store database is being upgraded (a lane's shipper or a 'cashier store' "
                "command does it); try again in a few minutes")
    except BaseException:
        conn.close()
        raise
    return conn


#: A refused connection: libpq hands it back without the server's SQLSTATE (``sqlstate`` is None
#: then), so the server's own words tell it too (its messages, as PostgreSQL words them).
_LOGIN_REFUSED_STATES = frozenset({"28P01", "28000", "42501"})
_LOGIN_REFUSED_WORDS = re.compile(
    r"password authentication failed|no password supplied|authentication failed for user"
    r'|no pg_hba\.conf entry|role ".*" does not exist|permission denied for database')
_NO_DATABASE_STATE = "3D000"
_NO_DATABASE_WORDS = re.compile(r'database ".*" does not exist')


def _unavailable(exc: psycopg.Error, database_url: str) -> StoreUnavailableError:
    """Why connecting failed: the store refusing this lane's settings, or an outage."""
    why = reason(exc, database_url)
    # The server's own words, after libpq's "connection failed: ... failed: FATAL:  ".
    words = re.split(r"failed: (?:FATAL:\s+)?", why)[-1]
    if exc.sqlstate in _LOGIN_REFUSED_STATES or _LOGIN_REFUSED_WORDS.search(why):
        return StoreAccessRefusedError(
            f"the store database refused this lane's user name or password ({words}): fix "
            "[store] database_url (or the password in the keyring); nothing is shipped until "
            "then")
    if exc.sqlstate == _NO_DATABASE_STATE or _NO_DATABASE_WORDS.search(why):
        return StoreAccessRefusedError(
            f"the store server has no database of the name in [store] database_url ({words}): "
            "fix [store] database_url; nothing is shipped until then")
    return StoreUnavailableError(f"the store database cannot be reached ({why})")


@contextmanager
def opened(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection for a few store-view queries, closed after them (the schema is not
    upgraded here: see ``connect``). Any failure, connecting or in a query, is a
    ``StoreUnavailableError`` (one sentence, without the password)."""
    try:
        conn = connect(database_url, upgrade=False)
    except (psycopg.Error, StoreSchemaError) as exc:
        raise StoreUnavailableError(
            f"the store database cannot be used ({reason(exc, database_url)})") from None
    try:
        yield conn
    except psycopg.Error as exc:
        raise StoreUnavailableError(
            f"the store database failed ({reason(exc, database_url)})") from None
    finally:
        conn.close()


def connection_problem(database_url: str) -> str | None:
    """Try the store database as a lane would (the setup's "test connection"): None when it
    answers and its tables are usable, else why not, in one sentence without the password."""
    try:
        conn = connect(database_url)
    except StoreUnavailableError as exc:
        return f"{str(exc)[0].upper()}{str(exc)[1:]}."
    except (psycopg.Error, StoreSchemaError) as exc:
        return f"The store database answered but cannot be used ({reason(exc, database_url)})."
    conn.close()
    return None


def reason(exc: BaseException, database_url: str) -> str:
    """The first line of a driver error, without the address ``database_url`` nor its password
    in any form, whatever the driver put in it (libpq quotes the bad part of an address)."""
    text = str(exc).strip().splitlines()
    line = text[0].rstrip(".") if text else type(exc).__name__
    secrets = sorted({database_url, *database_password_forms(database_url)} - {""},
                     key=len, reverse=True)
    if not secrets:
        return line
    return re.sub("|".join(map(re.escape, secrets)), REDACTED, line, flags=re.IGNORECASE)


def _value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in _TIMES:
        return dt.datetime.fromtimestamp(float(value), dt.UTC)
    if column == "business_day":
        return dt.date.fromisoformat(value)
    if column == "late":
        return bool(value)
    return value


def _upsert_sql(table: str, key: str, columns: tuple[str, ...], extra: str) -> str:
    names = ("terminal_id", *columns, extra)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in names if c not in ("terminal_id", key))
    return (f"INSERT INTO {table} ({', '.join(names)}) "
            f"VALUES ({', '.join(['%s'] * len(names))}) "
            f"ON CONFLICT (terminal_id, {key}) DO UPDATE SET {updates} "
            f"WHERE {table}.updated_at <= EXCLUDED.updated_at")


_SALES_UPSERT = _upsert_sql("sales", "order_id", _SALE_COLUMNS, "journal_id")
_REFUNDS_UPSERT = _upsert_sql("refunds", "refund_id", _REFUND_COLUMNS, "sale_terminal_id")


def shipped_seq(conn: psycopg.Connection[Any], terminal_id: str, journal_id: str) -> int:
    row = conn.execute(
        "SELECT shipped_seq FROM shipments WHERE terminal_id = %s AND journal_id = %s",
        (terminal_id, journal_id)).fetchone()
    return 0 if row is None else int(row[0])


def ship(conn: psycopg.Connection[Any], terminal_id: str, name: str, batch: Batch,
         merchant_id: str | None = None) -> int:
    """Send one batch in one transaction; returns the lane's shipped sequence after it.

    ``merchant_id``: the OTT Pay merchant the lane uses (kept on its ``terminals`` row, so
    another lane can tell whether it may refund this lane's sales)."""
    with conn.transaction():
        conn.execute("INSERT INTO terminals (terminal_id, name) VALUES (%s, %s) "
                     "ON CONFLICT DO NOTHING", (terminal_id, name))
        conn.execute("INSERT INTO shipments (terminal_id, journal_id) VALUES (%s, %s) "
                     "ON CONFLICT DO NOTHING", (terminal_id, batch.journal_id))
        # One shipper per lane at a time: a second one waits here, then finds the work done.
        conn.execute("SELECT shipped_seq FROM shipments WHERE terminal_id = %s AND "
                     "journal_id = %s FOR UPDATE", (terminal_id, batch.journal_id))
        with conn.cursor() as cur:
            if batch.sales:
                cur.executemany(_SALES_UPSERT, [
                    (terminal_id, *(_value(c, s[c]) for c in _SALE_COLUMNS), batch.journal_id)
                    for s in batch.sales])
            if batch.refunds:
                cur.executemany(_REFUNDS_UPSERT, [
                    (terminal_id, *(_value(c, r[c]) for c in _REFUND_COLUMNS),
                     r.get("sale_lane") or terminal_id)
                    for r in batch.refunds])
            if batch.days:
                cur.executemany(
                    "INSERT INTO business_days (terminal_id, business_day, z_number, closed_at, "
                    "totals) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    [(terminal_id, _value("business_day", d["business_day"]), d["number"],
                      _value("closed_at", d["closed_at"]), d["totals_json"])
                     for d in batch.days])
        row = conn.execute(
            "UPDATE shipments SET shipped_seq = GREATEST(shipped_seq, %s), shipped_at = now() "
            "WHERE terminal_id = %s AND journal_id = %s RETURNING shipped_seq",
            (batch.last_seq, terminal_id, batch.journal_id)).fetchone()
        conn.execute("UPDATE terminals SET name = %s, last_seen = now(), "
                     "merchant_id = COALESCE(%s, merchant_id) WHERE terminal_id = %s",
                     (name, merchant_id, terminal_id))
    return int(row[0])


# --- refunds across lanes ---------------------------------------------------------------------


#: How long a reservation counts against its sale while its refund has not shipped: far longer
#: than a lane that did journal the refund takes to send it and ship it in normal operation. A
#: reservation older than this whose refund never shipped (its lane stopped between reserving
#: and journaling, and has not refunded since) no longer blocks any lane; past it, the gateway
#: itself remains the final guard: it refuses refunding more than was paid.
RESERVATION_HOLD_SECONDS = 15 * 60
#: How long a refund waits for another lane's reservation of the same sale (its row lock)
#: before it is refused as "being refunded right now", well within ``STATEMENT_TIMEOUT_MS``.
REFUND_LOCK_TIMEOUT_MS = 5_000
#: What a live reservation is, in a refusal it causes (see ``_refund_claims``).
_HELD = "(being sent, or done and not yet shipped to the store)"


class RefundRefusedError(RuntimeError):
    """The store refuses to reserve that refund; the message is one sentence, ``refusal`` its
    fields."""

    def __init__(self, message: str, refusal: StoreRefusal) -> None:
        super().__init__(message)
        self.refusal = refusal


class StoreBehindError(RefundRefusedError):
    """The store does not know the sale, or not that it was paid: its lane has not shipped it
    yet. (For the lane that made the sale this is no refusal: its journal knows better.)"""


def store_sale(conn: psycopg.Connection[Any], order_id: str, terminal_id: str) \
        -> dict[str, Any] | None:
    """Sale ``order_id`` as the store knows it, for lane ``terminal_id`` about to refund it:
    the sale's columns, its lane's ``terminal_name`` and ``merchant_id``, and
    ``others_refunded_cents`` (its succeeded refunds made at lanes other than
    ``terminal_id``). None when no lane has shipped it."""
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        row = cur.execute(
            """SELECT s.*, t.name AS terminal_name, t.merchant_id,
                      (SELECT COALESCE(SUM(r.amount_cents), 0) FROM refunds r
                       WHERE r.sale_order_id = s.order_id AND r.sale_terminal_id = s.terminal_id
                         AND r.state = 'succeeded' AND r.terminal_id != %(me)s)
                      AS others_refunded_cents
               FROM sales s JOIN terminals t USING (terminal_id)
               WHERE s.order_id = %(o)s ORDER BY s.terminal_id LIMIT 1""",
            {"o": order_id, "me": terminal_id}).fetchone()
    return None if row is None else _plain(row)


def reserve_refund(conn: psycopg.Connection[Any], *, order_id: str, refund_id: str,
                   terminal_id: str, amount_cents: int | None = None,
                   at_most: int | None = None) -> int:
    """Reserve ``amount_cents`` (None: all that remains, but no more than ``at_most``) of sale
    ``order_id`` for refund ``refund_id`` at lane ``terminal_id``, before the refund is sent;
    returns the amount.

    The sale's row is locked (``SELECT ... FOR UPDATE``, waiting at most
    ``REFUND_LOCK_TIMEOUT_MS`` for another lane's reservation) while what remains is counted, so
    two lanes reserving at the same moment are served one after the other and cannot together
    exceed the sale. Counted against it: its refunds not failed, and reservations neither
    released nor shipped as a refund yet, for ``RESERVATION_HOLD_SECONDS``. Reserving the same
    ``refund_id`` again returns the amount reserved before. Raises ``RefundRefusedError``.
    """
    if amount_cents is not None and amount_cents <= 0:
        raise RefundRefusedError("a refund must be more than 0.00", StoreRefusal(
            "bad_amount", order_id, amount_cents=amount_cents))
    try:
        with conn.transaction():
            conn.execute(f"SET LOCAL lock_timeout = {REFUND_LOCK_TIMEOUT_MS}")
            rows = conn.execute(
                "SELECT terminal_id, amount_cents + tip_cents, state FROM sales "
                "WHERE order_id = %s FOR UPDATE", (order_id,)).fetchall()
            return _reserve(conn, rows, order_id=order_id, refund_id=refund_id,
                            terminal_id=terminal_id, amount_cents=amount_cents, at_most=at_most)
    except psycopg.errors.LockNotAvailable:
        raise RefundRefusedError(f"another lane is refunding sale {order_id} right now; try "
                                 "again in a moment", StoreRefusal("locked", order_id)) from None


def _reserve(conn: psycopg.Connection[Any], rows: list[Any], *, order_id: str, refund_id: str,
             terminal_id: str, amount_cents: int | None, at_most: int | None) -> int:
    """``reserve_refund`` once sale ``order_id``'s ``rows`` are locked."""
    if not rows:
        raise StoreBehindError(f"no sale with order id {order_id} in the store (a lane's "
                               "newest sales appear once it has shipped them)",
                               StoreRefusal("not_found", order_id))
    if len(rows) > 1:
        raise RefundRefusedError(f"order id {order_id} was used by more than one lane; "
                                 "refund it at the lane that made the sale",
                                 StoreRefusal("ambiguous", order_id))
    _, total, state = rows[0]
    if state in OPEN_STATES:
        raise StoreBehindError(f"sale {order_id} is {state} in the store; only paid sales "
                               "can be refunded", StoreRefusal("not_paid", order_id, state=state))
    if state not in REFUNDABLE_STATES:
        raise RefundRefusedError(f"sale {order_id} is {state}; only paid sales can be "
                                 "refunded", StoreRefusal("not_paid", order_id, state=state))
    before = conn.execute("SELECT amount_cents FROM refund_reservations WHERE refund_id = %s",
                          (refund_id,)).fetchone()
    if before is not None:
        return int(before[0])
    refunded, reserving = _refund_claims(conn, order_id)
    remaining = int(total) - refunded - sum(reserving.values())
    # A reservation counts until its refund ships: that refund may be on its way to the gateway
    # or done already, so the sentence says both.
    being_refunded = "".join(f"; {cents / 100:.2f} of it is held by a refund at {lane} "
                             f"{_HELD}" for lane, cents in reserving.items())
    claims = tuple(reserving.items())
    if remaining <= 0:
        raise RefundRefusedError(f"sale {order_id} has nothing left to refund{being_refunded}",
                                 StoreRefusal("nothing_left", order_id, reserving=claims))
    wanted = amount_cents
    if wanted is None:
        wanted = remaining if at_most is None else min(remaining, at_most)
    if wanted > remaining:
        raise RefundRefusedError(f"cannot refund {wanted / 100:.2f}: only "
                                 f"{remaining / 100:.2f} of sale {order_id} remains "
                                 f"refundable{being_refunded}", StoreRefusal(
                                     "over_refund", order_id, amount_cents=wanted,
                                     remaining_cents=remaining, reserving=claims))
    conn.execute("INSERT INTO refund_reservations (refund_id, order_id, terminal_id, "
                 "amount_cents) VALUES (%s, %s, %s, %s)",
                 (refund_id, order_id, terminal_id, wanted))
    return wanted


def _refund_claims(conn: psycopg.Connection[Any], order_id: str) -> tuple[int, dict[str, int]]:
    """What is gone from sale ``order_id``: the sum of its refunds not failed, and per lane
    (by name) its live reservations: neither released nor shipped as a refund yet, and made
    less than ``RESERVATION_HOLD_SECONDS`` ago."""
    refunded = conn.execute(
        "SELECT COALESCE(SUM(amount_cents), 0) FROM refunds "
        "WHERE sale_order_id = %s AND state != 'failed'", (order_id,)).fetchone()[0]
    reserving = conn.execute(
        """SELECT COALESCE(NULLIF(t.name, ''), v.terminal_id), SUM(v.amount_cents)
           FROM refund_reservations v LEFT JOIN terminals t USING (terminal_id)
           WHERE v.order_id = %(o)s AND NOT v.released
             AND v.reserved_at > now() - make_interval(secs => %(hold)s)
             AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.terminal_id = v.terminal_id
                                                       AND r.refund_id = v.refund_id)
           GROUP BY 1 ORDER BY 1""",
        {"o": order_id, "hold": RESERVATION_HOLD_SECONDS}).fetchall()
    return int(refunded), {lane: int(cents) for lane, cents in reserving}


def release_refund(conn: psycopg.Connection[Any], refund_id: str) -> None:
    """Give back a reservation whose refund was never sent."""
    conn.execute("UPDATE refund_reservations SET released = true WHERE refund_id = %s",
                 (refund_id,))


def unshipped_reservations(conn: psycopg.Connection[Any], terminal_id: str, *,
                           older_than: float, within_days: int = 7) -> list[str]:
    """Refund ids lane ``terminal_id`` reserved between ``within_days`` days and
    ``older_than`` seconds ago that are neither released nor shipped as a refund: those its
    journal does not hold were never sent (the lane stopped between reserving and
    journaling), so the lane releases them (``cashier.store.refunds``)."""
    return [row[0] for row in conn.execute(
        """SELECT v.refund_id FROM refund_reservations v
           WHERE v.terminal_id = %(t)s AND NOT v.released
             AND v.reserved_at >= now() - make_interval(days => %(d)s)
             AND v.reserved_at < now() - make_interval(secs => %(s)s)
             AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.terminal_id = v.terminal_id
                                                       AND r.refund_id = v.refund_id)
           ORDER BY v.reserved_at""",
        {"t": terminal_id, "d": within_days, "s": older_than})]


# --- the store's Z: closing a business day for every lane --------------------------------------


class StoreDayClosedError(RuntimeError):
    """The store closed that business day already; the message is one sentence."""


def close_store_day(conn: psycopg.Connection[Any], day: str, closed_by: str) -> dict[str, Any]:
    """The store's Z report of ``day``: record, numbered next, that the store closed it.

    The lanes that have closed the day by then are named with their Z numbers; every other lane
    is asked to close it (``days_to_close``) and does so through its own Z report, which it
    then ships like any other. Returns the closure (see ``store_closure``);
    ``StoreDayClosedError`` if the store closed that day already.
    """
    when = _value("business_day", day)
    with conn.transaction():
        # One closing at a time: numbers follow each other and a day is closed once.
        conn.execute("LOCK TABLE store_closures IN EXCLUSIVE MODE")
        before = store_closure(conn, day)
        if before is not None:
            raise StoreDayClosedError(
                f"business day {day} was already closed by store Z report #{before['number']}")
        closed = dict(conn.execute(
            "SELECT terminal_id, z_number FROM business_days WHERE business_day = %s",
            (when,)).fetchall())
        asked = [terminal_id for (terminal_id,) in conn.execute(
            "SELECT terminal_id FROM terminals ORDER BY terminal_id") if terminal_id not in closed]
        conn.execute(
            "INSERT INTO store_closures (business_day, number, closed_by, lanes_closed, "
            "lanes_asked) SELECT %s, COALESCE(MAX(number), 0) + 1, %s, %s, %s "
            "FROM store_closures", (when, closed_by, json.dumps(closed), asked))
    closure = store_closure(conn, day)
    assert closure is not None
    return closure


def store_closure(conn: psycopg.Connection[Any], day: str) -> dict[str, Any] | None:
    """The store's Z report of ``day`` (None: the store has not closed it): ``number``,
    ``closed_at`` (epoch seconds), ``closed_by``, ``lanes_closed`` (terminal id: its Z number,
    when the store closed the day) and ``lanes_asked`` (the lanes still open then)."""
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        row = cur.execute(
            "SELECT number, business_day, closed_at, closed_by, lanes_closed, lanes_asked "
            "FROM store_closures WHERE business_day = %s",
            (_value("business_day", day),)).fetchone()
    return None if row is None else _plain(row)


def days_to_close(conn: psycopg.Connection[Any], terminal_id: str) -> list[str]:
    """The business days the store closed that lane ``terminal_id`` was asked to close and
    has not shipped a Z report of yet, oldest first."""
    return [day.isoformat() for (day,) in conn.execute(
        "SELECT c.business_day FROM store_closures c WHERE %(t)s = ANY (c.lanes_asked) "
        "AND NOT EXISTS (SELECT 1 FROM business_days d WHERE d.terminal_id = %(t)s "
        "AND d.business_day = c.business_day) ORDER BY c.business_day", {"t": terminal_id})]


# --- the store view ---------------------------------------------------------------------------


def history(
    conn: psycopg.Connection[Any],
    *,
    terminal_id: str | None = None,
    day: str | None = None,
    order_id_prefix: str | None = None,
    amount_cents: int | None = None,
    code_last4: str | None = None,
    since: float | None = None,
    until: float | None = None,
    late: bool = False,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Sales of every lane, newest first, filtered (all filters combine; each index-backed).
    ``late``: only late payments nobody has resolved yet (kept or refunded at their lane)."""
    where: list[str] = []
    params: list[Any] = []
    for sql, value in (("terminal_id = %s", terminal_id),
                       ("business_day = %s", _value("business_day", day)),
                       ("amount_cents = %s", amount_cents),
                       ("code_last4 = %s", code_last4),
                       ("created_at >= %s", _value("created_at", since)),
                       ("created_at < %s", _value("created_at", until))):
        if value is not None:
            where.append(sql)
            params.append(value)
    if late:
        where.append("late AND late_resolution IS NULL")
    if order_id_prefix:
        where.append("order_id >= %s AND order_id < %s")
        params += [order_id_prefix, order_id_prefix + "\U0010ffff"]
    sql = f"SELECT {_STORE_SALE} FROM sales s JOIN terminals t USING (terminal_id)"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY created_at DESC LIMIT %s"
    params.append(max(0, int(limit)))
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        return [_store_wide(row) for row in cur.execute(sql, params)]


def sale_detail(conn: psycopg.Connection[Any], terminal_id: str, order_id: str) \
        -> dict[str, Any] | None:
    """Sale ``order_id`` of lane ``terminal_id`` (as in ``history``), its refunds oldest first
    and what is still refundable of it store-wide; None if the store has no such sale."""
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        sale = cur.execute(
            f"SELECT {_STORE_SALE} FROM sales s JOIN terminals t USING (terminal_id) "
            "WHERE s.terminal_id = %s AND s.order_id = %s", (terminal_id, order_id)).fetchone()
        if sale is None:
            return None
        refunds = cur.execute(  # made at any lane (a sale is refundable at every lane)
            "SELECT * FROM refunds WHERE sale_order_id = %s AND sale_terminal_id = %s "
            "ORDER BY created_at", (order_id, terminal_id)).fetchall()
    refundable = 0
    if sale["state"] in REFUNDABLE_STATES:
        refunded, reserving = _refund_claims(conn, order_id)
        refundable = max(0, sale["amount_cents"] + sale["tip_cents"] - refunded
                         - sum(reserving.values()))
    return {"sale": _store_wide(sale), "refunds": [_plain(r) for r in refunds],
            "refundable_cents": refundable}


#: A sale row of the store view: its columns, its lane's name, and ``refunded_cents``
#: store-wide: what its lane's journal holds (the refunds made there) plus the succeeded
#: refunds other lanes made of it (``refunds_sale`` finds them; evaluated only for the rows
#: returned). ``_store_wide`` then sets the state that goes with it.
_STORE_SALE = ", ".join(f"s.{c}" for c in ("terminal_id", "journal_id", *_SALE_COLUMNS)
                        if c != "refunded_cents") + """, t.name AS terminal_name,
    s.refunded_cents + (SELECT COALESCE(SUM(r.amount_cents), 0) FROM refunds r
                        WHERE r.sale_order_id = s.order_id
                          AND r.sale_terminal_id = s.terminal_id
                          AND r.terminal_id != s.terminal_id AND r.state = 'succeeded')::bigint
    AS refunded_cents"""


def _store_wide(row: dict[str, Any]) -> dict[str, Any]:
    """A ``_STORE_SALE`` row with the state its store-wide refunds give it, by the lane's own
    rule (``refunded_state``): a sale the lanes refunded in full together is ``refunded``."""
    sale = _plain(row)
    if sale["state"] in PAID_STATES:
        sale["state"] = refunded_state(sale["refunded_cents"],
                                       sale["amount_cents"] + sale["tip_cents"])
    return sale


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """A row as JSON-ready values: epoch seconds and ``YYYY-MM-DD`` like the journal's."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dt.datetime):
            value = value.timestamp()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = value
    return out


def report(conn: psycopg.Connection[Any], day: str, *, closed_only: bool = False) \
        -> dict[str, Any]:
    """The store's report of ``day``: per lane (with the lane's Z number if it closed the day)
    and in total, with the lanes still open named, and the store's Z of the day if there is one
    (``store_z``, see ``store_closure``). ``closed_only`` (the store's Z report): only the lanes
    that closed the day count, each with the totals of its own Z report as it printed them.
    A refund counts at the lane that made it, under its sale's wallet, even when another lane
    made the sale (see ``schema``): each lane's figures equal its own X/Z report, and the total
    counts every refund once."""
    when = _value("business_day", day)
    lanes: dict[str, dict[str, Any]] = {}
    for terminal_id, name, z_number, z_totals in conn.execute(
            "SELECT t.terminal_id, t.name, d.z_number, d.totals FROM terminals t "
            "LEFT JOIN business_days d ON d.terminal_id = t.terminal_id AND d.business_day = %s "
            "ORDER BY t.terminal_id", (when,)):
        lanes[terminal_id] = {"terminal_id": terminal_id, "name": name, "z_number": z_number,
                              "wallets": {}, "open_count": 0}
        if closed_only and z_totals is not None:
            lanes[terminal_id]["z_totals"] = z_totals
    if not closed_only:  # a Z counts each lane as its own Z printed it: no look at the sales
        _count_sales(conn, when, lanes)
    out_lanes = []
    for lane in lanes.values():
        if closed_only and lane["z_number"] is None:
            continue
        z_totals = lane.pop("z_totals", None)
        if z_totals is not None:  # what the lane's Z printed, whatever changed since
            wallets = [_totals(w) for w in z_totals["wallets"]]
            lane["open_count"] = z_totals["open_count"]
        else:
            wallets = [WalletTotals(w, **t) for w, t in sorted(lane["wallets"].items())]
        out_lanes.append({**lane, "wallets": [w.to_dict() for w in wallets],
                          "total": _sum("ALL", wallets).to_dict()})
    totals = [_totals(lane["total"]) for lane in out_lanes]
    return {"business_day": day, "lanes": out_lanes, "total": _sum("ALL", totals).to_dict(),
            "lanes_open": [lane["terminal_id"] for lane in lanes.values()
                           if lane["z_number"] is None],
            "store_z": store_closure(conn, day)}


def z_report(conn: psycopg.Connection[Any], day: str) -> dict[str, Any]:
    """The store's Z report of ``day`` (``report`` with ``closed_only``) plus ``open_lanes_x``:
    each lane still open as its X report counts it so far, so a Z slip printed before every
    lane closed can say what is not final yet."""
    out = report(conn, day, closed_only=True)
    running = report(conn, day)["lanes"] if out["lanes_open"] else []
    out["open_lanes_x"] = [lane for lane in running if lane["terminal_id"] in out["lanes_open"]]
    return out


def _count_sales(conn: psycopg.Connection[Any], when: dt.date,
                 lanes: dict[str, dict[str, Any]]) -> None:
    """Add the day's paid sales, open sales and succeeded refunds to each lane's figures."""

    def bucket(terminal_id: str, wallet: str) -> dict[str, int]:
        return lanes[terminal_id]["wallets"].setdefault(wallet, dict.fromkeys(_TOTAL_KEYS, 0))

    for terminal_id, wallet, state, count, cents, tips in conn.execute(
            "SELECT terminal_id, wallet, state, COUNT(*), SUM(amount_cents), SUM(tip_cents) "
            "FROM sales WHERE business_day = %s GROUP BY terminal_id, wallet, state", (when,)):
        if state in PAID_STATES:
            b = bucket(terminal_id, wallet)
            b["sales_count"] += count
            b["sales_cents"] += int(cents)
            b["tips_cents"] += int(tips)
        elif state in OPEN_STATES:
            lanes[terminal_id]["open_count"] += count
    for terminal_id, wallet, count, cents in conn.execute(
            "SELECT r.terminal_id, s.wallet, COUNT(*), SUM(r.amount_cents) FROM refunds r "
            "JOIN sales s ON s.terminal_id = r.sale_terminal_id AND s.order_id = r.sale_order_id "
            "WHERE r.business_day = %s AND r.state = 'succeeded' "
            "GROUP BY r.terminal_id, s.wallet", (when,)):
        b = bucket(terminal_id, wallet)
        b["refunds_count"] += count
        b["refunds_cents"] += int(cents)


def _totals(figures: dict[str, Any]) -> WalletTotals:
    return WalletTotals(figures["wallet"], **{k: int(figures[k]) for k in _TOTAL_KEYS})


def _sum(wallet: str, parts: Iterable[WalletTotals]) -> WalletTotals:
    parts = list(parts)
    return WalletTotals(wallet, **{k: sum(getattr(p, k) for p in parts) for k in _TOTAL_KEYS})


def lanes(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """Every lane with what it has shipped and when (for ``cashier store status``)."""
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        return [_plain(row) for row in cur.execute(
            "SELECT t.terminal_id, t.name, MAX(s.shipped_at) AS shipped_at, t.last_seen "
            "FROM terminals t LEFT JOIN shipments s USING (terminal_id) "
            "GROUP BY t.terminal_id, t.name, t.last_seen ORDER BY t.terminal_id")]
