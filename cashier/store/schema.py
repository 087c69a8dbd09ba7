"""The store database's schema (PostgreSQL) and its migrations, plain enough for a shop's
accountant or BI tool to read directly.

- ``terminals``: one row per lane (``terminal_id`` from its settings, a display name, the OTT
  Pay ``merchant_id`` it uses).
- ``shipments``: per lane and journal file, the outbox sequence number shipped so far. A lane
  that starts a new journal starts a new row, so its numbering starting again loses nothing.
- ``sales``, ``refunds``: the lanes' records, keyed by (``terminal_id``, order or refund id);
  money in integer cents, times as ``timestamptz``, business days as ``date`` (the lane's local
  calendar day). A refund's ``terminal_id`` is the lane that made the refund, its
  ``sale_terminal_id`` the lane that made the sale: they differ when a customer who paid at one
  lane is refunded at another. Such a refund counts in the refunding lane's figures (its own X
  and Z reports hold it, so the lane's Z equals what the store shows for that lane), under the
  wallet of the sale, and once in the store total; the sale's own row (``refunded_cents``,
  ``state``) is its lane's journal and does not include it. Join refunds to their sale on
  (``sale_terminal_id``, ``sale_order_id``).
- ``business_days``: each Z report a lane printed (``totals`` is the lane's own JSON).
- ``refund_reservations``: refunds reserved against a sale before they were sent. A reservation
  counts against its sale until its refund ships (same ``refund_id``), until it is released
  (the refund was never sent), or for ``central.RESERVATION_HOLD_SECONDS`` at most: after that
  the gateway, which refuses refunding more than was paid, is the only guard left.
- ``store_closures``: each store Z report (one per business day, numbered): when, by whom, the
  lanes that had closed the day by then (with their Z numbers) and the lanes still open, which
  were asked to close it (each does, through its own Z report, when its shipper learns of it).

The migrations run in one transaction under an advisory lock, so two lanes starting together
apply them once; only the shipper and the ``cashier store`` commands run them, never a refund
at the counter or the store screens (``central.connect``). Never edit a released migration:
append one.
"""

from __future__ import annotations

