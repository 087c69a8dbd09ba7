"""Leases: an open sale is taken over only once its owner is gone (real processes, real files)."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cashier.journal import Journal, TerminalRunningError

ROOT = Path(__file__).resolve().parents[2]

#: Another process that opens the journal, starts a sale (or claims the terminal), says so and
#: stays alive until its stdin closes.
OWNER_SCRIPT = """
import sys
from cashier.journal import Journal
journal = Journal(sys.argv[1])
if sys.argv[2] == "terminal":
    journal.claim_terminal()
else:
    journal.create_sale(order_id=sys.argv[2], mode="passive", wallet="WECHATPAY",
                        amount_cents=500)
print("ready", flush=True)
sys.stdin.read()
journal.close()
"""

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def owner_process(path: Path):
    """Start the owner script for ``what``; every process is ended after the test."""
    started: list[subprocess.Popen[str]] = []

    def start(what: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, "-c", OWNER_SCRIPT, str(path), what], cwd=ROOT,
                                text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        started.append(proc)
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def _sale(journal: Journal, order_id: str) -> None:
    journal.create_sale(order_id=order_id, mode="passive", wallet="WECHATPAY", amount_cents=500)


@posix_only
def test_live_owner_keeps_its_sale_and_a_killed_one_loses_it(path, owner_process):
    owner = owner_process("LIVE1")
    with Journal(path) as journal:
        assert journal.claim_open_sales() == []
        assert journal.require_sale("LIVE1").is_open  # untouched
        owner.send_signal(signal.SIGKILL)
        owner.communicate(timeout=10)
        [sale] = journal.claim_open_sales()
        assert sale.order_id == "LIVE1" and sale.owner == journal.leases.token


def test_owner_that_closed_its_journal_is_gone(path):
    with Journal(path) as first:
        _sale(first, "LEFT1")
    with Journal(path) as second:
        assert [s.order_id for s in second.claim_open_sales()] == ["LEFT1"]


def test_owner_the_system_cannot_ask_about_is_gone_once_silent_past_the_limit(path):
    quiet = dict(heartbeat_seconds=3600.0)  # no heartbeat of its own during the test
    with Journal(path, **quiet) as first, Journal(path, owner_stale_after=60.0) as second:
        _sale(first, "HUNG1")
        _move_lease(path, first.leases.token, host="another-host")
        assert second.claim_open_sales() == []
        _age_lease(path, first.leases.token, seconds=61.0)
        assert [s.order_id for s in second.claim_open_sales()] == ["HUNG1"]


def test_running_owner_keeps_its_sale_with_an_old_heartbeat(path):
    # Just after a suspend every heartbeat is old; the system says the owner still runs.
    with Journal(path, heartbeat_seconds=3600.0) as first, Journal(path) as second:
        _sale(first, "ASLEEP1")
        _age_lease(path, first.leases.token, seconds=3600.0)
        assert second.claim_open_sales() == []
        assert second.require_sale("ASLEEP1").owner == first.leases.token


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="start tokens need /proc")
def test_reused_process_id_is_not_mistaken_for_the_owner(path):
    with Journal(path) as first, Journal(path) as second:
        _sale(first, "REUSED1")
        with contextlib.closing(sqlite3.connect(path)) as raw, raw:  # same pid, other start
            raw.execute("UPDATE owners SET process_start = 'another-boot:1' WHERE token = ?",
                        (first.leases.token,))
        assert [s.order_id for s in second.claim_open_sales()] == ["REUSED1"]


def test_owner_taken_as_gone_registers_again_but_keeps_only_what_was_not_taken(path):
    with Journal(path, heartbeat_seconds=3600.0) as first, Journal(path) as second:
        _sale(first, "TAKEN1")
        _move_lease(path, first.leases.token, host="another-host")
        _age_lease(path, first.leases.token, seconds=3600)  # silent an hour
        assert [s.order_id for s in second.claim_open_sales()] == ["TAKEN1"]
        first.leases.beat()  # it wakes up
        _sale(first, "MINE2")
        assert second.claim_open_sales() == [second.require_sale("TAKEN1")]
        assert first.claim_open_sales() == [first.require_sale("MINE2")]


def test_one_sale_is_claimed_only_from_a_gone_owner(path):
    with Journal(path) as first, Journal(path) as second:
        _sale(first, "ONE1")
        assert first.claim_sale("ONE1") and not second.claim_sale("ONE1")
        assert not second.claim_sale("NOSUCH")
    with Journal(path) as third:
        assert third.claim_sale("ONE1")
        assert third.require_sale("ONE1").owner == third.leases.token


def test_refunds_are_claimed_like_sales(path):
    with Journal(path) as first, Journal(path) as second:
        _sale(first, "PAID1")
        first.transition("PAID1", "paid", from_states=["pending"])
        first.create_refund(refund_id="R1", sale_order_id="PAID1", amount_cents=100)
        assert second.claim_open_refunds() == []
    with Journal(path) as third:
        assert [r.refund_id for r in third.claim_open_refunds()] == ["R1"]


@posix_only
def test_one_terminal_per_journal_and_a_killed_one_is_replaced(path, owner_process):
    terminal = owner_process("terminal")
    with Journal(path) as journal:
        assert journal.running_terminal().pid == terminal.pid
        with pytest.raises(TerminalRunningError, match=f"pid {terminal.pid}"):
            journal.claim_terminal()
        terminal.send_signal(signal.SIGKILL)
        terminal.communicate(timeout=10)
        assert journal.running_terminal() is None
        journal.claim_terminal()
        with Journal(path) as other:
            assert other.running_terminal().pid == os.getpid()
    with Journal(path) as later:  # closed cleanly: no terminal any more
        assert later.running_terminal() is None


def _move_lease(path: Path, token: str, *, host: str) -> None:
    """Make the lease look like another host's: only its heartbeat can tell."""
    with contextlib.closing(sqlite3.connect(path)) as raw, raw:
        raw.execute("UPDATE owners SET host = ? WHERE token = ?", (host, token))


def _age_lease(path: Path, token: str, *, seconds: float) -> None:
    with contextlib.closing(sqlite3.connect(path)) as raw, raw:
        raw.execute("UPDATE owners SET heartbeat_at = heartbeat_at - ? WHERE token = ?",
                    (seconds, token))
