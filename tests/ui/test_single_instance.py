"""One terminal per journal: a second launch forwards and exits; money commands refuse while it
runs, read-only ones keep working. Real ``cashier`` subprocesses against a terminal built in the
test process, one journal file, the simulator in the test process counting requests."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from cashier.config import load_config
from cashier.runtime import journal_path_for
from cashier.ui.app import Terminal
from cashier.ui.single_instance import InstanceServer
from tests.cli.conftest import LONG_WAIT, WECHAT, Cli, settings_text

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="subprocess terminals: POSIX")


@pytest.fixture
def cli(tmp_path: Path, capsys, sim) -> Cli:
    path = tmp_path / "cashier.toml"
    path.write_text(settings_text(sim, tmp_path, **LONG_WAIT), encoding="utf-8")
    return Cli(path, tmp_path, capsys)


@pytest.fixture
def terminal(qtbot, cli: Cli):
    """The running terminal on the CLI's journal (real gateway client to the simulator); its
    sales keep asking the gateway longer than the test lasts."""
    config = load_config(cli.config)
    running = Terminal(config, demo=False, journal_path=journal_path_for(config, demo=False),
                       customer_display=False, wedge=False, cny_currency=None)
    qtbot.addWidget(running.window)
    yield running
    running.close()


def test_second_launch_brings_the_running_window_forward_and_exits(qtbot, cli):
    window = QWidget()
    qtbot.addWidget(window)
    config = load_config(cli.config)
    server = InstanceServer(journal_path_for(config, demo=False), window)
    try:
        with qtbot.waitSignal(server.came_forward, timeout=60_000):
            second = cli.popen("gui")
        out, err = second.communicate(timeout=60)
    finally:
        server.close()
    assert second.returncode == 0, err
    assert "already running" in out
    assert window.isVisible()


def test_second_launch_with_the_terminal_still_starting_says_so(terminal, cli, sim):
    # The terminal holds the journal's lease but is not listening yet (no InstanceServer).
    sim.gateway.config.confirm_after_queries = 10**9
    handle = terminal.engine.start_passive(500, WECHAT + "1111")
    result = cli.run("gui")
    assert result.code == 2
    assert f"already running (pid {os.getpid()})" in result.err
    sale = terminal.port.sale(handle.order_id)  # its start-up recovery never ran
    assert sale.state == "pending" and not sale.abandoned
    handle.cancel()


def test_money_commands_refuse_while_the_terminal_runs_a_live_sale(terminal, cli, sim):
    sim.gateway.config.confirm_after_queries = 10**9  # the customer is confirming on the phone
    handle = terminal.engine.start_passive(1234, WECHAT + "1111")
    order_id = handle.order_id
    refused = f"The terminal is running (pid {os.getpid()}) on this journal"
    for command in (["recover"], ["refund", order_id], ["pay", "1.00", "--code", WECHAT + "0000"],
                    ["qr", "1.00", "--wallet", "alipay"], ["link", "1.00"],
                    ["refund-release", "R1", "--yes"], ["late", "--keep", order_id],
                    ["report", "--z"], ["journal", "new", "--yes"]):
        result = cli.run(*command)
        assert result.code == 2, (command, result.err)
        assert refused in result.err, command
    assert cli.run("history").code == 0  # read-only commands keep working
    assert cli.run("report", "--x").code == 0
    shown = cli.run("status", order_id, "--json")
    assert shown.json()["sale"]["state"] == "pending"
    sale = terminal.port.sale(order_id)
    assert sale.state == "pending" and not sale.abandoned

    sim.gateway.config.confirm_after_queries = 0  # the customer confirms
    sale = handle.wait(30)
    assert sale.state == "paid" and not sale.late
    assert len(sim.requests(order_id=order_id, action="PASSIVEPAY")) == 1
    assert [r.action for r in sim.requests()
            if r.action in ("PASSIVEPAY", "ACTIVEPAY", "REFUND")] == ["PASSIVEPAY"]


def test_after_the_terminal_closes_the_commands_work_again(qtbot, cli):
    config = load_config(cli.config)
    first = Terminal(config, demo=False, journal_path=journal_path_for(config, demo=False),
                     customer_display=False, wedge=False, cny_currency=None)
    qtbot.addWidget(first.window)
    first.close()
    result = cli.run("recover", "--json")
    assert result.code == 0, result.err


def test_real_terminals_second_forwards_and_a_killed_one_does_not_block_the_next(tmp_path,
                                                                                 capsys):
    config = tmp_path / "cashier.toml"
    config.write_text(settings_text(None, tmp_path, credentials=False), encoding="utf-8")
    cli = Cli(config, tmp_path, capsys)
    first = cli.popen("gui", "--demo", "--exit-after", "120")
    try:
        assert "cashier terminal running" in first.stdout.readline()
        second = cli.run("gui", "--demo")
        assert second.code == 0, second.err
        assert "already running" in second.out
        assert first.poll() is None  # the first one goes on
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    # Its lease row and its local socket file are left behind: neither keeps the next one out.
    third = cli.run("gui", "--demo", "--exit-after", "1")
    assert third.code == 0, third.err
    assert "cashier terminal running" in third.out and "already running" not in third.out
