"""6. Journal at scale: 10k, 100k and 1M sales; inserts, a day's history, order id search, X report.

The journal has no bulk-insert API (every write is one fsync'd transaction, by design), so the
large journals are generated like this: ``Journal(path)`` creates the real schema (migrations,
every index), then one ``executemany`` transaction on a plain sqlite3 connection fills ``sales``
with the columns ``create_sale`` + ``transition(paid)`` would have written, and ``sale_events``
with the two events each of those writes (with ``synchronous=OFF`` during generation only).
The queries are then timed through the public ``Journal`` / ``x_report`` API on the reopened
file, with the app's settings (WAL, ``synchronous=FULL``).

A day holds 1,000 sales (a busy shop), except one 5x busier day, so the day being read stays the
same size while the journal grows 100x: a query whose cost grows with the journal, not with the
day, shows as a ratio well above 1 against the same query on the 10k journal.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.context import Context
from benchmarks.core import Row, Target, hot_spots, time_calls
from cashier.journal import Journal
from cashier.payments.reports import x_report

BENCH = "6 journal at scale"
PER_DAY = 1_000
BUSY_FACTOR = 5
FIRST_DAY = dt.date(2023, 1, 2)
WALLETS = ("WECHATPAY", "ALIPAY", "UNIONPAY")
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

REMARKS = (
    "journal: the 10k/100k/1M files are generated with one executemany transaction into the "
    "real schema (see benchmarks/bench_journal.py); insert rates through the public API are "
    "real fsync'd create_sale + transition(paid) pairs into those files",
)

SALE_COLUMNS = ("order_id", "mode", "wallet", "amount_cents", "tip_cents", "masked_code",
                "code_last4", "operator_id", "terminal_no", "state", "rsp_code", "rsp_msg",
                "bizpay_order_id", "trade_time", "business_day", "created_at", "updated_at",
                "settled_at")


def _day_sizes(total: int) -> list[int]:
    """Sales per day, oldest first: 1,000 a day, the second-to-last day 5x busier."""
    sizes: list[int] = []
    left = total
    busy = PER_DAY * BUSY_FACTOR
    while left > 0:
        size = min(PER_DAY, left)
        sizes.append(size)
        left -= size
    if len(sizes) >= 3 and total >= busy + 2 * PER_DAY:
        # take 4,000 sales from the oldest days to make the busy day without changing the total
        sizes[-2] = busy
        extra = busy - PER_DAY
        while extra > 0:
            take = min(extra, sizes[0])
            sizes[0] -= take
            extra -= take
            if sizes[0] == 0:
                sizes.pop(0)
    return sizes


def _rows(total: int, rng: random.Random) -> Iterator[tuple[tuple[object, ...], ...]]:
    """(sale row, intent event, paid event) per sale, in time order."""
    sizes = _day_sizes(total)
    start_day = FIRST_DAY
    for index, size in enumerate(sizes):
        day = start_day + dt.timedelta(days=index)
        opening = time.mktime((day.year, day.month, day.day, 9, 0, 0, 0, 0, -1))
        step = 12 * 3600 / size
        text_day = day.isoformat()
        for i in range(size):
            created = opening + i * step + rng.random() * step * 0.5
            stamp = time.strftime("%y%m%d%H%M%S", time.localtime(created))
            order_id = stamp + "T001" + "".join(rng.choices(_ALPHABET, k=8))
            last4 = f"{rng.randrange(10_000):04d}"
            amount = rng.randrange(100, 20_000)
            settled = created + 0.004
            sale = (order_id, "passive", rng.choice(WALLETS), amount,
                    rng.choice((0, 0, 0, 100, 200)), f"1345**********{last4}", last4,
                    "0000000001", "T001", "paid", "SUCCESS", "success",
                    f"42{rng.randrange(10**16):016d}", stamp, text_day, created, settled, settled)
            yield (sale, (order_id, created, None, "pending", "intent journaled"),
                   (order_id, settled, "pending", "paid", "PASSIVEPAY: paid"))


def generate(path: Path, total: int, seed: int = 7) -> tuple[float, list[str], str, str]:
    """Fill a new journal at ``path`` with ``total`` paid sales; returns (seconds, a sample of
    order ids, the last day, the busy day)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    Journal(path).close()  # the real schema, by the real migrations
    rng = random.Random(seed)
    sample: list[str] = []
    conn = sqlite3.connect(str(path), isolation_level=None)
    started = time.perf_counter()
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")  # 256 MB: index inserts stay in memory
        conn.execute("BEGIN")
        marks = ",".join("?" * len(SALE_COLUMNS))
        sale_sql = f"INSERT INTO sales ({', '.join(SALE_COLUMNS)}) VALUES ({marks})"
        event_sql = ("INSERT INTO sale_events (order_id, at, from_state, to_state, note) "
                     "VALUES (?,?,?,?,?)")
        batch_sales: list[tuple[object, ...]] = []
        batch_events: list[tuple[object, ...]] = []
        for count, (sale, intent, paid) in enumerate(_rows(total, rng)):
            batch_sales.append(sale)
            batch_events += (intent, paid)
            if count % max(1, total // 200) == 0:
                sample.append(str(sale[0]))
            if len(batch_sales) >= 20_000:
                conn.executemany(sale_sql, batch_sales)
                conn.executemany(event_sql, batch_events)
                batch_sales.clear()
                batch_events.clear()
        conn.executemany(sale_sql, batch_sales)
        conn.executemany(event_sql, batch_events)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    # Flush the generated file to disk now, so its write-back cannot slow the fsyncs measured next.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    sizes = _day_sizes(total)
    last = (FIRST_DAY + dt.timedelta(days=len(sizes) - 1)).isoformat()
    busy = (FIRST_DAY + dt.timedelta(days=len(sizes) - 2)).isoformat()
    return seconds, sample, last, busy


def run(ctx: Context) -> list[Row]:
    sizes = [10_000] if ctx.quick else [10_000, 100_000, 1_000_000]
    n = 15 if ctx.quick else 40
    inserts = 20 if ctx.quick else 100
    work = ctx.scratch("journal")
    rows: list[Row] = []
    baselines: dict[str, Row] = {}
    for total in sizes:
        path = work / f"journal-{total}.sqlite"
        seconds, sample, last_day, busy_day = generate(path, total)
        label = f"{total // 1000}k" if total < 1_000_000 else f"{total // 1_000_000}M"
        rows.append(Row(BENCH, f"{label}: generate (bulk, one transaction)", "sales/s",
                        [total / seconds], note=f"{seconds:.1f} s for {total:,} sales + "
                        f"{2 * total:,} events; {path.stat().st_size / 1e6:.0f} MB"))
        rng = random.Random(total)
        with Journal(path) as journal:
            today = journal.history(day=last_day, limit=1)
            assert today and today[0].business_day == last_day
            measured = _queries(journal, sample, last_day, busy_day, rng, n, inserts)
            for name, (samples, fn) in measured.items():
                row = _row(label, name, samples, total == sizes[0], total, rows, baselines)
                if row.status == "MISSED":
                    row.note = (row.note + "; " if row.note else "") + \
                        "hot spots (cProfile, own time): " + hot_spots(fn, 10)
                rows.append(row)
        if total == 1_000_000:
            for suffix in ("", "-wal", "-shm"):  # 400+ MB: do not leave it behind
                Path(str(path) + suffix).unlink(missing_ok=True)
    return rows


def _row(label: str, name: str, samples: list[float], is_base: bool, total: int,
         rows: list[Row], baselines: dict[str, Row]) -> Row:
    """A query's row: the 10k journal is the baseline of the same query on larger ones."""
    row = Row(BENCH, f"{label}: {name}", "ms", samples)
    if name.startswith("X report, 5x busier day"):
        row.baseline = next(r for r in rows if r.name == f"{label}: X report for a day")
        row.target = Target("<=", BUSY_FACTOR * 1.5, "ratio")
        row.note = "vs the 1,000-sale day of the same journal: linear in the day's size is 5x"
        return row
    if name.startswith("search by code last 4"):
        row.note = (f"about {max(1, total // 10_000)} sale(s) share a last 4 here (a page holds "
                    "at most 50): the cost follows the rows returned, not the journal's size")
    if name.startswith("insert"):
        row.note = (f"about {1000 / row.median:,.0f} sales/s; fsync'd, through "
                    "Journal.create_sale + transition(paid)")
    if is_base:
        row.is_baseline = True
        baselines[name] = row
    else:
        row.baseline = baselines[name]
    if total >= 1_000_000 and not name.startswith("insert"):
        row.target = Target("<", 50)
    return row


def _queries(journal: Journal, sample: list[str], last_day: str, busy_day: str,
             rng: random.Random, n: int, inserts: int):
    """Each query's samples (ms) and a callable to profile it with."""
    ids = itertools.cycle(rng.sample(sample, len(sample)))
    out = {}

    def page1():
        assert len(journal.history(day=last_day, limit=50)) == 50

    def last_page():
        journal.history(day=last_day, limit=50, offset=PER_DAY - 50)

    def by_id():
        assert journal.get_sale(next(ids)) is not None

    def by_prefix():
        order_id = next(ids)
        assert journal.history(order_id_prefix=order_id[:16], limit=50)

    def by_last4():
        journal.history(code_last4=f"{rng.randrange(10_000):04d}", limit=50)

    def report():
        assert x_report(journal, last_day).total.sales_count > 0

    def busy_report():
        assert x_report(journal, busy_day).total.sales_count > 0

    for name, fn in (("history page 1 of a day (50 rows)", page1),
                     ("history last page of a day (offset 950)", last_page),
                     ("search by order id (exact)", by_id),
                     ("search by order id prefix (16 chars)", by_prefix),
                     ("search by code last 4", by_last4),
                     ("X report for a day", report),
                     ("X report, 5x busier day", busy_report)):
        out[name] = (time_calls(fn, n, warmup=3), fn)
    counter = iter(range(10**9))

    def insert() -> None:
        order_id = f"BENCH{time.strftime('%H%M%S')}{next(counter):06d}"
        journal.create_sale(order_id=order_id, mode="passive", wallet="WECHATPAY",
                            amount_cents=1234, operator_id="0000000001")
        journal.transition(order_id, "paid", from_states=("pending",), note="bench")

    out["insert one paid sale (2 commits)"] = (time_calls(insert, inserts, warmup=2), insert)
    return out
