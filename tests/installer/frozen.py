"""Build the PyInstaller bundle once per test session and run the frozen program cleanly.

The build is slow (about a minute), so it happens only with CASHIER_BUILD_SMOKE=1; the tests that
need it (the frozen smoke test, the Debian package test) share the one ``bundle`` fixture.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENABLED = os.environ.get("CASHIER_BUILD_SMOKE") == "1"
WHY_SKIPPED = "builds the PyInstaller bundle (about a minute); run with CASHIER_BUILD_SMOKE=1"


def chinese_font_installed() -> bool:
    """Whether fontconfig knows a font for Simplified Chinese (the Chinese self-check needs one)."""
    return bool(shutil.which("fc-list")) and bool(subprocess.run(
        ["fc-list", ":lang=zh-cn"], capture_output=True, text=True, timeout=60).stdout.strip())


def build_bundle(work: Path) -> Path:
    """dist/cashier built by installer/build.sh in ``work`` with the venv running the tests."""
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


def run_frozen(program: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``program`` (the frozen ``cashier``) with ``args`` in the clean environment."""
    return subprocess.run([str(program), *args], cwd=tmp_path, env=frozen_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
