"""3. Start-up: `cashier gui --demo` (offscreen) to a window that takes input; core import time.

Clock: the parent takes ``time.time()`` just before ``Popen`` and the child reports
``time.time()`` marks, so interpreter start, imports, the embedded simulator, journal, engine and
window construction are all inside. Three figures for the terminal:

- *window shown, loop running*: a zero-delay ``QTimer`` the probe queues before running the real
  ``cashier gui --demo`` command (``cashier.cli.main``) fires once the event loop turns and finds
  the main window visible (it looks again each turn until it is). This is the target's figure.
- *first key press handled*: a real key press (``QTest.keyClick``) on the page shown first: a
  digit must land in the amount field (after the keyboard-wedge filter held it for its burst
  window, by design), or, if the terminal opens on its PIN sign-in page, Enter must open the PIN
  pad.
- *`cashier terminal running` line*: the command's own marker, read from a plain
  ``python -m cashier gui --demo`` with no probe at all (a cross-check on the probe).

Baseline: the same probe on an empty PySide6 ``QMainWindow`` (Qt's own floor). Import time:
``python -c "import cashier.payments.engine"`` vs ``python -c pass`` in fresh processes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from benchmarks.context import Context
from benchmarks.core import Row, Target

BENCH = "3 start-up"
ROOT = Path(__file__).resolve().parents[1]


def probe_env(work: Path) -> dict[str, str]:
    """Offscreen, with settings, demo journal and temp files in ``work`` (never the user's)."""
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("CASHIER_CONFIG", None)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(work / "data"),
               XDG_CONFIG_HOME=str(work / "config"), XDG_STATE_HOME=str(work / "state"),
               XDG_CACHE_HOME=str(work / "cache"), TMPDIR=str(work / "tmp"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    return env


def run_probe(ctx: Context, args: list[str], work: Path,
              timeout: float = 120) -> tuple[float, dict[str, object]]:
    """(parent's time.time() before Popen, the probe's PROBE json)."""
    started = time.time()
    done = subprocess.run([ctx.python, "-m", "benchmarks.gui_probe", *args], cwd=ROOT,
                          env=probe_env(work), capture_output=True, text=True, timeout=timeout)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("PROBE "):
            return started, json.loads(line[6:])
    raise RuntimeError(f"gui probe {args[0]} gave no result (exit {done.returncode}): "
                       f"{done.stderr.strip()[-800:]}")


def marker_line(ctx: Context, work: Path) -> float:
    """Seconds from Popen to the command's 'cashier terminal running' line, then SIGTERM."""
    started = time.perf_counter()
    proc = subprocess.Popen([ctx.python, "-m", "cashier", "gui", "--demo"], cwd=ROOT,
                            env=probe_env(work), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        seconds = time.perf_counter() - started
        if "cashier terminal running" not in line:
            raise RuntimeError(f"cashier gui --demo printed {line!r}")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        return seconds
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def fresh_process(ctx: Context, code: str) -> float:
    started = time.perf_counter()
    subprocess.run([ctx.python, "-c", code], cwd=ROOT, check=True,
                   env=probe_env(ctx.work / "startup"))
    return (time.perf_counter() - started) * 1000


def import_hot_spots(ctx: Context, module: str = "cashier.payments.engine") -> str:
    """Where ``import module`` spends its time (``python -X importtime``): the heaviest other
    packages (cumulative) and the heaviest of our own modules (self time)."""
    done = subprocess.run([ctx.python, "-X", "importtime", "-c", f"import {module}"],
                          cwd=ROOT, capture_output=True, text=True, check=True,
                          env=probe_env(ctx.work / "startup"))
    packages: dict[str, int] = {}
    own: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)", line)
        if not match:
            continue
        self_us, cumulative_us, name = int(match[1]), int(match[2]), match[3]
        top = name.split(".")[0]
        if top == "cashier":
            own.append((self_us, name))
        elif top not in ("encodings", "site", "builtins") and not top.startswith("_"):
            packages[top] = max(packages.get(top, 0), cumulative_us)
    heavy = sorted(packages.items(), key=lambda item: item[1], reverse=True)[:5]
    own.sort(reverse=True)
    return ("heaviest packages (cumulative): "
            + ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in heavy)
            + "; own modules (self): "
            + ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in own[:4]))


def run(ctx: Context) -> list[Row]:
    runs = 2 if ctx.quick else 7
    imports = 3 if ctx.quick else 15
    work = ctx.scratch("startup")
    bare, imported, shown, typed, exited, marker = [], [], [], [], [], []
    pages: set[str] = set()
    for _ in range(runs):
        t0, marks = run_probe(ctx, ["bare-qt"], work)
        bare.append(float(marks["shown"]) - t0)
        t0, marks = run_probe(ctx, ["startup"], work)
        if "error" in marks or marks.get("exit_code") != 0:
            raise RuntimeError(f"cashier gui --demo probe failed: {marks}")
        imported.append(float(marks["imported"]) - t0)
        pages.add(str(marks.get("page", "entry")))
        shown.append(float(marks["shown"]) - t0)
        typed.append(float(marks["key_landed"]) - t0)
        exited.append(float(marks["exited"]) - float(marks["key_landed"]))
        marker.append(marker_line(ctx, work))
    python_floor, engine_import, ui_import = [], [], []
    for _ in range(imports):
        python_floor.append(fresh_process(ctx, "pass"))
        engine_import.append(fresh_process(ctx, "import cashier.payments.engine"))
        ui_import.append(fresh_process(ctx, "import cashier.ui.app"))

    base = Row(BENCH, "baseline: empty PySide6 QMainWindow shown, loop running", "s", bare,
               is_baseline=True)
    window = Row(BENCH, "cashier gui --demo: process start -> window shown, loop running", "s",
                 shown, Target("<", 1.5), base)
    py = Row(BENCH, "baseline: python -c pass (fresh process)", "ms", python_floor,
             is_baseline=True)
    core = Row(BENCH, "python -c 'import cashier.payments.engine' (core)", "ms", engine_import,
               Target("<", 1500), py, note=import_hot_spots(ctx))
    ui = Row(BENCH, "python -c 'import cashier.ui.app' (core + PySide6 + widgets)", "ms",
             ui_import, baseline=py, note=import_hot_spots(ctx, "cashier.ui.app"))
    rows = [
        base,
        window,
        Row(BENCH, "  part: process start -> imports done (cashier.cli, cashier.ui.launch)",
            "s", imported, baseline=base),
        Row(BENCH, "  ... -> first key press handled by the window", "s", typed, baseline=base,
            note="a real key press (QTest) on the page shown first: "
            + ("on the sign-in page Enter must open the PIN pad" if "signin" in pages else
               "a digit must appear in the amount field, after the wedge filter held it for "
               "its burst window")),
        Row(BENCH, "  `cashier terminal running` line (no probe, plain command)", "s", marker,
            baseline=base),
        Row(BENCH, "  quit -> process exit (simulator, engine, threads stopped)", "s", exited),
        py,
        core,
        ui,
    ]
    # Close to its limit on a loaded machine either way: always say where the time goes.
    _t0, marks = run_probe(ctx, ["startup", "--profile"], work)
    window.note = ("hot spots of cashier.cli.main(['gui', '--demo']) after cashier.ui.launch "
                   "is imported (cProfile, own time; its lazy imports included): "
                   + str(marks["profile"]))
    return rows
