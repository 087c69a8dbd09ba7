"""3. Start-up: `cashier gui --demo` (offscreen) to a window that takes input; core import time.

The same figure is taken from the frozen bundle (``dist/cashier/cashier``, built beforehand with
``installer/build.sh``), which is what a shop runs; without a bundle that row is not measured.

The target's figure is the command's own start-up probe: ``cashier gui --demo --print-ready``
prints ``ready <seconds since process start>`` (process start from /proc) once the window is
shown and the event loop has turned once. Cross-checks, with the parent's ``time.time()`` taken
just before ``Popen`` and the child's ``time.time()`` marks (so interpreter start, imports, the
embedded simulator, journal, engine and window construction are all inside):

- the ``ready`` line as seen by the parent;
- a probe process that queues a zero-delay ``QTimer`` and then runs the real command
  (``cashier.cli.main(["gui", "--demo"])``): when imports are done, when the main window is
  visible with the loop running, and when a real key press (``QTest.keyClick``) on the page shown
  first has been handled: a digit in the amount field (after the keyboard-wedge filter held it
  for its burst window, by design) or, on the PIN sign-in page, Enter opening the PIN pad;
- how long quitting takes (simulator, engine and threads stopped).

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
#: The one-folder program ``installer/build.sh`` makes (PyInstaller).
BUNDLE = ROOT / "dist" / "cashier" / ("cashier.exe" if os.name == "nt" else "cashier")


def probe_env(work: Path) -> dict[str, str]:
    """Offscreen, with settings, demo journal and temp files in ``work`` (never the user's)."""
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("CASHIER_CONFIG", None)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(work / "data"),
               XDG_CONFIG_HOME=str(work / "config"), XDG_STATE_HOME=str(work / "state"),
               XDG_CACHE_HOME=str(work / "cache"), TMPDIR=str(work / "tmp"),
               CASHIER_LOG_DIR=str(work / "logs"),
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


def ready_marker(ctx: Context, work: Path, program: list[str] | None = None,
                 ) -> tuple[float, float]:
    """The command's own start-up probe: ``cashier gui --demo --print-ready`` prints
    ``ready <seconds since process start>`` once the window is shown and the loop has turned.
    ``program``: how to run ``cashier`` (default: this Python, from the source tree).
    Returns (its figure, Popen -> that line as seen here), then stops it with SIGTERM."""
    started = time.perf_counter()
    command = (program or [ctx.python, "-m", "cashier"]) + ["gui", "--demo", "--print-ready"]
    proc = subprocess.Popen(command, cwd=ROOT, env=probe_env(work), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("ready "):
                seen = time.perf_counter() - started
                break
        else:
            raise RuntimeError("cashier gui --demo --print-ready printed no ready line")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        return float(line.split()[1]), seen
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
    bare, imported, shown, typed, exited, ready, seen = [], [], [], [], [], [], []
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
        own, here = ready_marker(ctx, work)
        ready.append(own)
        seen.append(here)
    python_floor, engine_import, ui_import = [], [], []
    for _ in range(imports):
        python_floor.append(fresh_process(ctx, "pass"))
        engine_import.append(fresh_process(ctx, "import cashier.payments.engine"))
        ui_import.append(fresh_process(ctx, "import cashier.ui.app"))

    base = Row(BENCH, "baseline: empty PySide6 QMainWindow shown, loop running", "s", bare,
               is_baseline=True)
    window = Row(BENCH, "cashier gui --demo --print-ready: process start -> `ready` (window "
                 "shown, loop turned)", "s", ready, Target("<", 1.5), base,
                 note="the command's own figure: seconds since the process started (/proc), "
                 "printed once the window is shown and the event loop has turned once")
    py = Row(BENCH, "baseline: python -c pass (fresh process)", "ms", python_floor,
             is_baseline=True)
    core = Row(BENCH, "python -c 'import cashier.payments.engine' (core)", "ms", engine_import,
               Target("<", 1500), py, note=import_hot_spots(ctx))
    ui = Row(BENCH, "python -c 'import cashier.ui.app' (core + PySide6 + widgets)", "ms",
             ui_import, baseline=py, note=import_hot_spots(ctx, "cashier.ui.app"))
    rows = [
        base,
        window,
        Row(BENCH, "  same, Popen -> the `ready` line read here", "s", seen, baseline=base),
        Row(BENCH, "  probe: process start -> imports done (cashier.cli, cashier.ui.launch)",
            "s", imported, baseline=base),
        Row(BENCH, "  probe: process start -> window visible, loop running", "s", shown,
            baseline=base),
        Row(BENCH, "  probe: ... -> first key press handled by the window", "s", typed,
            baseline=base, note="a real key press (QTest) on the page shown first: "
            + ("on the sign-in page Enter must open the PIN pad" if "signin" in pages else
               "a digit must appear in the amount field, after the wedge filter held it for "
               "its burst window")),
        Row(BENCH, "  probe: quit -> process exit (simulator, engine, threads stopped)", "s",
            exited),
        py,
        core,
        ui,
    ]
    rows.insert(2, _frozen_bundle(ctx, work, runs, base))
    # Close to its limit on a loaded machine either way: always say where the time goes.
    _t0, marks = run_probe(ctx, ["startup", "--profile"], work)
    window.note = ("hot spots of cashier.cli.main(['gui', '--demo']) after cashier.ui.launch "
                   "is imported (cProfile, own time; its lazy imports included): "
                   + str(marks["profile"]))
    return rows


def _frozen_bundle(ctx: Context, work: Path, runs: int, base: Row) -> Row:
    """What the shop installs: the frozen bundle's own ``ready`` figure, if one is built."""
    name = "frozen bundle: dist/cashier/cashier gui --demo --print-ready -> `ready`"
    if not BUNDLE.is_file():
        return Row(BENCH, name, "s", measurable=False,
                   note="no bundle at dist/cashier: build it first with installer/build.sh")
    built = time.strftime("%Y-%m-%d %H:%M", time.gmtime(BUNDLE.stat().st_mtime))
    samples = [ready_marker(ctx, work, [str(BUNDLE)])[0] for _ in range(runs)]
    return Row(BENCH, name, "s", samples, Target("<=", 1.0), base,
               note=f"the PyInstaller one-folder program built {built} UTC from this tree")
