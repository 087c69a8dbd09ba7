"""Run the tests N times in a row and name every failure: the proof that the gate is not random.

    python -m tests.soak --runs 10                      # the whole suite, ten times
    python -m tests.soak --runs 30 --load 2 tests/ui    # the UI tests under a busy loop per core
    make soak RUNS=10                                   # the same through make

Each run is a fresh ``python -m pytest`` (as ``make test`` runs it, without the lint and the
bundle build) with its output kept in ``--logs``. A run that fails lists its failing tests; a run
that dies (an abort, a segmentation fault, a hang past ``--timeout``) names the test that was
running. ``--load N`` keeps N busy-loop processes running meanwhile, since load is what makes
timing assumptions and races show. Exit status 1 if any run was not clean.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_NODE = re.compile(r"^(\S+\.py::\S+)")


@dataclass
class Run:
    number: int
    seconds: float
    returncode: int
    passed: int = 0
    failures: list[str] = field(default_factory=list)
    died_in: str | None = None

    @property
    def clean(self) -> bool:
        return self.returncode == 0 and not self.failures and self.died_in is None

    def line(self, runs: int) -> str:
        head = f"run {self.number}/{runs} ({self.seconds:.0f} s):"
        if self.died_in is not None:
            how = (f"killed by signal {-self.returncode}" if self.returncode < 0
                   else f"exit {self.returncode}")
            return f"{head} DIED ({how}) in {self.died_in}"
        if self.clean:
            return f"{head} {self.passed} passed"
        names = ", ".join(self.failures) or f"pytest exit {self.returncode}"
        return f"{head} FAILED {names}"


def _results(junit: Path) -> tuple[int, list[str]]:
    """(passed, failing test ids) from pytest's JUnit XML."""
    passed, failing = 0, []
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            failing.append(name)
        elif case.find("skipped") is None:
            passed += 1
    return passed, failing


def _last_test(log: Path) -> str:
    """The test that was running when the log stops (pytest -v names each test as it starts)."""
    last = "an unknown test (see the log)"
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _NODE.match(line)
        if match:
            last = match.group(1)
    return last


def run_once(number: int, paths: list[str], logs: Path, timeout: float) -> Run:
    junit, log = logs / f"run-{number}.xml", logs / f"run-{number}.log"
    junit.unlink(missing_ok=True)
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1"}
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-p", "no:randomly",
             f"--junitxml={junit}", *paths],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            returncode = process.wait()
    run = Run(number, time.monotonic() - started, returncode)
    if junit.exists() and returncode >= 0:
        run.passed, run.failures = _results(junit)
        if returncode not in (0, 1):  # pytest's own trouble: interrupted, internal error, usage
            run.failures = run.failures or [f"pytest exit {returncode} (see {log})"]
    else:
        run.died_in = _last_test(log)
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=["tests"], help="what pytest runs")
    parser.add_argument("--runs", type=int, default=10, help="how many runs in a row (10)")
    parser.add_argument("--load", type=int, default=0,
                        help="busy-loop processes to run meanwhile (0; one per core: os.cpu_count)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds one run may take before it counts as hung (1800)")
    parser.add_argument("--logs", type=Path, help="folder for each run's log (a new temp folder)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.load < 0:
        parser.error("--runs must be at least 1 and --load at least 0")
    logs = args.logs or Path(tempfile.mkdtemp(prefix="cashier-soak-"))
    logs.mkdir(parents=True, exist_ok=True)
    print(f"{args.runs} runs of pytest {' '.join(args.paths)}, load {args.load}; logs in {logs}",
          flush=True)
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(args.load)]
    results: list[Run] = []
    try:
        for number in range(1, args.runs + 1):
            results.append(run_once(number, args.paths, logs, args.timeout))
            print(results[-1].line(args.runs), flush=True)
    finally:
        for process in busy:
            process.kill()
            process.wait()
    bad = [run for run in results if not run.clean]
    print(f"{len(results)} runs: {len(results) - len(bad)} clean, {len(bad)} not", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