from typing import Any

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE terminals (
            terminal_id TEXT PRIMARY KEY,
            name        TEXT NOT NULL DEFAULT '',
            first_seen  TIMESTAMPTZ NOT NULL DEFAULT now(),
            last_seen   TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """,
        """
        CREATE TABLE shipments (
            terminal_id TEXT NOT NULL REFERENCES terminals (terminal_id),
            journal_id  TEXT NOT NULL,
            shipped_seq BIGINT NOT NULL DEFAULT 0,
            shipped_at  TIMESTAMPTZ,
            PRIMARY KEY (terminal_id, journal_id)
        )
        """,
        """
        CREATE TABLE sales (
            terminal_id     TEXT NOT NULL REFERENCES terminals (terminal_id),
            order_id        TEXT NOT NULL,
            journal_id      TEXT NOT NULL,
            mode            TEXT NOT NULL,
            wallet          TEXT NOT NULL,
            amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
            tip_cents       BIGINT NOT NULL CHECK (tip_cents >= 0),
            refunded_cents  BIGINT NOT NULL CHECK (refunded_cents >= 0),
            masked_code     TEXT,
            code_last4      TEXT,
            operator_id     TEXT,
            state           TEXT NOT NULL,
            rsp_code        TEXT,
            rsp_msg         TEXT,
            bizpay_order_id TEXT,
            trade_time      TEXT,
            late            BOOLEAN NOT NULL,
            late_resolution TEXT,
            business_day    DATE NOT NULL,
            created_at      TIMESTAMPTZ NOT NULL,
            updated_at      TIMESTAMPTZ NOT NULL,
            settled_at      TIMESTAMPTZ,
            PRIMARY KEY (terminal_id, order_id)
        )
        """,
        "CREATE INDEX sales_order ON sales (order_id)",
        "CREATE INDEX sales_day ON sales (business_day, terminal_id, state, wallet)",
        "CREATE INDEX sales_created ON sales (created_at)",
        "CREATE INDEX sales_amount ON sales (amount_cents, created_at)",
        "CREATE INDEX sales_code_last4 ON sales (code_last4, created_at)",
        """
        CREATE TABLE refunds (
            terminal_id   TEXT NOT NULL REFERENCES terminals (terminal_id),
            refund_id     TEXT NOT NULL,
            sale_order_id TEXT NOT NULL,
            amount_cents  BIGINT NOT NULL CHECK (amount_cents > 0),
            state         TEXT NOT NULL,
            rsp_code      TEXT,
            rsp_msg       TEXT,
            operator_id   TEXT,
            business_day  DATE NOT NULL,
            created_at    TIMESTAMPTZ NOT NULL,
            updated_at    TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (terminal_id, refund_id)
        )
        """,
        "CREATE INDEX refunds_sale ON refunds (sale_order_id)",
        "CREATE INDEX refunds_day ON refunds (business_day, terminal_id, state)",
        """
        CREATE TABLE business_days (
            terminal_id  TEXT NOT NULL REFERENCES terminals (terminal_id),
            business_day DATE NOT NULL,
            z_number     INTEGER NOT NULL,
            closed_at    TIMESTAMPTZ NOT NULL,
            totals       JSONB NOT NULL,
            PRIMARY KEY (terminal_id, business_day)
        )
        """,
    ),
    # 2: refunds reserved before they are sent (``central.reserve_refund``): a reservation
    # counts against the sale until the lane ships the refund itself (same ``refund_id``), or
    # until it is released because the refund was never sent.
    (
        """
        CREATE TABLE refund_reservations (
            refund_id     TEXT PRIMARY KEY,
            order_id      TEXT NOT NULL,
            terminal_id   TEXT NOT NULL,
            amount_cents  BIGINT NOT NULL CHECK (amount_cents > 0),
            reserved_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
            released      BOOLEAN NOT NULL DEFAULT false
        )
        """,
        "CREATE INDEX refund_reservations_order ON refund_reservations (order_id)",
    ),
    # 3: the store's Z report closes a business day for every lane (``central.close_store_day``);
    # ``lanes_asked`` are the lanes still open then, each closing the day itself when it learns.
    (
        """
        CREATE TABLE store_closures (
            business_day DATE PRIMARY KEY,
            number       INTEGER NOT NULL UNIQUE,
            closed_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
            closed_by    TEXT NOT NULL,
            lanes_closed JSONB NOT NULL,
            lanes_asked  TEXT[] NOT NULL
        )
        """,
    ),
    # 4: every lane asks for the late payments nobody resolved yet (its banner), often: they
    # are few, so a partial index keeps that cheap however many sales the store holds.
    (
        "CREATE INDEX sales_late_unresolved ON sales (created_at) "
        "WHERE late AND late_resolution IS NULL",
    ),
    # 5: refunds across lanes. ``refunds.sale_terminal_id``: the lane that made the refunded
    # sale (the refunding lane is ``terminal_id``; before this, always the same lane).
    # ``terminals.merchant_id``: the OTT Pay merchant a lane uses (NULL until it ships again),
    # so a lane refunds another's sale only under the same merchant.
    (
        "ALTER TABLE refunds ADD COLUMN sale_terminal_id TEXT",
        "UPDATE refunds SET sale_terminal_id = terminal_id",
        "ALTER TABLE refunds ALTER COLUMN sale_terminal_id SET NOT NULL",
        "ALTER TABLE terminals ADD COLUMN merchant_id TEXT",
        # A lane's recent reservations still counting (``central.unshipped_reservations``).
        "CREATE INDEX refund_reservations_lane ON refund_reservations (terminal_id, reserved_at) "
        "WHERE NOT released",
    ),
    # 6: a day's sales by an index on the day alone. Equal keys are kept in the table's order, so
    # reading a day (the store X report) visits each of its pages once; ``sales_day`` ordered a
    # day's rows by lane, state and wallet, which at 10M sales made that read jump between the
    # same pages 30 times over (78,000 page visits for 100,000 sales instead of 2,500), and, by
    # indexing ``state``, kept a sale going from pending to paid from being updated in place.
    (
        "CREATE INDEX sales_business_day ON sales (business_day)",
        "DROP INDEX sales_day",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)
#: A migration's deadline for each statement: building an index over 10M sales took 7 s on a
#: busy 2-core machine; a lane waiting for another's migration gives up sooner and retries.
MIGRATION_TIMEOUT_MS = 10 * 60 * 1000
#: pg_advisory_xact_lock key: "cashier" in ASCII, so no other application's lock collides.
_LOCK_KEY = 0x63617368696572


class StoreSchemaError(RuntimeError):
    """The store database cannot be used by this version of cashier."""


def schema_version(conn: Any) -> int:
    """The store database's schema version (0: none yet), without changing it or waiting for a
    migration in progress (it reads the version from before it); ``StoreSchemaError`` if it is
    newer than this cashier."""
    with conn.transaction():
        exists = conn.execute("SELECT to_regclass('cashier_schema') IS NOT NULL").fetchone()[0]
        row = conn.execute("SELECT version FROM cashier_schema").fetchone() if exists else None
    found = 0 if row is None else int(row[0])
    _refuse_newer(found)
    return found


def _refuse_newer(found: int) -> None:
    if found > SCHEMA_VERSION:
        raise StoreSchemaError(
            f"the store database is at schema version {found}, newer than this cashier "
            f"(version {SCHEMA_VERSION}); update cashier on this lane")


def migrate(conn: Any) -> int:
    """Bring the store database to ``SCHEMA_VERSION`` (``conn``: a psycopg connection, not in
    a transaction); returns the version found before."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        conn.execute("CREATE TABLE IF NOT EXISTS cashier_schema (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM cashier_schema").fetchone()
        if row is None:
            conn.execute("INSERT INTO cashier_schema (version) VALUES (0)")
        found = 0 if row is None else int(row[0])
        _refuse_newer(found)
        if found < SCHEMA_VERSION:
            # An index built over a store of millions of sales may take longer than any
            # everyday statement may (``central.STATEMENT_TIMEOUT_MS``); this transaction only.
            conn.execute(f"SET LOCAL statement_timeout = {MIGRATION_TIMEOUT_MS}")
        for version in range(found + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version - 1]:
                conn.execute(statement)
            conn.execute("UPDATE cashier_schema SET version = %s", (version,))
    return found
