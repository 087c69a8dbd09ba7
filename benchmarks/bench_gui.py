"""4. UI responsiveness: the longest GUI event-loop stall while a payment waits on the gateway.

A fresh process (``gui_probe stall``) builds the real demo ``Terminal`` (window, customer
display, wedge filter, bridge, engine, client, embedded simulator, journal file), offscreen. A
5 ms ``PreciseTimer`` records every gap between its ticks: first for a while with the terminal
idle (the baseline: what the machine and Qt do anyway), then from the scan until the result
screen (and 0.3 s of it) while the sale waits on the gateway:

- scenario 4444: the simulator holds the PASSIVEPAY answer for the whole wait (one blocked
  request on a bridge worker). The demo client's 5 s read timeout is raised to wait + 10 s on
  ``terminal.runtime.client.timeout`` so the request really waits; nothing else is changed.
- scenario 1111: the customer "confirms on the phone" after wait / 0.5 s STATUS_QUERY polls.

The figure is the single longest gap (n = 1 per scenario and run); a gap includes the 5 ms
interval itself.
"""

from __future__ import annotations

from benchmarks.bench_startup import run_probe
from benchmarks.context import Context
from benchmarks.core import Row, Target

BENCH = "4 UI stall"


def run(ctx: Context) -> list[Row]:
    wait = 2.0 if ctx.quick else 10.0
    idle = 1.0 if ctx.quick else 3.0
    work = ctx.scratch("gui")
    rows: list[Row] = []
    idle_max: list[float] = []
    for scenario, what in (("4444", "PASSIVEPAY answer held"),
                           ("1111", "customer confirming, polled")):
        _t0, got = run_probe(ctx, ["stall", str(work / scenario), "--wait", str(wait),
                                   "--scenario", scenario, "--idle", str(idle)], work,
                             timeout=wait + 90)
        if got["state"] != "paid":
            raise RuntimeError(f"scenario {scenario} ended {got['state']}, not paid")
        gaps = [float(g) for g in got["gaps"]]
        idle_gaps = [float(g) for g in got["idle_gaps"]]
        idle_max.append(max(idle_gaps))
        rows.append(Row(BENCH, f"longest stall, {wait:g} s wait on the gateway ({scenario}: "
                        f"{what})", "ms", [max(gaps)], Target("<", 50),
                        note=f"sale took {float(got['seconds']):.1f} s; {len(gaps)} ticks, "
                        f"{sum(1 for g in gaps if g > 20)} gaps over 20 ms; longest: "
                        + ", ".join(got["worst"])))
        rows.append(Row(BENCH, f"  all 5 ms timer gaps during that wait ({scenario})", "ms",
                        gaps))
    base = Row(BENCH, f"baseline: longest gap, terminal idle for {idle:g} s (per scenario run)",
               "ms", idle_max, is_baseline=True)
    for row in rows:
        if row.target is not None:
            row.baseline = base
    return [base, *rows]
