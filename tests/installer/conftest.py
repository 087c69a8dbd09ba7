"""The installer tests: fast checks of the packaging files, and the slow frozen-build tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.installer.frozen import ENABLED, WHY_SKIPPED, build_bundle


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: builds the PyInstaller bundle (minutes); needs CASHIER_BUILD_SMOKE=1")


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built dist/cashier folder, built once for every test that needs it."""
    if not ENABLED:
        pytest.skip(WHY_SKIPPED)
    return build_bundle(tmp_path_factory.mktemp("build"))
