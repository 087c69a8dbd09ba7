"""The journal's SQLite schema and its versioned migrations (``PRAGMA user_version``).

Each migration is a list of statements applied in one transaction together with the new
``user_version``, so a journal is always at a whole version. Never edit a released migration:
append a new one.

Timestamps are Unix epoch seconds (REAL, UTC); business days are ``YYYY-MM-DD`` text in the
terminal's local time; money is INTEGER cents.
"""

from __future__ import annotations

import sqlite3

from cashier.journal.transaction import immediate_transaction


def _outbox_trigger(table: str, kind: str, key: str, event: str) -> str:
    """The trigger writing one outbox row per ``event`` on ``table`` (migrations 5 and 6)."""
    return f"""CREATE TRIGGER outbox_{table}_{event.lower()} AFTER {event} ON {table}
                WHEN EXISTS (SELECT 1 FROM journal_meta WHERE key = 'outbox')
                BEGIN
                    INSERT INTO outbox (kind, key, at)
                    VALUES ('{kind}', NEW.{key}, (julianday('now') - 2440587.5) * 86400.0);
                END"""


MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: sales, their transitions, refunds and Z reports.
    (
        """
        CREATE TABLE sales (
            order_id        TEXT PRIMARY KEY,
            mode            TEXT NOT NULL CHECK (mode IN ('passive', 'active', 'link')),
            wallet          TEXT NOT NULL,
            amount_cents    INTEGER NOT NULL CHECK (amount_cents > 0),
            tip_cents       INTEGER NOT NULL DEFAULT 0 CHECK (tip_cents >= 0),
            refunded_cents  INTEGER NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
            masked_code     TEXT,
            code_last4      TEXT,
            operator_id     TEXT,
            terminal_no     TEXT,
            state           TEXT NOT NULL,
            rsp_code        TEXT,
            rsp_msg         TEXT,
            bizpay_order_id TEXT,
            trade_time      TEXT,
            buyer_login_id  TEXT,
            code_url        TEXT,
            abandoned       INTEGER NOT NULL DEFAULT 0,
            late            INTEGER NOT NULL DEFAULT 0,
            late_resolution TEXT,
            business_day    TEXT NOT NULL,
            created_at      REAL NOT NULL,
            updated_at      REAL NOT NULL,
            settled_at      REAL
        )
        """,
        # History page of a day, newest first; and the X/Z aggregation (covering).
        "CREATE INDEX sales_day_created ON sales (business_day, created_at)",
        """CREATE INDEX sales_day_totals
           ON sales (business_day, state, wallet, amount_cents, tip_cents)""",
        "CREATE INDEX sales_created ON sales (created_at)",
        "CREATE INDEX sales_amount ON sales (amount_cents, created_at)",
        "CREATE INDEX sales_code_last4 ON sales (code_last4, created_at)",
        # Recovery and late payments touch few rows: partial indexes keep them tiny. Queries must
        # repeat the WHERE literally (no parameters) for SQLite to use them.
        "CREATE INDEX sales_open ON sales (created_at) WHERE state IN ('pending', 'unknown')",
        "CREATE INDEX sales_late ON sales (created_at) WHERE late = 1",
        """
        CREATE TABLE sale_events (
            id          INTEGER PRIMARY KEY,
            order_id    TEXT NOT NULL REFERENCES sales (order_id),
            at          REAL NOT NULL,
            from_state  TEXT,
            to_state    TEXT NOT NULL,
            note        TEXT NOT NULL DEFAULT ''
        )
        """,
        "CREATE INDEX sale_events_order ON sale_events (order_id, id)",
        """
        CREATE TABLE refunds (
            refund_id     TEXT PRIMARY KEY,
            sale_order_id TEXT NOT NULL REFERENCES sales (order_id),
            amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
            state         TEXT NOT NULL,
            rsp_code      TEXT,
            rsp_msg       TEXT,
            operator_id   TEXT,
            business_day  TEXT NOT NULL,
            created_at    REAL NOT NULL,
            updated_at    REAL NOT NULL
        )
        """,
        "CREATE INDEX refunds_sale ON refunds (sale_order_id, created_at)",
        "CREATE INDEX refunds_day ON refunds (business_day, state)",
        "CREATE INDEX refunds_open ON refunds (created_at) WHERE state IN ('pending', 'unknown')",
        """
        CREATE TABLE z_reports (
            number       INTEGER PRIMARY KEY,
            business_day TEXT NOT NULL UNIQUE,
            closed_at    REAL NOT NULL,
            totals_json  TEXT NOT NULL
        )
        """,
    ),
    # 2: why a sale was given up, so a late payment can say what happened: "stopped_waiting"
    # (the cashier cancelled or the wait ran out), "terminal_closed" (found open at start-up),
    # "link_expired". NULL for sales never given up (and for those given up before version 2).
    (
        "ALTER TABLE sales ADD COLUMN abandon_reason TEXT",
    ),
    # 3: outcomes that rest on silence. A sale closed, or a refund given up, because the gateway
    # did not know the order ("not found" only means "not yet") is re-checked by the
    # reconciliation sweep until ``recheck_until`` (epoch seconds); NULL: the outcome rests on
    # an answer. Journals from before are backfilled: their silent outcomes get the default
    # 48 hours from when they were made.
    (
        "ALTER TABLE sales ADD COLUMN recheck_until REAL",
        "ALTER TABLE refunds ADD COLUMN recheck_until REAL",
        """UPDATE sales SET recheck_until = created_at + 172800
           WHERE state = 'closed' AND rsp_msg = 'order not found'""",
        """UPDATE refunds SET recheck_until = created_at + 172800
           WHERE state = 'failed' AND rsp_msg = 'refund order not found'""",
        "CREATE INDEX sales_recheck ON sales (recheck_until) WHERE recheck_until IS NOT NULL",
        "CREATE INDEX refunds_recheck ON refunds (recheck_until) WHERE recheck_until IS NOT NULL",
    ),
    # 4: who owns each live sale and refund (see owners.py), and the journal's own identity.
    (
        """
        CREATE TABLE owners (
            token         TEXT PRIMARY KEY,
            pid           INTEGER NOT NULL,
            host          TEXT NOT NULL,
            process_start TEXT NOT NULL DEFAULT '',
            role          TEXT NOT NULL DEFAULT 'process' CHECK (role IN ('process', 'terminal')),
            started_at    REAL NOT NULL,
            heartbeat_at  REAL NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX owners_one_terminal ON owners (role) WHERE role = 'terminal'",
        "ALTER TABLE sales ADD COLUMN owner TEXT",
        "ALTER TABLE refunds ADD COLUMN owner TEXT",
        "CREATE TABLE journal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """INSERT INTO journal_meta (key, value)
           VALUES ('journal_id', lower(hex(randomblob(16))))""",
    ),
    # 5: the outbox of a lane that ships to a store database (see cashier/store/). Triggers
    # write one row per change of a sale, refund or closed day in the same transaction as the
    # change, so nothing can be committed without it. They fire only once the lane has joined a
    # store ('outbox' in journal_meta, set with a backfill of everything before it): a single
    # terminal writes nothing more than before. ``seq`` is AUTOINCREMENT: never reused, even
    # after shipped rows are deleted, so it orders every change ever made.
    (
        """
        CREATE TABLE outbox (
            seq   INTEGER PRIMARY KEY AUTOINCREMENT,
            kind  TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'day')),
            key   TEXT NOT NULL,
            at    REAL NOT NULL
        )
        """,
        *(
            _outbox_trigger(table, kind, key, event)
            for table, kind, key in (("sales", "sale", "order_id"),
                                     ("refunds", "refund", "refund_id"),
                                     ("z_reports", "day", "business_day"))
            for event in ("INSERT", "UPDATE")
        ),
    ),
    # 6: refunds of sales made at another lane of the store (see cashier/store/refunds.py).
    # ``foreign_sales`` holds what the store database said about such a sale when this lane
    # refunded it, and which lane (``lane``, its terminal id) made it; its ``refunded_cents`` is
    # what other lanes had refunded (``others_refunded_cents``, per the store) plus this lane's
    # refunds confirmed since. Such a sale's refunds are in ``refunds`` like any other, so
    # ``refunds.sale_order_id`` names a sale in ``sales`` or in ``foreign_sales``: the table is
    # rebuilt without its foreign key (SQLite cannot drop one), keeping every row, index and
    # outbox trigger.
    (
        """
        CREATE TABLE foreign_sales (
            order_id              TEXT PRIMARY KEY,
            lane                  TEXT NOT NULL,
            lane_name             TEXT NOT NULL DEFAULT '',
            merchant_id           TEXT,
            mode                  TEXT NOT NULL,
            wallet                TEXT NOT NULL,
            amount_cents          INTEGER NOT NULL CHECK (amount_cents > 0),
            tip_cents             INTEGER NOT NULL CHECK (tip_cents >= 0),
            refunded_cents        INTEGER NOT NULL CHECK (refunded_cents >= 0),
            others_refunded_cents INTEGER NOT NULL CHECK (others_refunded_cents >= 0),
            masked_code           TEXT,
            code_last4            TEXT,
            operator_id           TEXT,
            state                 TEXT NOT NULL,
            bizpay_order_id       TEXT,
            trade_time            TEXT,
            business_day          TEXT NOT NULL,
            created_at            REAL NOT NULL,
            updated_at            REAL NOT NULL,
            settled_at            REAL,
            fetched_at            REAL NOT NULL
        )
        """,
        # History lists them with the lane's own sales: the same searches, index-backed.
        "CREATE INDEX foreign_sales_created ON foreign_sales (created_at)",
        "CREATE INDEX foreign_sales_day ON foreign_sales (business_day, created_at)",
        "CREATE INDEX foreign_sales_amount ON foreign_sales (amount_cents, created_at)",
        "CREATE INDEX foreign_sales_code_last4 ON foreign_sales (code_last4, created_at)",
        """
        CREATE TABLE refunds_v6 (
            refund_id     TEXT PRIMARY KEY,
            sale_order_id TEXT NOT NULL,
            amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
            state         TEXT NOT NULL,
            rsp_code      TEXT,
            rsp_msg       TEXT,
            operator_id   TEXT,
            business_day  TEXT NOT NULL,
            created_at    REAL NOT NULL,
            updated_at    REAL NOT NULL,
            recheck_until REAL,
            owner         TEXT
        )
        """,
        """INSERT INTO refunds_v6 (refund_id, sale_order_id, amount_cents, state, rsp_code,
               rsp_msg, operator_id, business_day, created_at, updated_at, recheck_until, owner)
           SELECT refund_id, sale_order_id, amount_cents, state, rsp_code, rsp_msg, operator_id,
               business_day, created_at, updated_at, recheck_until, owner FROM refunds""",
        "DROP TABLE refunds",  # its indexes and triggers go with it
        "ALTER TABLE refunds_v6 RENAME TO refunds",
        "CREATE INDEX refunds_sale ON refunds (sale_order_id, created_at)",
        "CREATE INDEX refunds_day ON refunds (business_day, state)",
        "CREATE INDEX refunds_open ON refunds (created_at) WHERE state IN ('pending', 'unknown')",
        "CREATE INDEX refunds_recheck ON refunds (recheck_until) WHERE recheck_until IS NOT NULL",
        *(_outbox_trigger("refunds", "refund", "refund_id", event)
          for event in ("INSERT", "UPDATE")),
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaError(RuntimeError):
    """The journal file cannot be used by this version of cashier."""


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to ``SCHEMA_VERSION``; returns the version found before.

    ``conn`` must be in autocommit mode (``isolation_level=None``): each migration runs in its
    own ``BEGIN IMMEDIATE`` transaction, so two processes opening a new file cannot both apply it.
    """
    found = schema_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaError(
            f"the journal is at schema version {found}, newer than this cashier "
            f"(version {SCHEMA_VERSION}); update cashier before opening it"
        )
    for version in range(found + 1, SCHEMA_VERSION + 1):
        with immediate_transaction(conn):
            if schema_version(conn) >= version:  # another process got there first
                continue
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(version)}")
    return found
