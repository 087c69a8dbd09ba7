"""The printed table and ``benchmarks/RESULTS.md``."""

from __future__ import annotations

import math
import os
import platform
import sys
import time
from collections.abc import Sequence

from benchmarks.core import Row

HEADERS = ("#", "measurement", "n", "median", "p10-p90", "baseline", "ratio", "target", "status")


def load_average() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it under cashier/."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                                capture_output=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", "cashier"], cwd=root,
                                 text=True, capture_output=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    if not changed:
        return f"commit {commit}, clean"
    return (f"commit {commit} plus {len(changed)} uncommitted file(s) under cashier/ "
            "(work in progress)")


def machine_info(load_at_start: str = "") -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import sqlite3

    from PySide6 import __version__ as pyside_version

    return {
        "date (UTC)": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "code": code_version(),
        "platform": platform.platform(),
        "cpu": f"{cpu}, {os.cpu_count()} logical CPUs",
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "sqlite": sqlite3.sqlite_version,
        "PySide6": pyside_version,
        "load average 1/5/15 min (start; end)": f"{load_at_start or '?'}; {load_average()}",
    }


def number(value: float) -> str:
    """Three significant figures, no exponent for everyday sizes."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def cells(row: Row) -> tuple[str, ...]:
    if not row.samples:
        return (row.bench.split()[0], row.name, "0", "-", "-", "-", "-", row.target_text,
                row.status)
    unit = row.unit
    ratio = row.ratio
    return (
        row.bench.split()[0],
        row.name,
        str(row.n),
        f"{number(row.median)} {unit}",
        f"{number(row.p10)}-{number(row.p90)}",
        "" if row.baseline is None else f"{number(row.baseline.median)} {row.baseline.unit}",
        "" if ratio is None else f"{ratio:.2f}x",
        row.target_text,
        row.status,
    )


def text_table(rows: Sequence[Row]) -> str:
    """A fixed-width table for the terminal."""
    body = [cells(row) for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h)
              for i, h in enumerate(HEADERS)]
    widths[1] = min(widths[1], 64)

    def line(values: Sequence[str]) -> str:
        return "  ".join(v[:w].ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(HEADERS), line(["-" * w for w in widths])]
    last_bench = None
    for row, values in zip(rows, body, strict=True):
        if last_bench is not None and row.bench != last_bench:
            out.append("")
        last_bench = row.bench
        out.append(line(values))
    return "\n".join(out)


def markdown_table(rows: Sequence[Row]) -> str:
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in rows:
        values = list(cells(row))
        if values[-1] == "MISSED":
            values[-1] = "**MISSED**"
        out.append("| " + " | ".join(v.replace("|", "/") for v in values) + " |")
    return "\n".join(out)


def markdown(rows: Sequence[Row], *, info: dict[str, str], quick: bool, seconds: float,
             command: str, remarks: Sequence[str] = ()) -> str:
    """The whole RESULTS.md: machine, table, notes per row, missed targets and their limits."""
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` ({'quick' if quick else 'full'} run, {seconds:.0f} s). "
        "Medians with the p10-p90 spread of n samples; *ratio* is the median over the median of "
        "the baseline row measured in the same run (compare ratios across machines, not raw "
        "times). Benchmarks report, they do not assert: a missed target is a finding.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- {key}: {value}" for key, value in info.items()]
    lines += ["", "## Results", "", markdown_table(rows), ""]
    missed = [row for row in rows if row.status == "MISSED"]
    unmeasured = [row for row in rows if row.status in ("not measurable", "error")]
    lines += ["## Missed targets", ""]
    if missed:
        for row in missed:
            figure = (f"p99 {number(row.p99)}" if row.target and row.target.kind == "p99"
                      else f"median {number(row.median)}")
            lines.append(f"- **{row.bench}: {row.name}** — {figure} "
                         f"{row.unit}, target {row.target_text}. {row.note}".rstrip())
    else:
        lines.append("None: every target was met in this run.")
    close = sorted((row for row in rows if row.status == "met" and (row.headroom_used or 0) >= 0.5),
                   key=lambda row: row.headroom_used or 0, reverse=True)
    lines += ["", "## Met, but closest to their limits", ""]
    if close:
        lines += [f"- {row.bench}: {row.name} — {100 * (row.headroom_used or 0):.0f} % of the "
                  f"allowance used ({row.target_text})" for row in close]
    else:
        lines.append("Every met target has at least half its limit to spare.")
    lines += ["", "## Not measured", ""]
    if unmeasured:
        for row in unmeasured:
            lines.append(f"- {row.bench}: {row.name} — {row.note or row.status}")
    else:
        lines.append("Everything listed was measured.")
    notes = [row for row in rows if row.note and row.status not in
             ("MISSED", "not measurable", "error")]
    lines += ["", "## Notes per row", ""]
    lines += [f"- {row.bench}: {row.name} — {row.note}" for row in notes] or ["None."]
    if remarks:
        lines += ["", "## How it was measured", ""]
        lines += [f"- {remark}" for remark in remarks]
    return "\n".join(lines) + "\n"
