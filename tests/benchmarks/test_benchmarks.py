"""The benchmark suite keeps working: ``python -m benchmarks --quick`` runs every benchmark and
writes well-formed rows. Times are never asserted (benchmarks report; machines are noisy)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.core import STATUSES, Row, Target, percentile
from benchmarks.report import markdown, text_table

ROOT = Path(__file__).resolve().parents[2]
BENCHES = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}

pytestmark = pytest.mark.timeout(320)  # the module fixture runs the whole quick suite (~1 min)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output", str(out / "RESULTS.md"),
         "--json", str(out / "rows.json"), "--work", str(out / "work")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    return proc, out


def test_quick_run_finishes_and_reports_every_benchmark(quick_run):
    proc, out = quick_run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rows = json.loads((out / "rows.json").read_text())["rows"]
    assert {row["bench"].split()[0] for row in rows} == BENCHES
    assert "median" in proc.stdout and "status" in proc.stdout  # the printed table


def test_every_row_is_well_formed(quick_run):
    _proc, out = quick_run
    rows = json.loads((out / "rows.json").read_text())["rows"]
    assert rows
    for row in rows:
        assert row["status"] in STATUSES and row["status"] != "error", row
        if row["status"] == "not measurable":
            assert row["note"], row  # says why
            continue
        assert row["n"] > 0 and row["unit"], row
        assert all(math.isfinite(row[k]) for k in ("median", "p10", "p90")), row
        assert row["p10"] <= row["median"] <= row["p90"], row
        if row["baseline"] is not None:
            assert row["ratio"] is not None and row["ratio"] > 0, row
        if row["target"]:
            assert row["status"] in ("met", "MISSED"), row


def test_results_markdown_has_machine_table_and_findings(quick_run):
    _proc, out = quick_run
    text = (out / "RESULTS.md").read_text()
    for heading in ("## Machine", "## Results", "## Missed targets", "## Not measured"):
        assert heading in text
    assert "logical CPUs" in text and "python" in text
    assert "| # | measurement | n | median | p10-p90 |" in text


def test_percentile_interpolates_like_numpy():
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([5.0], 90) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 10) == pytest.approx(1.4)
    assert math.isnan(percentile([], 50))


def test_row_status_from_target_and_baseline():
    base = Row("1 x", "base", "ms", [1.0, 1.0, 1.0], is_baseline=True)
    fast = Row("1 x", "fast", "ms", [1.2, 1.2, 1.3], Target("<=", 1.3, "ratio"), base)
    slow = Row("1 x", "slow", "ms", [2.0, 2.0], Target("<=", 1.3, "ratio"), base)
    absolute = Row("1 x", "abs", "ms", [30.0], Target("<", 20))
    unmeasured = Row("3 x", "gui", "s", measurable=False, note="no UI yet")
    assert (base.status, fast.status, slow.status) == ("baseline", "met", "MISSED")
    assert absolute.status == "MISSED" and unmeasured.status == "not measurable"
    assert fast.ratio == pytest.approx(1.2)
    table = text_table([base, fast, slow, absolute, unmeasured])
    assert "MISSED" in table and "1.20x" in table
    text = markdown([base, slow, unmeasured], info={"cpu": "x"}, quick=True, seconds=1,
                    command="python -m benchmarks --quick")
    assert "**1 x: slow**" in text and "no UI yet" in text


def test_headroom_counts_the_allowed_excess_of_a_ratio_limit():
    base = Row("1 x", "base", "ms", [1.0], is_baseline=True)
    assert Row("1 x", "r", "ms", [1.25], Target("<=", 1.3, "ratio"), base).headroom_used == \
        pytest.approx(0.25 / 0.3)
    assert Row("1 x", "a", "ms", [10.0], Target("<", 20)).headroom_used == pytest.approx(0.5)
    assert Row("1 x", "rate", "/s", [5.0], Target(">=", 1)).headroom_used is None


def test_a_p99_target_judges_the_tail_not_the_median():
    lags = [0.1] * 98 + [3.0, 3.0]
    row = Row("10 x", "lag", "s", lags, Target("<", 2, "p99"))
    assert row.median == pytest.approx(0.1) and row.p99 > 2
    assert row.status == "MISSED" and row.target_text == "p99 < 2 s"
    assert Row("10 x", "lag", "s", [0.1] * 100, Target("<", 2, "p99")).status == "met"
    text = markdown([row], info={"cpu": "x"}, quick=True, seconds=1, command="c")
    assert f"p99 {row.p99:.2f} s, target p99 < 2 s" in text
