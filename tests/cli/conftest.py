"""The ``cashier`` command against a simulator in the test process: in-process and as subprocesses.

Each test writes a settings file in tmp_path whose endpoint is the simulator's URL, with short
timeouts and polls, and a journal in tmp_path.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cashier import cli
from cashier.journal import Journal
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
OPERATOR = "0000020156"
WECHAT = "13456789012345"  # + a four-digit scenario suffix
ALIPAY = "284567890123"

SIM_OPTIONS: dict[str, Any] = dict(confirm_after_queries=2, close_after_queries=3,
                                   slow_response_seconds=1.5, callback_retries=3,
                                   callback_retry_interval=0.05)


#: A sale that keeps asking the gateway (every 0.5-1 s, up to 1000 times, for 10 minutes) longer
#: than any test waits: the customer confirms when the test says so, never by the clock.
LONG_WAIT: dict[str, Any] = dict(poll_interval_seconds=0.5, max_queries_per_sale=1000,
                                 passive_timeout_seconds=600)


def settings_text(sim: Simulator | None, tmp_path: Path, *, credentials: bool = True,
                  extra: str = "", ottpay_extra: str = "", **payments: Any) -> str:
    """A settings file: endpoint = the simulator, short timeouts, journal in tmp_path;
    ``ottpay_extra`` lines go into ``[ottpay]``, ``extra`` at the end."""
    values = dict(poll_interval_seconds=0.05, passive_timeout_seconds=1.0,
                  active_timeout_seconds=2.0) | payments
    lines = ["[ottpay]"]
    if credentials and sim is not None:
        lines += [f'endpoint = "{sim.url}"', f'merchant_id = "{DEMO_MERCHANT_ID}"',
                  f'sign_key = "{DEMO_SIGN_KEY}"', f'operator_id = "{OPERATOR}"',
                  'callback_listen = "127.0.0.1:0"']
    lines += ["timeout_seconds = 0.5", "connect_timeout_seconds = 0.5", ottpay_extra, "",
              "[journal]", f'path = "{tmp_path / "journal.sqlite3"}"', "", "[payments]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n" + extra


def wait_for(condition: Callable[[], object], timeout: float = 20.0) -> object:
    """Poll ``condition`` until it is true; return its value (fail after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> dict[str, Any]:
        """The one JSON object on stdout (fails if there is anything else)."""
        lines = [line for line in self.out.splitlines() if line.strip()]
        assert len(lines) == 1, self.out
        return json.loads(lines[0])


@dataclass
class Cli:
    """Runs ``cashier`` with one settings file, in-process or as a real subprocess."""

    config: Path
    tmp_path: Path
    capsys: Any

    def __call__(self, *args: str) -> Result:
        """In-process: ``cli.main`` with the output captured."""
        self.capsys.readouterr()
        code = cli.main(["--config", str(self.config), *args])
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ, CASHIER_CONFIG=str(self.config),
                   CASHIER_LOG_DIR=str(self.tmp_path / "log"), **extra)
        env.pop("CASHIER_FAULT", None)
        env.update(extra)
        return env

    def popen(self, *args: str, **extra_env: str) -> subprocess.Popen[str]:
        """A real ``python -m cashier`` process (the settings file via $CASHIER_CONFIG)."""
        return subprocess.Popen([PYTHON, "-m", "cashier", *args], cwd=ROOT, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env(**extra_env))

    def run(self, *args: str, input: str = "", timeout: float = 60.0, **extra_env: str) -> Result:
        proc = self.popen(*args, **extra_env)
        out, err = proc.communicate(input, timeout=timeout)
        return Result(proc.returncode, out, err)

    def journal(self) -> Journal:
        return Journal(self.tmp_path / "journal.sqlite3")


def leaf_commands(parser: argparse.ArgumentParser | None = None, prefix: str = "") -> set[str]:
    """Every runnable command the parser knows, e.g. ``{"pay", "config show", ...}``."""
    parser = parser or cli.build_parser()
    found: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= leaf_commands(sub, f"{prefix}{name} ")
    return found or {prefix.strip()}


@pytest.fixture(autouse=True)
def _log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASHIER_LOG_DIR", str(tmp_path / "log"))
    monkeypatch.delenv("CASHIER_CONFIG", raising=False)
    monkeypatch.delenv("CASHIER_FAULT", raising=False)


@pytest.fixture
def sim() -> Iterator[Simulator]:
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY, **SIM_OPTIONS) as simulator:
        yield simulator


@pytest.fixture
def make_cli(tmp_path: Path, capsys: Any) -> Callable[..., Cli]:
    def make(sim: Simulator | None, *, name: str = "cashier.toml", **kwargs: Any) -> Cli:
        path = tmp_path / name
        path.write_text(settings_text(sim, tmp_path, **kwargs), encoding="utf-8")
        return Cli(path, tmp_path, capsys)

    return make


@pytest.fixture
def cashier(sim: Simulator, make_cli: Callable[..., Cli]) -> Cli:
    return make_cli(sim)
