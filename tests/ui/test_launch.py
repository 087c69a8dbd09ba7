"""Start-up of ``cashier gui`` / ``cashier demo``: self-check through the window, ready marker,
no-display message, and the log file (keys and payment codes masked)."""

from __future__ import annotations

import logging
import re
import subprocess
import sys

import pytest

from cashier.config import Config
from cashier.logsetup import start_logging, stop_logging
from cashier.simulator import DEMO_MERCHANT_PAYMENT_KEY, DEMO_SIGN_KEY, Scenario, demo_code
from cashier.ui.launch import display_problem
from cashier.ui.window_check import run_window_check
from cashier.wallets import mask_code
from tests.ui.helpers import key_amount
from tests.ui.test_gui_command import ROOT, gui_env


def cli(tmp_path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cashier.cli", *args],
                          env=env or gui_env(tmp_path), capture_output=True, text=True,
                          timeout=60, cwd=ROOT)


def test_gui_self_check_pays_through_the_window_and_exits_0(tmp_path):
    done = cli(tmp_path, "gui", "--demo", "--self-check")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for step in ("window", "sign-in", "amount", "payment", "receipt", "close"):
        assert any(line.startswith(f"ok {step}:") for line in lines), done.stdout
    assert re.search(r"ok payment: PAID \S+ with 1345\*+0000", done.stdout)
    assert lines[-1] == "self-check passed"
    assert not (tmp_path / "data" / "cashier" / "demo").exists()  # the user's demo data untouched
    assert done.stderr == ""  # Qt's warnings (propagateSizeHints...) go to the log, not here


def test_qt_warnings_go_to_the_log_file_and_not_to_stderr(qapp, tmp_path, capfd):
    from PySide6.QtCore import qWarning

    from cashier.logsetup import setup_logging
    from cashier.ui.launch import qt_application

    path = setup_logging(tmp_path / "log")
    try:
        qt_application()
        qWarning("This plugin does not support propagateSizeHints()")
    finally:
        stop_logging()
    assert "propagateSizeHints" not in capfd.readouterr().err
    assert "QtWarningMsg: This plugin does not support propagateSizeHints()" in path.read_text(
        encoding="utf-8")


def test_window_check_names_the_failing_step(qtbot, capsys, monkeypatch):
    import cashier.simulator

    real = cashier.simulator.demo_code
    monkeypatch.setattr(cashier.simulator, "demo_code",  # the customer's wallet declines
                        lambda scenario, *args: real(Scenario.DECLINED, *args))
    assert run_window_check(Config()) == 1
    out, err = capsys.readouterr()
    assert "ok amount:" in out and "ok payment" not in out
    assert err.startswith("self-check failed at payment: the window shows 'DECLINED'"), err


def test_help_documents_the_self_check_and_the_ready_marker(tmp_path):
    helptext = cli(tmp_path, "gui", "--help").stdout
    assert "--self-check" in helptext and "--print-ready" in helptext
    assert "CASHIER_STARTUP_PROBE=1" in helptext


@pytest.mark.parametrize("how", ["flag", "env"])
def test_ready_marker_is_printed_once_the_window_takes_input(tmp_path, how):
    env = gui_env(tmp_path)
    args = ["gui", "--demo", "--exit-after", "0.3"]
    if how == "flag":
        args.append("--print-ready")
    else:
        env["CASHIER_STARTUP_PROBE"] = "1"
    done = cli(tmp_path, *args, env=env)
    assert done.returncode == 0, done.stderr
    ready = [line for line in done.stdout.splitlines() if line.startswith("ready ")]
    assert len(ready) == 1, done.stdout
    assert re.fullmatch(r"ready \d+\.\d{3}", ready[0])
    assert 0.0 < float(ready[0].split()[1]) < 60.0


def test_without_the_marker_nothing_extra_is_printed(tmp_path):
    done = cli(tmp_path, "gui", "--demo", "--exit-after", "0.3")
    assert done.returncode == 0 and "ready" not in done.stdout


def test_display_problem_only_on_linux_without_any_display():
    assert "QT_QPA_PLATFORM=offscreen" in display_problem({}, "linux")
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "win32") is None


def test_demo_command_opens_the_demo_terminal(tmp_path):
    done = cli(tmp_path, "demo", "--exit-after", "0.3")
    assert done.returncode == 0, done.stderr
    assert "cashier terminal running (demo: simulator at http://127.0.0.1:" in done.stdout
    assert (tmp_path / "data" / "cashier" / "demo" / "journal.sqlite3").exists()


def test_demo_command_without_a_display_says_what_to_do(tmp_path):
    env = {k: v for k, v in gui_env(tmp_path).items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    done = cli(tmp_path, "demo", env=env)
    assert done.returncode == 2
    assert "QT_QPA_PLATFORM=offscreen" in done.stderr and "Traceback" not in done.stderr
    assert "cashier terminal running" not in done.stdout


def test_gui_logs_to_the_log_dir(tmp_path):
    env = gui_env(tmp_path) | {"CASHIER_LOG_DIR": str(tmp_path / "log")}
    done = cli(tmp_path, "gui", "--demo", "--exit-after", "0.3", env=env)
    assert done.returncode == 0, done.stderr
    assert "runtime open: demo" in (tmp_path / "log" / "cashier.log").read_text(encoding="utf-8")


def test_a_demo_sale_is_logged_with_the_code_masked(qtbot, make_terminal, tmp_path,
                                                    monkeypatch):
    monkeypatch.setenv("CASHIER_LOG_DIR", str(tmp_path / "log"))
    log_file = start_logging(Config(), demo=True)
    try:
        terminal = make_terminal()
        key_amount(qtbot, terminal, "3.21")
        code = demo_code(Scenario.INSTANT_SUCCESS)
        terminal.window.handle_scan(code)
        qtbot.waitUntil(lambda: terminal.window.state == "result", timeout=5000)
        assert terminal.window.sale.is_paid
        logging.getLogger("cashier.test").info("keys %s %s", DEMO_SIGN_KEY,
                                               DEMO_MERCHANT_PAYMENT_KEY)
    finally:
        stop_logging()
    assert log_file == tmp_path / "log" / "cashier.log"
    text = log_file.read_text(encoding="utf-8")
    assert f"scan {mask_code(code)}" in text
    assert code not in text
    assert "keys ******** ********" in text
    assert DEMO_SIGN_KEY not in text and DEMO_MERCHANT_PAYMENT_KEY not in text


@pytest.mark.parametrize("wanted", [False, True])
def test_demo_opens_the_customer_display_only_when_the_settings_ask(qtbot, tmp_path, wanted):
    from cashier.config import config_from_dict
    from cashier.ui.launch import open_terminal_window

    config = config_from_dict({"journal": {"path": str(tmp_path / "journal.sqlite3")},
                               "display": {"customer_display": wanted}},
                              source=tmp_path / "cashier.toml")
    terminal = open_terminal_window(config, demo=True)
    try:
        terminal.show()
        assert terminal.window.isVisible()
        shown = terminal.customer_display is not None and terminal.customer_display.isVisible()
        assert shown is wanted
    finally:
        terminal.close()
