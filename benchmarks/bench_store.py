"""10. Several counters: shipping to the store database and the store view at scale.

A throwaway PostgreSQL (``benchmarks.pgserver``, fsync off) on 127.0.0.1; full run at the issue's
sizes. Catch-up: a lane that sold a full day (5,000 sales) offline joins and ships its whole
journal (``Shipper.wait_caught_up``). Lag: 20 lanes, each with a real journal file and its own
shipper, sell their day's 5,000 sales at once, back to back (a day compressed to minutes); every
50 ms the age of each lane's oldest unshipped change is sampled (row: median and spread; the
target is on the p99). Store view: 10M sales (100 days of 100,000: the lag's 20 lanes x 5,000)
generated inside PostgreSQL (``INSERT ... SELECT FROM generate_series``) in the lanes' shape:
order ids ``YYMMDDHHMMSS`` + lane tag + 8 characters, spread 08:00-22:00, wallets 50/40/10 % WeChat
Pay/Alipay/UnionPay, amounts skewed small (1.00-299.99), 10 % with a tip, 95 % paid, 3 % (partly)
refunded with their refunds, 2 % declined or closed. History is bulk-loaded with the secondary
indexes dropped and rebuilt from the migrated schema's own definitions, then ``VACUUM ANALYZE``
(what autovacuum does to old rows); the last day, "today", goes in with every index in place and is
only ``ANALYZE``d, as rows just shipped would be. Every lane closed every day with its own Z
(totals as its journal would print them), but one lane today. Timed: the store Z report of today
(``close_store_day`` once, then ``central.report(..., closed_only=True)``: the lanes' own Z
totals), the store X report of today (the same call without it: counted from the day's sales and
refunds), and ``central.history`` for each search the History screen offers, with keys of real
sales cycled per call: order id prefix (16 characters: time stamp and lane), amount, last four
digits of the code, one hour of one day.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from benchmarks.context import Context
from benchmarks.core import Row, Target, percentile, time_calls
from benchmarks.pgserver import PgServer, scratch_root, server_programs
from cashier.journal import Journal
from cashier.journal.records import PAID_STATES
from cashier.store import central
from cashier.store.shipper import Shipper

BENCH = "10 several counters"
WALLETS = ("ALIPAY", "WECHATPAY", "UNIONPAY")
#: The store's first generated business day; the last one is "today".
FIRST_DAY = dt.date(2026, 8, 1)


@dataclass(frozen=True)
class Sizes:
    catch_up: int  # sales a lane made while offline
    lanes: int  # lanes selling at once
    lane_sales: int  # each lane's sales in the simulated day
    store_lanes: int  # lanes in the generated store database
    store_days: int  # business days in it
    store_sales: int  # sales in it

    @property
    def per_day(self) -> int:
        return self.store_sales // self.store_days


FULL = Sizes(catch_up=5_000, lanes=20, lane_sales=5_000,
             store_lanes=20, store_days=100, store_sales=10_000_000)
QUICK = Sizes(catch_up=500, lanes=3, lane_sales=100,
              store_lanes=20, store_days=10, store_sales=20_000)


def _sell(journal: Journal, prefix: str, count: int) -> None:
    for n in range(count):
        order_id = f"{prefix}-{n:06d}"
        journal.create_sale(order_id=order_id, mode="passive", wallet=WALLETS[n % 3],
                            amount_cents=100 + n % 5000)
        journal.transition(order_id, "paid", from_states=("pending",))


def _catch_up(ctx: Context, url: str, sales: int) -> float:
    folder = ctx.scratch("store-catch-up")
    with Journal(folder / "lane.sqlite3") as journal:
        _sell(journal, f"C{time.monotonic_ns()}", sales)
        shipper = Shipper(journal.path, url, f"offline-{time.monotonic_ns()}",
                          idle_seconds=0.05)
        began = time.perf_counter()
        shipper.start()
        try:
            if not shipper.wait_caught_up(300):
                raise RuntimeError(f"not caught up: {shipper.status()}")
        finally:
            shipper.stop()
        return time.perf_counter() - began


def _lag(ctx: Context, url: str, lanes: int, sales: int) -> tuple[list[float], float]:
    """Lag samples of ``lanes`` lanes selling ``sales`` each at once, and how long selling
    took (s)."""
    folder = ctx.scratch("store-lag")
    journals = [Journal(folder / f"lane{n}.sqlite3") for n in range(lanes)]
    shippers = [Shipper(j.path, url, f"lag-{n}", idle_seconds=0.05)
                for n, j in enumerate(journals)]
    samples: list[float] = []
    selling = threading.Event()
    selling.set()

    def watch() -> None:
        while selling.is_set():
            now = time.time()
            samples.extend(s.status().lag_seconds(now) for s in shippers)
            time.sleep(0.05)

    for shipper in shippers:
        shipper.start()
    watcher = threading.Thread(target=watch)
    watcher.start()
    sellers = [threading.Thread(target=_sell, args=(j, f"S{n}", sales))
               for n, j in enumerate(journals)]
    began = time.perf_counter()
    try:
        for seller in sellers:
            seller.start()
        for seller in sellers:
            seller.join()
        selling_seconds = time.perf_counter() - began
        for shipper in shippers:
            if not shipper.wait_caught_up(300):
                raise RuntimeError(f"not caught up: {shipper.status()}")
    finally:
        selling.clear()
        watcher.join()
        for shipper in shippers:
            shipper.stop()
        for journal in journals:
            journal.close()
    return samples, selling_seconds


# --- the generated store ----------------------------------------------------------------------

#: Sales number ``n`` (1-based) of ``per_day`` a day over ``lanes`` lanes from ``first_day``:
#: the columns ``central.ship`` writes, in the lanes' shape. The md5 of ``n`` gives the order id's
#: random part and, 16 bits at a time, independent scrambled numbers for the rest. Each
#: ``OFFSET 0`` keeps its subquery from being merged into the one above, which would compute every
#: derived value (the md5 above all) once per use instead of once per row.
_SALES_SQL = """
INSERT INTO sales (terminal_id, order_id, journal_id, mode, wallet, amount_cents, tip_cents,
                   refunded_cents, masked_code, code_last4, operator_id, state, rsp_code, late,
                   business_day, created_at, updated_at)
