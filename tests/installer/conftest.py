"""The installer tests: fast checks of the packaging files, and the slow frozen-build smoke test."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: builds the PyInstaller bundle (minutes); needs CASHIER_BUILD_SMOKE=1")
