"""What every benchmark shares: a result row, robust statistics, timing and profiling helpers.

A row reports the median and the p10-p90 spread of its samples, never a mean: one page fault or
scheduler hiccup on a noisy machine must not move the figure. Each row may name a *baseline*
measured in the same run; the ratio to it is what compares across machines.
"""

from __future__ import annotations

import cProfile
import io
import math
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: Where benchmarks put generated journals, logs and scratch files (gitignored).
WORK_DIR = Path(__file__).resolve().parent / ".work"

STATUSES = ("met", "MISSED", "baseline", "info", "not measurable", "error")


@dataclass(frozen=True)
class Target:
    """A limit for a row: ``median <op> value`` (``kind="abs"``), ``ratio <op> value``, or
    ``p99 <op> value`` (a limit on the tail, e.g. a lag that must stay short nearly always)."""

    op: str  # "<", "<=", ">", ">="
    value: float
    kind: str = "abs"  # "abs": the median; "ratio": median / baseline median; "p99": the p99

    def __post_init__(self) -> None:
        if self.op not in ("<", "<=", ">", ">="):
            raise ValueError(f"unknown target operator {self.op!r}")
        if self.kind not in ("abs", "ratio", "p99"):
            raise ValueError(f"unknown target kind {self.kind!r}")

    def holds(self, figure: float) -> bool:
        return {
            "<": figure < self.value,
            "<=": figure <= self.value,
            ">": figure > self.value,
            ">=": figure >= self.value,
        }[self.op]

    def text(self, unit: str) -> str:
        if self.kind == "ratio":
            return f"{self.op} {self.value:g}x baseline"
        return f"{'p99 ' if self.kind == 'p99' else ''}{self.op} {self.value:g} {unit}"


@dataclass
class Row:
    """One measured figure (or a figure that could not be measured, with why in ``note``)."""

    bench: str  # "1 client overhead"
    name: str
    unit: str
    samples: list[float] = field(default_factory=list)
    target: Target | None = None
    baseline: Row | None = None
    is_baseline: bool = False
    note: str = ""
    measurable: bool = True

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else math.nan

    @property
    def p10(self) -> float:
        return percentile(self.samples, 10)

    @property
    def p90(self) -> float:
        return percentile(self.samples, 90)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.samples or not self.baseline.samples:
            return None
        base = self.baseline.median
        return self.median / base if base else None

    @property
    def status(self) -> str:
        if not self.measurable:
            return "not measurable"
        if not self.samples:
            return "error"
        if self.target is None:
            return "baseline" if self.is_baseline else "info"
        figure = self._figure()
        if figure is None:
            return "error"
        return "met" if self.target.holds(figure) else "MISSED"

    def _figure(self) -> float | None:
        """What the target limits: the median, the ratio to the baseline, or the p99."""
        kind = self.target.kind if self.target else "abs"
        return {"ratio": self.ratio, "p99": self.p99}.get(kind, self.median)

    @property
    def headroom_used(self) -> float | None:
        """For an upper-limit target, how much of the allowance is used (0.9 = 90 %): the figure
        over the limit, or for a ratio limit above 1x the excess over 1x over the allowed excess
        (1.25x of <= 1.3x uses 0.25 of 0.3)."""
        if self.target is None or self.target.op not in ("<", "<=") or not self.target.value:
            return None
        if self.target.kind == "ratio":
            if self.ratio is None or self.target.value <= 1:
                return None
            return max(0.0, (self.ratio - 1) / (self.target.value - 1))
        return self._figure() / self.target.value

    @property
    def target_text(self) -> str:
        return self.target.text(self.unit) if self.target else ""

    def to_dict(self) -> dict[str, object]:
        """A flat, JSON-ready summary (tests check these fields are well formed)."""
        return {
            "bench": self.bench,
            "name": self.name,
            "unit": self.unit,
            "n": self.n,
            "median": self.median,
            "p10": self.p10,
            "p90": self.p90,
            "baseline": self.baseline.name if self.baseline else None,
            "ratio": self.ratio,
            "target": self.target_text,
            "status": self.status,
            "note": self.note,
        }


def percentile(samples: list[float], pct: float) -> float:
    """Linear-interpolated percentile (same as ``numpy.percentile``'s default)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def time_calls(fn: Callable[[], object], n: int, *, warmup: int = 3,
               scale: float = 1000.0) -> list[float]:
    """Call ``fn`` ``warmup`` times unmeasured, then ``n`` times; durations x ``scale`` (ms)."""
    for _ in range(warmup):
        fn()
    out: list[float] = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * scale)
    return out


def interleaved(fns: dict[str, Callable[[], object]], n: int, *, warmup: int = 5,
                scale: float = 1000.0) -> dict[str, list[float]]:
    """Time several variants in alternation (ABCABC...), so drift hits them all alike."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    out: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(n):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            out[name].append((time.perf_counter() - started) * scale)
    return out


def hot_spots(fn: Callable[[], object], repeat: int = 20, top: int = 6) -> str:
    """Profile ``repeat`` calls of ``fn`` with cProfile; name the functions with most own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        for _ in range(repeat):
            fn()
    finally:
        profiler.disable()
    return describe_profile(profiler, top)


def describe_profile(profiler: cProfile.Profile, top: int = 6, *, per: int = 1,
                     skip: tuple[str, ...] = ()) -> str:
    """The ``top`` functions by own time; ``per``: divide times by this many repetitions;
    ``skip``: function names to leave out (e.g. an event loop's idle wait)."""
    stats = pstats.Stats(profiler, stream=io.StringIO())
    entries = sorted(((key, value) for key, value in stats.stats.items()
                      if not any(word in key[2] for word in skip)),
                     key=lambda item: item[1][2], reverse=True)  # tottime
    total = sum(item[1][2] for item in entries) or 1.0
    parts = []
    for (filename, line, func), (_cc, _nc, tottime, _ct, _callers) in entries[:top]:
        where = func if filename == "~" else f"{Path(filename).name}:{line} {func}"
        ms = 1000 * tottime / per
        parts.append(f"{where} {ms:.{0 if ms >= 10 else 1}f} ms ({100 * tottime / total:.0f}%)")
    return "; ".join(parts)


def rss_mb() -> float:
    """This process's resident memory now (MB), from /proc; peak RSS where /proc is missing."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