SELECT 'big-' || lane,
       to_char(created_at AT TIME ZONE 'UTC', 'YYMMDDHH24MISS') || 'L' || lpad(lane::text, 3, '0')
           || upper(substr(m, 1, 8)),
       'journal-big-' || lane, CASE WHEN n %% 20 < 3 THEN 'active' ELSE 'passive' END, wallet,
       amount, tip,
       CASE state WHEN 'refunded' THEN amount + tip WHEN 'partially_refunded' THEN amount / 2
                  ELSE 0 END,
       CASE wallet WHEN 'WECHATPAY' THEN '1345' || repeat('*', 10)
                   WHEN 'ALIPAY' THEN '2876' || repeat('*', 10)
                   ELSE '6223' || repeat('*', 11) END || last4,
       last4, 'op' || (n %% 4), state,
       CASE WHEN state IN ('declined', 'closed') THEN 'FAIL' ELSE 'SUCCESS' END, false,
       business_day, created_at, created_at + INTERVAL '2 seconds'
FROM (
    SELECT n, m, lane, business_day, created_at,
           CASE WHEN r1 %% 100 < 50 THEN 'WECHATPAY'
                WHEN r1 %% 100 < 90 THEN 'ALIPAY' ELSE 'UNIONPAY' END AS wallet,
           CASE WHEN r2 %% 1000 < 20 THEN 'refunded'
                WHEN r2 %% 1000 < 30 THEN 'partially_refunded'
                WHEN r2 %% 1000 < 45 THEN 'declined'
                WHEN r2 %% 1000 < 50 THEN 'closed' ELSE 'paid' END AS state,
           lpad((r3 %% 10000)::text, 4, '0') AS last4,
           100 + (29900 * ((r4 %% 10000)::float8 / 10000) ^ 2)::bigint AS amount,
           CASE WHEN r5 %% 10 = 3 THEN 100 + r5 %% 1000 ELSE 0 END AS tip
    FROM (
        SELECT n, m, (n - 1) %% %(lanes)s AS lane,
               %(first_day)s::date + ((n - 1) / %(per_day)s)::int AS business_day,
               (%(first_day)s::date + ((n - 1) / %(per_day)s)::int)::timestamp
                   AT TIME ZONE 'UTC' + INTERVAL '8 hours'
                   + ((n - 1) %% %(per_day)s) * (INTERVAL '14 hours' / %(per_day)s) AS created_at,
               ('x' || substr(m, 9, 4))::bit(16)::int AS r1,
               ('x' || substr(m, 13, 4))::bit(16)::int AS r2,
               ('x' || substr(m, 17, 4))::bit(16)::int AS r3,
               ('x' || substr(m, 21, 4))::bit(16)::int AS r4,
               ('x' || substr(m, 25, 4))::bit(16)::int AS r5
        FROM (SELECT n, md5(n::text) AS m
              FROM generate_series(%(first)s::bigint, %(last)s::bigint) n OFFSET 0) numbers
        OFFSET 0
    ) g
    OFFSET 0
) v
"""

_REFUNDS_SQL = """
INSERT INTO refunds (terminal_id, refund_id, sale_terminal_id, sale_order_id, amount_cents,
                     state, rsp_code, business_day, created_at, updated_at)
