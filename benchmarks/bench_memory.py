"""7. Memory: resident memory of the running demo terminal after 250, 500 and 1,000 sales.

A fresh process (``gui_probe memory``) builds the real demo ``Terminal`` offscreen (window,
customer display, wedge filter, bridge, engine, client, callback receiver, journal file and the
embedded simulator, which in demo mode lives in the same process and keeps every order in
memory) and makes instant-success sales the way a cashier does: keypad amount, a scan, the result
screen, new sale. RSS (``VmRSS``) is read after each checkpoint.
"""

from __future__ import annotations

from benchmarks.bench_startup import run_probe
from benchmarks.context import Context
from benchmarks.core import Row, Target

BENCH = "7 memory"


def run(ctx: Context) -> list[Row]:
    sales = 100 if ctx.quick else 1000
    work = ctx.scratch("memory")
    _t0, got = run_probe(ctx, ["memory", str(work / "terminal"), "--sales", str(sales)], work,
                         timeout=60 + sales * 0.5)
    rss = {int(k): float(v) for k, v in got["rss_mb"].items()}
    states = got["states"]
    if states.get("paid") != sales or int(got["journal_sales"]) != sales:
        raise RuntimeError(f"not every sale was paid and journaled: {states}, "
                           f"{got['journal_sales']} in the journal")
    marks = sorted(k for k in rss if k)
    first, last = marks[0], marks[-1]
    base = Row(BENCH, f"RSS after {first} sales", "MB", [rss[first]], is_baseline=True)
    rows = [
        Row(BENCH, "RSS of the demo terminal, started and signed in (0 sales)", "MB", [rss[0]]),
        base,
    ]
    for mark in marks[1:-1]:
        rows.append(Row(BENCH, f"RSS after {mark} sales", "MB", [rss[mark]], baseline=base))
    rows += [
        Row(BENCH, f"RSS after {last} sales", "MB", [rss[last]], Target("<", 250), base),
        Row(BENCH, f"  not growing: RSS after {last} vs after {first} sales", "MB", [rss[last]],
            Target("<=", 1.10, "ratio"), base,
            note=f"{(rss[last] - rss[first]) / (last - first) * 1000:+.1f} MB per 1,000 sales "
            "(includes the embedded simulator's order book)"),
        Row(BENCH, "  one sale through the window (keypad, scan, PAID screen)", "ms",
            [float(s) * 1000 for s in got["sale_seconds"]]),
    ]
    return rows
