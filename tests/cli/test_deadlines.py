"""Every command that waits on the gateway ends within its limit, whatever the gateway does.

A proxy between the command and the simulator drips answers one byte every 0.2 s (never tripping
the 0.5 s read timeout; a whole answer would take over a minute) or stalls them. Each command
must end (bounds here are generous: they prove "bounded", not "fast"), call what it could not
confirm unknown or pending, and never send a payment or refund twice: counts are taken where the
gateway sees them. The settings: request limit 0.5 + 0.5 s, passive wait 1 s, QR wait 2 s.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from tests.cli.conftest import WECHAT, Cli
from tests.faults import Drip, FaultProxy, Hold, Stall

DRIP = Drip(interval=0.2)
BOUND = 30.0
EXIT_PENDING = 3


@pytest.fixture
def slow_cashier(proxy: FaultProxy, make_cli: Callable[..., Cli]) -> Cli:
    """``cashier`` whose gateway is the proxy in front of the simulator."""
    return make_cli(SimpleNamespace(url=proxy.url))


def run_bounded(cli: Cli, *args: str):
    started = time.monotonic()
    result = cli.run(*args, timeout=BOUND + 30)
    assert time.monotonic() - started < BOUND, (result.out, result.err)
    return result


def paid_sale(cli: Cli) -> str:
    result = cli("pay", "4", "--code", WECHAT + "0000", "--json")
    assert result.code == 0, result.err
    return result.json()["sale"]["order_id"]


def test_pay_with_a_dripping_gateway_ends_unknown_and_is_never_resent(slow_cashier, proxy,
                                                                       sim):
    proxy.on("*", DRIP)
    result = run_bounded(slow_cashier, "pay", "12", "--code", WECHAT + "0000", "--json")
    assert result.code == EXIT_PENDING, result.err
    sale = result.json()["sale"]
    assert sale["state"] in ("unknown", "abandoned", "pending")
    assert proxy.forwarded["PASSIVEPAY"] == 1
    proxy.clear()
    recovered = slow_cashier("recover", "--json")  # in-process, the gateway healthy again
    assert recovered.json()["sales"][0]["state"] == "paid"
    assert proxy.forwarded["PASSIVEPAY"] == 1 and len(sim.requests(action="PASSIVEPAY")) == 1


def test_pay_in_process_with_a_stalled_gateway_ends(slow_cashier, proxy):
    proxy.on("*", Stall(answer=True))
    started = time.monotonic()
    result = slow_cashier("pay", "12", "--code", WECHAT + "0000", "--json")
    assert time.monotonic() - started < BOUND
    assert result.code == EXIT_PENDING
    assert proxy.forwarded["PASSIVEPAY"] == 1


def test_qr_with_a_dripping_gateway_ends_and_is_never_resent(slow_cashier, proxy):
    proxy.on("*", DRIP)
    result = run_bounded(slow_cashier, "qr", "3", "--wallet", "alipay", "--wait", "2", "--json")
    assert result.code == EXIT_PENDING, result.err
    assert proxy.forwarded["ACTIVEPAY"] == 1


def test_refund_with_a_dripping_gateway_ends_unknown_and_is_never_resent(slow_cashier, proxy):
    order_id = paid_sale(slow_cashier)
    proxy.on("*", DRIP)
    result = run_bounded(slow_cashier, "refund", order_id, "--json")
    assert result.code == EXIT_PENDING, result.err
    assert result.json()["refund"]["state"] == "unknown"
    assert proxy.forwarded["REFUND"] == 1
    proxy.clear()
    assert slow_cashier("recover", "--json").json()["open_refunds"] == []  # confirmed now
    assert proxy.forwarded["REFUND"] == 1


def test_recover_wait_with_a_dripping_gateway_ends(slow_cashier, proxy):
    proxy.on("PASSIVEPAY", Hold())  # never reaches the gateway: "not found", still open
    for _ in range(3):  # three sales left open
        assert slow_cashier("pay", "2", "--code", WECHAT + "0000").code == EXIT_PENDING
    proxy.clear()
    proxy.on("*", DRIP)
    result = run_bounded(slow_cashier, "recover", "--wait", "2", "--json")
    assert result.code == EXIT_PENDING, result.err
    assert proxy.forwarded["PASSIVEPAY"] == 0 and proxy.forwarded["REFUND"] == 0


def test_qr_ends_in_time_with_20_idle_connections_to_its_callback_receiver(sim, make_cli):
    with socket.socket() as probe:  # a free port for the receiver, so the test can reach it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cli = make_cli(sim)
    cli.config.write_text(cli.config.read_text().replace('"127.0.0.1:0"', f'"127.0.0.1:{port}"'))
    started = time.monotonic()
    proc = cli.popen("qr", "3", "--wallet", "alipay", "--wait", "4", "--json")
    idle: list[socket.socket] = []
    try:
        while not idle:  # the receiver listens before the order is created
            assert proc.poll() is None and time.monotonic() - started < BOUND, proc.stderr.read()
            try:
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=1.0))
            except OSError:
                time.sleep(0.05)
        idle += [socket.create_connection(("127.0.0.1", port)) for _ in range(19)]
        out, err = proc.communicate(timeout=BOUND + 30)
    finally:
        for sock in idle:
            sock.close()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert time.monotonic() - started < BOUND, err
    assert proc.returncode == EXIT_PENDING, err  # nobody paid: still open, not hung