SELECT terminal_id, 'R' || order_id, terminal_id, order_id, refunded_cents, 'succeeded', 'SUCCESS',
       business_day, created_at + INTERVAL '10 minutes', created_at + INTERVAL '10 minutes'
FROM sales
WHERE terminal_id LIKE 'big-%%' AND business_day BETWEEN %(since)s AND %(until)s
  AND state IN ('refunded', 'partially_refunded')
"""

#: Every lane closes every day with its own Z report (its totals as the lane's journal would
#: print them: the day's refunds are those of its own sales), except the last lane today.
_DAYS_SQL = """
INSERT INTO business_days (terminal_id, business_day, z_number, closed_at, totals)
SELECT terminal_id, business_day, business_day - %(first_day)s::date + 1,
       business_day::timestamp AT TIME ZONE 'UTC' + INTERVAL '22 hours 30 minutes',
       jsonb_build_object('kind', 'Z', 'number', business_day - %(first_day)s::date + 1,
                          'business_day', business_day, 'open_count', 0,
                          'wallets', jsonb_agg(to_jsonb(w) - 'terminal_id' - 'business_day'
                                               ORDER BY wallet))
FROM (
    SELECT terminal_id, business_day, wallet,
           COUNT(*) FILTER (WHERE state = ANY(%(paid)s)) AS sales_count,
           COALESCE(SUM(amount_cents) FILTER (WHERE state = ANY(%(paid)s)), 0) AS sales_cents,
           COALESCE(SUM(tip_cents) FILTER (WHERE state = ANY(%(paid)s)), 0) AS tips_cents,
           COUNT(*) FILTER (WHERE refunded_cents > 0) AS refunds_count,
           SUM(refunded_cents) AS refunds_cents
    FROM sales
    WHERE terminal_id LIKE 'big-%%' AND business_day BETWEEN %(since)s AND %(until)s
    GROUP BY terminal_id, business_day, wallet
) w
WHERE NOT (business_day = %(today)s AND terminal_id = 'big-' || (%(lanes)s::int - 1))
GROUP BY terminal_id, business_day
"""


def _fill(url: str, sizes: Sizes) -> dt.date:
    """Generate the store's sales (see the module's docstring); returns "today"."""
    days = sizes.store_days
    today = FIRST_DAY + dt.timedelta(days=days - 1)
    params: dict[str, Any] = {"lanes": sizes.store_lanes, "per_day": sizes.per_day,
                              "first_day": FIRST_DAY, "today": today, "paid": list(PAID_STATES)}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '256MB'")
        conn.execute("INSERT INTO terminals (terminal_id, name) SELECT 'big-' || n, 'Lane ' || n "
                     "FROM generate_series(0, %s::int - 1) n", (sizes.store_lanes,))
        secondary = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'sales' AND indexname "
            "NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'sales'::regclass)"
        ).fetchall()
        for name, _ in secondary:
            conn.execute(f'DROP INDEX "{name}"')
        conn.execute(_SALES_SQL, {**params, "first": 1, "last": (days - 1) * sizes.per_day})
        for _, definition in secondary:
            conn.execute(definition)
        history = {**params, "since": FIRST_DAY, "until": today - dt.timedelta(days=1)}
        conn.execute(_REFUNDS_SQL, history)
        conn.execute(_DAYS_SQL, history)
        conn.execute("VACUUM ANALYZE sales, refunds, business_days, terminals")
        conn.execute(_SALES_SQL, {**params, "first": (days - 1) * sizes.per_day + 1,
                                  "last": days * sizes.per_day})
        just_now = {**params, "since": today, "until": today}
        conn.execute(_REFUNDS_SQL, just_now)
        conn.execute(_DAYS_SQL, just_now)
        conn.execute("ANALYZE sales, refunds, business_days")
    return today


def _keys(conn: psycopg.Connection[Any], sales: int) -> list[tuple[str, int, str, dt.datetime]]:
    """(order id, amount, code's last 4, created) of about 20 generated sales spread over the
    store (pages sampled at random, repeatably)."""
    percent = min(100.0, 100 * 2_000 / sales)
    rows = conn.execute(
        "SELECT order_id, amount_cents, code_last4, created_at FROM sales "
        "TABLESAMPLE SYSTEM (%s) REPEATABLE (7) WHERE terminal_id LIKE 'big-%%'",
        (percent,)).fetchall()
    if len(rows) < 20:
        raise RuntimeError(f"only {len(rows)} sales sampled from the store")
    return rows[:: len(rows) // 20][:20]


def _search(conn: psycopg.Connection[Any], keys: list[Any],
            filters: Callable[[Any], dict[str, Any]]) -> list[float]:
    """Time ``central.history`` with each key's filters in turn; each search must find sales."""
    cycle = itertools.cycle(keys)

    def one() -> None:
        if not central.history(conn, **filters(next(cycle))):
            raise RuntimeError("a store search of a generated sale found nothing")

    return time_calls(one, 20)


def _hour(created: dt.datetime) -> dict[str, float]:
    start = created.replace(minute=0, second=0, microsecond=0).timestamp()
    return {"since": start, "until": start + 3600}


def _store_rows(url: str, sizes: Sizes) -> list[Row]:
    began = time.perf_counter()
    today = _fill(url, sizes)
    rows = _view_rows(url, sizes, today)
    rows[0].note = f"generating the store took {time.perf_counter() - began:.0f} s"
    return rows


def _view_rows(url: str, sizes: Sizes, today: dt.date) -> list[Row]:
    """The store reports of ``today`` and the four searches on a store ``_fill`` made."""
    size = (f"{sizes.store_sales:,} sales in the store ({sizes.store_lanes} lanes x "
            f"{sizes.store_days} days)")
    conn = central.connect(url)
    try:
        keys = _keys(conn, sizes.store_sales)
        day = today.isoformat()
        z, x = (central.report(conn, day, closed_only=True), central.report(conn, day))
        if z["total"]["sales_count"] == 0 or not z["lanes_open"] or \
                x["total"]["sales_count"] <= z["total"]["sales_count"]:
            raise RuntimeError(f"the store reports of {today} are not as generated")
        central.close_store_day(conn, day, "bench")  # the store's Z, as the manager takes it
        rows = [Row(BENCH, f"store Z report of today ({sizes.per_day:,} sales; the lanes' own "
                    f"Z totals), {size}", "ms",
                    time_calls(lambda: central.report(conn, day, closed_only=True), 20),
                    Target("<", 200)),
                Row(BENCH, f"store X report of today ({sizes.per_day:,} sales, counted from the "
                    f"sales), {size}", "ms",
                    time_calls(lambda: central.report(conn, day), 20), Target("<", 200))]
        for what, filters in (
                ("order id prefix (16 characters)", lambda k: {"order_id_prefix": k[0][:16]}),
                ("amount", lambda k: {"amount_cents": k[1]}),
                ("last 4 digits of the code", lambda k: {"code_last4": k[2]}),
                ("time range (one hour)", lambda k: _hour(k[3]))):
            rows.append(Row(BENCH, f"store history search by {what}, {size}", "ms",
                            _search(conn, keys, filters), Target("<", 100)))
    finally:
        conn.close()
    return rows


def run(ctx: Context) -> list[Row]:
    programs = server_programs()
    if programs is None:
        return [Row(BENCH, "store database", "", measurable=False,
                    note="the PostgreSQL server is not installed (apt-get install postgresql)")]
    sizes = QUICK if ctx.quick else FULL
    root = scratch_root()
    server = PgServer(programs, root)
    server.start()
    try:
        central.connect(server.url).close()  # the schema
        catch_up = Row(BENCH, f"catch-up: a lane offline for {sizes.catch_up:,} sales joins "
                       "and ships them all", "s",
                       [_catch_up(ctx, server.url, sizes.catch_up) for _ in range(3)],
                       Target("<", 30))
        lags, selling = _lag(ctx, server.url, sizes.lanes, sizes.lane_sales)
        lag = Row(BENCH, f"shipping lag: {sizes.lanes} lanes x {sizes.lane_sales:,} sales at "
                  "once, age of each lane's oldest unshipped change (every 50 ms)", "s", lags,
                  Target("<", 2, "p99"),
                  note=f"p50 {percentile(lags, 50):.2f} s, p99 {percentile(lags, 99):.2f} s; "
                  f"the lanes sold their {sizes.lanes * sizes.lane_sales:,} sales in "
                  f"{selling:.0f} s")
        return [catch_up, lag, *_store_rows(server.url, sizes)]
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
