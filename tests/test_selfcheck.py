"""cashier self-check: one real passive payment against the simulator, in a temporary folder."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cashier.cli import main
from cashier.config import Config
from cashier.journal import Journal, Sale
from cashier.printing import receipt_bytes_for_sale
from cashier.selfcheck import CheckFailed, check_receipt, resources_dir, run_self_check
from cashier.simulator import Scenario, demo_code

STEPS = ["resources", "journal", "runtime", "payment", "receipt"]
REPO = Path(__file__).resolve().parents[1]


def test_self_check_takes_one_real_payment_and_passes(tmp_path: Path) -> None:
    seen: list[str] = []
    report = run_self_check(work_dir=tmp_path, timeout=5.0,
                            on_step=lambda step: seen.append(step.name))
    assert report.ok, report.to_dict()
    assert [s.name for s in report.steps] == STEPS == seen
    with sqlite3.connect(tmp_path / "selfcheck-journal.sqlite3") as conn:
        rows = conn.execute("SELECT state, amount_cents, masked_code FROM sales").fetchall()
    assert len(rows) == 1
    state, amount, masked = rows[0]
    assert (state, amount) == ("paid", 100)
    assert "*" in masked and demo_code(Scenario.INSTANT_SUCCESS) not in masked


def test_missing_resources_fail_their_step_but_the_payment_still_runs(tmp_path: Path) -> None:
    report = run_self_check(work_dir=tmp_path / "work", resources=tmp_path / "nothing",
                            timeout=5.0)
    assert not report.ok
    by_name = {s.name: s for s in report.steps}
    assert not by_name["resources"].ok
    assert "sample settings missing" in by_name["resources"].detail
    assert all(by_name[name].ok for name in STEPS[1:])


def test_a_journal_that_cannot_open_fails_and_skips_what_needs_it(tmp_path: Path) -> None:
    (tmp_path / "selfcheck-journal.sqlite3").mkdir()  # a folder where the file should be
    report = run_self_check(work_dir=tmp_path, timeout=5.0)
    by_name = {s.name: s for s in report.steps}
    assert by_name["resources"].ok
    assert not by_name["journal"].ok and by_name["journal"].detail
    for name in ("runtime", "payment", "receipt"):
        assert not by_name[name].ok
        assert by_name[name].detail == "skipped: an earlier step failed"


def paid_sale(path: Path) -> Sale:
    """A sale journaled and marked paid, as the engine leaves it."""
    with Journal(path) as journal:
        journal.create_sale(order_id="261123ABC", mode="passive", wallet="WECHATPAY",
                            amount_cents=1234, masked_code="1345**********0000",
                            code_last4="0000", operator_id="0000000001")
        sale = journal.transition("261123ABC", "paid", from_states=("pending",))
    assert sale is not None
    return sale


def test_receipt_check_accepts_a_real_receipt_and_rejects_broken_bytes(tmp_path: Path) -> None:
    sale = paid_sale(tmp_path / "j.sqlite3")
    code = demo_code(Scenario.INSTANT_SUCCESS)
    data = receipt_bytes_for_sale(sale, Config())
    assert "ESC/POS" in check_receipt(data, sale, code)
    with pytest.raises(CheckFailed, match="paper cut"):
        check_receipt(data[: data.rindex(b"\x1dV")], sale, code)
    with pytest.raises(CheckFailed, match="ESC @"):
        check_receipt(data[2:], sale, code)
    with pytest.raises(CheckFailed, match="whole payment code"):
        cut = data.rindex(b"\x1dV")
        check_receipt(data[:cut] + code.encode() + data[cut:], sale, code)
    with pytest.raises(CheckFailed, match="amount"):
        check_receipt(data.replace(b"12.34", b"99.99"), sale, code)


def test_resources_are_found_in_the_source_tree() -> None:
    assert resources_dir() == REPO / "resources"
    assert (resources_dir() / "cashier.sample.toml").is_file()


def test_command_prints_json_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["self-check", "--json", "--timeout", "5"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is True
    assert [s["name"] for s in payload["steps"]] == STEPS


def test_command_rejects_a_bad_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["self-check", "--timeout", "0"]) == 2
    assert "--timeout" in capsys.readouterr().err


def test_command_fails_with_exit_1_when_a_step_fails(tmp_path: Path) -> None:
    """Run as installed (a subprocess) from a copy of the code whose resources are missing."""
    shutil.copytree(REPO / "cashier", tmp_path / "cashier",
                    ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "cashier", "self-check"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[FAIL] resources" in done.stdout
    assert "[ok  ] payment" in done.stdout
    assert "self-check FAILED" in done.stdout


def test_self_check_never_imports_qt() -> None:
    code = ("import sys; from cashier.cli import main; rc = main(['self-check']); "
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'; "
            "sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-check passed" in done.stdout
