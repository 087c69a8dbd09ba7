"""Build the PyInstaller bundle and run the frozen program: does the shipped thing work?

Slow (a full build), so it runs only when asked:

    CASHIER_BUILD_SMOKE=1 QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q \
        tests/installer/test_frozen_smoke.py

It builds with installer/build.sh into a temporary folder (the tree's dist/ is left alone),
then runs the built executable from outside the source tree, so nothing can come from the
checkout: ``cashier self-check`` (one real payment against the embedded simulator), the
terminal window offscreen in demo mode, and ``cashier support-bundle``.
"""

from __future__ import annotations

import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENABLED = os.environ.get("CASHIER_BUILD_SMOKE") == "1"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ENABLED, reason="builds the PyInstaller bundle (about a minute); "
                       "run with CASHIER_BUILD_SMOKE=1"),
    pytest.mark.timeout(1800),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/cashier built by installer/build.sh with the venv running the tests."""
    work = tmp_path_factory.mktemp("build")
    env = {**os.environ, "VENV": sys.prefix, "CASHIER_DIST": str(work / "dist"),
           "CASHIER_WORK": str(work / "work")}
    started = time.monotonic()
    done = subprocess.run(["bash", str(REPO / "installer" / "build.sh"), "--no-check"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=1700)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    print(f"\nfrozen build took {seconds:.0f} s")
    return work / "dist" / "cashier"


def frozen_env(tmp_path: Path) -> dict[str, str]:
    """A clean environment: offscreen Qt, platform dirs in tmp_path, no Python paths."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "XDG_", "CASHIER_"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(tmp_path / var.lower())
    return env


def run(bundle: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bundle / "cashier"), *args], cwd=tmp_path,
                          env=frozen_env(tmp_path), capture_output=True, text=True, timeout=120)


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


def test_frozen_self_check_passes(bundle: Path, tmp_path: Path) -> None:
    done = run(bundle, tmp_path, "self-check", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True
    steps = {s["name"]: s for s in report["steps"]}
    assert set(steps) == {"resources", "journal", "runtime", "payment", "receipt"}
    # The data came from the bundle, not from a source checkout.
    assert str(bundle / "_internal" / "resources") in steps["resources"]["detail"]


def test_frozen_terminal_starts_offscreen_in_chinese(bundle: Path, tmp_path: Path) -> None:
    helptext = run(bundle, tmp_path, "gui", "--help").stdout
    if "--self-check" in helptext:  # the terminal's own check, when the UI provides one
        done = run(bundle, tmp_path, "gui", "--demo", "--self-check")
        assert done.returncode == 0, done.stdout + done.stderr
        return
    process = subprocess.Popen([str(bundle / "cashier"), "gui", "--demo", "--language", "zh_CN"],
                               cwd=tmp_path,
                               env=frozen_env(tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(5)  # long enough to load Qt, its platform plugin and build the windows
        alive = process.poll() is None
    finally:
        process.terminate()
        try:
            out, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
    assert alive, f"the terminal exited at start-up ({process.returncode}): {out}{err}"
    assert "qt.qpa.plugin" not in err and "Traceback" not in err, err
    assert "no zh_CN translation" not in err, "the bundled catalogue was not found"


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
