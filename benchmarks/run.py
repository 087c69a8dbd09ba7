"""Run the benchmarks, print the table, write ``benchmarks/RESULTS.md``.

    python -m benchmarks            # full run (a few minutes)
    python -m benchmarks --quick    # the small version CI runs to keep the benchmarks working
    python -m benchmarks --only 1,5 --no-write

Only 127.0.0.1 traffic; scratch files under ``benchmarks/.work/`` (gitignored). Logging goes to
a file there exactly as the app configures it (``cashier.logsetup``), so the client's and the
receiver's per-exchange log lines are part of what is measured.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path

from benchmarks.context import Context
from benchmarks.core import WORK_DIR, Row
from benchmarks.report import load_average, machine_info, markdown, text_table

#: Benchmark number -> module (each has ``run(ctx) -> list[Row]`` and may have ``REMARKS``).
BENCHES = {
    "1": "benchmarks.bench_client",
    "2": "benchmarks.bench_scan",
    "3": "benchmarks.bench_startup",
    "4": "benchmarks.bench_gui",
    "5": "benchmarks.bench_receipt",
    "6": "benchmarks.bench_journal",
    "7": "benchmarks.bench_memory",
    "8": "benchmarks.bench_callbacks",
    "9": "benchmarks.bench_wan",
    "10": "benchmarks.bench_store",
}
NAMES = {
    "1": "1 client overhead", "2": "2 scan to paid", "3": "3 start-up", "4": "4 UI stall",
    "5": "5 receipt", "6": "6 journal at scale", "7": "7 memory", "8": "8 callback receiver",
    "9": "9 internet path", "10": "10 several counters",
}
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI (~1 minute)")
    parser.add_argument("--only", default="", metavar="N,N",
                        help="run only these benchmarks (numbers 1-10, comma separated)")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"where to write the markdown (default {RESULTS.name} next to this "
                        "file; with --only or --quick the default is not overwritten)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    parser.add_argument("--work", type=Path, default=WORK_DIR, help="scratch folder")
    parser.add_argument("--note", default="", metavar="TEXT",
                        help="a remark on the run for RESULTS.md (e.g. what else loaded the "
                        "machine)")
    return parser.parse_args(argv)


def method(module: object) -> str:
    """A benchmark module's docstring after its title line, as one paragraph for RESULTS.md."""
    doc = (getattr(module, "__doc__", "") or "").strip()
    body = doc.split("\n", 1)[1] if "\n" in doc else doc
    lines = [line.strip() for line in body.splitlines()]
    return " ".join(line for line in lines if line).replace(" - ", "; ")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wanted = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHES)
    unknown = [n for n in wanted if n not in BENCHES]
    if unknown:
        print(f"unknown benchmark(s) {', '.join(unknown)}; choose from 1-10", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    ctx = Context(quick=args.quick, work=args.work)
    ctx.work.mkdir(parents=True, exist_ok=True)
    from cashier.logsetup import setup_logging
    from cashier.simulator import DEMO_SIGN_KEY

    setup_logging(ctx.work / "logs", "INFO", secrets=[DEMO_SIGN_KEY])  # as the app does

    load_at_start = load_average()
    started = time.monotonic()
    rows: list[Row] = []
    remarks: list[str] = []
    failed = False
    for number in wanted:
        began = time.monotonic()
        print(f"[{NAMES[number]}] ...", flush=True)
        try:
            module = importlib.import_module(BENCHES[number])
            got = module.run(ctx)
            remarks.append(f"**{NAMES[number]}**: {method(module)}")
            remarks += [f"{NAMES[number]}: {text}" for text in getattr(module, "REMARKS", ())]
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the rest
            failed = True
            traceback.print_exc()
            got = [Row(NAMES[number], "benchmark failed", "", note=f"{type(exc).__name__}: {exc}")]
        rows += got
        print(f"[{NAMES[number]}] done in {time.monotonic() - began:.1f} s", flush=True)
    seconds = time.monotonic() - started

    print()
    print(text_table(rows))
    info = machine_info(load_at_start)
    if args.note:
        info["note on this run"] = args.note
    command = "python -m benchmarks" + (" --quick" if args.quick else "") + (
        f" --only {args.only}" if args.only else "")
    output = args.output
    if output is None and not args.no_write and not args.quick and not args.only:
        output = RESULTS
    if output is not None and not args.no_write:
        output.write_text(markdown(rows, info=info, quick=args.quick, seconds=seconds,
                                   command=command, remarks=remarks), encoding="utf-8")
        print(f"\nwrote {output}")
    if args.json is not None:
        args.json.write_text(json.dumps({"machine": info, "quick": args.quick,
                                         "seconds": seconds,
                                         "rows": [row.to_dict() for row in rows]},
                                        indent=2, default=str), encoding="utf-8")
    print(f"total {seconds:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
