"""Build the PyInstaller bundle and run the frozen program: does the shipped thing work?

Slow (a full build), so it runs only when asked:

    CASHIER_BUILD_SMOKE=1 QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q \
        tests/installer/test_frozen_smoke.py

It builds with installer/build.sh into a temporary folder (the tree's dist/ is left alone),
then runs the built executable from outside the source tree, so nothing can come from the
checkout: ``cashier self-check`` (one real payment against the embedded simulator), the
terminal window's self-check offscreen in Chinese, and ``cashier support-bundle``. The bundle
is shared with the Debian package test (tests/installer/frozen.py).
"""

from __future__ import annotations

import ctypes.util
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.installer.frozen import (
    ENABLED,
    WHY_SKIPPED,
    chinese_font_installed,
    frozen_env,
    run_frozen,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ENABLED, reason=WHY_SKIPPED),
    pytest.mark.timeout(1800),
]


def run(bundle: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_frozen(bundle / "cashier", tmp_path, *args)


def test_bundle_holds_what_the_app_loads_and_not_the_excluded_qt(bundle: Path) -> None:
    internal = bundle / "_internal"
    plugins = internal / "PySide6" / "Qt" / "plugins" / "platforms"
    assert (plugins / "libqoffscreen.so").is_file() and (plugins / "libqxcb.so").is_file()
    # The window icon is an SVG: Qt needs its SVG icon engine and image plugin.
    qt_plugins = plugins.parent
    assert (qt_plugins / "iconengines" / "libqsvgicon.so").is_file()
    assert (qt_plugins / "imageformats" / "libqsvg.so").is_file()
    assert (internal / "resources" / "icons" / "cashier.svg").is_file()
    assert (internal / "escpos" / "capabilities.json").is_file()
    assert list((internal / "resources" / "translations").glob("*.qm"))
    assert (internal / "resources" / "icons" / "cashier.png").is_file()
    assert (internal / "resources" / "cashier.sample.toml").is_file()
    qt_translations = internal / "PySide6" / "Qt" / "translations"
    assert sorted(p.name for p in qt_translations.glob("qtbase_*.qm")) == ["qtbase_zh_CN.qm"]
    names = [p.name for p in internal.rglob("*")]
    # USB receipt printers: libusb when the build machine has it (else the system's is used).
    if ctypes.util.find_library("usb-1.0"):
        assert [n for n in names if n.startswith("libusb-1.0")], "libusb was not bundled"
    for unused in ("WebEngine", "Qt63D", "Quick", "Qml", "Multimedia"):
        assert not [n for n in names if unused in n], f"{unused} was bundled"
    # Trimmed: what a counter never uses, and the libraries only those needed.
    for unused in ("libqeglfs.so", "libqlinuxfb.so", "libqvnc.so", "libqminimal.so",
                   "libqgtk3.so", "libqjpeg.so", "libqwebp.so", "libqtiff.so",
                   "libqopensslbackend.so", "libqnetworkmanager.so", "libpango-1.0.so.0",
                   "libcairo.so.2", "_avif.cpython-311-x86_64-linux-gnu.so",
                   "_webp.cpython-311-x86_64-linux-gnu.so"):
        assert unused not in names, f"{unused} was bundled"
    assert not list(internal.glob("yaml/_yaml*")) and not list(internal.glob("PIL/_webp*"))
    assert not [p for p in internal.rglob("*") if p.is_symlink() and not p.exists()]
    # Kept: the desktop platforms, the SVG icon plugin, TLS for requests, Pillow's core, and
    # QtNetwork's local socket (one terminal per journal).
    assert (plugins / "libqwayland.so").is_file()
    for needed in ("libssl.so.3", "libQt6XcbQpa.so.6", "libQt6DBus.so.6", "libQt6Network.so.6",
                   "QtNetwork.abi3.so"):
        assert needed in names, f"{needed} is missing"
    assert list(internal.glob("PIL/_imaging.*"))


def test_frozen_self_check_passes(bundle: Path, tmp_path: Path) -> None:
    done = run(bundle, tmp_path, "self-check", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True
    steps = {s["name"]: s for s in report["steps"]}
    assert set(steps) == {"resources", "journal", "runtime", "payment", "receipt"}
    # The data came from the bundle, not from a source checkout.
    assert str(bundle / "_internal" / "resources") in steps["resources"]["detail"]


def test_frozen_terminal_pays_through_the_window_in_chinese(bundle: Path, tmp_path: Path) -> None:
    """The window self-check in Chinese: it fails if no installed font draws the characters."""
    if not chinese_font_installed():
        pytest.skip("no Chinese font installed (apt install fonts-wqy-microhei)")
    done = run(bundle, tmp_path, "gui", "--demo", "--self-check", "--language", "zh_CN")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok fonts:" in done.stdout and "ok payment:" in done.stdout


def test_frozen_terminal_draws_on_x11(bundle: Path, tmp_path: Path) -> None:
    """The xcb platform plugin (what a Linux desktop uses) loads and paints the windows."""
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        pytest.skip("xvfb-run is not installed (apt install xvfb)")
    env = {**frozen_env(tmp_path), "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run([xvfb, "-a", str(bundle / "cashier"), "gui", "--screenshots",
                           str(tmp_path / "shots")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    shots = list((tmp_path / "shots").glob("*.png"))
    assert shots and all(p.stat().st_size > 5000 for p in shots)


def test_frozen_usb_printing_has_pyusb(bundle: Path, tmp_path: Path) -> None:
    """No printer is attached: the job fails, but not for want of pyusb in the bundle."""
    done = run(bundle, tmp_path, "print-test", "--printer-kind", "usb", "--address", "04b8:0202",
               "--json")
    assert done.returncode != 0
    error = json.loads(done.stdout)["error"]
    assert "pyusb" not in error and error


def test_frozen_support_bundle_reports_the_frozen_versions(bundle: Path, tmp_path: Path) -> None:
    output = tmp_path / "support.zip"
    done = run(bundle, tmp_path, "support-bundle", "--output", str(output))
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(output) as archive:
        versions = json.loads(archive.read("version.json"))
    assert versions["frozen"] is True
    assert versions["packages"]["PySide6-Essentials"] and versions["packages"]["python-escpos"]


def test_frozen_program_keeps_stderr_for_what_the_user_needs_to_read(bundle: Path,
                                                                      tmp_path: Path) -> None:
    """No raw log records (INFO:cashier.runtime:...) and no Qt plugin notes on stderr."""
    window = run(bundle, tmp_path, "gui", "--demo", "--self-check")
    assert window.returncode == 0, window.stdout + window.stderr
    assert window.stderr == ""
    paid = run(bundle, tmp_path, "pay", "1", "--code", "134567890123450000")
    assert paid.returncode == 0, paid.stdout + paid.stderr
    assert "INFO" not in paid.stderr and "cashier.runtime" not in paid.stderr
    notes = paid.stderr.splitlines()  # the demo-mode note and what is being charged, only
    assert len(notes) == 2 and notes[0].startswith("cashier: demo mode")
    assert notes[1] == "Charging 1.00 to WeChat Pay (1345**********0000)..."
