"""``cashier gui`` as a real process: demo mode without credentials, clean exit on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.test_operators import assert_pin_only_hashed

ROOT = Path(__file__).resolve().parents[2]


def gui_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("CASHIER_CONFIG", None)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), PYTHONPATH=str(ROOT))
    return env


def test_gui_without_credentials_runs_the_demo_and_exits_cleanly(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "cashier.cli", "gui", "--exit-after", "0.5"],
        env=gui_env(tmp_path), capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "demo: simulator at http://127.0.0.1:" in done.stdout
    assert "Traceback" not in done.stderr
    demo = tmp_path / "data" / "cashier" / "demo"  # shared with the commands (cashier pay ...)
    assert (demo / "journal.sqlite3").exists()  # (simulator.json follows the first order)


def test_sigterm_closes_the_terminal_cleanly(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "cashier.cli", "gui", "--demo", "--language", "zh_CN"],
        env=gui_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=ROOT,
    )
    try:
        line = proc.stdout.readline()
        assert "cashier terminal running" in line
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_broken_settings_file_is_one_sentence_and_exit_2(tmp_path):
    broken = tmp_path / "cashier.toml"
    broken.write_text("[ottpay\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "cashier.cli", "--config", str(broken), "gui"],
        env=gui_env(tmp_path), capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    assert done.returncode == 2
    assert str(broken) in done.stderr and "Traceback" not in done.stderr


def operators_cli(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    config = tmp_path / "config" / "cashier.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.touch()
    return subprocess.run(
        [sys.executable, "-m", "cashier.cli", "--config", str(config), "operators", *args],
        env=gui_env(tmp_path), input=stdin, capture_output=True, text=True, timeout=60,
        cwd=ROOT,
    )


def test_operators_are_added_listed_and_removed_without_showing_pins(tmp_path):
    added = operators_cli(tmp_path, "add", "Li Na", "0000020156", "--manager", "--pin-stdin",
                          "--json", stdin="482913\n")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["added"] == {"name": "Li Na", "operator_id": "0000020156",
                                                 "role": "manager"}
    assert_pin_only_hashed(tmp_path / "config" / "operators.json", "Li Na", "482913")
    listed = operators_cli(tmp_path, "list")
    assert "Li Na\tmanager\t0000020156" in listed.stdout
    assert "scrypt" not in listed.stdout
    bad = operators_cli(tmp_path, "add", "Bo", "12", "--pin-stdin", stdin="1234\n")
    assert bad.returncode == 2 and "10 digits" in bad.stderr
    assert operators_cli(tmp_path, "remove", "Li Na").returncode == 0
    assert "No operators yet." in operators_cli(tmp_path, "list").stdout


def test_app_icon_renders(qapp):
    from PySide6.QtGui import QIcon

    from cashier.ui.launch import ICON

    image = QIcon(str(ICON)).pixmap(64, 64).toImage()
    assert not image.isNull()
    assert image.pixelColor(32, 4).name() == "#1565c0"
