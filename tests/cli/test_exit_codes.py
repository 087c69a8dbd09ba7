"""One exit-code rule for every command, and ``exit_code`` in every ``--json`` answer.

The table names every subcommand the parser knows (a new command without a row fails
``test_the_table_covers_every_command``). Rule: 0 success/paid, 1 declined or failed (also a
receipt, report or test page that did not print), 2 bad input or settings found before anything
was done, 3 still pending when the wait ended, 4 gateway or network error on a non-payment
operation.
"""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import OPERATOR, WECHAT, Cli, leaf_commands

#: (command words, more arguments, expected exit code, settings: "sim" = a running simulator,
#: "dead" = a gateway that does not answer, "broken" = a settings file that does not load)
ROWS: list[tuple[str, tuple[str, ...], int, str]] = [
    ("pay", ("1", "--code", WECHAT + "0000"), 0, "sim"),
    ("pay", ("1", "--code", WECHAT + "3333"), 1, "sim"),
    ("pay", ("1.001", "--code", WECHAT + "0000"), 2, "sim"),
    ("qr", ("1", "--wallet", "alipay", "--wait", "0.2"), 3, "sim"),
    ("link", ("0",), 2, "sim"),
    ("status", ("NOSUCHORDER",), 2, "sim"),
    ("status", ("NOSUCHORDER",), 4, "dead"),
    ("refund", ("NOSUCHORDER",), 2, "sim"),
    ("refund-release", ("NOSUCHREFUND",), 2, "sim"),  # no --yes: refused with the warning
    ("recover", ("--wait", "1"), 0, "sim"),
    ("late", (), 0, "sim"),
    ("history", (), 0, "sim"),
    ("report", ("--x",), 0, "sim"),
    ("report", ("--z", "--print"), 2, "sim"),  # no printer: refused before the day is closed
    ("receipt", ("NOSUCHORDER",), 2, "sim"),
    ("rate", ("CAD",), 0, "sim"),
    ("rate", ("CAD",), 4, "dead"),
    ("journal show", (), 0, "sim"),
    ("journal new", (), 0, "sim"),
    ("config show", (), 0, "sim"),
    ("config show", (), 2, "broken"),
    ("config set-key", ("--merchant-id", "Q1"), 2, "sim"),
    ("config set-store-password", (), 2, "sim"),  # no [store] database_url
    ("operators list", (), 0, "sim"),
    ("operators add", ("Ann", OPERATOR, "--pin-stdin"), 0, "sim"),
    ("operators remove", ("Nobody",), 2, "sim"),
    ("simulator", ("--port", "BUSY"), 2, "sim"),
    ("scan-test", ("--port", "loop://", "--seconds", "0.1"), 0, "sim"),
    ("print-test", ("--output", "OUT"), 0, "sim"),
    ("print-test", ("--printer-kind", "network", "--address", "DEAD", "--timeout", "0.5"), 1,
     "sim"),
    ("gui", (), 2, "broken"),
    ("demo", (), 2, "broken"),
    ("self-check", ("--timeout", "0"), 2, "sim"),
    ("support-bundle", ("--output", "OUT.zip"), 0, "sim"),
    # No [store] section here: refused with one sentence (tests/store runs them for real).
    ("store status", (), 2, "sim"),
    ("store sync", (), 2, "sim"),
    ("store history", (), 2, "sim"),
    ("store report", ("--z",), 2, "sim"),
]

#: Commands that report events as they happen (one JSON object each) before their result.
STREAMING = {"scan-test"}


def test_the_table_covers_every_command():
    assert leaf_commands() == {command for command, *_ in ROWS}
    assert {code for _, _, code, _ in ROWS} == {0, 1, 2, 3, 4}


def _listening_socket() -> socket.socket:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    return busy


@pytest.mark.parametrize(("command", "more", "expected", "settings"), ROWS,
                         ids=[f"{row[0]}-{row[2]}" for row in ROWS])
def test_every_command_exits_by_the_one_rule_with_exit_code_in_its_json(
        command: str, more: tuple[str, ...], expected: int, settings: str, make_cli: Any,
        sim: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cashier: Cli = make_cli(sim)
    text = cashier.config.read_text(encoding="utf-8")
    if settings == "dead":
        dead = _listening_socket()  # listening, never answering: connect works, reads time out
        cashier.config.write_text(text.replace(sim.url, f"http://127.0.0.1:{dead.getsockname()[1]}"
                                               "/processV2"), encoding="utf-8")
    elif settings == "broken":
        cashier.config.write_text(text + "\n[printer]\nwidth = 76\n", encoding="utf-8")
    closed = _listening_socket()
    closed_port = closed.getsockname()[1]
    closed.close()  # nothing listens there now: connections are refused
    busy = _listening_socket()
    replacements = {"BUSY": str(busy.getsockname()[1]), "OUT": str(tmp_path / "out.bin"),
                    "OUT.zip": str(tmp_path / "bundle.zip"), "DEAD": f"127.0.0.1:{closed_port}"}
    args = [replacements.get(arg, arg) for arg in more]
    monkeypatch.setattr("sys.stdin", io.StringIO("1234\n"))
    try:
        result = cashier(*command.split(), *args, "--json")
    finally:
        busy.close()
        if settings == "dead":
            dead.close()
    assert result.code == expected, (result.out, result.err)
    lines = [json.loads(line) for line in result.out.splitlines() if line.strip()]
    assert lines and all(isinstance(line, dict) for line in lines), result.out
    if command not in STREAMING:
        assert len(lines) == 1, result.out
    assert lines[-1]["exit_code"] == expected
